package dev.batchudp.network;

import java.net.SocketOption;

/**
 * Socket options for {@link UdpConnection}s that {@link java.net.StandardSocketOptions} lacks. A
 * connection supports an option only if it lists it in {@link UdpConnection#supportedOptions()};
 * {@link UdpConnection#setOption} and {@link UdpConnection#getOption} refuse the others with
 * {@link UnsupportedOperationException}.
 *
 * @since 0.1
 */
public final class UdpSocketOptions {

    /**
     * Don't fragment: a datagram whose IP packet (payload, 8-byte UDP header, 20-byte IPv4 or 40-byte
     * IPv6 header) is larger than the interface MTU is refused with {@link DatagramTooLargeException}
     * ({@code EMSGSIZE}) instead of being fragmented. On Linux this is {@code IP_MTU_DISCOVER} set to
     * {@code IP_PMTUDISC_DO} for IPv4 and {@code IPV6_DONTFRAG} set to 1 for IPv6 (see {@code ip(7)},
     * {@code ipv6(7)} and RFC 3542 section 11.2).
     *
     * <p>Off ({@code false}, the default): a datagram up to the family's UDP maximum
     * ({@link UdpFamily#MAX_IPV4_PAYLOAD} or {@link UdpFamily#MAX_IPV6_PAYLOAD} bytes of payload) is sent
     * whatever the MTU, the kernel fragmenting it as needed.
     *
     * <p>The loopback network supports it; the native backends do not list it yet.
     */
    public static final SocketOption<Boolean> IP_DONTFRAG = new Option<>("IP_DONTFRAG", Boolean.class);

    private UdpSocketOptions() {}

    /** A named option, compared by identity as the JDK's own options are. */
    private static final class Option<T> implements SocketOption<T> {
        private final String name;
        private final Class<T> type;

        Option(String name, Class<T> type) {
            this.name = name;
            this.type = type;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Class<T> type() {
            return type;
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
