package dev.batchudp.network.loopback;

import dev.batchudp.network.ClosedNetworkException;
import dev.batchudp.network.Network;
import dev.batchudp.network.NetworkFeature;
import dev.batchudp.network.NetworkInterfaceInfo;
import dev.batchudp.network.SocketAddresses;
import dev.batchudp.network.UdpConnection;
import dev.batchudp.network.UdpFamily;
import java.io.IOException;
import java.net.BindException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-memory UDP network for tests: isolated per instance, deterministic, strict.
 *
 * <pre>{@code
 * try (LoopbackNetwork network = LoopbackNetwork.create()) {
 *     UdpConnection server = network.openUdp(UdpFamily.UDP4, new InetSocketAddress("127.0.0.1", 0));
 *     UdpConnection client = network.openUdp(UdpFamily.UDP4, new InetSocketAddress("127.0.0.1", 0));
 *     client.send(ByteBuffer.wrap(hello), server.localAddress());
 *     InetSocketAddress from = server.receive(buffer);     // the datagram is already there
 *     network.checkNoOpenConnections();                    // fails if a connection leaked
 * }
 * }</pre>
 *
 * <h2>Addresses and ports</h2>
 * The network is one host with a {@code lo} interface: every address in {@code 127.0.0.0/8} and
 * {@code ::1} is local. A connection binds to one of them or to the wildcard ({@code 0.0.0.0} or
 * {@code ::}), which receives datagrams for every local address of its family on its port; binding any
 * other address fails with {@link BindException} ("Cannot assign requested address"). A wildcard-bound
 * connection's datagrams carry the source address {@code 127.0.0.1} or {@code ::1}, the address Linux
 * picks. Addresses are kept as given: a datagram sent to {@code 127.0.0.2} is seen by its receiver
 * as coming from the sender's address, not rewritten to {@code 127.0.0.1}.
 *
 * <p>IPv4 and IPv6 have separate port spaces ({@link NetworkFeature#V6ONLY}), so a {@code udp4} and a
 * {@code udp6} connection may share a port, as wireguard-go's two sockets do; no connection is
 * dual-stack. {@link UdpFamily#UDP} opens an IPv4 or IPv6 connection according to the local address.
 * Port 0 allocates an ephemeral port from {@link LoopbackConfiguration#ephemeralPortFirst()} upward,
 * sequentially per family, wrapping around and skipping ports in use. Binding a port already bound in
 * the same family at the same address, or at any address when one of the two is the wildcard, fails
 * with {@link BindException} ("Address already in use"), as on Linux without {@code SO_REUSEADDR}.
 *
 * <h2>Delivery</h2>
 * {@code send} copies the payload and delivers it before returning, on the sender's thread: the
 * datagram is in the destination's receive queue, or it is dropped and counted. It is dropped when
 * nothing is bound to the destination (or the destination is connected to another peer), and when the
 * destination's queue is full ({@link LoopbackConfiguration#receiveQueueCapacity()} datagrams or
 * {@code SO_RCVBUF} bytes). Senders never block and never get an error for an undeliverable datagram,
 * as with real UDP. Datagrams are delivered in the order they were sent. A payload larger than the
 * {@linkplain LoopbackConfiguration#mtu() MTU} allows is refused with
 * {@link dev.batchudp.network.DatagramTooLargeException}; a datagram larger than the receive buffer is
 * consumed and reported with {@link dev.batchudp.network.DatagramTruncatedException}.
 *
 * <h2>Counters and leaks</h2>
 * {@link #stats()} returns network-wide counters and {@link LoopbackConnection#stats()} a connection's
 * (reach it from a plain {@link UdpConnection} with
 * {@code connection.capability(LoopbackConnection.class)}). {@link #checkNoOpenConnections()} fails
 * with the place each still-open connection was opened. {@link #close()} closes every connection.
 *
 * <p>Differences from gonnect's loopback network, on purpose: a full queue drops instead of blocking
 * the sender; an unbound destination drops instead of failing the send; addresses are not all mapped
 * to {@code 127.0.0.1}; truncation is reported, never silent.
 *
 * <p>Instances are thread-safe.
 *
 * @since 0.1
 */
public final class LoopbackNetwork implements Network {
    /** The name of this network's provider, and of the provider that opens it by name. */
    public static final String PROVIDER_NAME = "loopback";

    private static final Set<NetworkFeature> FEATURES =
            Collections.unmodifiableSet(EnumSet.of(NetworkFeature.V6ONLY, NetworkFeature.STRICT_DATAGRAM_SIZES));
    private static final int IPV4_HEADER = 20;
    private static final int IPV6_HEADER = 40;
    private static final int UDP_HEADER = 8;
    private static final AtomicLong INSTANCES = new AtomicLong();

    private final String name;
    private final LoopbackConfiguration configuration;
    private final Fabric fabric;
    private final AtomicLong connectionIds = new AtomicLong();

    /** Open connections by id, in opening order. Guarded by itself, as is {@link #open}. */
    private final Map<Long, LoopbackUdpConnection> connections = new LinkedHashMap<>();
    private boolean open = true;

    private LoopbackNetwork(LoopbackConfiguration configuration) {
        this.configuration = Objects.requireNonNull(configuration, "configuration");
        this.name = PROVIDER_NAME + "-" + INSTANCES.incrementAndGet();
        this.fabric = new Fabric(new AddressRegistry(), configuration);
    }

    /**
     * Creates a network with the {@linkplain LoopbackConfiguration#defaults() default configuration}.
     *
     * @return a new, open, empty network
     */
    public static LoopbackNetwork create() {
        return new LoopbackNetwork(LoopbackConfiguration.defaults());
    }

    /**
     * Creates a network.
     *
     * @param configuration its settings
     * @return a new, open, empty network
     */
    public static LoopbackNetwork create(LoopbackConfiguration configuration) {
        return new LoopbackNetwork(configuration);
    }

    /**
     * Returns this network's settings.
     *
     * @return the configuration it was created with
     */
    public LoopbackConfiguration configuration() {
        return configuration;
    }

    /**
     * Returns {@value #PROVIDER_NAME}.
     *
     * @return the provider name
     */
    @Override
    public String providerName() {
        return PROVIDER_NAME;
    }

    /**
     * Returns {@code false}: connections are in memory, not operating-system sockets.
     *
     * @return {@code false}
     */
    @Override
    public boolean isNative() {
        return false;
    }

    /**
     * Returns {@link NetworkFeature#V6ONLY} and {@link NetworkFeature#STRICT_DATAGRAM_SIZES}.
     *
     * @return the features
     */
    @Override
    public Set<NetworkFeature> features() {
        return FEATURES;
    }

    /**
     * Opens an unconnected connection.
     *
     * @param family the family; {@link UdpFamily#UDP} follows the local address
     * @param local a local address of this network or a wildcard, and a port (0 for an ephemeral one);
     *     {@code null} means the wildcard of the family ({@code 0.0.0.0} for {@link UdpFamily#UDP})
     *     with an ephemeral port. For {@code udp4} and {@code udp6} the wildcard of either family is
     *     accepted as the family's own, since {@code new InetSocketAddress(port)} yields
     *     {@code 0.0.0.0}.
     * @return the connection
     * @throws BindException if the address is not local ("Cannot assign requested address"), the port
     *     is in use ("Address already in use") or no ephemeral port is free
     * @throws ClosedNetworkException if this network is closed
     * @throws IllegalArgumentException if the address is unresolved or of the other family
     */
    @Override
    public LoopbackConnection openUdp(UdpFamily family, InetSocketAddress local) throws IOException {
        return openUdp(family, local, null);
    }

    /**
     * Opens a connection, connected when {@code remote} is given. A connected connection receives only
     * datagrams whose source is {@code remote} (others are dropped as having no listener) and sends to
     * it when no target is given; sending to any other target is refused.
     *
     * @param family the family; {@link UdpFamily#UDP} follows the local address
     * @param local the local address, as for {@link #openUdp(UdpFamily, InetSocketAddress)}
     * @param remote the peer, of the connection's family and with a port other than 0; or {@code null}
     * @return the connection
     * @throws BindException if the local address is not local, in use, or no ephemeral port is free
     * @throws ClosedNetworkException if this network is closed
     * @throws IllegalArgumentException if an address is unresolved or of the other family, or the
     *     remote port is 0
     */
    @Override
    public LoopbackConnection openUdp(UdpFamily family, InetSocketAddress local, InetSocketAddress remote)
            throws IOException {
        Objects.requireNonNull(family, "family");
        InetAddress address;
        int port;
        if (local == null) {
            address = family == UdpFamily.UDP6 ? AddressRegistry.IPV6_ANY : AddressRegistry.IPV4_ANY;
            port = 0;
        } else {
            SocketAddresses.requireResolved(local, "local");
            address = local.getAddress();
            port = local.getPort();
        }
        boolean ipv6 = resolveFamily(family, address);
        boolean wildcard = address.isAnyLocalAddress();
        if (wildcard) {
            address = fabric.addresses().wildcard(ipv6);
        } else if (!fabric.addresses().isLocal(address)) {
            throw new BindException("Cannot assign requested address: " + SocketAddresses.formatAddress(address)
                    + " is not an address of loopback network " + name + " (local addresses: "
                    + fabric.addresses().describe() + ")");
        }
        InetSocketAddress peer = remote == null ? null : checkRemote(family, ipv6, remote);
        int maxPayload = Math.max(0, Math.min(
                configuration.mtu() - (ipv6 ? IPV6_HEADER : IPV4_HEADER) - UDP_HEADER,
                ipv6 ? UdpFamily.MAX_IPV6_PAYLOAD : UdpFamily.MAX_IPV4_PAYLOAD));
        Throwable openedAt = configuration.recordOpenStackTraces()
                ? new Throwable("loopback connection opened here") : null;
        long id = connectionIds.incrementAndGet();
        InetAddress bindAddress = address;
        synchronized (connections) {
            if (!open) {
                throw new ClosedNetworkException(name);
            }
            LoopbackUdpConnection connection = fabric.ports(ipv6).bind(address, wildcard, port,
                    p -> new LoopbackUdpConnection(this, fabric, id, family, ipv6, bindAddress, p, peer,
                            maxPayload, configuration, openedAt));
            connections.put(id, connection);
            return connection;
        }
    }

    private static boolean resolveFamily(UdpFamily family, InetAddress address) {
        boolean addressIsV6 = address instanceof Inet6Address;
        switch (family) {
            case UDP4:
                if (addressIsV6 && !address.isAnyLocalAddress()) {
                    throw new IllegalArgumentException(
                            "udp4 connection cannot bind IPv6 address " + SocketAddresses.formatAddress(address));
                }
                return false;
            case UDP6:
                if (address instanceof Inet4Address && !address.isAnyLocalAddress()) {
                    throw new IllegalArgumentException(
                            "udp6 connection cannot bind IPv4 address " + SocketAddresses.formatAddress(address)
                            + " (loopback connections are IPv6-only)");
                }
                return true;
            default:
                return addressIsV6;
        }
    }

    private InetSocketAddress checkRemote(UdpFamily family, boolean ipv6, InetSocketAddress remote) {
        SocketAddresses.requireResolved(remote, "remote");
        InetAddress address = remote.getAddress();
        if ((address instanceof Inet6Address) != ipv6) {
            throw new IllegalArgumentException("cannot connect a " + family + " connection bound to an "
                    + (ipv6 ? "IPv6" : "IPv4") + " address to " + SocketAddresses.format(remote));
        }
        if (remote.getPort() == 0) {
            throw new IllegalArgumentException("cannot connect to port 0 (" + SocketAddresses.format(remote) + ")");
        }
        if (address.isAnyLocalAddress()) {
            // Linux connects a socket aimed at the wildcard to the local host.
            return new InetSocketAddress(fabric.addresses().primary(ipv6), remote.getPort());
        }
        return remote;
    }

    /**
     * Returns the one interface, {@code lo}: index 1, the configured MTU, up, loopback, with the
     * addresses {@code 127.0.0.1} and {@code ::1}.
     *
     * @return the interfaces
     */
    @Override
    public List<NetworkInterfaceInfo> interfaces() {
        return List.of(new NetworkInterfaceInfo(AddressRegistry.INTERFACE_NAME, AddressRegistry.INTERFACE_INDEX,
                configuration.mtu(), true, true, fabric.addresses().interfaceAddresses()));
    }

    /**
     * Returns the connections still open, in the order they were opened.
     *
     * @return a snapshot
     */
    @Override
    public List<UdpConnection> openConnections() {
        synchronized (connections) {
            return List.copyOf(connections.values());
        }
    }

    /**
     * Fails if any connection is still open: a leak check for the end of a test. The exception's
     * message lists each open connection; when
     * {@linkplain LoopbackConfiguration#recordOpenStackTraces() recording} is on, it also carries one
     * suppressed exception per connection whose stack trace is where that connection was opened, and
     * the message includes those places.
     *
     * @throws IllegalStateException if a connection is open
     */
    public void checkNoOpenConnections() {
        List<UdpConnection> leaked = openConnections();
        if (leaked.isEmpty()) {
            return;
        }
        StringBuilder message = new StringBuilder().append(leaked.size())
                .append(leaked.size() == 1 ? " connection is" : " connections are")
                .append(" still open on loopback network ").append(name).append(':');
        List<Throwable> sites = new ArrayList<>();
        for (UdpConnection c : leaked) {
            message.append("\n  ").append(c);
            Throwable site = ((LoopbackConnection) c).openedAt().orElse(null);
            if (site == null) {
                message.append(" (opened at an unknown place: enable"
                        + " LoopbackConfiguration.recordOpenStackTraces to see where)");
                continue;
            }
            message.append(", opened at:");
            StackTraceElement[] trace = callerFrames(site.getStackTrace());
            for (int i = 0; i < trace.length; i++) {
                if (i == 12) {
                    message.append("\n    ...");
                    break;
                }
                message.append("\n    at ").append(trace[i]);
            }
            Throwable report = new Throwable(c + " was opened here");
            report.setStackTrace(trace);
            sites.add(report);
        }
        IllegalStateException failure = new IllegalStateException(message.toString());
        sites.forEach(failure::addSuppressed);
        throw failure;
    }

    /** Drops the frames inside this class, so that the trace starts at whoever opened the connection. */
    private static StackTraceElement[] callerFrames(StackTraceElement[] trace) {
        int first = 0;
        while (first < trace.length - 1 && trace[first].getClassName().equals(LoopbackNetwork.class.getName())) {
            first++;
        }
        return Arrays.copyOfRange(trace, first, trace.length);
    }

    /**
     * Returns a snapshot of the network-wide counters.
     *
     * @return the counters now
     */
    public LoopbackStats stats() {
        return fabric.stats();
    }

    @Override
    public boolean isOpen() {
        synchronized (connections) {
            return open;
        }
    }

    /**
     * Takes the network down: closes every open connection (waking blocked receivers with
     * {@link java.nio.channels.AsynchronousCloseException}), after which {@code openUdp} throws
     * {@link ClosedNetworkException}. Counters stay readable. Idempotent.
     */
    @Override
    public void close() {
        List<LoopbackUdpConnection> toClose;
        synchronized (connections) {
            if (!open) {
                return;
            }
            open = false;
            toClose = new ArrayList<>(connections.values());
        }
        for (LoopbackUdpConnection c : toClose) {
            c.close();
        }
    }

    /** Forgets a connection that closed. */
    void forget(LoopbackUdpConnection connection) {
        synchronized (connections) {
            connections.remove(connection.id());
        }
    }

    @Override
    public String toString() {
        synchronized (connections) {
            return "LoopbackNetwork[" + name + (open ? ", open, " : ", closed, ") + connections.size()
                    + " open connections]";
        }
    }
}
