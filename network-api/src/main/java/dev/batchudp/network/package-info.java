/**
 * The network abstraction: {@link dev.batchudp.network.Network} hands out
 * {@link dev.batchudp.network.UdpConnection}s; {@link dev.batchudp.network.Networks} selects a provider
 * by name, system property or default.
 */
package dev.batchudp.network;
