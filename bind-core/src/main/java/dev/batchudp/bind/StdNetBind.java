package dev.batchudp.bind;

import dev.batchudp.bind.spi.BatchingConn;
import dev.batchudp.bind.spi.BatchingConnProvider;
import dev.batchudp.bind.spi.SocketControl;
import dev.batchudp.network.AddressFamilyNotSupportedException;
import dev.batchudp.network.Network;
import dev.batchudp.network.NetworkFeature;
import dev.batchudp.network.SocketAddresses;
import dev.batchudp.network.UdpConnection;
import dev.batchudp.network.UdpFamily;
import dev.batchudp.network.UdpStatistics;
import dev.batchudp.network.spi.ProviderLoader;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The standard {@link Bind}: an IPv4 and an IPv6 UDP socket on one port of any {@link Network}, as
 * wireguard-go's {@code StdNetBind} (batchudp's gonnect port).
 *
 * <p><b>Sockets.</b> On networks with {@link NetworkFeature#V6ONLY} (the loopback network, and the
 * system network on Linux with {@code bind-linux}), {@link #open(int)} opens a {@code udp4} socket and
 * an IPv6-only {@code udp6} socket on the same port and returns two receive functions, {@code v4} and
 * {@code v6}. On networks whose IPv6 sockets are forced dual-stack (the JDK's portable sockets), it
 * opens one dual-stack socket that carries both families and returns one receive function named
 * {@code v4v6}; if IPv6 is unavailable there it opens only {@code udp4}.
 *
 * <p><b>Batching.</b> When a {@link BatchingConnProvider} (found with {@link ServiceLoader};
 * {@code bind-linux} has one) can upgrade the sockets, receive functions return up to
 * {@link #batchSize()} datagrams per system call and {@link #send} writes a whole batch in one.
 * Otherwise the batch size is 1 and each call moves one datagram.
 *
 * <p><b>Decisions where wireguard-go has quirks</b> (its {@code conn/bind_std.go}): sending on a
 * closed bind throws {@link java.nio.channels.ClosedChannelException} (not {@code EAFNOSUPPORT}); sending to a family
 * with no open socket throws {@link SocketException}; a foreign endpoint type is an
 * {@link IllegalArgumentException} rather than a crash; too many buffers is an
 * {@link IllegalArgumentException}; IPv4-mapped destinations go to the IPv4 socket (the JDK represents
 * them as IPv4); {@link #setMark(int)} does nothing on the portable path.
 *
 * <p><b>Sticky sources, marks, interfaces, fds.</b> On native sockets ({@code bind-linux}),
 * endpoints from receive functions carry the local address the peer wrote to and replies are sent
 * from it ({@link StdNetEndpoint}); {@link #setMark(int)} sets {@code SO_MARK};
 * {@link #bindSocketToInterface4}/{@code 6} set {@code IP_UNICAST_IF}/{@code IPV6_UNICAST_IF} and the
 * blackhole; {@link #peekLookAtSocketFd4()}/{@code 6} lend the fds. All of them go through the
 * sockets' {@link SocketControl} capability.
 *
 * @since 0.1
 */
public final class StdNetBind implements Bind, BindSocketToInterface, PeekLookAtSocketFd {
    private static final Logger LOG = System.getLogger(StdNetBind.class.getName());

    /** Socket buffer size requested on native networks: 7 MiB, as wireguard-go. */
    public static final int SOCKET_BUFFER_SIZE = 7 << 20;

    /** How often {@link #open(int)} retries port 0 when the second family's port is taken. */
    static final int MAX_PORT_RETRIES = 100;

    private final Network network;
    private final StdNetBindOptions options;
    private final BatchingConnProvider batchingProvider;
    private final int batchSize;
    private final ReentrantLock lifecycle = new ReentrantLock();
    private volatile Sockets sockets = Sockets.CLOSED;
    private volatile boolean blackhole4;
    private volatile boolean blackhole6;
    private UdpStatistics closedStatistics = UdpStatistics.NONE; // guarded by lifecycle

    private StdNetBind(Network network, StdNetBindOptions options) {
        this.network = Objects.requireNonNull(network, "bind network is null");
        this.options = Objects.requireNonNull(options, "options");
        this.batchingProvider = options.batchingDisabled() ? null
                : options.batchingProvider().orElseGet(BatchingProviders::discovered);
        if (options.batchSize() > 0) {
            this.batchSize = options.batchSize();
        } else if (batchingProvider != null && batchingProvider.supports(network)) {
            this.batchSize = IDEAL_BATCH_SIZE;
        } else {
            this.batchSize = 1;
        }
    }

    /**
     * Creates a bind on a network with the default options.
     *
     * @param network the network its sockets come from
     * @return a closed bind
     */
    public static StdNetBind create(Network network) {
        return new StdNetBind(network, StdNetBindOptions.defaults());
    }

    /**
     * Creates a bind on a network.
     *
     * @param network the network its sockets come from
     * @param options the options
     * @return a closed bind
     */
    public static StdNetBind create(Network network, StdNetBindOptions options) {
        return new StdNetBind(network, options);
    }

    /**
     * Returns the network this bind opens sockets on.
     *
     * @return the network
     */
    public Network network() {
        return network;
    }

    /**
     * Returns the options.
     *
     * @return the options
     */
    public StdNetBindOptions options() {
        return options;
    }

    @Override
    public int batchSize() {
        return batchSize;
    }

    /**
     * Returns whether this bind uses sticky sources: whether its sockets will capture the local
     * address each datagram arrived on ({@link Endpoint#srcIp()}) and send replies to that endpoint from
     * it, the counterpart of wireguard-go's {@code StdNetSupportsStickySockets}. True when batching is
     * on and the batching provider captures sources for this bind's network ({@code bind-linux} on the
     * native Linux network); false on the portable path and the loopback network, where replies leave
     * from the kernel's (or simulator's) choice of address. Known before {@link #open(int)}; nothing is
     * opened.
     *
     * @return whether sources are captured and used
     * @since 0.2
     */
    public boolean supportsStickySockets() {
        return batchingProvider != null && batchingProvider.supports(network)
                && batchingProvider.capturesSources(network);
    }

    /**
     * Returns whether a bind with the default options on {@code network} uses sticky sources
     * ({@link #supportsStickySockets()}).
     *
     * @param network the network
     * @return whether sources are captured and used there
     * @since 0.2
     */
    public static boolean supportsStickySockets(Network network) {
        return create(network).supportsStickySockets();
    }

    /**
     * Returns this bind's counters: the sum of its sockets' {@link UdpConnection#statistics()} since
     * the bind was created, across every {@link #open(int)} (the counters of closed sockets are kept).
     * Counts no socket keeps are {@link UdpStatistics#UNAVAILABLE}; the offload flags describe the
     * sockets open now. No compile dependency on a platform module is needed to see a drop: on
     * {@code bind-linux} sockets this includes the kernel's receive-queue drops, {@code ENOBUFS},
     * truncations, ICMP port unreachable, GSO fallbacks and refused sticky sources; on the loopback
     * network its simulated queue drops.
     *
     * @return the counters now
     * @since 0.2
     */
    public UdpStatistics statistics() {
        lifecycle.lock(); // against open and close, so that closing sockets are counted once
        try {
            UdpStatistics total = closedStatistics;
            Sockets s = sockets;
            if (s.v4 != null) {
                total = total.plus(s.v4.connection().statistics());
            }
            if (s.v6 != null && s.v6 != s.v4) {
                total = total.plus(s.v6.connection().statistics());
            }
            return total;
        } finally {
            lifecycle.unlock();
        }
    }

    /**
     * Returns whether the open socket of a family uses batched I/O.
     *
     * @param family {@link UdpFamily#UDP4} or {@link UdpFamily#UDP6}
     * @return whether that family's socket is open and batching
     */
    public boolean isBatching(UdpFamily family) {
        FamilySocket s = sockets.forFamily(family);
        return s != null && s.batching != null;
    }

    /**
     * Returns the open connection of a family, for diagnostics (with a dual-stack socket both
     * families return the same connection). A socket of {@code bind-linux} that the bind upgraded
     * answers {@code capability(BatchingConn.class)} with its batched I/O and
     * {@code capability(OffloadStatus.class)} with its GSO/GRO state.
     *
     * @param family {@link UdpFamily#UDP4} or {@link UdpFamily#UDP6}
     * @return the connection, or empty when that family is not open
     */
    public Optional<UdpConnection> connection(UdpFamily family) {
        FamilySocket s = sockets.forFamily(family);
        return s == null ? Optional.empty() : Optional.of(s.connection());
    }

    @Override
    public Opened open(int port) throws IOException {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port out of range 0-65535: " + port);
        }
        UdpFamily failedFamily = null;
        IOException failure = null;
        Opened opened;
        lifecycle.lock();
        try {
            if (sockets.open) {
                throw new IllegalStateException("bind is already open");
            }
            FamilySocket v4;
            FamilySocket v6;
            int actualPort;
            // Without V6ONLY the network's IPv6 sockets also carry IPv4: one socket serves both
            // (openDualStack returns null if it turned out IPv6-only after all).
            FamilySocket dual = network.features().contains(NetworkFeature.V6ONLY) ? null : openDualStack(port);
            if (dual != null) {
                v4 = dual;
                v6 = dual.family == UdpFamily.UDP6 ? dual : null;
                actualPort = dual.connection().localAddress().getPort();
            } else {
                OpenedPair pair = openPair(port);
                v4 = pair.v4 == null ? null : upgrade(pair.v4, UdpFamily.UDP4, "v4");
                v6 = pair.v6 == null ? null : upgrade(pair.v6, UdpFamily.UDP6, "v6");
                actualPort = pair.port;
                failedFamily = pair.failedFamily;
                failure = pair.failure;
            }
            List<ReceiveFunc> funcs = new ArrayList<>(2);
            if (v4 != null) {
                funcs.add(new StdReceiveFunc(v4));
            }
            if (v6 != null && v6 != v4) {
                funcs.add(new StdReceiveFunc(v6));
            }
            sockets = new Sockets(true, v4, v6);
            opened = new Opened(funcs, actualPort);
        } finally {
            lifecycle.unlock();
        }
        if (failure != null) {
            IOException cause = failure;
            UdpFamily family = failedFamily;
            options.onFamilyOpenError().ifPresent(cb -> cb.accept(family, cause));
        }
        return opened;
    }

    private static final class OpenedPair {
        UdpConnection v4;
        UdpConnection v6;
        int port;
        UdpFamily failedFamily;
        IOException failure;
    }

    /**
     * The {@code Open} algorithm of batchudp's {@code conn/bind_std.go} for networks with separate IPv4
     * and IPv6 sockets: the second family asks for the first one's port; with port 0 an
     * {@code EADDRINUSE} there closes the first and retries, at most 100 times.
     */
    private OpenedPair openPair(int requested) throws IOException {
        boolean v6First = options.familyOrder() == FamilyOrder.IPV6_FIRST;
        UdpFamily firstFamily = v6First ? UdpFamily.UDP6 : UdpFamily.UDP4;
        UdpFamily secondFamily = v6First ? UdpFamily.UDP4 : UdpFamily.UDP6;
        for (int tries = 0; ; tries++) {
            OpenedPair result = new OpenedPair();
            int port = requested;
            result.port = requested;
            UdpConnection first = null;
            try {
                first = listen(firstFamily, port);
                port = first.localAddress().getPort();
                result.port = port;
            } catch (AddressFamilyNotSupportedException e) {
                LOG.log(Level.DEBUG, "{0} not supported: {1}", new Object[] {firstFamily, e.getMessage()});
            }
            UdpConnection second = null;
            try {
                second = listen(secondFamily, port);
                if (first == null) {
                    result.port = second.localAddress().getPort();
                }
            } catch (IOException e) {
                boolean unsupported = e instanceof AddressFamilyNotSupportedException;
                if (first != null && requested == 0 && !options.allowSingleFamily()
                        && e instanceof BindException && tries < MAX_PORT_RETRIES) {
                    first.close();
                    continue;
                }
                if (first != null && options.allowSingleFamily()) {
                    result.failedFamily = secondFamily;
                    result.failure = e;
                } else if (first != null && !unsupported) {
                    first.close();
                    throw e;
                } else if (first == null) {
                    throw e;
                }
            }
            if (first == null && second == null) {
                throw new AddressFamilyNotSupportedException(secondFamily, "no family could be opened");
            }
            result.v4 = v6First ? second : first;
            result.v6 = v6First ? first : second;
            return result;
        }
    }

    /**
     * Opens one dual-stack socket for networks whose IPv6 sockets also carry IPv4, or only IPv4 where
     * IPv6 is unsupported. Returns null if the network's IPv6 socket turned out to be IPv6-only after
     * all, in which case the caller opens a pair.
     */
    private FamilySocket openDualStack(int port) throws IOException {
        UdpConnection conn;
        try {
            conn = listen(UdpFamily.UDP6, port, true);
        } catch (AddressFamilyNotSupportedException e) {
            LOG.log(Level.DEBUG, "IPv6 not supported, opening IPv4 only: {0}", e.getMessage());
            return upgrade(listen(UdpFamily.UDP4, port), UdpFamily.UDP4, "v4");
        }
        if (!conn.isDualStack()) {
            conn.close();
            return null;
        }
        return upgrade(conn, UdpFamily.UDP6, "v4v6");
    }

    private UdpConnection listen(UdpFamily family, int port) throws IOException {
        return listen(family, port, false);
    }

    private UdpConnection listen(UdpFamily family, int port, boolean dualStack) throws IOException {
        InetAddress wildcard = family == UdpFamily.UDP6
                ? InetAddress.getByAddress(new byte[16])
                : InetAddress.getByAddress(new byte[4]);
        UdpConnection conn = network.openUdp(family, new InetSocketAddress(wildcard, port));
        if (network.isNative()) {
            setBufferSizes(conn);
        }
        LOG.log(Level.DEBUG, "opened {0} socket {1}{2}",
                new Object[] {family, conn.localAddress(), dualStack && conn.isDualStack() ? " (dual-stack)" : ""});
        return conn;
    }

    /**
     * Raises the socket buffers to {@link #SOCKET_BUFFER_SIZE} where they are smaller, never lowers
     * them: a backend may already have set more (bind-linux forces 7 MiB with
     * {@code SO_RCVBUFFORCE}, past {@code net.core.rmem_max}), which a plain {@code SO_RCVBUF} would
     * cap at {@code rmem_max} again (socket(7)).
     */
    private static void setBufferSizes(UdpConnection conn) {
        for (var option : List.of(StandardSocketOptions.SO_RCVBUF, StandardSocketOptions.SO_SNDBUF)) {
            if (conn.supportedOptions().contains(option)) {
                try {
                    if (conn.getOption(option) >= SOCKET_BUFFER_SIZE) {
                        continue;
                    }
                    conn.setOption(option, SOCKET_BUFFER_SIZE);
                } catch (IOException | UnsupportedOperationException e) {
                    LOG.log(Level.DEBUG, "could not set " + option + " on " + conn.localAddress(), e);
                }
            }
        }
    }

    private FamilySocket upgrade(UdpConnection conn, UdpFamily family, String name) {
        BatchingConn batching = null;
        if (batchingProvider != null) {
            try {
                batching = batchingProvider.tryUpgrade(conn, batchSize).orElse(null);
                if (batching != null && batching.connection() != conn) {
                    throw new IllegalStateException(batchingProvider.getClass().getName()
                            + " upgraded a connection to batched I/O for another connection");
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "batched I/O unavailable for " + conn.localAddress()
                        + "; using single-datagram I/O", e);
            }
        }
        return new FamilySocket(conn, batching, family, name, batchSize);
    }

    private static UdpStatistics offloadsOff(UdpStatistics closed) {
        return closed.toBuilder().transmitOffload(false).receiveOffload(false).build();
    }

    @Override
    public void close() {
        lifecycle.lock();
        try {
            Sockets s = sockets;
            // Read before closing: the kernel's drop count is read from the open socket.
            UdpStatistics kept = closedStatistics;
            if (s.v4 != null) {
                kept = kept.plus(offloadsOff(s.v4.connection().statistics()));
            }
            if (s.v6 != null && s.v6 != s.v4) {
                kept = kept.plus(offloadsOff(s.v6.connection().statistics()));
            }
            closedStatistics = kept;
            sockets = Sockets.CLOSED;
            blackhole4 = false;
            blackhole6 = false;
            if (s.v4 != null) {
                s.v4.close();
            }
            if (s.v6 != null && s.v6 != s.v4) {
                s.v6.close();
            }
        } finally {
            lifecycle.unlock();
        }
    }

    /**
     * Sets {@code SO_MARK} on every open socket that has a {@link SocketControl} (IPv4 first), and
     * does nothing for the others (the portable path and the loopback network) or when the bind is
     * closed. The mark is not remembered: call this again after every {@link #open(int)}.
     *
     * @param mark the mark
     * @throws IOException the first failure; without the privilege it names {@code CAP_NET_ADMIN}
     */
    @Override
    public void setMark(int mark) throws IOException {
        Sockets s = sockets;
        if (!s.open) {
            return;
        }
        for (FamilySocket socket : s.distinct()) {
            var control = socket.connection().capability(SocketControl.class);
            if (control.isPresent()) {
                control.get().setMark(mark);
            }
        }
    }

    @Override
    public void bindSocketToInterface4(int interfaceIndex, boolean blackhole) throws IOException {
        bindSocketToInterface(UdpFamily.UDP4, interfaceIndex, blackhole);
    }

    @Override
    public void bindSocketToInterface6(int interfaceIndex, boolean blackhole) throws IOException {
        bindSocketToInterface(UdpFamily.UDP6, interfaceIndex, blackhole);
    }

    private void bindSocketToInterface(UdpFamily family, int interfaceIndex, boolean blackhole) throws IOException {
        if (interfaceIndex < 0) {
            throw new IllegalArgumentException("negative interface index: " + interfaceIndex);
        }
        lifecycle.lock();
        try {
            FamilySocket socket = openSocket(family);
            socket.control().setUnicastInterface(family == UdpFamily.UDP6, interfaceIndex);
            if (family == UdpFamily.UDP6) {
                blackhole6 = blackhole;
            } else {
                blackhole4 = blackhole;
            }
        } finally {
            lifecycle.unlock();
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>The fd is valid only until {@link #close()}; never close it.
     */
    @Override
    public int peekLookAtSocketFd4() throws IOException {
        return openSocket(UdpFamily.UDP4).control().fd();
    }

    /**
     * {@inheritDoc}
     *
     * <p>The fd is valid only until {@link #close()}; never close it.
     */
    @Override
    public int peekLookAtSocketFd6() throws IOException {
        return openSocket(UdpFamily.UDP6).control().fd();
    }

    private FamilySocket openSocket(UdpFamily family) throws BindClosedException {
        Sockets s = sockets;
        FamilySocket socket = s.open ? s.forFamily(family) : null;
        if (socket == null) {
            throw new BindClosedException(s.open
                    ? "no " + (family == UdpFamily.UDP6 ? "IPv6" : "IPv4") + " socket is open on this bind"
                    : "bind is closed");
        }
        return socket;
    }

    @Override
    public void send(ByteBuffer[] bufs, int offset, int count, Endpoint ep) throws IOException {
        Objects.checkFromIndexSize(offset, count, bufs.length);
        if (count > batchSize) {
            throw new IllegalArgumentException(
                    "cannot send " + count + " datagrams at once: the bind's batch size is " + batchSize);
        }
        if (!(ep instanceof StdNetEndpoint)) {
            throw new IllegalArgumentException("endpoint type does not correspond with bind type: "
                    + (ep == null ? "null" : ep.getClass().getName()) + " is not a StdNetEndpoint");
        }
        Sockets s = sockets;
        if (!s.open) {
            throw new BindClosedException("bind is closed");
        }
        InetSocketAddress dst = ep.dst();
        UdpFamily family = dst.getAddress() instanceof Inet6Address ? UdpFamily.UDP6 : UdpFamily.UDP4;
        if (family == UdpFamily.UDP6 ? blackhole6 : blackhole4) {
            return; // blackholed family: dropped locally, not an error (Send in wireguard-go's conn/bind_std.go)
        }
        FamilySocket socket = s.forFamily(family);
        if (socket == null) {
            throw new SocketException("no " + (family == UdpFamily.UDP6 ? "IPv6" : "IPv4")
                    + " socket is open on this bind (address family not supported): " + ep.dstToString());
        }
        if (count == 0) {
            return;
        }
        socket.send(bufs, offset, count, (StdNetEndpoint) ep);
    }

    @Override
    public StdNetEndpoint parseEndpoint(String s) {
        return StdNetEndpoint.of(SocketAddresses.parse(s));
    }

    @Override
    public String toString() {
        Sockets s = sockets;
        return "StdNetBind[" + network.providerName() + ", batch " + batchSize
                + (s.open ? ", open " + s : ", closed") + "]";
    }

    /** The open sockets, replaced as a whole on open and close so senders see a consistent pair. */
    private static final class Sockets {
        static final Sockets CLOSED = new Sockets(false, null, null);

        final boolean open;
        final FamilySocket v4;
        final FamilySocket v6;

        Sockets(boolean open, FamilySocket v4, FamilySocket v6) {
            this.open = open;
            this.v4 = v4;
            this.v6 = v6;
        }

        FamilySocket forFamily(UdpFamily family) {
            return family == UdpFamily.UDP6 ? v6 : v4;
        }

        List<FamilySocket> distinct() {
            List<FamilySocket> out = new ArrayList<>(2);
            if (v4 != null) {
                out.add(v4);
            }
            if (v6 != null && v6 != v4) {
                out.add(v6);
            }
            return out;
        }

        @Override
        public String toString() {
            return "v4=" + (v4 == null ? "-" : v4.connection().localAddress())
                    + " v6=" + (v6 == null ? "-" : v6.connection().localAddress());
        }
    }

    /** The batching providers on the class path, loaded once; availability is asked per bind. */
    private static final class BatchingProviders {
        private static final ProviderLoader<BatchingConnProvider> LOADER = ProviderLoader
                .<BatchingConnProvider>builder("batching provider", "batching providers", LOG,
                        BatchingConnProvider::unavailabilityCause)
                .build();
        private static final List<BatchingConnProvider> DISCOVERED =
                LOADER.load(ServiceLoader.load(BatchingConnProvider.class, StdNetBind.class.getClassLoader()));

        /** Returns the first provider available now, or null. */
        static BatchingConnProvider discovered() {
            return LOADER.firstAvailable(DISCOVERED).orElse(null);
        }
    }
}
