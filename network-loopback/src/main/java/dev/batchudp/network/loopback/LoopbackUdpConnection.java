package dev.batchudp.network.loopback;

import dev.batchudp.network.BatchFlags;
import dev.batchudp.network.ControlMessage;
import dev.batchudp.network.DatagramTooLargeException;
import dev.batchudp.network.Message;
import dev.batchudp.network.SocketAddresses;
import dev.batchudp.network.UdpConnection;
import dev.batchudp.network.UdpFamily;
import dev.batchudp.network.UdpSocketOptions;
import dev.batchudp.network.UdpStatistics;
import dev.batchudp.network.spi.SingleMessageIo;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * The one implementation of {@link LoopbackConnection}. Thread-safe.
 *
 * <p><b>Messages.</b> {@link #writeBatch} sends one datagram per message (a segmented message, one
 * per segment) through the same path as {@link #send}; {@link #readBatch} waits for the first datagram
 * and then fills one message per datagram already queued, as {@code recvmmsg(2)} with
 * {@code MSG_WAITFORONE} does. Control messages are interpreted as Linux does (see
 * {@link LoopbackConnection}).
 */
final class LoopbackUdpConnection implements LoopbackConnection {
    private static final Set<SocketOption<?>> OPTIONS = Set.of(
            StandardSocketOptions.SO_RCVBUF, StandardSocketOptions.SO_SNDBUF, UdpSocketOptions.IP_DONTFRAG,
            UdpSocketOptions.RECEIVE_TRAFFIC_CLASS, UdpSocketOptions.RECEIVE_PACKET_INFO,
            UdpSocketOptions.RECEIVE_HOP_LIMIT, UdpSocketOptions.RECEIVE_QUEUE_OVERFLOW);

    /** TTL or hop limit of a datagram sent without one: Linux's {@code net.ipv4.ip_default_ttl}, 64. */
    static final int DEFAULT_HOP_LIMIT = 64;

    /** Most segments one {@code UDP_SEGMENT} send may make: {@code UDP_MAX_SEGMENTS} of include/linux/udp.h. */
    static final int MAX_SEGMENTS = 64;

    /** Index of the {@code eth0} interface of a host with addresses ({@link LoopbackHost#interfaces()}). */
    static final int HOST_INTERFACE_INDEX = 2;

    /** Initial {@code SO_SNDBUF}: Linux's {@code net.core.wmem_default}. */
    static final int SEND_BUFFER_DEFAULT = 212_992;

    private final LoopbackNetwork network;
    private final Fabric fabric;
    private final LoopbackHost host;
    private final UdpFamily family;
    private final boolean ipv6;
    private final InetSocketAddress local;
    private final InetAddress boundAddress;
    /** Source of datagrams to loopback addresses. */
    private final InetSocketAddress loopbackSource;
    /** Source of datagrams to other addresses. */
    private final InetSocketAddress hostSource;
    private final InetSocketAddress remote;
    /** The family's UDP maximum: the limit without don't-fragment. */
    private final int maxPayload;
    /** What fits the interface MTU: the limit with don't-fragment. */
    private final int mtuPayload;
    private final ReceiveQueue queue;
    private final Throwable openedAt;
    private final long id;

    private final AtomicBoolean closed = new AtomicBoolean();
    private final LongAdder sent = new LongAdder();
    private final LongAdder sentBytes = new LongAdder();
    private final MessageReader reader = new MessageReader();
    private final LongAdder droppedByRule = new LongAdder();
    private final LongAdder duplicated = new LongAdder();
    private volatile long readTimeoutNanos;
    private volatile int sendBufferSize = SEND_BUFFER_DEFAULT;
    private volatile boolean dontFragment;
    private volatile boolean receiveTrafficClass;
    private volatile boolean receivePacketInfo;
    private volatile boolean receiveHopLimit;
    private volatile boolean receiveQueueOverflow;

    LoopbackUdpConnection(LoopbackNetwork network, Fabric fabric, LoopbackHost host, long id, UdpFamily family,
            boolean ipv6,
            InetAddress boundAddress, int port, InetSocketAddress remote, int maxPayload,
            int mtuPayload, LoopbackConfiguration configuration, Timeline timeline, Throwable openedAt) {
        this.network = network;
        this.fabric = fabric;
        this.host = host;
        this.id = id;
        this.family = family;
        this.ipv6 = ipv6;
        this.boundAddress = boundAddress;
        this.local = new InetSocketAddress(boundAddress, port);
        boolean wildcard = boundAddress.isAnyLocalAddress();
        this.loopbackSource = wildcard
                ? new InetSocketAddress(AddressRegistry.loopbackPrimary(ipv6), port) : this.local;
        this.hostSource = wildcard ? new InetSocketAddress(host.primary(ipv6), port) : this.local;
        this.remote = remote;
        this.maxPayload = maxPayload;
        this.mtuPayload = mtuPayload;
        this.dontFragment = configuration.dontFragment();
        this.queue = new ReceiveQueue(configuration.receiveQueueCapacity(), configuration.receiveQueueBytes(),
                timeline);
        this.openedAt = openedAt;
    }

    // ---- used by the fabric ----

    InetAddress boundAddress() {
        return boundAddress;
    }

    ReceiveQueue queue() {
        return queue;
    }

    /** A connected connection receives only from its remote address, as a connected socket does. */
    boolean acceptsFrom(InetSocketAddress sender) {
        return remote == null || remote.equals(sender);
    }

    long id() {
        return id;
    }

    @Override
    public LoopbackHost host() {
        return host;
    }

    void countDroppedByRule() {
        droppedByRule.increment();
    }

    void countDuplicated(int copies) {
        duplicated.add(copies);
    }

    // ---- UdpConnection ----

    @Override
    public LoopbackNetwork network() {
        return network;
    }

    @Override
    public UdpFamily family() {
        return family;
    }

    @Override
    public boolean isDualStack() {
        return false;
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
    }

    @Override
    public Optional<InetSocketAddress> remoteAddress() {
        return Optional.ofNullable(remote);
    }

    @Override
    public InetSocketAddress receive(ByteBuffer dst) throws IOException {
        if (dst.isReadOnly()) {
            throw new ReadOnlyBufferException();
        }
        InetSocketAddress sender;
        try {
            sender = queue.isSimulated() ? queue.takeSimulated(readTimeoutNanos, dst)
                    : queue.take(readTimeoutNanos, dst);
        } catch (InterruptedException e) {
            throw closedByInterrupt(e);
        }
        if (sender == null) {
            throw timedOut();
        }
        return sender;
    }

    /** As an InterruptibleChannel does: the interrupt closes the connection. */
    private ClosedByInterruptException closedByInterrupt(InterruptedException e) {
        close();
        Thread.currentThread().interrupt();
        ClosedByInterruptException closedByInterrupt = new ClosedByInterruptException();
        closedByInterrupt.initCause(e);
        return closedByInterrupt;
    }

    private SocketTimeoutException timedOut() {
        return new SocketTimeoutException("Receive timed out after "
                + Duration.ofNanos(readTimeoutNanos).toMillis() + " ms on " + this
                + (queue.isSimulated() ? " (simulated time)" : ""));
    }

    @Override
    public void send(ByteBuffer src, InetSocketAddress target) throws IOException {
        Objects.requireNonNull(src, "src");
        if (closed.get()) {
            throw new ClosedChannelException();
        }
        InetSocketAddress destination = destination(target);
        int length = src.remaining();
        int limit = dontFragment ? mtuPayload : maxPayload;
        if (length > limit) {
            throw new DatagramTooLargeException(length, limit);
        }
        byte[] payload = new byte[length];
        src.get(payload);
        transmit(destination, null, payload, ReceiveQueue.header(0, DEFAULT_HOP_LIMIT));
    }

    /** Hands one datagram to the fabric, from {@code source} (a pktinfo address) or this connection's. */
    private void transmit(InetSocketAddress destination, InetSocketAddress source, byte[] payload, int header) {
        sent.increment();
        sentBytes.add(payload.length);
        InetAddress address = destination.getAddress();
        if (address.isAnyLocalAddress()) {
            // Linux delivers a datagram sent to 0.0.0.0 or :: to the local host.
            address = AddressRegistry.loopbackPrimary(ipv6);
        }
        InetSocketAddress from = source != null ? source : address.isLoopbackAddress() ? loopbackSource : hostSource;
        fabric.transmit(this, ipv6, from, address, destination.getPort(), payload, header);
    }

    /** Checks a target address (or picks the remote one) as {@link #send} documents. */
    private InetSocketAddress destination(InetSocketAddress target) throws SocketException {
        InetSocketAddress destination;
        if (target == null) {
            if (remote == null) {
                throw new IllegalArgumentException(
                        "target is null but " + this + " is not connected: give a target address");
            }
            destination = remote;
        } else {
            SocketAddresses.requireResolved(target, "target");
            if (remote != null && !remote.equals(target)) {
                throw new IllegalArgumentException("target " + SocketAddresses.format(target) + " differs from "
                        + SocketAddresses.format(remote) + ", the address " + this + " is connected to");
            }
            InetAddress address = target.getAddress();
            if ((address instanceof Inet6Address) != ipv6) {
                throw new IllegalArgumentException("cannot send to " + SocketAddresses.format(target)
                        + " from an " + (ipv6 ? "IPv6" : "IPv4") + " connection (" + this + ")");
            }
            if (target.getPort() == 0) {
                throw new SocketException("Invalid argument: cannot send to port 0 ("
                        + SocketAddresses.format(target) + ")");
            }
            destination = target;
        }
        return destination;
    }

    // ---- messages ----

    /**
     * Reads as {@link UdpConnection#readBatch} specifies: waits for the first datagram (not with
     * {@link BatchFlags#DONTWAIT}), then fills one message per datagram already queued, up to
     * {@code count}, without waiting for more; {@link BatchFlags#PEEK} fills one and leaves it queued.
     */
    @Override
    public int readBatch(Message[] msgs, int offset, int count, int flags) throws IOException {
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
            n = queue.takeMessages(readTimeoutNanos, block, peek, msgs, offset, max, reader);
        } catch (InterruptedException e) {
            throw closedByInterrupt(e);
        }
        if (n < 0) {
            throw timedOut();
        }
        return n;
    }

    /**
     * Sends as {@link UdpConnection#writeBatch} specifies, one datagram per message (one per segment
     * with {@code UDP_SEGMENT}); never blocks, so {@link BatchFlags#DONTWAIT} changes nothing.
     */
    @Override
    public int writeBatch(Message[] msgs, int offset, int count, int flags) throws IOException {
        Objects.checkFromIndexSize(offset, count, msgs.length);
        BatchFlags.checkWrite(flags);
        ControlMessage control = null;
        for (int i = 0; i < count; i++) {
            Message m = msgs[offset + i];
            try {
                ByteBuffer c = m.control();
                if (c != null && c.hasRemaining()) {
                    if (control == null) {
                        control = new ControlMessage();
                    }
                    control.parse(c, c.position(), c.remaining());
                    write(m, control);
                } else {
                    write(m, null);
                }
            } catch (IOException | RuntimeException e) {
                if (i == 0) {
                    throw e;
                }
                return i; // reported again by the next call, which starts with this message
            }
        }
        return count;
    }

    /** Sends one message, checking everything before anything leaves. */
    private void write(Message m, ControlMessage control) throws IOException {
        if (closed.get()) {
            throw new ClosedChannelException();
        }
        InetSocketAddress destination = destination(m.address());
        long total = m.remaining();
        int trafficClass = 0;
        int hopLimit = DEFAULT_HOP_LIMIT;
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
            if (control.groSegmentSize() != 0 || control.dropCount() != ControlMessage.UNSET) {
                // udp_cmsg_send and __sock_cmsg_send refuse types they do not know.
                throw new IllegalArgumentException("UDP_GRO and SO_RXQ_OVFL are received, not sent (EINVAL): " + control);
            }
            source = source(control, destination.getAddress());
        }
        if (total > maxPayload) {
            throw new DatagramTooLargeException(total > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) total,
                    maxPayload);
        }
        int length = (int) total;
        int header = ReceiveQueue.header(trafficClass, hopLimit);
        if (segmentSize == 0) {
            int limit = dontFragment ? mtuPayload : maxPayload;
            if (length > limit) {
                throw new DatagramTooLargeException(length, limit);
            }
            byte[] payload = new byte[length];
            gather(m, payload, 0);
            transmit(destination, source, payload, header);
            m.length(length).controlLength(0).flags(0);
            return;
        }
        // UDP_SEGMENT, checked as udp_send_skb (net/ipv4/udp.c, net/ipv6/udp.c) checks it: every segment
        // must fit the MTU (EMSGSIZE), whatever IP_DONTFRAG says, and at most UDP_MAX_SEGMENTS (EINVAL);
        // then split as the device would. A payload no larger than the segment size is one datagram.
        if (Math.min(length, segmentSize) > mtuPayload) {
            throw new DatagramTooLargeException(Math.min(length, segmentSize), mtuPayload);
        }
        int segments = Math.max(1, (length + segmentSize - 1) / segmentSize);
        if (segments > MAX_SEGMENTS) {
            throw new IllegalArgumentException("UDP_SEGMENT of " + segmentSize + " bytes would split " + length
                    + " bytes into " + segments + " segments, more than " + MAX_SEGMENTS + " (EINVAL)");
        }
        byte[] all = new byte[length];
        gather(m, all, 0);
        if (segments == 1) {
            transmit(destination, source, all, header);
        } else {
            for (int at = 0; at < length; at += segmentSize) {
                transmit(destination, source, Arrays.copyOfRange(all, at, Math.min(length, at + segmentSize)),
                        header);
            }
        }
        m.length(length).controlLength(0).flags(0);
    }

    /**
     * The source a send's packet info asks for, checked as Linux checks it, or {@code null} for this
     * connection's own. The one address of an {@code IPV6_PKTINFO} record parses as its
     * {@link ControlMessage#destination()}.
     */
    private InetSocketAddress source(ControlMessage control, InetAddress destination) throws SocketException {
        int index = control.interfaceIndex();
        if (index != 0 && index != AddressRegistry.INTERFACE_INDEX
                && (index != HOST_INTERFACE_INDEX || host.addresses().isEmpty())) {
            throw new SocketException("No such device (ENODEV): " + host.name() + " has no interface with index "
                    + index + " (" + this + ")");
        }
        InetAddress address = control.source() != null ? control.source() : control.destination();
        if (address == null || address.isAnyLocalAddress()) {
            return null;
        }
        if ((address instanceof Inet6Address) != ipv6) {
            throw new SocketException("Invalid argument (EINVAL): source " + address.getHostAddress()
                    + " is not of the family of " + this);
        }
        if (!host.isLocal(address)) {
            throw new SocketException("Cannot assign requested address (EADDRNOTAVAIL): source "
                    + address.getHostAddress() + " is not an address of host " + host.name() + " (" + this + ")");
        }
        if (address.isLoopbackAddress() && !destination.isLoopbackAddress() && !destination.isAnyLocalAddress()) {
            // ip_route_output_key_hash_rcu refuses a loopback source on any other interface.
            throw new SocketException("Invalid argument (EINVAL): source " + address.getHostAddress()
                    + " cannot send to " + destination.getHostAddress() + " (" + this + ")");
        }
        return new InetSocketAddress(address, local.getPort());
    }

    /** Copies a message's buffers (position to limit, in order) into {@code dst} from {@code at}. */
    private static void gather(Message m, byte[] dst, int at) {
        for (ByteBuffer b : m.buffers()) {
            int n = b.remaining();
            b.get(b.position(), dst, at, n);
            at += n;
        }
    }

    /**
     * Stores datagrams in messages under the receive queue's lock, with the control messages the
     * receive options ask for (built in one reused {@link ControlMessage}, which the lock guards).
     */
    private final class MessageReader implements ReceiveQueue.MessageFiller {
        private final ControlMessage control = new ControlMessage();

        @Override
        public boolean fill(Message m, byte[] payload, InetSocketAddress sender, InetAddress destination,
                int header, long drops) {
            int stored = 0;
            for (ByteBuffer b : m.buffers()) {
                int n = Math.min(b.remaining(), payload.length - stored);
                if (n > 0) {
                    b.put(b.position(), payload, stored, n);
                    stored += n;
                }
            }
            boolean truncated = stored < payload.length;
            int flags = truncated ? Message.TRUNCATED : 0;
            int controlLength = 0;
            // SO_RXQ_OVFL is delivered only once something was dropped (sock_recv_drops, include/net/sock.h).
            boolean overflow = receiveQueueOverflow && drops != 0;
            if (receivePacketInfo || receiveHopLimit || receiveTrafficClass || overflow) {
                ControlMessage c = control.reset();
                if (receivePacketInfo) {
                    c.destination(destination).interfaceIndex(destination.isLoopbackAddress()
                            ? AddressRegistry.INTERFACE_INDEX : HOST_INTERFACE_INDEX);
                }
                if (receiveHopLimit) {
                    c.hopLimit(ReceiveQueue.hopLimit(header));
                }
                if (receiveTrafficClass) {
                    c.trafficClass(ReceiveQueue.trafficClass(header));
                }
                if (overflow) {
                    c.dropCount(drops & 0xffffffffL);
                }
                ByteBuffer room = m.control();
                if (room == null) {
                    flags |= Message.CONTROL_TRUNCATED; // put_cmsg (net/core/scm.c) without a buffer
                } else {
                    int position = room.position();
                    int written = c.marshalAsReceived(room, ipv6 ? UdpFamily.UDP6 : UdpFamily.UDP4);
                    room.position(position);
                    if (written < 0) {
                        flags |= Message.CONTROL_TRUNCATED;
                        written = ~written;
                    }
                    controlLength = written;
                }
            }
            m.address(sender).length(stored).controlLength(controlLength).flags(flags);
            return truncated;
        }
    }

    @Override
    public void setReadTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("read timeout must not be negative, got " + timeout);
        }
        long nanos;
        try {
            nanos = timeout.toNanos();
        } catch (ArithmeticException e) {
            nanos = Long.MAX_VALUE;
        }
        // A positive timeout below 1 ns still means "time out", not "forever".
        readTimeoutNanos = nanos == 0 && !timeout.isZero() ? 1 : nanos;
    }

    @Override
    public Duration readTimeout() {
        return Duration.ofNanos(readTimeoutNanos);
    }

    @Override
    public <T> UdpConnection setOption(SocketOption<T> name, T value) throws IOException {
        Objects.requireNonNull(name, "name");
        checkSupported(name);
        if (closed.get()) {
            throw new ClosedChannelException();
        }
        if (name.type() == Boolean.class) {
            if (!(value instanceof Boolean)) {
                throw new IllegalArgumentException(name.name() + " must be a Boolean, got " + value);
            }
            boolean on = (Boolean) value;
            if (name == UdpSocketOptions.IP_DONTFRAG) {
                dontFragment = on;
            } else if (name == UdpSocketOptions.RECEIVE_TRAFFIC_CLASS) {
                receiveTrafficClass = on;
            } else if (name == UdpSocketOptions.RECEIVE_PACKET_INFO) {
                receivePacketInfo = on;
            } else if (name == UdpSocketOptions.RECEIVE_HOP_LIMIT) {
                receiveHopLimit = on;
            } else {
                receiveQueueOverflow = on;
                queue.stampDrops(on);
            }
            return this;
        }
        if (!(value instanceof Integer) || (Integer) value <= 0) {
            throw new IllegalArgumentException(name.name() + " must be a positive Integer, got " + value);
        }
        int size = (Integer) value;
        if (name == StandardSocketOptions.SO_RCVBUF) {
            queue.setByteCapacity(size);
        } else {
            sendBufferSize = size;
        }
        return this;
    }

    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        Objects.requireNonNull(name, "name");
        checkSupported(name);
        if (closed.get()) {
            throw new ClosedChannelException();
        }
        if (name.type() == Boolean.class) {
            boolean on = name == UdpSocketOptions.IP_DONTFRAG ? dontFragment
                    : name == UdpSocketOptions.RECEIVE_TRAFFIC_CLASS ? receiveTrafficClass
                    : name == UdpSocketOptions.RECEIVE_PACKET_INFO ? receivePacketInfo
                    : name == UdpSocketOptions.RECEIVE_HOP_LIMIT ? receiveHopLimit
                    : receiveQueueOverflow;
            return name.type().cast(on);
        }
        int size = name == StandardSocketOptions.SO_RCVBUF ? queue.byteCapacity() : sendBufferSize;
        return name.type().cast(size);
    }

    private static void checkSupported(SocketOption<?> name) {
        if (!OPTIONS.contains(name)) {
            throw new UnsupportedOperationException(
                    "socket option " + name.name() + " is not supported by the loopback network; supported: "
                    + "SO_RCVBUF (receive queue bytes), SO_SNDBUF (stored only), IP_DONTFRAG, RECEIVE_TRAFFIC_CLASS, "
                    + "RECEIVE_PACKET_INFO, RECEIVE_HOP_LIMIT, RECEIVE_QUEUE_OVERFLOW");
        }
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return OPTIONS;
    }

    @Override
    public boolean isOpen() {
        return !closed.get();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        queue.close();
        host.ports(ipv6).unbind(this);
        network.forget(this);
    }

    // ---- LoopbackConnection ----

    /**
     * Returns datagrams and bytes sent (each segment of a segmented send counts) and received,
     * datagrams dropped at the full receive queue, and truncated datagrams; the rest is unavailable.
     */
    @Override
    public UdpStatistics statistics() {
        UdpStatistics.Builder b = UdpStatistics.builder().datagramsSent(sent.sum()).bytesSent(sentBytes.sum());
        return queue.statistics(b).build();
    }

    @Override
    public LoopbackConnectionStats stats() {
        return queue.stats(sent.sum(), droppedByRule.sum(), duplicated.sum());
    }

    @Override
    public Optional<Throwable> openedAt() {
        return Optional.ofNullable(openedAt);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("loopback ");
        if (host != fabric.addresses().localhost()) {
            sb.append(host.name()).append(' ');
        }
        sb.append(family.networkName()).append(' ')
                .append(SocketAddresses.format(local));
        if (remote != null) {
            sb.append(" -> ").append(SocketAddresses.format(remote));
        }
        if (closed.get()) {
            sb.append(" (closed)");
        }
        return sb.toString();
    }
}
