package dev.batchudp.network.system;

import dev.batchudp.network.BatchFlags;
import dev.batchudp.network.ControlMessage;
import dev.batchudp.network.DatagramTooLargeException;
import dev.batchudp.network.DatagramTruncatedException;
import dev.batchudp.network.Message;
import dev.batchudp.network.Network;
import dev.batchudp.network.SocketAddresses;
import dev.batchudp.network.UdpConnection;
import dev.batchudp.network.UdpFamily;
import dev.batchudp.network.UdpStatistics;
import dev.batchudp.network.spi.SingleMessageIo;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A {@link UdpConnection} over a blocking {@link DatagramChannel}; the {@code jdk} backend's socket.
 *
 * <p><b>Receive paths.</b> Without a read timeout, {@link #receive} calls
 * {@link DatagramChannel#receive} directly when the buffer has room for any UDP datagram
 * ({@value #DIRECT_RECEIVE_THRESHOLD} bytes or more), and otherwise receives into a per-connection
 * 64 KiB direct scratch buffer and copies, which is how truncation is detected: the JDK itself
 * silently discards what does not fit. With a read timeout it receives through the channel's
 * {@linkplain DatagramChannel#socket() socket adaptor}, whose {@link DatagramSocket#setSoTimeout}
 * the JDK implements by polling the socket internally while the channel stays in blocking mode (so
 * concurrent senders are unaffected), into a per-connection 64 KiB array, and copies. Scratch space
 * is allocated on first use and guarded by a lock; the JDK serialises receivers on one channel anyway.
 * A receive allocates nothing beyond the sender address the JDK returns.
 *
 * <p><b>Closing.</b> {@link #close()} closes the channel, and the JDK's blocking-close protocol
 * (pre-close {@code dup2}, then signalling the blocked threads) wakes receivers and senders with
 * {@link AsynchronousCloseException}. Interrupting a thread blocked in this connection closes it, as
 * for every {@link java.nio.channels.InterruptibleChannel}.
 *
 * <p><b>ICMP errors.</b> On a connected connection the kernel reports an ICMP port-unreachable for
 * an earlier datagram on the next call: {@link #receive} then throws
 * {@link PortUnreachableException} (the connection stays open), while {@link #send} swallows it and
 * sends again, because a datagram nobody receives is dropped silently.
 *
 * <p><b>Messages.</b> {@link #readBatch} and {@link #writeBatch} move one datagram per message, as
 * golang.org/x/net does where the platform has no batch call. A read fills one message (its buffers
 * through the scratch paths above, truncation in its flags) and never delivers control messages: the
 * JDK receives none, so no receive option is supported. Neither {@link BatchFlags#DONTWAIT} nor
 * {@link BatchFlags#PEEK} is supported ({@link UnsupportedOperationException}): the channel is in
 * blocking mode for its concurrent senders and receivers, the JDK's shortest timed wait is a
 * millisecond, and it has no peek. A write gathers a vectored message into a per-connection staging
 * buffer and honours two control messages: a traffic class ({@code IP_TOS}/{@code IPV6_TCLASS}, and so
 * an ECN codepoint), applied with {@link StandardSocketOptions#IP_TOS} for that datagram only (on an
 * IPv6 socket the JDK sets both the IPv6 traffic class and, on Linux, the IPv4 TOS), and
 * {@code UDP_SEGMENT}, emulated by sending each segment as a datagram (at most 64 segments, as Linux;
 * segments larger than the path MTU are fragmented by the kernel, since the JDK cannot set
 * don't-fragment). A source address, an interface or a hop limit cannot be given to the JDK and is
 * refused with {@link UnsupportedOperationException} naming the record.
 *
 * <p><b>Traffic class.</b> {@code IP_TOS} is a socket option, so a datagram with its own traffic class
 * and any other send must not interleave: sends hold the read side of a read-write lock while the
 * socket's value is the one they need, and take the write side to change it. Datagrams without a
 * traffic-class record leave with the value last set through {@link #setOption}, as they would on
 * Linux.
 *
 * <p><b>Statistics.</b> Datagrams and bytes sent (each segment counts) and received, and truncated
 * datagrams; the other counts are unavailable.
 */
final class JdkUdpConnection implements UdpConnection {
    /** A buffer with at least this much room can hold any UDP datagram: receive into it directly. */
    static final int DIRECT_RECEIVE_THRESHOLD = 65_535;

    /** Size of the scratch buffers: more than the largest UDP payload (65,527 bytes). */
    static final int SCRATCH_SIZE = 65_536;

    /** Most segments one {@code UDP_SEGMENT} send may make: {@code UDP_MAX_SEGMENTS} of include/linux/udp.h. */
    static final int MAX_SEGMENTS = 64;

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final Network network;
    private final UdpFamily family;
    private final DatagramChannel channel;
    private final boolean inet6;
    private final InetSocketAddress localAddress;
    private final InetSocketAddress remoteAddress;
    private final Runnable onClose;
    private final AtomicBoolean closed = new AtomicBoolean();

    private final ReentrantLock scratchLock = new ReentrantLock();
    private ByteBuffer directScratch; // guarded by scratchLock
    private DatagramPacket timedPacket; // guarded by scratchLock
    private ByteBuffer timedView; // over timedPacket's array; guarded by scratchLock

    /** Guards {@link #sendStaging}, where vectored messages are gathered. */
    private final ReentrantLock sendStagingLock = new ReentrantLock();
    private ByteBuffer sendStaging; // guarded by sendStagingLock

    /** Read side: a send while {@link #appliedTrafficClass} is what it needs. Write side: changing it. */
    private final ReentrantReadWriteLock trafficClassLock = new ReentrantReadWriteLock();
    /** The IP_TOS value set through {@link #setOption}: what datagrams without their own record carry. */
    private volatile int socketTrafficClass;
    /** The IP_TOS value on the channel now; written under the write lock. */
    private volatile int appliedTrafficClass;

    private final LongAdder datagramsSent = new LongAdder();
    private final LongAdder bytesSent = new LongAdder();
    private final LongAdder datagramsReceived = new LongAdder();
    private final LongAdder bytesReceived = new LongAdder();
    private final LongAdder truncated = new LongAdder();

    private volatile Duration readTimeout = Duration.ZERO;
    private volatile int readTimeoutMillis;

    JdkUdpConnection(Network network, UdpFamily family, DatagramChannel channel,
            StandardProtocolFamily protocolFamily, InetSocketAddress remote, Runnable onClose)
            throws IOException {
        this.network = network;
        this.family = family;
        this.channel = channel;
        this.inet6 = protocolFamily == StandardProtocolFamily.INET6;
        this.localAddress = SocketAddresses.unmap((InetSocketAddress) channel.getLocalAddress());
        this.remoteAddress = remote == null ? null : SocketAddresses.unmap(remote);
        this.onClose = onClose;
        int tos = channel.getOption(StandardSocketOptions.IP_TOS);
        this.socketTrafficClass = tos;
        this.appliedTrafficClass = tos;
    }

    @Override
    public Network network() {
        return network;
    }

    @Override
    public UdpFamily family() {
        return family;
    }

    /** The JDK opens every AF_INET6 socket with {@code IPV6_V6ONLY=0}, so IPv6 sockets are dual-stack. */
    @Override
    public boolean isDualStack() {
        return inet6;
    }

    @Override
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    @Override
    public Optional<InetSocketAddress> remoteAddress() {
        return Optional.ofNullable(remoteAddress);
    }

    @Override
    public InetSocketAddress receive(ByteBuffer dst) throws IOException {
        Objects.requireNonNull(dst, "dst");
        if (dst.isReadOnly()) {
            throw new ReadOnlyBufferException(); // as ByteBuffer.put; DatagramChannel would say IllegalArgumentException
        }
        ensureOpen();
        int timeout = readTimeoutMillis;
        try {
            if (timeout > 0) {
                return receiveTimed(dst, timeout);
            }
            if (dst.remaining() >= DIRECT_RECEIVE_THRESHOLD) {
                int start = dst.position();
                InetSocketAddress sender = sender(channel.receive(dst));
                countReceived(dst.position() - start, false);
                return sender;
            }
            return receiveViaScratch(dst);
        } catch (ClosedChannelException e) {
            throw closed(e);
        }
    }

    private InetSocketAddress receiveViaScratch(ByteBuffer dst) throws IOException {
        scratchLock.lock();
        try {
            ByteBuffer scratch = directScratch;
            if (scratch == null) {
                scratch = ByteBuffer.allocateDirect(SCRATCH_SIZE);
                directScratch = scratch;
            }
            scratch.clear();
            InetSocketAddress sender = sender(channel.receive(scratch));
            scratch.flip();
            int length = scratch.remaining();
            int room = dst.remaining();
            countReceived(length, length > room);
            if (length <= room) {
                dst.put(scratch);
                return sender;
            }
            scratch.limit(room);
            dst.put(scratch);
            throw new DatagramTruncatedException(sender, length, room);
        } finally {
            scratchLock.unlock();
        }
    }

    private InetSocketAddress receiveTimed(ByteBuffer dst, int timeoutMillis) throws IOException {
        scratchLock.lock();
        try {
            DatagramPacket packet = receiveTimedLocked(timeoutMillis);
            InetSocketAddress sender = sender(packet.getSocketAddress());
            int length = packet.getLength();
            int room = dst.remaining();
            countReceived(length, length > room);
            dst.put(packet.getData(), 0, Math.min(length, room));
            if (length > room) {
                throw new DatagramTruncatedException(sender, length, room);
            }
            return sender;
        } finally {
            scratchLock.unlock();
        }
    }

    /** Receives into the timed packet through the socket adaptor; the caller holds {@link #scratchLock}. */
    private DatagramPacket receiveTimedLocked(int timeoutMillis) throws IOException {
        DatagramPacket packet = timedPacket;
        if (packet == null) {
            packet = new DatagramPacket(new byte[SCRATCH_SIZE], SCRATCH_SIZE);
            timedPacket = packet;
            timedView = ByteBuffer.wrap(packet.getData());
        }
        packet.setLength(SCRATCH_SIZE);
        DatagramSocket socket = channel.socket();
        try {
            socket.setSoTimeout(timeoutMillis);
            socket.receive(packet);
        } catch (SocketTimeoutException | PortUnreachableException e) {
            throw e;
        } catch (SocketException e) {
            // the adaptor reports a closed channel as SocketException("Socket closed")
            if (!channel.isOpen()) {
                throw closed(e);
            }
            throw e;
        }
        return packet;
    }

    private void countReceived(int length, boolean cut) {
        datagramsReceived.increment();
        bytesReceived.add(length);
        if (cut) {
            truncated.increment();
        }
    }

    private InetSocketAddress sender(SocketAddress address) throws IOException {
        if (address == null) {
            // only a non-blocking channel answers null; ours is blocking, so it was closed under us
            ensureOpen();
            throw new AsynchronousCloseException();
        }
        return SocketAddresses.unmap((InetSocketAddress) address);
    }

    @Override
    public void send(ByteBuffer src, InetSocketAddress target) throws IOException {
        Objects.requireNonNull(src, "src");
        ensureOpen();
        InetSocketAddress to = checkTarget(target);
        int size = src.remaining();
        int limit = maxPayload(to.getAddress());
        if (size > limit) {
            throw new DatagramTooLargeException(size, limit);
        }
        sendDatagram(src, to, socketTrafficClass);
    }

    /**
     * Sends one datagram with the given IP_TOS value, as the class comment's traffic-class protocol
     * says; the caller has checked the target and size.
     */
    private void sendDatagram(ByteBuffer src, InetSocketAddress to, int trafficClass) throws IOException {
        ReentrantReadWriteLock.ReadLock shared = trafficClassLock.readLock();
        shared.lock();
        try {
            if (appliedTrafficClass == trafficClass) {
                sendChecked(src, to);
                return;
            }
        } finally {
            shared.unlock();
        }
        ReentrantReadWriteLock.WriteLock exclusive = trafficClassLock.writeLock();
        exclusive.lock();
        try {
            applyTrafficClass(trafficClass);
            sendChecked(src, to);
        } finally {
            exclusive.unlock();
        }
    }

    /** Sets IP_TOS on the channel if it differs; the caller holds the write lock. */
    private void applyTrafficClass(int trafficClass) throws IOException {
        if (appliedTrafficClass != trafficClass) {
            try {
                channel.setOption(StandardSocketOptions.IP_TOS, trafficClass);
            } catch (ClosedChannelException e) {
                throw closed(e);
            }
            appliedTrafficClass = trafficClass;
        }
    }

    private void sendChecked(ByteBuffer src, InetSocketAddress to) throws IOException {
        int size = src.remaining();
        try {
            try {
                sendOnce(src, to);
            } catch (PortUnreachableException e) {
                // an ICMP error for an earlier datagram was reported instead of sending this one
                try {
                    sendOnce(src, to);
                } catch (PortUnreachableException again) {
                    src.position(src.limit()); // dropped, as UDP drops
                }
            }
            datagramsSent.increment();
            bytesSent.add(size);
        } catch (ClosedChannelException e) {
            throw closed(e);
        } catch (IOException e) {
            if (!channel.isOpen()) {
                throw closed(e);
            }
            if (isMessageTooLong(e)) {
                DatagramTooLargeException tooLarge = new DatagramTooLargeException(size, -1);
                tooLarge.initCause(e);
                throw tooLarge;
            }
            throw e;
        }
    }

    private void sendOnce(ByteBuffer src, InetSocketAddress to) throws IOException {
        if (remoteAddress != null) {
            channel.write(src);
        } else {
            channel.send(src, to);
        }
    }

    private InetSocketAddress checkTarget(InetSocketAddress target) {
        if (target == null) {
            if (remoteAddress == null) {
                throw new IllegalArgumentException(
                        "no target given and the connection " + localAddress + " is not connected");
            }
            return remoteAddress;
        }
        SocketAddresses.requireResolved(target, "target");
        InetAddress ip = SocketAddresses.unmap(target.getAddress());
        if (!inet6 && !(ip instanceof Inet4Address)) {
            throw new IllegalArgumentException("a " + family + " connection on the IPv4 socket "
                    + SocketAddresses.format(localAddress) + " cannot send to the IPv6 address "
                    + SocketAddresses.format(target));
        }
        InetSocketAddress to = ip == target.getAddress() ? target : new InetSocketAddress(ip, target.getPort());
        if (remoteAddress != null && !remoteAddress.equals(to)) {
            throw new IllegalArgumentException("connection is connected to "
                    + SocketAddresses.format(remoteAddress) + "; cannot send to " + SocketAddresses.format(to));
        }
        return to;
    }

    private int maxPayload(InetAddress target) {
        return inet6 && !(target instanceof Inet4Address) ? UdpFamily.MAX_IPV6_PAYLOAD : UdpFamily.MAX_IPV4_PAYLOAD;
    }

    private static boolean isMessageTooLong(IOException e) {
        String message = e.getMessage();
        return message != null && message.contains("Message too long");
    }

    @Override
    public void setReadTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("read timeout must not be negative: " + timeout);
        }
        long millis;
        if (timeout.isZero()) {
            millis = 0;
        } else {
            // round up, so that 1 ns is 1 ms rather than "forever"
            millis = timeout.compareTo(Duration.ofMillis(Integer.MAX_VALUE)) >= 0
                    ? Integer.MAX_VALUE
                    : Math.max(1, timeout.plusNanos(999_999).toMillis());
        }
        readTimeout = timeout;
        readTimeoutMillis = (int) millis;
    }

    @Override
    public Duration readTimeout() {
        return readTimeout;
    }

    @Override
    public <T> UdpConnection setOption(SocketOption<T> name, T value) throws IOException {
        if (name == StandardSocketOptions.IP_TOS) {
            ReentrantReadWriteLock.WriteLock exclusive = trafficClassLock.writeLock();
            exclusive.lock();
            try {
                channel.setOption(name, value);
                socketTrafficClass = (Integer) value;
                appliedTrafficClass = socketTrafficClass;
            } finally {
                exclusive.unlock();
            }
            return this;
        }
        channel.setOption(name, value);
        return this;
    }

    /** {@link StandardSocketOptions#IP_TOS} reads the value set here, not one a message applied for itself. */
    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        if (name == StandardSocketOptions.IP_TOS) {
            ensureOpen();
            return name.type().cast(socketTrafficClass);
        }
        return channel.getOption(name);
    }

    // ---- messages ----

    /**
     * Reads one datagram into {@code msgs[offset]}; see the class comment. Flags are not supported.
     */
    @Override
    public int readBatch(Message[] msgs, int offset, int count, int flags) throws IOException {
        Objects.checkFromIndexSize(offset, count, msgs.length);
        BatchFlags.checkRead(flags);
        if (count == 0) {
            return 0;
        }
        if (flags != 0) {
            throw new UnsupportedOperationException("the jdk backend supports neither DONTWAIT nor PEEK (flags 0x"
                    + Integer.toHexString(flags) + "): its channel blocks, and the JDK has no peek");
        }
        Message m = msgs[offset];
        SingleMessageIo.checkWritable(m);
        ensureOpen();
        int timeout = readTimeoutMillis;
        ByteBuffer[] buffers = m.buffers();
        try {
            if (timeout == 0 && buffers.length == 1 && buffers[0].remaining() >= DIRECT_RECEIVE_THRESHOLD) {
                ByteBuffer into = buffers[0].duplicate();
                int start = into.position();
                InetSocketAddress sender = sender(channel.receive(into));
                int length = into.position() - start;
                countReceived(length, false);
                m.address(sender).length(length).controlLength(0).flags(0);
                return 1;
            }
            scratchLock.lock();
            try {
                InetSocketAddress sender;
                ByteBuffer staged;
                if (timeout > 0) {
                    DatagramPacket packet = receiveTimedLocked(timeout);
                    sender = sender(packet.getSocketAddress());
                    staged = timedView.limit(packet.getLength()).position(0);
                } else {
                    ByteBuffer scratch = directScratch;
                    if (scratch == null) {
                        scratch = ByteBuffer.allocateDirect(SCRATCH_SIZE);
                        directScratch = scratch;
                    }
                    scratch.clear();
                    sender = sender(channel.receive(scratch));
                    staged = scratch.flip();
                }
                int length = staged.remaining();
                int stored = SingleMessageIo.scatter(staged, m);
                countReceived(length, stored < length);
                m.address(sender).length(stored).controlLength(0).flags(stored < length ? Message.TRUNCATED : 0);
                return 1;
            } finally {
                scratchLock.unlock();
            }
        } catch (ClosedChannelException e) {
            throw closed(e);
        }
    }

    /**
     * Sends one datagram per message (one per segment with {@code UDP_SEGMENT}); see the class comment.
     * {@link BatchFlags#DONTWAIT} is not supported.
     */
    @Override
    public int writeBatch(Message[] msgs, int offset, int count, int flags) throws IOException {
        Objects.checkFromIndexSize(offset, count, msgs.length);
        BatchFlags.checkWrite(flags);
        if (count > 0 && flags != 0) {
            throw new UnsupportedOperationException(
                    "the jdk backend does not support DONTWAIT: its channel blocks for its concurrent users");
        }
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

    private void write(Message m, ControlMessage control) throws IOException {
        ensureOpen();
        InetSocketAddress to = checkTarget(m.address());
        int trafficClass = socketTrafficClass;
        int segmentSize = 0;
        if (control != null) {
            refuseUnsupported(control);
            if (control.trafficClass() != ControlMessage.UNSET) {
                trafficClass = control.trafficClass();
            }
            segmentSize = control.segmentSize();
        }
        long total = m.remaining();
        int limit = maxPayload(to.getAddress());
        if (total > limit) {
            throw new DatagramTooLargeException(total > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) total, limit);
        }
        int length = (int) total;
        int segments = segmentSize == 0 ? 1 : Math.max(1, (length + segmentSize - 1) / segmentSize);
        if (segments > MAX_SEGMENTS) {
            throw new IllegalArgumentException("UDP_SEGMENT of " + segmentSize + " bytes would split " + length
                    + " bytes into " + segments + " segments, more than " + MAX_SEGMENTS + " (EINVAL)");
        }
        ByteBuffer[] buffers = m.buffers();
        if (buffers.length <= 1) {
            ByteBuffer payload = buffers.length == 0 ? EMPTY.duplicate() : buffers[0].duplicate();
            sendSegments(payload, to, trafficClass, segments == 1 ? length : segmentSize);
        } else {
            sendStagingLock.lock();
            try {
                ByteBuffer staging = sendStaging;
                if (staging == null) {
                    staging = ByteBuffer.allocateDirect(SCRATCH_SIZE);
                    sendStaging = staging;
                }
                staging.clear();
                for (ByteBuffer b : buffers) {
                    int n = b.remaining();
                    staging.put(staging.position(), b, b.position(), n);
                    staging.position(staging.position() + n);
                }
                sendSegments(staging.flip(), to, trafficClass, segments == 1 ? length : segmentSize);
            } finally {
                sendStagingLock.unlock();
            }
        }
        m.length(length).controlLength(0).flags(0);
    }

    /** Sends {@code payload}'s remaining bytes as datagrams of {@code segmentSize} (the last may be shorter). */
    private void sendSegments(ByteBuffer payload, InetSocketAddress to, int trafficClass, int segmentSize)
            throws IOException {
        int end = payload.limit();
        int at = payload.position();
        do {
            int next = Math.min(end, at + segmentSize);
            payload.limit(next).position(at);
            sendDatagram(payload, to, trafficClass);
            at = next;
        } while (at < end);
    }

    /** The records the JDK cannot pass to the kernel, and receive-only records, which no send takes. */
    private static void refuseUnsupported(ControlMessage control) {
        if (control.source() != null || control.destination() != null || control.interfaceIndex() != 0) {
            throw new UnsupportedOperationException("the jdk backend cannot send with IP_PKTINFO/IPV6_PKTINFO "
                    + "(a source address or an interface): " + control);
        }
        if (control.hopLimit() != ControlMessage.UNSET) {
            throw new UnsupportedOperationException(
                    "the jdk backend cannot send with IP_TTL/IPV6_HOPLIMIT (a per-datagram hop limit): " + control);
        }
        if (control.groSegmentSize() != 0 || control.dropCount() != ControlMessage.UNSET) {
            throw new IllegalArgumentException("UDP_GRO and SO_RXQ_OVFL are received, not sent (EINVAL): " + control);
        }
    }

    /**
     * Returns datagrams and bytes sent and received and truncated datagrams; the rest is unavailable.
     */
    @Override
    public UdpStatistics statistics() {
        return UdpStatistics.builder().datagramsSent(datagramsSent.sum()).bytesSent(bytesSent.sum())
                .datagramsReceived(datagramsReceived.sum()).bytesReceived(bytesReceived.sum())
                .truncatedDatagrams(truncated.sum()).build();
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return channel.supportedOptions();
    }

    @Override
    public boolean isOpen() {
        return !closed.get() && channel.isOpen();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            System.getLogger(JdkUdpConnection.class.getName())
                    .log(System.Logger.Level.DEBUG, "closing " + this + " failed", e);
        } finally {
            onClose.run();
        }
    }

    private void ensureOpen() throws ClosedChannelException {
        if (closed.get() || !channel.isOpen()) {
            if (!closed.get()) {
                close(); // closed under us (an interrupt): untrack
            }
            throw new ClosedChannelException();
        }
    }

    /**
     * Turns a failure caused by closing into a {@link ClosedChannelException}, closing this connection
     * first if the channel was closed under it (by an interrupt), so the network forgets it.
     */
    private ClosedChannelException closed(IOException e) {
        if (!closed.get()) {
            close();
        }
        if (e instanceof ClosedChannelException) {
            return (ClosedChannelException) e;
        }
        ClosedChannelException c = new AsynchronousCloseException();
        c.initCause(e);
        return c;
    }

    @Override
    public String toString() {
        return "JdkUdpConnection[" + family + " " + SocketAddresses.format(localAddress)
                + (remoteAddress == null ? "" : " -> " + SocketAddresses.format(remoteAddress))
                + (inet6 ? " dual-stack" : "") + (isOpen() ? "" : " closed") + "]";
    }
}
