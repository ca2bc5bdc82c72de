package dev.batchudp.network.loopback;

import dev.batchudp.network.DatagramTooLargeException;
import dev.batchudp.network.Message;
import dev.batchudp.network.SocketAddresses;
import dev.batchudp.network.UdpConnection;
import dev.batchudp.network.UdpFamily;
import dev.batchudp.network.UdpStatistics;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * The one implementation of {@link LoopbackConnection}. Thread-safe. It owns the connection's
 * addresses, its receive queue, single sends and receives, the read timeout, close and the counters;
 * its socket options are {@link LoopbackSocketOptions}' job and the message API
 * {@link LoopbackMessageIo}'s.
 *
 * <p><b>Messages.</b> {@link #writeBatch} sends one datagram per message (a segmented message, one
 * per segment) through the same path as {@link #send}; {@link #readBatch} waits for the first datagram
 * and then fills one message per datagram already queued, as {@code recvmmsg(2)} with
 * {@code MSG_WAITFORONE} does. Control messages are interpreted as Linux does (see
 * {@link LoopbackConnection}).
 */
final class LoopbackUdpConnection implements LoopbackConnection {
    /** TTL or hop limit of a datagram sent without one: Linux's {@code net.ipv4.ip_default_ttl}, 64. */
    static final int DEFAULT_HOP_LIMIT = 64;

    /** Index of the {@code eth0} interface of a host with addresses ({@link LoopbackHost#interfaces()}). */
    static final int HOST_INTERFACE_INDEX = 2;

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

    private final LoopbackSocketOptions options;
    private final LoopbackMessageIo messages;

    private final AtomicBoolean closed = new AtomicBoolean();
    private final LongAdder sent = new LongAdder();
    private final LongAdder sentBytes = new LongAdder();
    private final LongAdder droppedByRule = new LongAdder();
    private final LongAdder duplicated = new LongAdder();
    private volatile long readTimeoutNanos;

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
        this.queue = new ReceiveQueue(configuration.receiveQueueCapacity(), configuration.receiveQueueBytes(),
                timeline);
        this.options = new LoopbackSocketOptions(queue, configuration.dontFragment());
        this.messages = new LoopbackMessageIo(this, host, ipv6, queue, options, maxPayload, mtuPayload);
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
            sender = queue.take(readTimeoutNanos, dst);
        } catch (InterruptedException e) {
            throw closedByInterrupt(e);
        }
        if (sender == null) {
            throw timedOut();
        }
        return sender;
    }

    /** As an InterruptibleChannel does: the interrupt closes the connection. */
    ClosedByInterruptException closedByInterrupt(InterruptedException e) {
        close();
        Thread.currentThread().interrupt();
        ClosedByInterruptException closedByInterrupt = new ClosedByInterruptException();
        closedByInterrupt.initCause(e);
        return closedByInterrupt;
    }

    SocketTimeoutException timedOut() {
        return new SocketTimeoutException("Receive timed out after "
                + Duration.ofNanos(readTimeoutNanos).toMillis() + " ms on " + this
                + (queue.isSimulated() ? " (simulated time)" : ""));
    }

    @Override
    public void send(ByteBuffer src, InetSocketAddress target) throws IOException {
        Objects.requireNonNull(src, "src");
        ensureOpen();
        InetSocketAddress destination = destination(target);
        int length = src.remaining();
        int limit = options.dontFragment() ? mtuPayload : maxPayload;
        if (length > limit) {
            throw new DatagramTooLargeException(length, limit);
        }
        byte[] payload = new byte[length];
        src.get(payload);
        transmit(destination, null, payload, ReceiveQueue.header(0, DEFAULT_HOP_LIMIT));
    }

    /** Hands one datagram to the fabric, from {@code source} (a pktinfo address) or this connection's. */
    void transmit(InetSocketAddress destination, InetSocketAddress source, byte[] payload, int header) {
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
    InetSocketAddress destination(InetSocketAddress target) throws SocketException {
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

    /** Reads as {@link UdpConnection#readBatch} specifies; see {@link LoopbackMessageIo}. */
    @Override
    public int readBatch(Message[] msgs, int offset, int count, int flags) throws IOException {
        return messages.read(msgs, offset, count, flags);
    }

    /** Sends as {@link UdpConnection#writeBatch} specifies; see {@link LoopbackMessageIo}. */
    @Override
    public int writeBatch(Message[] msgs, int offset, int count, int flags) throws IOException {
        return messages.write(msgs, offset, count, flags);
    }

    /** Throws {@link ClosedChannelException} once the connection is closed. */
    void ensureOpen() throws ClosedChannelException {
        if (closed.get()) {
            throw new ClosedChannelException();
        }
    }

    long readTimeoutNanos() {
        return readTimeoutNanos;
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
        LoopbackSocketOptions.checkSupported(name);
        ensureOpen();
        options.set(name, value);
        return this;
    }

    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        Objects.requireNonNull(name, "name");
        LoopbackSocketOptions.checkSupported(name);
        ensureOpen();
        return options.get(name);
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return LoopbackSocketOptions.SUPPORTED;
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
