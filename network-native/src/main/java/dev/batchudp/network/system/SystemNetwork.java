package dev.batchudp.network.system;

import dev.batchudp.network.ClosedNetworkException;
import dev.batchudp.network.Network;
import dev.batchudp.network.NetworkFeature;
import dev.batchudp.network.NetworkInterfaceInfo;
import dev.batchudp.network.SocketAddresses;
import dev.batchudp.network.UdpConnection;
import dev.batchudp.network.UdpFamily;
import dev.batchudp.network.spi.ProviderLoader;
import dev.batchudp.network.system.spi.UdpSocketBackend;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * The host's network stack: UDP connections are operating-system sockets. This is the
 * {@code system} provider's network.
 *
 * <p><b>Backends.</b> Sockets come from a {@link UdpSocketBackend}: the built-in {@code jdk} backend
 * ({@link java.nio.channels.DatagramChannel}, priority 0, always available) or one found with
 * {@link ServiceLoader}, such as the {@code linux} backend of {@code bind-linux}. {@link #open()}
 * uses the backend named by the system property {@value #BACKEND_PROPERTY} or, when it is unset,
 * the available backend with the highest priority. A backend that fails to load is skipped.
 *
 * <p><b>Validation.</b> Addresses must be resolved literals of the connection's family, checked
 * here before any backend sees them: an unresolved address, {@code udp4} with an IPv6 address or
 * {@code udp6} with an IPv4 address fails with {@link IllegalArgumentException}. The features
 * ({@link NetworkFeature#V6ONLY} or not) are the backend's.
 *
 * <p>Safe for use by many threads. {@link #close()} closes every connection this network opened and
 * refuses new ones with {@link ClosedNetworkException}.
 *
 * @since 0.1
 */
public final class SystemNetwork implements Network {
    /** System property naming the backend {@link #open()} uses, such as {@code jdk} or {@code linux}. */
    public static final String BACKEND_PROPERTY = "dev.batchudp.network.system.backend";

    /** Default of {@link #BACKEND_PROPERTY}: unset, use the available backend with the highest priority. */
    public static final String BACKEND_DEFAULT = null;

    /** The provider name of this network, {@code system}. */
    public static final String PROVIDER_NAME = "system";

    private static final ProviderLoader<UdpSocketBackend> BACKENDS = ProviderLoader
            .<UdpSocketBackend>builder("UDP socket backend", "backends",
                    System.getLogger(SystemNetwork.class.getName()), UdpSocketBackend::unavailabilityCause)
            .name(UdpSocketBackend::name)
            .priority(UdpSocketBackend::priority)
            .distinctBy(UdpSocketBackend::name)
            .build();

    private final UdpSocketBackend backend;
    private final Set<NetworkFeature> features;
    private final Object lock = new Object();
    private final Set<UdpConnection> connections = new LinkedHashSet<>(); // guarded by lock
    private boolean closed; // guarded by lock

    private SystemNetwork(UdpSocketBackend backend) {
        this.backend = backend;
        this.features = Set.copyOf(backend.features());
    }

    /**
     * Opens a system network with the backend named by {@value #BACKEND_PROPERTY}, or the available
     * backend with the highest priority when the property is unset.
     *
     * @return a new, open network
     * @throws IllegalStateException if the property names a backend that is missing or unavailable
     */
    public static SystemNetwork open() {
        return open(null);
    }

    /**
     * Opens a system network with the named backend.
     *
     * @param backendName the backend, such as {@code jdk} or {@code linux}; {@code null} to choose as
     *     {@link #open()} does
     * @return a new, open network
     * @throws IllegalStateException if the backend is missing or unavailable; the message lists every
     *     backend found and why each is unavailable
     */
    public static SystemNetwork open(String backendName) {
        return new SystemNetwork(selectBackend(backends(), backendName));
    }

    /**
     * Returns every backend found: the built-in {@code jdk} one and those registered with
     * {@link ServiceLoader}, available or not, highest priority first, then by name.
     *
     * @return the backends
     */
    public static List<UdpSocketBackend> backends() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) {
            loader = SystemNetwork.class.getClassLoader();
        }
        return BACKENDS.load(ServiceLoader.load(UdpSocketBackend.class, loader), List.of(new JdkUdpSocketBackend()));
    }

    /**
     * Chooses a backend: the name given, else the system property, else the best available one.
     *
     * @param backends the candidates, highest priority first
     * @param backendName the name asked for, or {@code null}
     * @return the backend
     * @throws IllegalStateException if the named backend is missing or unavailable
     */
    static UdpSocketBackend selectBackend(List<UdpSocketBackend> backends, String backendName) {
        return backendName != null
                ? BACKENDS.select(backends, backendName, IllegalStateException::new)
                : BACKENDS.selectDefault(backends, BACKEND_PROPERTY, IllegalStateException::new);
    }

    /**
     * Returns the name of the backend this network's sockets come from.
     *
     * @return {@code jdk}, {@code linux}, ...
     */
    public String backendName() {
        return backend.name();
    }

    /**
     * Returns {@value #PROVIDER_NAME}.
     *
     * @return {@value #PROVIDER_NAME}
     */
    @Override
    public String providerName() {
        return PROVIDER_NAME;
    }

    /**
     * Returns {@code true}: connections are the operating system's sockets.
     *
     * @return {@code true}
     */
    @Override
    public boolean isNative() {
        return true;
    }

    /**
     * Returns the backend's features: {@link NetworkFeature#STRICT_DATAGRAM_SIZES} for {@code jdk},
     * which lacks {@link NetworkFeature#V6ONLY}.
     *
     * @return the features
     */
    @Override
    public Set<NetworkFeature> features() {
        return features;
    }

    @Override
    public UdpConnection openUdp(UdpFamily family, InetSocketAddress local) throws IOException {
        return openUdp(family, local, null);
    }

    @Override
    public UdpConnection openUdp(UdpFamily family, InetSocketAddress local, InetSocketAddress remote)
            throws IOException {
        Objects.requireNonNull(family, "family");
        ensureOpen();
        InetSocketAddress l = SocketAddresses.unmap(SocketAddresses.requireResolved(local, "local"));
        InetSocketAddress r = null;
        if (!family.accepts(l.getAddress())) {
            throw new IllegalArgumentException("a " + family + " connection cannot bind the "
                    + familyName(l.getAddress()) + " address " + SocketAddresses.format(l));
        }
        if (remote != null) {
            r = SocketAddresses.unmap(SocketAddresses.requireResolved(remote, "remote"));
            if (!family.accepts(r.getAddress())) {
                throw new IllegalArgumentException("a " + family + " connection cannot connect to the "
                        + familyName(r.getAddress()) + " address " + SocketAddresses.format(r));
            }
            if (r.getPort() == 0) {
                throw new IllegalArgumentException("remote address " + SocketAddresses.format(r) + " has port 0");
            }
            if (!l.getAddress().isAnyLocalAddress()
                    && UdpFamily.of(l.getAddress()) != UdpFamily.of(r.getAddress())) {
                throw new IllegalArgumentException("local address " + SocketAddresses.format(l)
                        + " and remote address " + SocketAddresses.format(r) + " are of different families");
            }
        }
        Registration registration = new Registration();
        UdpConnection connection = backend.open(this, family, l, r, registration);
        boolean networkClosed;
        synchronized (lock) {
            networkClosed = closed;
            if (!networkClosed && !registration.done) {
                registration.connection = connection;
                connections.add(connection);
            }
        }
        if (networkClosed) {
            // the network was closed while the socket was being opened
            connection.close();
            throw new ClosedNetworkException(PROVIDER_NAME);
        }
        return connection;
    }

    private static String familyName(InetAddress address) {
        return UdpFamily.of(address) == UdpFamily.UDP4 ? "IPv4" : "IPv6";
    }

    /** The backend's onClose callback: forgets the connection, exactly once. */
    private final class Registration implements Runnable {
        private boolean done; // guarded by lock
        private UdpConnection connection; // guarded by lock

        @Override
        public void run() {
            synchronized (lock) {
                done = true;
                if (connection != null) {
                    connections.remove(connection);
                    connection = null;
                }
            }
        }
    }

    private void ensureOpen() {
        synchronized (lock) {
            if (closed) {
                throw new ClosedNetworkException(PROVIDER_NAME);
            }
        }
    }

    /**
     * Lists the host's interfaces from {@link NetworkInterface}, in index order.
     *
     * @return the interfaces
     * @throws IOException if the JDK cannot list them
     */
    @Override
    public List<NetworkInterfaceInfo> interfaces() throws IOException {
        List<NetworkInterfaceInfo> result = new ArrayList<>();
        for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            int mtu;
            boolean up;
            boolean loopback;
            try {
                mtu = ni.getMTU();
                up = ni.isUp();
                loopback = ni.isLoopback();
            } catch (SocketException e) {
                continue; // the interface went away while listing
            }
            result.add(new NetworkInterfaceInfo(ni.getName(), ni.getIndex(), mtu < 0 ? -1 : mtu, up, loopback,
                    Collections.list(ni.getInetAddresses())));
        }
        result.sort(Comparator.comparingInt(NetworkInterfaceInfo::index));
        return List.copyOf(result);
    }

    @Override
    public List<UdpConnection> openConnections() {
        synchronized (lock) {
            return List.copyOf(connections);
        }
    }

    @Override
    public boolean isOpen() {
        synchronized (lock) {
            return !closed;
        }
    }

    @Override
    public void close() {
        List<UdpConnection> toClose;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            toClose = new ArrayList<>(connections);
        }
        RuntimeException failure = null;
        for (UdpConnection c : toClose) {
            try {
                c.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return "SystemNetwork[backend=" + backend.name() + ", " + (isOpen() ? "open" : "closed")
                + ", connections=" + openConnections().size() + "]";
    }
}
