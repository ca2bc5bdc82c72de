package dev.batchudp.network.system;

import dev.batchudp.network.DatagramTooLargeException;
import dev.batchudp.network.DatagramTruncatedException;
import dev.batchudp.network.Network;
import dev.batchudp.network.SocketAddresses;
import dev.batchudp.network.UdpConnection;
import dev.batchudp.network.UdpFamily;
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
import java.util.concurrent.locks.ReentrantLock;

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
 */
final class JdkUdpConnection implements UdpConnection {
    /** A buffer with at least this much room can hold any UDP datagram: receive into it directly. */
    static final int DIRECT_RECEIVE_THRESHOLD = 65_535;

    /** Size of the scratch buffers: more than the largest UDP payload (65,527 bytes). */
    static final int SCRATCH_SIZE = 65_536;

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
                return sender(channel.receive(dst));
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
            DatagramPacket packet = timedPacket;
            if (packet == null) {
                packet = new DatagramPacket(new byte[SCRATCH_SIZE], SCRATCH_SIZE);
                timedPacket = packet;
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
            InetSocketAddress sender = sender(packet.getSocketAddress());
            int length = packet.getLength();
            int room = dst.remaining();
            dst.put(packet.getData(), 0, Math.min(length, room));
            if (length > room) {
                throw new DatagramTruncatedException(sender, length, room);
            }
            return sender;
        } finally {
            scratchLock.unlock();
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
        channel.setOption(name, value);
        return this;
    }

    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        return channel.getOption(name);
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
