package dev.batchudp.network.loopback;

import dev.batchudp.network.UdpConnection;
import java.util.Optional;

/**
 * A connection of a {@link LoopbackNetwork}: a {@link UdpConnection} with counters. Connections
 * opened through {@link LoopbackNetwork#openUdp} are typed as this interface; code that holds only a
 * {@link UdpConnection} asks for it as a capability:
 *
 * <pre>{@code
 * long drops = connection.capability(LoopbackConnection.class)
 *         .map(c -> c.stats().droppedQueueFull())
 *         .orElse(0L);
 * }</pre>
 *
 * <p><b>Socket options.</b> {@link java.net.StandardSocketOptions#SO_RCVBUF} is the receive queue's
 * capacity in payload bytes: setting it takes effect for the next datagram to arrive, and reading it
 * returns exactly what was set (Linux doubles the value; this network does not). Its initial value is
 * {@link LoopbackConfiguration#receiveQueueBytes()}. {@link java.net.StandardSocketOptions#SO_SNDBUF}
 * is stored and returned but has no effect, since sending never blocks or queues.
 * {@link dev.batchudp.network.UdpSocketOptions#IP_DONTFRAG} (initially
 * {@link LoopbackConfiguration#dontFragment()}) refuses payloads larger than the
 * {@linkplain LoopbackConfiguration#mtu() MTU} allows; without it the family's UDP maximum applies, as
 * on Linux, which fragments. The receive options
 * {@link dev.batchudp.network.UdpSocketOptions#RECEIVE_TRAFFIC_CLASS},
 * {@link dev.batchudp.network.UdpSocketOptions#RECEIVE_PACKET_INFO},
 * {@link dev.batchudp.network.UdpSocketOptions#RECEIVE_HOP_LIMIT} and
 * {@link dev.batchudp.network.UdpSocketOptions#RECEIVE_QUEUE_OVERFLOW} (all off initially) add control
 * messages to {@link #readBatch} (below). {@link dev.batchudp.network.UdpSocketOptions#UDP_GRO} is not
 * supported: the network never coalesces datagrams. Other options throw
 * {@link UnsupportedOperationException}.
 *
 * <p><b>Messages.</b> {@link #writeBatch} sends one datagram per message through the same path as
 * {@code send} (rules, impairments, capture); it never blocks, so {@link dev.batchudp.network.BatchFlags#DONTWAIT}
 * changes nothing. Its control messages are read with {@link dev.batchudp.network.ControlMessage#parse}
 * and honoured as Linux honours them:
 * <ul>
 *   <li>traffic class ({@code IP_TOS}/{@code IPV6_TCLASS}, DSCP and ECN) and hop limit
 *       ({@code IP_TTL}/{@code IPV6_HOPLIMIT}; IPv4 refuses 0 with {@link IllegalArgumentException}) travel
 *       with the datagram to the receiver unchanged, unless a link marks it CE
 *       ({@link Impairments#ecnMarkThreshold()}); without them a datagram carries 0 and 64;
 *   <li>a packet-info source must be an address of the sending host, of the connection's family, and
 *       not a loopback address for a non-loopback destination, else a {@link java.net.SocketException}
 *       names it ({@code EADDRNOTAVAIL}, {@code EINVAL}); the receiver sees it as the sender's address.
 *       A packet-info interface index must be one of the host's ({@link LoopbackHost#interfaces()}),
 *       else {@code ENODEV}; it does not change the route;
 *   <li>{@code UDP_SEGMENT} splits the payload into datagrams of that size (the last may be shorter),
 *       each sent, counted, captured and impaired on its own, as a GSO device would: a segment larger
 *       than the {@linkplain LoopbackConfiguration#mtu() MTU} allows is refused with
 *       {@link dev.batchudp.network.DatagramTooLargeException} ({@code EMSGSIZE}), with or without
 *       {@code IP_DONTFRAG}, and more than 64 segments with {@link IllegalArgumentException}
 *       ({@code EINVAL}), as {@code udp_send_skb} does; a segment size of 0 means no segmentation, as on
 *       Linux. The whole payload may not exceed the family's UDP maximum.
 * </ul>
 * {@link #readBatch} waits for the first datagram (not with {@code DONTWAIT}), then fills one message per
 * datagram already queued without waiting for more, as {@code recvmmsg(2)} with {@code MSG_WAITFORONE};
 * {@code PEEK} fills one message and leaves the datagram queued (counted only when finally taken). For
 * each option that is on, a record is delivered as {@link dev.batchudp.network.ControlMessage#marshalAsReceived}
 * writes it: the traffic class and hop limit as sent; the packet info's destination (the address the
 * datagram was sent to) and interface index (1, {@code lo}, for a loopback destination; 2, {@code eth0},
 * otherwise); the connection's count of datagrams dropped at its full receive queue, stamped when the
 * datagram was queued and, as on Linux, delivered only once it is not 0. Records that do not fit the
 * control buffer (or all of them, without one) are left out whole and reported with
 * {@link dev.batchudp.network.Message#CONTROL_TRUNCATED}.
 *
 * <p><b>Statistics.</b> {@link #statistics()} keeps datagrams and bytes sent (each segment counts) and
 * received, {@linkplain dev.batchudp.network.UdpStatistics#receiveQueueDrops() drops at the full receive
 * queue} and truncated datagrams; the other counts are unavailable.
 *
 * <p><b>Interrupts.</b> As with the JDK's interruptible channels, interrupting a thread blocked in
 * {@code receive} closes the connection and throws
 * {@link java.nio.channels.ClosedByInterruptException}.
 *
 * @since 0.1
 */
public sealed interface LoopbackConnection extends UdpConnection permits LoopbackUdpConnection {

    /**
     * Returns the network that opened this connection.
     *
     * @return the loopback network
     */
    @Override
    LoopbackNetwork network();

    /**
     * Returns the simulated host this connection lives on: the host owning its local address, or for
     * a loopback or wildcard address the host it was opened on ({@value LoopbackNetwork#LOCALHOST}
     * when opened through {@link LoopbackNetwork#openUdp}).
     *
     * @return the host
     */
    LoopbackHost host();

    /**
     * Returns a snapshot of this connection's counters.
     *
     * @return the counters now
     */
    LoopbackConnectionStats stats();

    /**
     * Returns where this connection was opened, when the network
     * {@linkplain LoopbackConfiguration#recordOpenStackTraces() records it}: a throwable whose stack
     * trace is the opener's.
     *
     * @return the open site, or empty when not recorded
     */
    Optional<Throwable> openedAt();
}
