package dev.batchudp.network;

/**
 * Optional behaviours a {@link Network} may have. Each constant says what happens without it.
 *
 * @since 0.1
 */
public enum NetworkFeature {
    /**
     * {@code udp6} connections are IPv6-only ({@code IPV6_V6ONLY=1}), so a {@code udp4} and a
     * {@code udp6} connection can be bound to the same port, as wireguard-go does.
     *
     * <p>Without it, {@code udp6} connections are dual-stack: they also carry IPv4 traffic (as
     * IPv4-mapped addresses) and binding one on a port a {@code udp4} connection holds fails with a
     * {@link java.net.BindException}. The JDK forces this for every IPv6 socket it creates, so the
     * portable system network lacks this feature.
     */
    V6ONLY,

    /**
     * Oversize datagrams are rejected on send with {@link DatagramTooLargeException}, and datagrams
     * longer than the receive buffer are reported as truncated. Every network in this project has it;
     * a custom provider without it may truncate silently.
     */
    STRICT_DATAGRAM_SIZES
}
