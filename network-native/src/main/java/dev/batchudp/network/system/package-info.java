/**
 * The host's network stack as a {@link dev.batchudp.network.Network}:
 * {@link dev.batchudp.network.system.SystemNetwork}, provided as {@code system} by
 * {@link dev.batchudp.network.system.SystemNetworkProvider}.
 *
 * <p>Sockets come from a backend ({@link dev.batchudp.network.system.spi.UdpSocketBackend}): the
 * built-in {@code jdk} backend uses {@link java.nio.channels.DatagramChannel} without reflection into
 * the JDK, so its {@code udp6} sockets are dual-stack (the JDK clears {@code IPV6_V6ONLY}); platform
 * modules may plug in faster backends that own their sockets.
 */
package dev.batchudp.network.system;
