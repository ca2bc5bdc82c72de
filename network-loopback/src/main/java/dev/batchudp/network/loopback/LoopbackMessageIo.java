package dev.batchudp.network.loopback;

import dev.batchudp.network.BatchFlags;
import dev.batchudp.network.ControlMessage;
import dev.batchudp.network.DatagramTooLargeException;
import dev.batchudp.network.Message;
import dev.batchudp.network.UdpConnection;
import dev.batchudp.network.spi.SegmentationEmulation;
import dev.batchudp.network.spi.SingleMessageIo;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * {@link LoopbackUdpConnection#readBatch} and {@link LoopbackUdpConnection#writeBatch}, with the
 * control messages of a send interpreted as Linux interprets them.
 *
 * <p>A read waits for the first datagram and then fills one message per datagram already queued, as
 * {@code recvmmsg(2)} with {@code MSG_WAITFORONE} does; {@link LoopbackMessageFiller} stores each with
 * its received control messages. A write sends one datagram per message (a segmented message, one per
 * segment) through the same path as {@link LoopbackUdpConnection#send}, after checking everything
 * about it: its packet-info source and interface, hop limit, size and segmentation.
 */
final class LoopbackMessageIo {
    private final LoopbackUdpConnection connection;
    private final LoopbackHost host;
    private final boolean ipv6;
    private final ReceiveQueue queue;
    private final LoopbackSocketOptions options;
    /** The family's UDP maximum: the limit without don't-fragment. */
    private final int maxPayload;
    /** What fits the interface MTU: the limit with don't-fragment, and for every segment. */
    private final int mtuPayload;
    private final LoopbackMessageFiller filler;
    /** {@link #write(Message, ControlMessage)}, made once so a batch allocates nothing for it. */
    private final SingleMessageIo.MessageSender writer = this::write;

    LoopbackMessageIo(LoopbackUdpConnection connection, LoopbackHost host, boolean ipv6, ReceiveQueue queue,
            LoopbackSocketOptions options, int maxPayload, int mtuPayload) {
        this.connection = connection;
        this.host = host;
        this.ipv6 = ipv6;
        this.queue = queue;
        this.options = options;
        this.maxPayload = maxPayload;
        this.mtuPayload = mtuPayload;
        this.filler = new LoopbackMessageFiller(options, ipv6);
    }

    /**
     * Reads as {@link UdpConnection#readBatch} specifies: waits for the first datagram (not with
     * {@link BatchFlags#DONTWAIT}), then fills one message per datagram already queued, up to
     * {@code count}, without waiting for more; {@link BatchFlags#PEEK} fills one and leaves it queued.
     */
    int read(Message[] msgs, int offset, int count, int flags) throws IOException {
        Objects.checkFromIndexSize(offset, count, msgs.length);
        BatchFlags.checkRead(flags);
        if (count == 0) {
            return 0;
        }
        boolean peek = (flags & BatchFlags.PEEK) != 0;
        int max = peek ? 1 : count;
        for (int i = 0; i < max; i++) {
            SingleMessageIo.checkWritable(msgs[offset + i]);
        }
        boolean block = (flags & BatchFlags.DONTWAIT) == 0;
        int n;
        try {
            n = queue.takeMessages(connection.readTimeoutNanos(), block, peek, msgs, offset, max, filler);
        } catch (InterruptedException e) {
            throw connection.closedByInterrupt(e);
        }
        if (n < 0) {
            throw connection.timedOut();
        }
        return n;
    }

    /**
     * Sends as {@link UdpConnection#writeBatch} specifies, one datagram per message (one per segment
     * with {@code UDP_SEGMENT}); never blocks, so {@link BatchFlags#DONTWAIT} changes nothing.
     */
    int write(Message[] msgs, int offset, int count, int flags) throws IOException {
        Objects.checkFromIndexSize(offset, count, msgs.length);
        BatchFlags.checkWrite(flags);
        return SingleMessageIo.writeEach(msgs, offset, count, writer);
    }

    /** Sends one message, checking everything before anything leaves. */
    private void write(Message m, ControlMessage control) throws IOException {
        connection.ensureOpen();
        InetSocketAddress destination = connection.destination(m.address());
        long total = m.remaining();
        int trafficClass = 0;
        int hopLimit = LoopbackUdpConnection.DEFAULT_HOP_LIMIT;
        int segmentSize = 0;
        InetSocketAddress source = null;
        if (control != null) {
            trafficClass = Math.max(control.trafficClass(), 0);
            if (control.hopLimit() != ControlMessage.UNSET) {
                hopLimit = control.hopLimit();
                if (hopLimit == 0 && !ipv6) {
                    // ip_cmsg_send (net/ipv4/ip_sockglue.c) accepts IP_TTL 1..255; IPv6 also takes 0.
                    throw new IllegalArgumentException("IP_TTL 0 is outside 1..255 (EINVAL)");
                }
            }
            segmentSize = control.segmentSize();
            SingleMessageIo.refuseReceiveOnly(control);
            source = source(control, destination.getAddress());
        }
        if (total > maxPayload) {
            throw new DatagramTooLargeException(total > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) total,
                    maxPayload);
        }
        int length = (int) total;
        int header = ReceiveQueue.header(trafficClass, hopLimit);
        if (segmentSize == 0) {
            int limit = options.dontFragment() ? mtuPayload : maxPayload;
            if (length > limit) {
                throw new DatagramTooLargeException(length, limit);
            }
            byte[] payload = new byte[length];
            SingleMessageIo.gather(m, ByteBuffer.wrap(payload));
            connection.transmit(destination, source, payload, header);
            m.length(length).controlLength(0).flags(0);
            return;
        }
        // UDP_SEGMENT, checked as udp_send_skb (net/ipv4/udp.c, net/ipv6/udp.c) checks it: every segment
        // must fit the MTU (EMSGSIZE), whatever IP_DONTFRAG says, and at most UDP_MAX_SEGMENTS (EINVAL);
        // then split as the device would. A payload no larger than the segment size is one datagram.
        if (Math.min(length, segmentSize) > mtuPayload) {
            throw new DatagramTooLargeException(Math.min(length, segmentSize), mtuPayload);
        }
        SegmentationEmulation.checkSegmentCount(length, segmentSize);
        byte[] all = new byte[length];
        SingleMessageIo.gather(m, ByteBuffer.wrap(all));
        InetSocketAddress from = source;
        SegmentationEmulation.forEachSegment(ByteBuffer.wrap(all), segmentSize, segment -> connection.transmit(
                destination, from, segment.remaining() == all.length ? all
                        : Arrays.copyOfRange(all, segment.position(), segment.limit()), header));
        m.length(length).controlLength(0).flags(0);
    }

    /**
     * The source a send's packet info asks for, checked as Linux checks it, or {@code null} for the
     * connection's own. The one address of an {@code IPV6_PKTINFO} record parses as its
     * {@link ControlMessage#destination()}.
     */
    private InetSocketAddress source(ControlMessage control, InetAddress destination) throws SocketException {
        int index = control.interfaceIndex();
        if (index != 0 && index != AddressRegistry.INTERFACE_INDEX
                && (index != LoopbackUdpConnection.HOST_INTERFACE_INDEX || host.addresses().isEmpty())) {
            throw new SocketException("No such device (ENODEV): " + host.name() + " has no interface with index "
                    + index + " (" + connection + ")");
        }
        InetAddress address = control.source() != null ? control.source() : control.destination();
        if (address == null || address.isAnyLocalAddress()) {
            return null;
        }
        if ((address instanceof Inet6Address) != ipv6) {
            throw new SocketException("Invalid argument (EINVAL): source " + address.getHostAddress()
                    + " is not of the family of " + connection);
        }
        if (!host.isLocal(address)) {
            throw new SocketException("Cannot assign requested address (EADDRNOTAVAIL): source "
                    + address.getHostAddress() + " is not an address of host " + host.name() + " ("
                    + connection + ")");
        }
        if (address.isLoopbackAddress() && !destination.isLoopbackAddress() && !destination.isAnyLocalAddress()) {
            // ip_route_output_key_hash_rcu refuses a loopback source on any other interface.
            throw new SocketException("Invalid argument (EINVAL): source " + address.getHostAddress()
                    + " cannot send to " + destination.getHostAddress() + " (" + connection + ")");
        }
        return new InetSocketAddress(address, connection.localAddress().getPort());
    }
}
