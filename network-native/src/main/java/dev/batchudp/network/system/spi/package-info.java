/**
 * For platform modules: {@link dev.batchudp.network.system.spi.UdpSocketBackend} supplies the system
 * network's sockets.
 */
package dev.batchudp.network.system.spi;
