package dev.batchudp.network.system;

import dev.batchudp.network.BatchFlags;
import dev.batchudp.network.DatagramTooLargeException;
import dev.batchudp.network.Message;
import dev.batchudp.network.Network;
import dev.batchudp.network.SocketAddresses;
import dev.batchudp.network.UdpConnection;
import dev.batchudp.network.UdpFamily;
import dev.batchudp.network.UdpStatistics;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketOption;
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

/**
 * A {@link UdpConnection} over a blocking {@link DatagramChannel}; the {@code jdk} backend's socket.
 * It owns the channel, its addresses, options, read timeout and close, and sends single datagrams;
 * receiving is {@link JdkReceiver}'s job, the message API {@link JdkMessageIo}'s, and a per-datagram
 * traffic class {@link JdkTrafficClass}'s.
 *
 * <p><b>Receive paths.</b> Into the destination buffer directly when it has room for any UDP
 * datagram, otherwise through a scratch buffer, so that truncation is detected; with a read timeout
 * through the channel's socket adaptor ({@link JdkReceiver}).
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
 * <p><b>Messages.</b> {@link #readBatch} and {@link #writeBatch} move one datagram per message; a
 * write honours a traffic class and {@code UDP_SEGMENT} (emulated) and refuses the records the JDK
 * cannot pass; no flag and no receive option is supported ({@link JdkMessageIo}).
 *
 * <p><b>Traffic class.</b> {@link StandardSocketOptions#IP_TOS} set through {@link #setOption} is what
 * datagrams without a traffic-class record carry, as on Linux; a datagram with its own never
 * interleaves with other sends ({@link JdkTrafficClass}).
 *
 * <p><b>Statistics.</b> Datagrams and bytes sent (each segment counts) and received, and truncated
 * datagrams; the other counts are unavailable.
 */
final class JdkUdpConnection implements UdpConnection {
    private final Network network;
    private final UdpFamily family;
    private final DatagramChannel channel;
    private final boolean inet6;
    private final InetSocketAddress localAddress;
    private final InetSocketAddress remoteAddress;
    private final Runnable onClose;
    private final AtomicBoolean closed = new AtomicBoolean();

    private final JdkReceiver receiver;
    private final JdkMessageIo messages;
    private final JdkTrafficClass trafficClass;
    /** {@link #sendChecked}, made once so a send allocates nothing for it. */
    private final JdkTrafficClass.DatagramSender checkedSender = this::sendChecked;

    private final LongAdder datagramsSent = new LongAdder();
    private final LongAdder bytesSent = new LongAdder();

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
        this.trafficClass = new JdkTrafficClass(channel);
        this.receiver = new JdkReceiver(this, channel);
        this.messages = new JdkMessageIo(this, receiver);
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
            return receiver.receive(dst, timeout);
        } catch (ClosedChannelException e) {
            throw closed(e);
        }
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
        sendDatagram(src, to, trafficClass.socketValue());
    }

    /**
     * Sends one datagram with the given IP_TOS value ({@link JdkTrafficClass}); the caller has
     * checked the target and size.
     */
    void sendDatagram(ByteBuffer src, InetSocketAddress to, int tos) throws IOException {
        try {
            trafficClass.send(src, to, tos, checkedSender);
        } catch (ClosedChannelException e) {
            throw closed(e);
        }
    }

    /** The IP_TOS value set through {@link #setOption}: what datagrams without their own record carry. */
    int socketTrafficClass() {
        return trafficClass.socketValue();
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

    /** Checks a target address (or picks the remote one) as {@link #send} documents; unmaps it. */
    InetSocketAddress checkTarget(InetSocketAddress target) {
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

    /** The largest payload this socket can send to {@code target}. */
    int maxPayload(InetAddress target) {
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
            trafficClass.setSocketOption(name, value);
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
            return name.type().cast(trafficClass.socketValue());
        }
        return channel.getOption(name);
    }

    // ---- messages ----

    /** Reads one datagram into {@code msgs[offset]}; see {@link JdkMessageIo}. Flags are not supported. */
    @Override
    public int readBatch(Message[] msgs, int offset, int count, int flags) throws IOException {
        return messages.read(msgs, offset, count, flags);
    }

    /**
     * Sends one datagram per message (one per segment with {@code UDP_SEGMENT}); see
     * {@link JdkMessageIo}. {@link BatchFlags#DONTWAIT} is not supported.
     */
    @Override
    public int writeBatch(Message[] msgs, int offset, int count, int flags) throws IOException {
        return messages.write(msgs, offset, count, flags);
    }

    /** The read timeout in milliseconds, rounded up; 0 for none. */
    int readTimeoutMillis() {
        return readTimeoutMillis;
    }

    /**
     * Returns datagrams and bytes sent and received and truncated datagrams; the rest is unavailable.
     */
    @Override
    public UdpStatistics statistics() {
        return receiver.statistics(
                UdpStatistics.builder().datagramsSent(datagramsSent.sum()).bytesSent(bytesSent.sum())).build();
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

    void ensureOpen() throws ClosedChannelException {
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
    ClosedChannelException closed(IOException e) {
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
