package dev.batchudp.network;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;

/**
 * A network that hands out UDP connections: the host's stack, an in-memory loopback network, a
 * proxy, a tunnel. The Java counterpart of gonnect's {@code Network} for UDP.
 *
 * <p>Obtain one with {@link Networks#open()} (the default provider), {@link Networks#open(String)}
 * (by provider name), or directly from an implementation's factory.
 *
 * <p><b>Lifecycle.</b> A network is open when created. {@link #close()} takes it down: every
 * connection it handed out is closed (waking blocked receivers), and opening a connection afterwards
 * fails with {@link ClosedNetworkException}. Networks are safe for use by many threads.
 *
 * @since 0.1
 */
public interface Network extends Closeable {

    /**
     * Returns the name of the provider that made this network, such as {@code system} or
     * {@code loopback}.
     *
     * @return the provider name
     */
    String providerName();

    /**
     * Returns whether connections are the operating system's own sockets (Go's {@code IsNative}).
     * Only native networks get kernel fast paths such as batched system calls.
     *
     * @return whether this is the host's network stack
     */
    boolean isNative();

    /**
     * Returns the optional behaviours of this network.
     *
     * @return the features
     */
    Set<NetworkFeature> features();

    /**
     * Opens an unconnected UDP connection bound to {@code local}. Port 0 asks for an ephemeral port.
     *
     * @param family the socket family
     * @param local the local address: a literal address (the wildcard {@code 0.0.0.0} or {@code ::}
     *     included) and a port
     * @return the connection
     * @throws java.net.BindException if the address is in use or cannot be assigned
     * @throws ClosedNetworkException if this network is closed
     * @throws IllegalArgumentException if the address is unresolved or not of the family
     * @throws AddressFamilyNotSupportedException if this network cannot open sockets of the family
     * @throws IOException on any other failure
     */
    UdpConnection openUdp(UdpFamily family, InetSocketAddress local) throws IOException;

    /**
     * Opens a UDP connection bound to {@code local} and connected to {@code remote}.
     *
     * @param family the socket family
     * @param local the local address (port 0 for an ephemeral port)
     * @param remote the remote address to connect to, or {@code null} for an unconnected connection
     * @return the connection
     * @throws java.net.BindException if the local address is in use or cannot be assigned
     * @throws ClosedNetworkException if this network is closed
     * @throws IllegalArgumentException if an address is unresolved or not of the family
     * @throws IOException on any other failure
     */
    UdpConnection openUdp(UdpFamily family, InetSocketAddress local, InetSocketAddress remote)
            throws IOException;

    /**
     * Returns the interfaces this network knows.
     *
     * @return the interfaces, in index order
     * @throws IOException if they cannot be listed
     */
    List<NetworkInterfaceInfo> interfaces() throws IOException;

    /**
     * Returns the connections this network handed out that are still open, for leak checks.
     *
     * @return a snapshot of the open connections
     */
    List<UdpConnection> openConnections();

    /**
     * Returns whether this network is open (up).
     *
     * @return {@code false} once closed
     */
    boolean isOpen();

    /**
     * Takes the network down: closes every open connection and refuses new ones. Idempotent.
     */
    @Override
    void close();
}
