package dev.batchudp.network.system.spi;

import dev.batchudp.network.Network;
import dev.batchudp.network.NetworkFeature;
import dev.batchudp.network.UdpConnection;
import dev.batchudp.network.UdpFamily;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.Set;

/**
 * Where the system network gets its sockets. The portable backend ({@code jdk}, built in) uses the
 * JDK's {@link java.nio.channels.DatagramChannel}; a platform module may add a faster one through
 * {@link java.util.ServiceLoader} ({@code bind-linux} adds {@code linux}, which owns its sockets
 * through {@code socket(2)}). The system network uses the available backend with the highest
 * {@link #priority()}, unless the system property
 * {@code dev.batchudp.network.system.backend} names one.
 *
 * <p>Register implementations in
 * {@code META-INF/services/dev.batchudp.network.system.spi.UdpSocketBackend}. They must be
 * stateless, have a public no-argument constructor and never throw from it or from
 * {@link #unavailabilityCause()} on any platform.
 *
 * @since 0.1
 */
public abstract class UdpSocketBackend {

    /** Constructor for subclasses. */
    protected UdpSocketBackend() {}

    /**
     * Returns the backend's name, such as {@code jdk} or {@code linux}.
     *
     * @return the name
     */
    public abstract String name();

    /**
     * Returns the priority; the built-in {@code jdk} backend has 0.
     *
     * @return the priority
     */
    public int priority() {
        return 0;
    }

    /**
     * Returns why this backend cannot open sockets here, or empty if it can.
     *
     * @return the cause
     */
    public abstract Optional<Throwable> unavailabilityCause();

    /**
     * Returns the network features sockets of this backend give, for
     * {@link Network#features()}.
     *
     * @return the features
     */
    public abstract Set<NetworkFeature> features();

    /**
     * Opens a socket for the system network.
     *
     * @param network the network the connection belongs to ({@link UdpConnection#network()} returns it)
     * @param family the family
     * @param local the local address (resolved)
     * @param remote the remote address to connect to, or {@code null}
     * @param onClose to run exactly once when the connection closes, so the network can forget it
     * @return the open connection
     * @throws IOException if the socket cannot be opened or bound
     */
    public abstract UdpConnection open(Network network, UdpFamily family, InetSocketAddress local,
            InetSocketAddress remote, Runnable onClose) throws IOException;

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + name() + "]";
    }
}
