package dev.batchudp.bind.linux.internal;

import static dev.batchudp.bind.linux.internal.LinuxConstants.*;

import dev.batchudp.bind.linux.NativeIoException;
import dev.batchudp.bind.spi.SocketControl;
import dev.batchudp.network.AddressFamilyNotSupportedException;
import dev.batchudp.network.DatagramTooLargeException;
import dev.batchudp.network.DatagramTruncatedException;
import dev.batchudp.network.Network;
import dev.batchudp.network.SocketAddresses;
import dev.batchudp.network.UdpConnection;
import dev.batchudp.network.UdpFamily;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.lang.ref.Reference;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A UDP socket this module owns: created with {@code socket(2)}, close-on-exec, driven through
 * {@link Syscalls}.
 *
 * <p><b>Families.</b> {@code udp4} is {@code AF_INET}; {@code udp6} is {@code AF_INET6} with
 * {@code IPV6_V6ONLY=1} set before bind, so a {@code udp4} and a {@code udp6} socket can share a port
 * as in wireguard-go; {@code udp} is {@code AF_INET6} with {@code IPV6_V6ONLY=0} (dual-stack; IPv4
 * peers appear unmapped as {@link Inet4Address}es), or {@code AF_INET} on a host without IPv6.
 *
 * <p><b>Blocking without hazards.</b> Without a read timeout, receives block in the kernel
 * ({@code recvmsg}, or {@code recvmmsg} with {@code MSG_WAITFORONE}): one system call per wake-up, as
 * the C reference does. With a read timeout they use {@code MSG_DONTWAIT} and, on {@code EAGAIN},
 * {@code poll} the socket together with this socket's eventfd. Sends always use {@code MSG_DONTWAIT}
 * and poll for {@code POLLOUT}. {@link #close()} sets the closed flag, writes the eventfd (waking every
 * poller), calls {@code shutdown(SHUT_RDWR)} (ignoring {@code ENOTCONN}; on Linux this wakes a thread
 * blocked in {@code recvmsg}/{@code recvmmsg} on an unconnected UDP socket too, and the shutdown state
 * persists, so a receive entered just after it returns at once), and
 * leaves the real {@code close(fd)} to the last native call in flight: every use of the fd holds a
 * reference counted in {@link #state}, so the fd number can never be reused under a running call.
 * Woken receivers throw {@link AsynchronousCloseException}; calls after close throw
 * {@link ClosedChannelException}. {@code EINTR} is retried and {@code EAGAIN} never surfaces.
 *
 * <p><b>Threads.</b> One receiver and any number of senders may work at once: receive and send each
 * have their own preallocated {@link Arena}, guarded by their own lock.
 */
public final class LinuxUdpSocket implements UdpConnection, NativeSocket, SocketControl {
    private static final Logger LOG = Logger.getLogger(LinuxUdpSocket.class.getName());

    /** wireguard-go's {@code socketBufferSize}: 7 MiB. */
    public static final int SOCKET_BUFFER_SIZE = 7 << 20;

    /** How long a send may wait for room in a full socket buffer before giving up. */
    static final long SEND_STALL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private static final AtomicBoolean BUFFER_SIZE_LOGGED = new AtomicBoolean();

    private static final Set<SocketOption<?>> OPTIONS = Set.of(StandardSocketOptions.SO_RCVBUF,
            StandardSocketOptions.SO_SNDBUF, StandardSocketOptions.SO_REUSEADDR, StandardSocketOptions.SO_BROADCAST);

    private static final int CLOSED = 1 << 30;
    private static final int RELEASED = 1 << 29;
    private static final int COUNT_MASK = RELEASED - 1;

    final Syscalls sys;
    private final java.util.concurrent.atomic.LongAdder noBufferDrops = new java.util.concurrent.atomic.LongAdder();

    final int fd;
    final int eventFd;
    final boolean inet6;
    private final Network network;
    private final UdpFamily family;
    private final boolean dualStack;
    private final InetSocketAddress localAddress;
    private final InetSocketAddress remote;
    private final Runnable onClose;

    /** Bits 0-28: native calls in flight; {@link #CLOSED}; {@link #RELEASED} once the fds are closed. */
    private final AtomicInteger state = new AtomicInteger();
    private volatile long readTimeoutNanos;

    /** Set when a batching view enabled {@code UDP_GRO}: single receives must split through it. */
    private volatile SingleReceiver coalescedReceiver;

    private final ReentrantLock receiveLock = new ReentrantLock();
    private final ReentrantLock sendLock = new ReentrantLock();
    private final Arena receiveArena = new Arena(1, Arena.MAX_DATAGRAM);
    private final Arena sendArena = new Arena(1, Arena.MAX_DATAGRAM);
    /** Run once the fds are closed and no call is in flight: owners give their memory back. */
    private final java.util.List<Runnable> onRelease = new java.util.concurrent.CopyOnWriteArrayList<>();

    private LinuxUdpSocket(Syscalls sys, Network network, UdpFamily family, int fd, int eventFd, boolean inet6,
            boolean dualStack, InetSocketAddress localAddress, InetSocketAddress remote, Runnable onClose) {
        this.sys = sys;
        this.network = network;
        this.family = family;
        this.fd = fd;
        this.eventFd = eventFd;
        this.inet6 = inet6;
        this.dualStack = dualStack;
        this.localAddress = localAddress;
        this.remote = remote;
        this.onClose = onClose;
    }

    /**
     * Opens, configures, binds and optionally connects a socket.
     *
     * @param sys the system calls to use
     * @param network the network the connection reports as its own
     * @param family the family
     * @param local the local address (resolved, of the family)
     * @param remote the address to connect to, or {@code null}
     * @param onClose run once when the connection is closed
     * @return the open socket
     * @throws AddressFamilyNotSupportedException if the kernel has no such family ({@code EAFNOSUPPORT})
     * @throws java.net.BindException if the local address is taken or not local
     * @throws IllegalArgumentException if an address is unresolved or of the wrong family
     * @throws IOException on any other failure
     */
    public static LinuxUdpSocket open(Syscalls sys, Network network, UdpFamily family, InetSocketAddress local,
            InetSocketAddress remote, Runnable onClose) throws IOException {
        Objects.requireNonNull(sys, "sys");
        Objects.requireNonNull(family, "family");
        SocketAddresses.requireResolved(local, "local");
        if (!family.accepts(local.getAddress())) {
            throw new IllegalArgumentException("local address " + local + " is not a " + family + " address");
        }
        if (remote != null) {
            SocketAddresses.requireResolved(remote, "remote");
            if (!family.accepts(remote.getAddress())) {
                throw new IllegalArgumentException("remote address " + remote + " is not a " + family + " address");
            }
        }
        boolean inet6 = family != UdpFamily.UDP4;
        // Blocking, so a receive without timeout is one recvmmsg(MSG_WAITFORONE) per wake-up; every
        // call that must not block passes MSG_DONTWAIT instead.
        int type = SOCK_DGRAM | SOCK_CLOEXEC;
        int fd;
        try {
            fd = sys.socket(inet6 ? AF_INET6 : AF_INET, type, 0);
        } catch (NativeIoException e) {
            if (e.errno() != EAFNOSUPPORT) {
                throw e;
            }
            boolean v4Only = family == UdpFamily.UDP && local.getAddress() instanceof Inet4Address
                    && (remote == null || remote.getAddress() instanceof Inet4Address);
            if (!v4Only) {
                AddressFamilyNotSupportedException x = new AddressFamilyNotSupportedException(family, e.getMessage());
                x.initCause(e);
                throw x;
            }
            inet6 = false; // udp on a host without IPv6: a plain IPv4 socket
            fd = sys.socket(AF_INET, type, 0);
        }
        boolean dualStack = inet6 && family == UdpFamily.UDP;
        int eventFd = -1;
        try {
            eventFd = sys.eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
            if (inet6) {
                sys.setsockoptInt(fd, IPPROTO_IPV6, IPV6_V6ONLY, dualStack ? 0 : 1);
            }
            configureBuffers(sys, fd);
            sys.bind(fd, bindAddress(local, inet6), inet6);
            if (remote != null) {
                sys.connect(fd, remote, inet6);
            }
            InetSocketAddress bound = sys.getsockname(fd);
            return new LinuxUdpSocket(sys, network, family, fd, eventFd, inet6, dualStack, bound, remote,
                    onClose == null ? () -> { } : onClose);
        } catch (IOException | RuntimeException | Error e) {
            if (eventFd >= 0) {
                sys.close(eventFd);
            }
            sys.close(fd);
            throw e;
        }
    }

    private static InetSocketAddress bindAddress(InetSocketAddress local, boolean inet6) {
        InetAddress ip = local.getAddress();
        if (inet6 && ip instanceof Inet4Address && ip.isAnyLocalAddress()) {
            // A dual-stack socket asked to bind 0.0.0.0 binds :: so that it carries both families.
            return new InetSocketAddress(anyV6(), local.getPort());
        }
        return local;
    }

    private static InetAddress anyV6() {
        try {
            return InetAddress.getByAddress(new byte[16]);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** wireguard-go's buffer sizing: FORCE first (needs CAP_NET_ADMIN), then plain; results ignored. */
    private static void configureBuffers(Syscalls sys, int fd) {
        if (sys.trySetsockoptInt(fd, SOL_SOCKET, SO_RCVBUFFORCE, SOCKET_BUFFER_SIZE) != 0) {
            sys.trySetsockoptInt(fd, SOL_SOCKET, SO_RCVBUF, SOCKET_BUFFER_SIZE);
        }
        if (sys.trySetsockoptInt(fd, SOL_SOCKET, SO_SNDBUFFORCE, SOCKET_BUFFER_SIZE) != 0) {
            sys.trySetsockoptInt(fd, SOL_SOCKET, SO_SNDBUF, SOCKET_BUFFER_SIZE);
        }
        if (LOG.isLoggable(Level.FINE) && BUFFER_SIZE_LOGGED.compareAndSet(false, true)) {
            try {
                LOG.log(Level.FINE, "UDP socket buffers: asked for {0} bytes, kernel granted SO_RCVBUF={1}, SO_SNDBUF={2}"
                        + " (the kernel reports twice the usable size)", new Object[] {SOCKET_BUFFER_SIZE,
                            sys.getsockoptInt(fd, SOL_SOCKET, SO_RCVBUF), sys.getsockoptInt(fd, SOL_SOCKET, SO_SNDBUF)});
            } catch (IOException e) {
                LOG.log(Level.FINE, "cannot read back UDP socket buffer sizes", e);
            }
        }
    }

    // ---- reference counting of the fd -----------------------------------------------------------

    /**
     * Registers a native call on the fd; pair with {@link #end()} in a {@code finally}.
     *
     * @throws ClosedChannelException if the socket is closed
     */
    void begin() throws ClosedChannelException {
        for (;;) {
            int s = state.get();
            if ((s & CLOSED) != 0) {
                throw new ClosedChannelException();
            }
            if ((s & COUNT_MASK) == COUNT_MASK) {
                throw new IllegalStateException("too many concurrent calls on one socket");
            }
            if (state.compareAndSet(s, s + 1)) {
                return;
            }
        }
    }

    /** Ends a native call; the last call to leave a closed socket closes the fds. */
    void end() {
        if (state.decrementAndGet() == CLOSED) {
            release();
        }
    }

    private void release() {
        if (state.compareAndSet(CLOSED, CLOSED | RELEASED)) {
            sys.close(fd);
            sys.close(eventFd);
            receiveArena.release();
            sendArena.release();
            for (Runnable r : onRelease) {
                if (onRelease.remove(r)) { // whoever removes an action runs it: exactly once
                    runReleaseAction(r);
                }
            }
        }
    }

    /**
     * Runs {@code action} once this socket is released: closed, with no native call in flight, so
     * no system call can still use memory the action frees. Runs it at once if that is already so.
     *
     * @param action what to run, on the thread that ends the last call (or closes)
     */
    void whenReleased(Runnable action) {
        onRelease.add(Objects.requireNonNull(action, "action"));
        if (isReleased() && onRelease.remove(action)) {
            runReleaseAction(action);
        }
    }

    private static void runReleaseAction(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "release action failed", e);
        }
    }

    boolean isClosed() {
        return (state.get() & CLOSED) != 0;
    }

    /**
     * Returns whether the fds have been closed (every call has left a closed socket).
     *
     * @return whether the fds are released
     */
    public boolean isReleased() {
        return (state.get() & RELEASED) != 0;
    }

    /**
     * Returns how many datagrams were dropped because the kernel answered {@code ENOBUFS} (a full
     * interface queue). Counted by single sends and by the batching view alike.
     *
     * @return the count
     */
    public long noBufferDropCount() {
        return noBufferDrops.sum();
    }

    /** Counts one datagram dropped on {@code ENOBUFS}. */
    void countNoBufferDrop() {
        noBufferDrops.increment();
    }

    /**
     * Returns whether a failure is {@code ENOBUFS}.
     *
     * @param e the failure
     * @return whether it is a {@code NativeIoException} with errno {@code ENOBUFS}
     */
    static boolean isNoBuffers(IOException e) {
        return e instanceof dev.batchudp.bind.linux.NativeIoException
                && ((dev.batchudp.bind.linux.NativeIoException) e).errno() == LinuxConstants.ENOBUFS;
    }

    /**
     * Waits until the socket is ready for {@code events}, the deadline passes or the socket is
     * closed. Must be called between {@link #begin()} and {@link #end()}.
     *
     * @param arena the caller's arena (for its pollfd array)
     * @param events {@code POLLIN} or {@code POLLOUT}
     * @param deadline a {@link System#nanoTime()} deadline, or 0 for none
     * @return {@code false} if the deadline passed
     * @throws AsynchronousCloseException if the socket was closed meanwhile
     * @throws IOException if poll fails
     */
    boolean await(Arena arena, short events, long deadline) throws IOException {
        ByteBuffer block = arena.block;
        int p = arena.pollOffset;
        for (;;) {
            if (isClosed()) {
                throw new AsynchronousCloseException();
            }
            int timeoutMillis = -1;
            if (deadline != 0) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return false;
                }
                timeoutMillis = (int) Math.min(Integer.MAX_VALUE, (remaining + 999_999) / 1_000_000);
            }
            Pollfd.set(block, p, fd, events);
            Pollfd.set(block, p + Pollfd.SIZE, eventFd, POLLIN);
            int n = sys.poll(arena.pollAddress(), 2, timeoutMillis);
            if (isClosed() || (n > 0 && Pollfd.revents(block, p + Pollfd.SIZE) != 0)) {
                throw new AsynchronousCloseException();
            }
            if (n > 0) {
                return true;
            }
        }
    }

    /**
     * Returns what to throw for a failed call: a failure caused by a concurrent close (such as
     * {@code EPIPE} after {@code shutdown}) becomes {@link AsynchronousCloseException}.
     *
     * @param e the failure
     * @return the exception to throw
     */
    IOException closedOr(IOException e) {
        if (isClosed() && !(e instanceof ClosedChannelException)) {
            AsynchronousCloseException x = new AsynchronousCloseException();
            x.initCause(e);
            return x;
        }
        return e;
    }

    long deadline() {
        long timeout = readTimeoutNanos;
        if (timeout == 0) {
            return 0;
        }
        long d = System.nanoTime() + timeout;
        return d == 0 ? 1 : d;
    }

    // ---- addresses -------------------------------------------------------------------------------

    /**
     * Checks a destination against this socket's family.
     *
     * @param target the destination, or {@code null} for the connected peer
     * @return the destination to use
     * @throws IllegalArgumentException if it is unresolved, of the wrong family, or missing on an
     *     unconnected socket
     */
    InetSocketAddress checkTarget(InetSocketAddress target) {
        if (target == null) {
            if (remote == null) {
                throw new IllegalArgumentException("no target given and the connection is not connected");
            }
            return remote;
        }
        SocketAddresses.requireResolved(target, "target");
        InetAddress ip = target.getAddress();
        if (!inet6 && ip instanceof Inet6Address) {
            throw new IllegalArgumentException("IPv6 target " + target + " on an IPv4 (" + family + ") connection");
        }
        if (inet6 && !dualStack && ip instanceof Inet4Address) {
            throw new IllegalArgumentException("IPv4 target " + target + " on an IPv6-only (" + family + ") connection");
        }
        return target;
    }

    static int limitFor(InetSocketAddress target) {
        return target.getAddress() instanceof Inet6Address ? UdpFamily.MAX_IPV6_PAYLOAD : UdpFamily.MAX_IPV4_PAYLOAD;
    }

    // ---- UdpConnection ---------------------------------------------------------------------------

    @Override
    public Network network() {
        return network;
    }

    @Override
    public UdpFamily family() {
        return family;
    }

    @Override
    public boolean isDualStack() {
        return dualStack;
    }

    @Override
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    @Override
    public Optional<InetSocketAddress> remoteAddress() {
        return Optional.ofNullable(remote);
    }

    @Override
    public int fd() {
        return fd;
    }

    @Override
    public boolean isInet6() {
        return inet6;
    }

    /**
     * Receives one datagram with {@code recvmsg(MSG_TRUNC)} (plus {@code MSG_DONTWAIT} and {@code poll}
     * when a read timeout is set), so that the return value
     * is the datagram's full length and truncation is detected. Direct buffers are received into in
     * place; heap buffers through a preallocated direct scratch buffer. The sender's address object
     * is reused while the sender stays the same.
     */
    @Override
    public InetSocketAddress receive(ByteBuffer dst) throws IOException {
        Objects.requireNonNull(dst, "dst");
        SingleReceiver coalesced = coalescedReceiver;
        if (coalesced != null) {
            return coalesced.receive(dst);
        }
        begin();
        receiveLock.lock();
        try {
            Arena arena = receiveArena;
            long deadline = deadline();
            int room = arena.prepareReceive(0, dst, null);
            long msghdr = arena.mmsgAddress(0);
            for (;;) {
                if (isClosed()) {
                    throw new AsynchronousCloseException();
                }
                arena.block.putInt(Msghdr.MSG_NAMELEN, SockaddrIn6.SIZE);
                long n;
                try {
                    n = sys.recvmsg(fd, msghdr, deadline == 0 ? MSG_TRUNC : MSG_DONTWAIT | MSG_TRUNC);
                } catch (IOException e) {
                    throw closedOr(e);
                }
                if (n == Syscalls.WOULD_BLOCK) {
                    if (!await(arena, POLLIN, deadline)) {
                        throw new SocketTimeoutException("receive timed out after "
                                + Duration.ofNanos(readTimeoutNanos).toMillis() + " ms");
                    }
                    continue;
                }
                if (isClosed()) {
                    throw new AsynchronousCloseException(); // shut down: the 0 is not a datagram
                }
                InetSocketAddress sender = arena.addresses.lookup(0, arena.block, arena.name(0));
                int stored = (int) Math.min(n, room);
                arena.copyOut(0, dst, stored);
                dst.position(dst.position() + stored);
                if (n > room || (Msghdr.flags(arena.block, 0) & MSG_TRUNC) != 0) {
                    throw new DatagramTruncatedException(sender, (int) n, stored);
                }
                return sender;
            }
        } finally {
            receiveLock.unlock();
            end();
            Reference.reachabilityFence(dst);
            Reference.reachabilityFence(this);
        }
    }

    /**
     * Sends one datagram with {@code sendmsg}. Sizes above 65,507 (IPv4) or 65,527 (IPv6) bytes are
     * refused before any system call.
     */
    @Override
    public void send(ByteBuffer src, InetSocketAddress target) throws IOException {
        Objects.requireNonNull(src, "src");
        InetSocketAddress dest = checkTarget(target);
        int size = src.remaining();
        int limit = limitFor(dest);
        if (size > limit) {
            throw new DatagramTooLargeException(size, limit);
        }
        begin();
        sendLock.lock();
        try {
            Arena arena = sendArena;
            int nameSlot = -1;
            int nameLength = 0;
            if (target != null) {
                nameSlot = 0;
                nameLength = arena.encodeName(0, dest, inet6);
            }
            arena.prepareSend(0, src, nameSlot, nameLength, null, 0);
            long stallDeadline = 0;
            for (;;) {
                if (isClosed()) {
                    throw new AsynchronousCloseException();
                }
                long n;
                try {
                    n = sys.sendmsg(fd, arena.mmsgAddress(0), MSG_DONTWAIT | MSG_NOSIGNAL);
                } catch (DatagramTooLargeException e) {
                    throw tooLarge(size, e);
                } catch (IOException e) {
                    if (isNoBuffers(e)) {
                        // A full interface queue: UDP may drop, so drop and count rather than spin
                        // (pitfalls 1.15). Linux reports this only with IP_RECVERR; other kernels do.
                        noBufferDrops.increment();
                        break;
                    }
                    throw closedOr(e);
                }
                if (n == Syscalls.WOULD_BLOCK) {
                    if (stallDeadline == 0) {
                        stallDeadline = System.nanoTime() + SEND_STALL_NANOS;
                    }
                    if (!await(arena, POLLOUT, stallDeadline)) {
                        throw new SocketTimeoutException("send buffer stayed full for "
                                + TimeUnit.NANOSECONDS.toSeconds(SEND_STALL_NANOS) + " s");
                    }
                    continue;
                }
                break;
            }
            src.position(src.limit());
        } finally {
            sendLock.unlock();
            end();
            Reference.reachabilityFence(src);
            Reference.reachabilityFence(this);
        }
    }

    /** A single-datagram receive, as {@link #receive}. */
    @FunctionalInterface
    interface SingleReceiver {
        InetSocketAddress receive(ByteBuffer dst) throws IOException;
    }

    /**
     * Routes {@link #receive} through a batching view that enabled {@code UDP_GRO} on this socket,
     * so that coalesced datagrams are split (and none is lost to a plain {@code recvmsg}).
     *
     * @param receiver the view's single receive
     */
    void coalescedReceiver(SingleReceiver receiver) {
        coalescedReceiver = receiver;
    }

    static DatagramTooLargeException tooLarge(int size, DatagramTooLargeException fromKernel) {
        DatagramTooLargeException e = new DatagramTooLargeException(size, -1);
        e.initCause(fromKernel.getCause() != null ? fromKernel.getCause() : fromKernel);
        return e;
    }

    @Override
    public void setReadTimeout(Duration timeout) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("negative read timeout: " + timeout);
        }
        long nanos;
        try {
            nanos = timeout.toNanos();
        } catch (ArithmeticException e) {
            nanos = Long.MAX_VALUE / 4;
        }
        readTimeoutNanos = nanos;
    }

    @Override
    public Duration readTimeout() {
        return Duration.ofNanos(readTimeoutNanos);
    }

    @Override
    public <T> UdpConnection setOption(SocketOption<T> name, T value) throws IOException {
        int optname = optionName(name);
        Objects.requireNonNull(value, "value");
        int v;
        if (value instanceof Boolean) {
            v = (Boolean) value ? 1 : 0;
        } else {
            v = (Integer) value;
            if (v < 0) {
                throw new IllegalArgumentException("negative " + name.name() + ": " + v);
            }
        }
        begin();
        try {
            sys.setsockoptInt(fd, SOL_SOCKET, optname, v);
        } finally {
            end();
        }
        return this;
    }

    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        int optname = optionName(name);
        int v;
        begin();
        try {
            v = sys.getsockoptInt(fd, SOL_SOCKET, optname);
        } finally {
            end();
        }
        Object value = name.type() == Boolean.class ? (Object) (v != 0) : (Object) v;
        return name.type().cast(value);
    }

    private static int optionName(SocketOption<?> name) {
        Objects.requireNonNull(name, "name");
        if (name == StandardSocketOptions.SO_RCVBUF) {
            return SO_RCVBUF;
        }
        if (name == StandardSocketOptions.SO_SNDBUF) {
            return SO_SNDBUF;
        }
        if (name == StandardSocketOptions.SO_REUSEADDR) {
            return SO_REUSEADDR;
        }
        if (name == StandardSocketOptions.SO_BROADCAST) {
            return SO_BROADCAST;
        }
        throw new UnsupportedOperationException("socket option " + name.name() + " is not supported");
    }

    /**
     * Sets {@code SO_MARK}. Without {@code CAP_NET_ADMIN} the kernel answers {@code EPERM}, reported as
     * a {@link dev.batchudp.bind.linux.NativeIoException} whose message names the capability.
     *
     * @param mark the mark (all 32 bits are used)
     * @throws ClosedChannelException if the socket is closed
     * @throws IOException if the kernel refuses it
     */
    @Override
    public void setMark(int mark) throws IOException {
        begin();
        try {
            int err = sys.trySetsockoptInt(fd, SOL_SOCKET, LinuxConstants.SO_MARK, mark);
            if (err == LinuxConstants.EPERM) {
                throw new NativeIoException("setsockopt(SO_MARK)", err, Errors.name(err),
                        "Operation not permitted: setting the firewall mark (SO_MARK) needs CAP_NET_ADMIN");
            }
            if (err != 0) {
                throw Errors.exception("setsockopt(SO_MARK)", err, null);
            }
        } finally {
            end();
        }
    }

    /**
     * Sets {@code IP_UNICAST_IF} or {@code IPV6_UNICAST_IF}; Linux reads both in network byte order.
     * {@code IP_UNICAST_IF} also works on an {@code AF_INET6} socket (for its IPv4 traffic).
     *
     * @param ipv6 which option
     * @param interfaceIndex the index, or 0 to clear
     * @throws ClosedChannelException if the socket is closed
     * @throws IOException if the kernel refuses it ({@code EADDRNOTAVAIL} for an unknown interface
     *     comes as {@link java.net.BindException})
     */
    @Override
    public void setUnicastInterface(boolean ipv6, int interfaceIndex) throws IOException {
        if (ipv6 && !inet6) {
            throw new IllegalArgumentException("IPV6_UNICAST_IF on an IPv4 socket");
        }
        begin();
        try {
            sys.setsockoptInt(fd, ipv6 ? IPPROTO_IPV6 : LinuxConstants.IPPROTO_IP,
                    ipv6 ? LinuxConstants.IPV6_UNICAST_IF : LinuxConstants.IP_UNICAST_IF,
                    htonl(interfaceIndex));
        } finally {
            end();
        }
    }

    private static int htonl(int value) {
        return java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN ? Integer.reverseBytes(value) : value;
    }

    /**
     * Asks the kernel for each datagram's packet information ({@code IP_PKTINFO} on IPv4 sockets,
     * {@code IPV6_RECVPKTINFO} on IPv6 and dual-stack ones): the sticky-source capture.
     *
     * @return whether the kernel accepted it
     */
    boolean enablePacketInfo() {
        try {
            begin();
        } catch (ClosedChannelException e) {
            return false;
        }
        try {
            int err = inet6 ? sys.trySetsockoptInt(fd, IPPROTO_IPV6, LinuxConstants.IPV6_RECVPKTINFO, 1)
                    : sys.trySetsockoptInt(fd, LinuxConstants.IPPROTO_IP, LinuxConstants.IP_PKTINFO, 1);
            if (err != 0) {
                LOG.log(Level.FINE, "packet info unavailable on {0}: errno {1}; sticky sources are off",
                        new Object[] {localAddress, Errors.name(err)});
            }
            return err == 0;
        } finally {
            end();
        }
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return OPTIONS;
    }

    @Override
    public boolean isOpen() {
        return !isClosed();
    }

    /**
     * Closes the socket: marks it closed, wakes pollers through the eventfd and
     * {@code shutdown(SHUT_RDWR)}, and closes the fds once no native call is using them (at once if
     * none is). Idempotent.
     */
    @Override
    public void close() {
        for (;;) {
            int s = state.get();
            if ((s & CLOSED) != 0) {
                return;
            }
            // Take a reference as part of closing, so the fd stays ours while we wake the others.
            if (state.compareAndSet(s, (s | CLOSED) + 1)) {
                break;
            }
        }
        try {
            sys.eventfdWrite(eventFd, 1);
            sys.shutdown(fd, SHUT_RDWR);
        } finally {
            end();
            try {
                onClose.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "close callback failed", e);
            }
        }
    }

    @Override
    public String toString() {
        return "LinuxUdpSocket[" + family + " fd=" + fd + " local=" + localAddress
                + (remote != null ? " remote=" + remote : "") + (isClosed() ? " closed" : "") + "]";
    }
}
