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
     * {@code IP_PMTUDISC_PROBE} for IPv4 and {@code IPV6_DONTFRAG} set to 1 for IPv6 (see {@code ip(7)},
     * {@code ipv6(7)} and RFC 3542 section 11.2); off restores what the socket had before it was turned on.
     *
     * <p>Off ({@code false}, the default): a datagram up to the family's UDP maximum
     * ({@link UdpFamily#MAX_IPV4_PAYLOAD} or {@link UdpFamily#MAX_IPV6_PAYLOAD} bytes of payload) is sent
     * whatever the MTU, the kernel fragmenting it as needed.
     *
     * <p>Path-MTU discovery (RFC 8899, RFC 9000 section 14) needs it: probes larger than the path are
     * refused or lost rather than fragmented. On Linux IPv4 uses {@code IP_PMTUDISC_PROBE}, which sets
     * DF on every packet and checks against the interface MTU but ignores the cached path MTU, so that a
     * prober can keep probing above it (as quinn-udp and quic-go do); IPv6 never fragments in transit, and
     * {@code IPV6_DONTFRAG} makes the sender refuse rather than fragment locally. A dual-stack socket sets
     * both.
     *
     * <p>The loopback network (against its simulated MTU) and the Linux backend support it.
     */
    public static final SocketOption<Boolean> IP_DONTFRAG = new Option<>("IP_DONTFRAG", Boolean.class);

    /**
     * Deliver each received datagram's TOS byte or traffic class, and so its {@link Ecn} codepoint, as a
     * control message ({@link ControlMessage#trafficClass()}): {@code IP_RECVTOS} and
     * {@code IPV6_RECVTCLASS} on Linux (both on an IPv6 socket, whose IPv4 traffic carries IPv4
     * records). Only {@link UdpConnection#readBatch} delivers control messages.
     */
    public static final SocketOption<Boolean> RECEIVE_TRAFFIC_CLASS = new Option<>("RECEIVE_TRAFFIC_CLASS", Boolean.class);

    /**
     * Deliver each received datagram's destination address and arrival interface as a control message
     * ({@link ControlMessage#destination()}): {@code IP_PKTINFO} and {@code IPV6_RECVPKTINFO} on Linux.
     */
    public static final SocketOption<Boolean> RECEIVE_PACKET_INFO = new Option<>("RECEIVE_PACKET_INFO", Boolean.class);

    /**
     * Deliver each received datagram's TTL or hop limit as a control message
     * ({@link ControlMessage#hopLimit()}): {@code IP_RECVTTL} and {@code IPV6_RECVHOPLIMIT} on Linux.
     */
    public static final SocketOption<Boolean> RECEIVE_HOP_LIMIT = new Option<>("RECEIVE_HOP_LIMIT", Boolean.class);

    /**
     * Deliver with each received datagram the socket's count of dropped datagrams so far as a control
     * message ({@link ControlMessage#dropCount()}): {@code SO_RXQ_OVFL} on Linux ({@code socket(7)}).
     */
    public static final SocketOption<Boolean> RECEIVE_QUEUE_OVERFLOW = new Option<>("RECEIVE_QUEUE_OVERFLOW", Boolean.class);

    /**
     * Let the kernel coalesce consecutive datagrams from one sender into one read ({@code UDP_GRO},
     * Linux 5.12+, {@code udp(7)}); each coalesced read carries its segment size as a control message
     * ({@link ControlMessage#groSegmentSize()}) and the reader splits it. A read without a control
     * buffer, or with one too small, cannot tell: set this only when every read has
     * {@link ControlMessage#RECEIVE_SPACE} bytes of control buffer.
     */
    public static final SocketOption<Boolean> UDP_GRO = new Option<>("UDP_GRO", Boolean.class);

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
