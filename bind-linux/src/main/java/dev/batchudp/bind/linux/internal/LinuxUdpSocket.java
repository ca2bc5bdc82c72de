package dev.batchudp.bind.linux.internal;

import static dev.batchudp.bind.linux.internal.LinuxConstants.*;

import dev.batchudp.bind.linux.NativeIoException;
import dev.batchudp.bind.spi.SocketControl;
import dev.batchudp.network.AddressFamilyNotSupportedException;
import dev.batchudp.network.BatchFlags;
import dev.batchudp.network.DatagramTooLargeException;
import dev.batchudp.network.Message;
import dev.batchudp.network.Network;
import dev.batchudp.network.SocketAddresses;
import dev.batchudp.network.UdpConnection;
import dev.batchudp.network.UdpFamily;
import dev.batchudp.network.UdpSocketOptions;
import dev.batchudp.network.UdpStatistics;
import dev.batchudp.network.spi.SegmentationEmulation;
import dev.batchudp.network.spi.SingleMessageIo;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.lang.System.Logger.Level;

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
 * the C benchmark tool {@code udplimit} does (BENCHMARKS.md). With a read timeout they use {@code MSG_DONTWAIT} and, on {@code EAGAIN},
 * {@code poll} the socket together with this socket's eventfd. Sends always use {@code MSG_DONTWAIT}
 * and poll for {@code POLLOUT}. {@link #close()} sets the closed flag, writes the eventfd (waking every
 * poller), calls {@code shutdown(SHUT_RDWR)} (ignoring {@code ENOTCONN}; on Linux this wakes a thread
 * blocked in {@code recvmsg}/{@code recvmmsg} on an unconnected UDP socket too, and the shutdown state
 * persists, so a receive entered just after it returns at once), and
 * leaves the real {@code close(fd)} to the last native call in flight: every use of the fd holds a
 * reference counted ({@link FdLifecycle}), so the fd number can never be reused under a running call.
 * Woken receivers throw {@link AsynchronousCloseException}; calls after close throw
 * {@link ClosedChannelException}. {@code EINTR} is retried and {@code EAGAIN} never surfaces.
 *
 * <p><b>Threads.</b> One receiver and any number of senders may work at once: receive and send each
 * have their own preallocated {@link Arena}, guarded by their own lock.
 *
 * <p><b>Batched I/O</b> is a capability: once a {@link LinuxBatchingConn} is made for this socket,
 * {@link #capability} answers {@code BatchingConn}, {@code OffloadStatus} and
 * {@code LinuxBatchingConn} with it.
 */
public final class LinuxUdpSocket implements UdpConnection, SocketControl {
    private static final System.Logger LOG = System.getLogger(LinuxUdpSocket.class.getName());

    /** wireguard-go's {@code socketBufferSize}: 7 MiB. */
    public static final int SOCKET_BUFFER_SIZE = dev.batchudp.bind.StdNetBind.SOCKET_BUFFER_SIZE;

    /** How long a send may wait for room in a full socket buffer before giving up. */
    static final long SEND_STALL_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** Messages one {@code recvmmsg}/{@code sendmmsg} of the message API takes before the socket is upgraded. */
    static final int MESSAGE_BATCH = 64;

    final Syscalls sys;
    /** The socket's counters: single I/O, message I/O and the batching view all count here. */
    final ConnectionCounters counters = new ConnectionCounters();
    /** Whether {@code UDP_GRO} was turned on through {@link #setOption} (the reader splits). */
    private volatile boolean groRequested;
    /** The last drop count read, reported once the socket is closed. */
    private volatile long lastDrops = UdpStatistics.UNAVAILABLE;
    /** The message API's reader and writer until the socket is upgraded; made on first use. */
    private BatchReader messageReader;
    private BatchWriter messageWriter;

    final int fd;
    final boolean inet6;
    private final Network network;
    private final UdpFamily family;
    private final boolean dualStack;
    private final InetSocketAddress localAddress;
    private final InetSocketAddress remote;
    private final Runnable onClose;
    private final FdLifecycle lifecycle;
    private final SingleDatagramIo single;
    private volatile long readTimeoutNanos;
    /** The batching view made for this socket, or null; set once. */
    private volatile LinuxBatchingConn batching;

    private LinuxUdpSocket(Syscalls sys, Network network, UdpFamily family, SocketSetup.Opened opened,
            InetSocketAddress remote, Runnable onClose) {
        this.sys = sys;
        this.network = network;
        this.family = family;
        this.fd = opened.fd();
        this.inet6 = opened.inet6();
        this.dualStack = opened.dualStack();
        this.localAddress = opened.bound();
        this.remote = remote;
        this.onClose = onClose;
        this.lifecycle = new FdLifecycle(sys, opened.fd(), opened.eventFd());
        this.single = new SingleDatagramIo(this);
        lifecycle.whenReleased(single::release);
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
        SocketSetup.Opened o = SocketSetup.open(sys, family, local, remote);
        return new LinuxUdpSocket(sys, network, family, o, remote, onClose == null ? () -> { } : onClose);
    }

    // ---- the fd's life (FdLifecycle) -------------------------------------------------------------

    /**
     * Registers a native call on the fd; pair with {@link #end()} in a {@code finally}.
     *
     * @throws ClosedChannelException if the socket is closed
     */
    void begin() throws ClosedChannelException {
        lifecycle.begin();
    }

    /** Ends a native call; the last call to leave a closed socket closes the fds. */
    void end() {
        lifecycle.end();
    }

    /**
     * Runs {@code action} once this socket is released: closed, with no native call in flight.
     *
     * @param action what to run (at once if that is already so)
     */
    void whenReleased(Runnable action) {
        lifecycle.whenReleased(action);
    }

    boolean isClosed() {
        return lifecycle.isClosed();
    }

    /**
     * Returns whether the fds have been closed (every call has left a closed socket).
     *
     * @return whether the fds are released
     */
    public boolean isReleased() {
        return lifecycle.isReleased();
    }

    /**
     * Returns how many datagrams were dropped because the kernel answered {@code ENOBUFS} (a full
     * interface queue). Counted by single sends and by the batching view alike.
     *
     * @return the count
     */
    public long noBufferDropCount() {
        return counters.noBufferDrops.sum();
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
     * Waits for a datagram ({@link FdLifecycle#await}) after a receive that would have blocked (only with a read timeout; without
     * one, receives block in the kernel).
     *
     * @param arena the receiving arena (its pollfds)
     * @param deadline {@link #deadline()}
     * @throws SocketTimeoutException if the read timeout passes first
     */
    void awaitReadable(Arena arena, long deadline) throws IOException {
        if (!lifecycle.await(arena, POLLIN, deadline)) {
            throw new SocketTimeoutException("receive timed out after " + readTimeout().toMillis() + " ms");
        }
    }

    /**
     * Waits for room in the send buffer after a send that would have blocked: polls for
     * {@code POLLOUT} until {@link #SEND_STALL_NANOS} pass without progress.
     *
     * @param arena the sending arena (its pollfds)
     * @param stallDeadline what the previous call returned while the send has made no progress since,
     *     else 0
     * @return the stall's deadline, to pass to the next call until the send makes progress
     * @throws SocketTimeoutException if the buffer stays full until the deadline
     */
    long awaitSendRoom(Arena arena, long stallDeadline) throws IOException {
        long deadline = stallDeadline != 0 ? stallDeadline : System.nanoTime() + SEND_STALL_NANOS;
        if (!lifecycle.await(arena, POLLOUT, deadline)) {
            throw new SocketTimeoutException("send buffer stayed full for "
                    + TimeUnit.NANOSECONDS.toSeconds(SEND_STALL_NANOS) + " s");
        }
        return deadline;
    }

    IOException closedOr(IOException e) {
        return lifecycle.closedOr(e);
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

    /**
     * Returns whether the socket is {@code AF_INET6}.
     *
     * @return {@code true} for IPv6 (V6ONLY or dual-stack) sockets
     */
    public boolean isInet6() {
        return inet6;
    }

    /**
     * Receives one datagram with {@code recvmsg(MSG_TRUNC)} (see {@link SingleDatagramIo}).
     */
    @Override
    public InetSocketAddress receive(ByteBuffer dst) throws IOException {
        return single.receive(dst);
    }

    /**
     * Sends one datagram with {@code sendmsg}. Sizes above 65,507 (IPv4) or 65,527 (IPv6) bytes are
     * refused before any system call.
     */
    @Override
    public void send(ByteBuffer src, InetSocketAddress target) throws IOException {
        single.send(src, target);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Here one {@code recvmmsg(2)} scatters the datagrams straight into the messages' buffers
     * (direct ones in place, heap ones through the reader's staging, so a batch of large heap buffers
     * may fill fewer messages) and their control buffers; {@code PEEK} and {@code DONTWAIT} go to the
     * kernel as {@code MSG_PEEK} and {@code MSG_DONTWAIT}. Once the socket is upgraded with GRO, the
     * batching view's coalesced reads are split into the messages (and {@code PEEK} is refused).
     */
    @Override
    public int readBatch(Message[] msgs, int offset, int count, int flags) throws IOException {
        Objects.checkFromIndexSize(offset, count, msgs.length);
        BatchFlags.checkRead(flags);
        for (int i = offset; i < offset + count; i++) {
            SingleMessageIo.checkWritable(msgs[i]);
        }
        if (count == 0) {
            return 0;
        }
        return messageReader().readMessages(msgs, offset, count, flags, groRequested);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Here one {@code sendmmsg(2)} gathers each message's buffers (direct ones in place, heap ones
     * through the writer's staging) with its control buffer as {@code msg_control}; partial counts are
     * continued. {@code ECONNREFUSED} (an earlier datagram's ICMP error) is counted and the message
     * sent again; a message refused with {@code ENOBUFS} is dropped and counted, as UDP may.
     */
    @Override
    public int writeBatch(Message[] msgs, int offset, int count, int flags) throws IOException {
        Objects.checkFromIndexSize(offset, count, msgs.length);
        BatchFlags.checkWrite(flags);
        int sendable = count;
        for (int i = 0; i < count; i++) {
            try {
                checkMessage(msgs[offset + i], offset + i);
            } catch (IOException | RuntimeException e) {
                if (i == 0) {
                    throw e;
                }
                sendable = i; // the messages before it are sent; the next call starts with it and throws
                break;
            }
        }
        if (sendable == 0) {
            return 0;
        }
        return messageWriter().writeMessages(msgs, offset, sendable, flags);
    }

    /**
     * Checks what the kernel would refuse only after sending the messages before it (so that a batch
     * with a bad message k > 0 sends messages 0 to k - 1, as the other networks do): the destination,
     * the control data's framing, the segment count of a {@code UDP_SEGMENT} send and the size.
     */
    private void checkMessage(Message m, int index) throws DatagramTooLargeException {
        InetSocketAddress dest = checkTarget(m.address());
        long size = m.remaining();
        ByteBuffer control = m.control();
        if (control != null && control.hasRemaining()) {
            if (!UdpCmsgs.wellFramed(control, control.position(), control.remaining())) {
                throw new IllegalArgumentException("message " + index + ": malformed control data (a cmsg_len"
                        + " outside its " + control.remaining() + " bytes)");
            }
            int segment = UdpCmsgs.sendSegmentSize(control, control.position(), control.remaining());
            if (segment > 0) {
                try {
                    SegmentationEmulation.checkSegmentCount((int) Math.min(Integer.MAX_VALUE, size), segment);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("message " + index + ": " + e.getMessage(), e);
                }
            }
        }
        int limit = limitFor(dest);
        if (size > limit) {
            throw new DatagramTooLargeException((int) Math.min(Integer.MAX_VALUE, size), limit);
        }
    }

    private BatchReader messageReader() {
        LinuxBatchingConn view = batching;
        if (view != null) {
            return view.reader();
        }
        synchronized (this) {
            if (messageReader == null) {
                messageReader = new BatchReader(this, MESSAGE_BATCH, false, false, counters);
                whenReleased(messageReader::release);
            }
            return messageReader;
        }
    }

    private BatchWriter messageWriter() {
        LinuxBatchingConn view = batching;
        if (view != null) {
            return view.writer();
        }
        synchronized (this) {
            if (messageWriter == null) {
                messageWriter = new BatchWriter(this, MESSAGE_BATCH, false, counters);
                whenReleased(messageWriter::release);
            }
            return messageWriter;
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Here: every count. Datagrams and bytes include single sends and receives, the message API and
     * the batching view's reads and writes (a segmented send counts its segments, a coalesced read the
     * datagrams it is split into). {@code receiveQueueDrops} is the kernel's {@code sk_drops} of this
     * socket, read now with {@code getsockopt(SO_MEMINFO)} ({@link Syscalls#socketDrops}; unavailable on
     * kernels before 4.12).
     */
    @Override
    public UdpStatistics statistics() {
        ConnectionCounters c = counters;
        LinuxBatchingConn view = batching;
        return UdpStatistics.builder()
                .datagramsSent(c.datagramsSent.sum())
                .bytesSent(c.bytesSent.sum())
                .datagramsReceived(c.datagramsReceived.sum())
                .bytesReceived(c.bytesReceived.sum())
                .receiveQueueDrops(receiveQueueDrops())
                .sendBufferDrops(c.noBufferDrops.sum())
                .truncatedDatagrams(c.truncated.sum())
                .portUnreachable(c.portUnreachable.sum())
                .gsoFallbacks(c.gsoFallbacks.sum())
                .sourceDrops(c.sourcesDropped.sum())
                .transmitOffload(view != null && view.txOffload())
                .receiveOffload(groRequested || (view != null && view.rxOffload()))
                .build();
    }

    private long receiveQueueDrops() {
        try {
            begin();
        } catch (ClosedChannelException e) {
            return lastDrops;
        }
        try {
            long drops = sys.socketDrops(fd);
            if (drops >= 0) {
                lastDrops = drops;
            }
            return drops >= 0 ? drops : UdpStatistics.UNAVAILABLE;
        } catch (IOException e) {
            return lastDrops;
        } finally {
            end();
        }
    }

    /**
     * Returns the batching view made for this socket.
     *
     * @return the view, or {@code null} if the socket has not been upgraded
     */
    LinuxBatchingConn batching() {
        return batching;
    }

    /**
     * Attaches the batching view made for this socket, once.
     *
     * @throws IllegalStateException if the socket already has one
     */
    synchronized void attachBatching(LinuxBatchingConn view) {
        if (batching != null) {
            throw new IllegalStateException("socket already has a batching view: " + this);
        }
        batching = view;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Here: this socket ({@link SocketControl} among others) and, once upgraded, its batching view
     * ({@code BatchingConn}, {@code OffloadStatus}, {@code LinuxBatchingConn}).
     */
    @Override
    public <T> Optional<T> capability(Class<T> type) {
        if (type.isInstance(this)) {
            return Optional.of(type.cast(this));
        }
        LinuxBatchingConn view = batching;
        return view != null && type.isInstance(view) ? Optional.of(type.cast(view)) : Optional.empty();
    }

    /** Routes single receives through a batching view's GRO split. */
    void coalescedReceiver(SingleDatagramIo.SingleReceiver receiver) {
        single.coalescedReceiver(receiver);
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

    /** Values boolean options had before {@link #setOption} turned them on, by level and name. */
    private final java.util.Map<Integer, Integer> valuesBeforeOn = new java.util.HashMap<>();

    /**
     * {@inheritDoc}
     *
     * <p>Here each option is one or two {@code setsockopt(2)} calls ({@link LinuxSocketOptions}): on a
     * dual-stack socket {@code IP_DONTFRAG} and the receive options set the IPv6 and the IPv4 option.
     * Turning a boolean option off restores the value the socket had before it was turned on.
     */
    @Override
    public <T> UdpConnection setOption(SocketOption<T> name, T value) throws IOException {
        LinuxSocketOptions.Setting[] settings = LinuxSocketOptions.settings(name, inet6, dualStack);
        Objects.requireNonNull(value, "value");
        boolean flag = false;
        int v = 0;
        if (value instanceof Boolean) {
            flag = (Boolean) value;
        } else {
            v = (Integer) value;
            if (v < 0) {
                throw new IllegalArgumentException("negative " + name.name() + ": " + v);
            }
        }
        begin();
        try {
            for (LinuxSocketOptions.Setting s : settings) {
                sys.setsockoptInt(fd, s.level(), s.name(), value instanceof Boolean ? flagValue(s, flag) : v);
            }
        } finally {
            end();
        }
        if (name == UdpSocketOptions.UDP_GRO) {
            groRequested = flag;
        }
        return this;
    }

    /**
     * The value to set for a boolean option: turning it on remembers what the socket had, turning it
     * off restores that (so that {@code IP_DONTFRAG} off gives back the path-MTU mode the socket had,
     * which follows {@code net.ipv4.ip_no_pmtu_disc} or the user's own setting, not a fixed default).
     */
    private int flagValue(LinuxSocketOptions.Setting s, boolean on) throws IOException {
        int key = s.level() << 16 | s.name();
        synchronized (valuesBeforeOn) {
            if (on) {
                if (!valuesBeforeOn.containsKey(key)) {
                    valuesBeforeOn.put(key, sys.getsockoptInt(fd, s.level(), s.name()));
                }
                return s.on();
            }
            Integer before = valuesBeforeOn.remove(key);
            return before != null ? before : s.off();
        }
    }

    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        LinuxSocketOptions.Setting s = LinuxSocketOptions.settings(name, inet6, dualStack)[0];
        int v;
        begin();
        try {
            v = sys.getsockoptInt(fd, s.level(), s.name());
        } finally {
            end();
        }
        Object value = name.type() == Boolean.class ? (Object) s.read(v) : (Object) v;
        return name.type().cast(value);
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
                LOG.log(Level.DEBUG, "packet info unavailable on {0}: errno {1}; sticky sources are off",
                        localAddress, Errors.name(err));
            }
            return err == 0;
        } finally {
            end();
        }
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return LinuxSocketOptions.SUPPORTED;
    }

    @Override
    public boolean isOpen() {
        return !isClosed();
    }

    /**
     * Closes the socket: marks it closed, wakes blocked calls and closes the fds once no native call
     * is using them ({@link FdLifecycle#close}). Idempotent.
     */
    @Override
    public void close() {
        if (lifecycle.close()) {
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
