/**
 * For implementers of networks: {@link dev.batchudp.network.spi.NetworkProvider}, discovered with
 * {@link java.util.ServiceLoader}.
 */
package dev.batchudp.network.spi;
