package dev.batchudp.network.loopback;

import dev.batchudp.network.DatagramTooLargeException;
import dev.batchudp.network.SocketAddresses;
import dev.batchudp.network.UdpConnection;
import dev.batchudp.network.UdpFamily;
import dev.batchudp.network.UdpSocketOptions;
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
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/** The one implementation of {@link LoopbackConnection}. Thread-safe. */
final class LoopbackUdpConnection implements LoopbackConnection {
    private static final Set<SocketOption<?>> OPTIONS = Set.of(
            StandardSocketOptions.SO_RCVBUF, StandardSocketOptions.SO_SNDBUF, UdpSocketOptions.IP_DONTFRAG);

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
    private final LongAdder droppedByRule = new LongAdder();
    private final LongAdder duplicated = new LongAdder();
    private volatile long readTimeoutNanos;
    private volatile int sendBufferSize = SEND_BUFFER_DEFAULT;
    private volatile boolean dontFragment;

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
            // As an InterruptibleChannel does: the interrupt closes the connection.
            close();
            Thread.currentThread().interrupt();
            ClosedByInterruptException closedByInterrupt = new ClosedByInterruptException();
            closedByInterrupt.initCause(e);
            throw closedByInterrupt;
        }
        if (sender == null) {
            throw new SocketTimeoutException("Receive timed out after "
                    + Duration.ofNanos(readTimeoutNanos).toMillis() + " ms on " + this
                    + (queue.isSimulated() ? " (simulated time)" : ""));
        }
        return sender;
    }

    @Override
    public void send(ByteBuffer src, InetSocketAddress target) throws IOException {
        Objects.requireNonNull(src, "src");
        if (closed.get()) {
            throw new ClosedChannelException();
        }
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
        int length = src.remaining();
        int limit = dontFragment ? mtuPayload : maxPayload;
        if (length > limit) {
            throw new DatagramTooLargeException(length, limit);
        }
        byte[] payload = new byte[length];
        src.get(payload);
        sent.increment();
        InetAddress address = destination.getAddress();
        if (address.isAnyLocalAddress()) {
            // Linux delivers a datagram sent to 0.0.0.0 or :: to the local host.
            address = AddressRegistry.loopbackPrimary(ipv6);
        }
        fabric.transmit(this, ipv6, address.isLoopbackAddress() ? loopbackSource : hostSource, address,
                destination.getPort(), payload);
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
        if (name == UdpSocketOptions.IP_DONTFRAG) {
            if (!(value instanceof Boolean)) {
                throw new IllegalArgumentException(name.name() + " must be a Boolean, got " + value);
            }
            dontFragment = (Boolean) value;
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
        if (name == UdpSocketOptions.IP_DONTFRAG) {
            return name.type().cast(dontFragment);
        }
        int size = name == StandardSocketOptions.SO_RCVBUF ? queue.byteCapacity() : sendBufferSize;
        return name.type().cast(size);
    }

    private static void checkSupported(SocketOption<?> name) {
        if (!OPTIONS.contains(name)) {
            throw new UnsupportedOperationException(
                    "socket option " + name.name() + " is not supported by the loopback network; supported: "
                    + "SO_RCVBUF (receive queue bytes), SO_SNDBUF (stored only), IP_DONTFRAG");
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
