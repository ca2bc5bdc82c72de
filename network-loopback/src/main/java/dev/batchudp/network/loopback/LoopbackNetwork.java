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
 * Without {@linkplain #addHost hosts}, the network is one host with a {@code lo} interface: every
 * address in {@code 127.0.0.0/8} and {@code ::1} is local. A connection binds to one of them or to the wildcard ({@code 0.0.0.0} or
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
 * Unless the network {@linkplain #setImpairments delays} it,
 * {@code send} copies the payload and delivers it before returning, on the sender's thread: the
 * datagram is in the destination's receive queue, or it is dropped and counted. It is dropped when
 * nothing is bound to the destination (or the destination is connected to another peer), and when the
 * destination's queue is full ({@link LoopbackConfiguration#receiveQueueCapacity()} datagrams or
 * {@code SO_RCVBUF} bytes). Senders never block and never get an error for an undeliverable datagram,
 * as with real UDP. Datagrams are delivered in the order they were sent. As on Linux, a payload may be
 * as large as the family allows (65,507 bytes for IPv4, 65,527 for IPv6: the kernel fragments what
 * exceeds the MTU); a connection with {@link dev.batchudp.network.UdpSocketOptions#IP_DONTFRAG} set
 * has larger payloads than the {@linkplain LoopbackConfiguration#mtu() MTU} allows refused with
 * {@link dev.batchudp.network.DatagramTooLargeException}. A datagram larger than the receive buffer is
 * consumed and reported with {@link dev.batchudp.network.DatagramTruncatedException}.
 *
 * <h2>Hosts</h2>
 * {@link #addHost(String, String...)} adds simulated hosts with any literal IPv4/IPv6 addresses
 * (several for a multi-homed host); they exist only inside this network. A connection bound to such an
 * address lives on its host; {@link LoopbackHost} is also a {@link Network} whose wildcard-bound
 * connections live on it. Every host has its own port spaces and its own loopback addresses. The host
 * every network starts with is {@value #LOCALHOST}.
 *
 * <h2>Simulation</h2>
 * Impairments ({@link #setImpairments}, {@link #setLinkImpairments}: loss, latency and jitter,
 * reordering, duplication, corruption, link MTU, bandwidth), partitions ({@link #partition},
 * {@link #partitionOneWay}, {@link #heal}), {@link #hold}/{@link #release}, and a chain of
 * {@link LoopbackRule}s ({@link #addRule}) decide each datagram's fate, drawing from one random source
 * seeded with {@link LoopbackConfiguration#seed()}. Delays and receive timeouts run on the network's
 * {@link #clock()}: real time (one daemon scheduler thread, started by the first delayed datagram and
 * stopped by {@link #close()}) or a {@link ManualClock}, simulated time that the test advances or that
 * {@linkplain LoopbackConfiguration#autoAdvance() advances by itself}; code under test gets the same
 * time as an {@link java.time.InstantSource} and a {@link java.util.concurrent.ScheduledExecutorService}
 * ({@link LoopbackClock#newScheduledExecutor()}). A datagram with no delay is still delivered before
 * {@code send} returns. {@link #startCapture()} records traffic and writes pcap files;
 * {@link #startTrace()} records every datagram's fate and writes JSON Lines and pcapng. Hosts can
 * {@linkplain LoopbackHost#crash() crash} and {@linkplain LoopbackHost#restart() restart}.
 *
 * <p><b>What is deterministic.</b> The fate of each datagram (dropped, corrupted, its delay, duplicated)
 * is decided under one lock, in the order the network accepts datagrams. The same seed and the same
 * sequence of sends (from one thread, or from threads whose order the test fixes) give the same fates;
 * with a {@link ManualClock} advanced from one thread, also the same deliveries in the same order (by
 * due time, then send order). With several sender threads racing, the interleaving, and so the
 * sequence, is the test's own; on the real-time clock, delivery times depend on the scheduler.
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

    /** The name of the host every network starts with, which has only the loopback addresses. */
    public static final String LOCALHOST = "localhost";

    private final String name;
    private final LoopbackConfiguration configuration;
    private final Fabric fabric;
    private final AddressRegistry registry;
    private final Simulator simulator;
    private final LoopbackClock clock;
    private final AtomicLong connectionIds = new AtomicLong();

    /** Open connections by id, in opening order. Guarded by itself, as is {@link #open}. */
    private final Map<Long, LoopbackUdpConnection> connections = new LinkedHashMap<>();
    private boolean open = true;

    private LoopbackNetwork(LoopbackConfiguration configuration) {
        this.configuration = Objects.requireNonNull(configuration, "configuration");
        this.name = PROVIDER_NAME + "-" + INSTANCES.incrementAndGet();
        this.clock = configuration.manualClock() ? new ManualClock() : new RealTimeClock();
        this.registry = new AddressRegistry(new LoopbackHost(this, LOCALHOST, 0, List.of(), configuration));
        this.fabric = new Fabric(registry);
        this.simulator = new Simulator(fabric, clock, configuration.seed(), configuration.impairments(),
                configuration.autoAdvance(), name);
        fabric.attach(simulator);
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
        return open(null, family, local, remote);
    }

    /** Opens a connection on {@code on}, or (when {@code null}) on the host owning the local address. */
    LoopbackConnection open(LoopbackHost on, UdpFamily family, InetSocketAddress local, InetSocketAddress remote)
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
        LoopbackHost host = on != null ? on : registry.localhost();
        if (wildcard) {
            address = registry.wildcard(ipv6);
        } else if (!AddressRegistry.isLoopback(address)) {
            LoopbackHost owner = registry.owner(address);
            if (owner == null || (on != null && owner != on)) {
                throw new BindException("Cannot assign requested address: "
                        + SocketAddresses.formatAddress(address) + " is not an address of "
                        + (on != null ? "host " + on.name() + " of " : "") + "loopback network " + name
                        + " (local addresses: " + registry.describe(host) + ")");
            }
            host = owner;
        }
        InetSocketAddress peer = remote == null ? null : checkRemote(family, ipv6, remote);
        // Linux fragments what exceeds the MTU unless the socket sets don't-fragment (ip(7), ipv6(7)).
        int maxPayload = ipv6 ? UdpFamily.MAX_IPV6_PAYLOAD : UdpFamily.MAX_IPV4_PAYLOAD;
        int mtuPayload = Math.max(0, Math.min(
                configuration.mtu() - (ipv6 ? IPV6_HEADER : IPV4_HEADER) - UDP_HEADER, maxPayload));
        Throwable openedAt = configuration.recordOpenStackTraces()
                ? new Throwable("loopback connection opened here") : null;
        long id = connectionIds.incrementAndGet();
        InetAddress bindAddress = address;
        synchronized (connections) {
            if (!open) {
                throw new ClosedNetworkException(name);
            }
            if (host.isDown()) {
                throw new ClosedNetworkException(name + " host " + host.name());
            }
            LoopbackHost bindHost = host;
            LoopbackUdpConnection connection = host.ports(ipv6).bind(address, wildcard, port,
                    p -> new LoopbackUdpConnection(this, fabric, bindHost, id, family, ipv6, bindAddress, p, peer,
                            maxPayload, mtuPayload, configuration, clock.isManual() ? simulator.timeline() : null,
                            openedAt));
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
            return new InetSocketAddress(AddressRegistry.loopbackPrimary(ipv6), remote.getPort());
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
                configuration.mtu(), true, true, List.of(AddressRegistry.IPV4_LOOPBACK, AddressRegistry.IPV6_LOOPBACK)));
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
        while (first < trace.length - 1 && (trace[first].getClassName().equals(LoopbackNetwork.class.getName())
                || trace[first].getClassName().equals(LoopbackHost.class.getName()))) {
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

    // ---- hosts ----

    /**
     * Adds a simulated host with the given addresses (any literal IPv4 or IPv6 addresses, several for a
     * multi-homed host). The addresses exist only inside this network; connections bind them through
     * {@link #openUdp} or {@link LoopbackHost#openUdp}, and datagrams to them go to this host.
     *
     * @param name the host's name, unique in this network
     * @param addresses literal addresses, such as {@code "10.0.0.1"} or {@code "fd00::1"}; none for a
     *     host with only loopback addresses
     * @return the host
     * @throws IllegalArgumentException if the name is taken or empty, an address is not a literal, is a
     *     loopback, wildcard or multicast address, or belongs to another host
     */
    public LoopbackHost addHost(String name, String... addresses) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("host name must not be blank");
        }
        List<InetAddress> parsed = new ArrayList<>();
        for (String a : addresses) {
            InetAddress address = SocketAddresses.parseAddress(Objects.requireNonNull(a, "address"));
            if (!parsed.contains(address)) {
                parsed.add(address);
            }
        }
        return registry.add(name, parsed, index -> new LoopbackHost(this, name, index, parsed, configuration));
    }

    /**
     * Returns a host by name.
     *
     * @param name the host's name; {@value #LOCALHOST} for the host every network has
     * @return the host
     * @throws IllegalArgumentException if there is no such host
     */
    public LoopbackHost host(String name) {
        return registry.host(Objects.requireNonNull(name, "name"));
    }

    /**
     * Returns every host, {@value #LOCALHOST} first, then in the order they were added.
     *
     * @return the hosts
     */
    public List<LoopbackHost> hosts() {
        return registry.hosts();
    }

    // ---- time ----

    /**
     * Returns the clock the network delays datagrams on.
     *
     * @return a {@link ManualClock} if {@link LoopbackConfiguration#manualClock()}, else real time
     */
    public LoopbackClock clock() {
        return clock;
    }

    /**
     * Returns the network's manual clock.
     *
     * @return the clock
     * @throws IllegalStateException if the network runs in real time
     */
    public ManualClock manualClock() {
        if (!(clock instanceof ManualClock)) {
            throw new IllegalStateException("loopback network " + name + " runs in real time: build it with"
                    + " LoopbackConfiguration.builder().manualClock(true) to advance time by hand");
        }
        return (ManualClock) clock;
    }

    /**
     * Returns the seed of the network's random source.
     *
     * @return {@link LoopbackConfiguration#seed()}
     */
    public long seed() {
        return configuration.seed();
    }

    // ---- impairments, partitions, rules ----

    /**
     * Sets the impairments of every link that has none of its own. Takes effect for datagrams sent
     * afterwards; datagrams in flight keep their fate.
     *
     * @param impairments the impairments; {@link Impairments#none()} for perfect links
     */
    public void setImpairments(Impairments impairments) {
        simulator.setImpairments(impairments);
    }

    /**
     * Returns the impairments of links that have none of their own.
     *
     * @return the network-wide impairments
     */
    public Impairments impairments() {
        return simulator.impairments();
    }

    /**
     * Sets the impairments of one direction of a link, replacing (not adding to) the network-wide ones
     * for datagrams from {@code from} to {@code to}.
     *
     * @param from the sending host's name
     * @param to the receiving host's name (may be {@code from}, for a host's traffic to itself)
     * @param impairments the link's impairments
     * @throws IllegalArgumentException if a host does not exist
     */
    public void setLinkImpairments(String from, String to, Impairments impairments) {
        simulator.setLinkImpairments(link(from, to), Objects.requireNonNull(impairments, "impairments"));
    }

    /**
     * Makes one direction of a link follow the network-wide impairments again.
     *
     * @param from the sending host's name
     * @param to the receiving host's name
     * @throws IllegalArgumentException if a host does not exist
     */
    public void clearLinkImpairments(String from, String to) {
        simulator.setLinkImpairments(link(from, to), null);
    }

    /**
     * Cuts the link between two hosts in both directions: every datagram sent between them, and every
     * one still in flight between them, is dropped (counted as dropped by rule) until
     * {@link #heal(String, String)}.
     *
     * @param a one host's name
     * @param b the other host's name
     * @throws IllegalArgumentException if a host does not exist
     */
    public void partition(String a, String b) {
        simulator.setPartitioned(link(a, b), true);
        simulator.setPartitioned(link(b, a), true);
    }

    /**
     * Cuts one direction of a link: datagrams from {@code from} to {@code to} are dropped, while the
     * other direction still works.
     *
     * @param from the sending host's name
     * @param to the receiving host's name
     * @throws IllegalArgumentException if a host does not exist
     */
    public void partitionOneWay(String from, String to) {
        simulator.setPartitioned(link(from, to), true);
    }

    /**
     * Restores both directions of a link cut by {@link #partition} or {@link #partitionOneWay}.
     *
     * @param a one host's name
     * @param b the other host's name
     * @throws IllegalArgumentException if a host does not exist
     */
    public void heal(String a, String b) {
        simulator.setPartitioned(link(a, b), false);
        simulator.setPartitioned(link(b, a), false);
    }

    /**
     * Restores one direction of a link.
     *
     * @param from the sending host's name
     * @param to the receiving host's name
     * @throws IllegalArgumentException if a host does not exist
     */
    public void healOneWay(String from, String to) {
        simulator.setPartitioned(link(from, to), false);
    }

    /**
     * Returns whether datagrams from {@code from} to {@code to} are being dropped by a partition.
     *
     * @param from the sending host's name
     * @param to the receiving host's name
     * @return whether that direction is cut
     * @throws IllegalArgumentException if a host does not exist
     */
    public boolean isPartitioned(String from, String to) {
        return simulator.isPartitioned(link(from, to));
    }

    /**
     * Holds the datagrams on the link between two hosts, in both directions: those that reach the end
     * of the link (at once, or when their delay has run) wait there, neither delivered nor dropped,
     * until {@link #release(String, String)}.
     *
     * @param a one host's name
     * @param b the other host's name
     * @throws IllegalArgumentException if a host does not exist
     */
    public void hold(String a, String b) {
        simulator.hold(link(a, b));
        simulator.hold(link(b, a));
    }

    /**
     * Ends a {@link #hold}: delivers every held datagram, in the order they arrived, on the calling
     * thread (first those from {@code a} to {@code b}, then the other direction).
     *
     * @param a one host's name
     * @param b the other host's name
     * @throws IllegalArgumentException if a host does not exist
     */
    public void release(String a, String b) {
        simulator.release(link(a, b));
        simulator.release(link(b, a));
    }

    /**
     * Installs a rule that sees every datagram sent afterwards, after the rules already installed.
     * Close the returned handle to uninstall it, for example with try-with-resources.
     *
     * @param rule the rule
     * @return the handle that uninstalls it
     */
    public InstalledRule addRule(LoopbackRule rule) {
        return simulator.addRule(rule);
    }

    // ---- observability ----

    /**
     * Starts recording every datagram sent on the network, until the capture is closed.
     *
     * @return the capture
     */
    public LoopbackCapture startCapture() {
        return simulator.startCapture();
    }

    /**
     * Starts recording every datagram's fate (sent, dropped and why, duplicated, corrupted, held,
     * released, delivered), until the trace is closed. Turns the simulated delivery path on, as any
     * simulation setting does.
     *
     * @return the trace
     */
    public LoopbackTrace startTrace() {
        return simulator.startTrace();
    }

    /**
     * Returns the counters of one direction of a link.
     *
     * @param from the sending host's name
     * @param to the receiving host's name (the same host for its own and loopback traffic)
     * @return the counters now
     * @throws IllegalArgumentException if a host does not exist
     */
    public LoopbackLinkStats linkStats(String from, String to) {
        return link(from, to).stats();
    }

    private LinkState link(String from, String to) {
        LoopbackHost a = host(from);
        LoopbackHost b = host(to);
        return a.outgoing[b.index()];
    }

    @Override
    public boolean isOpen() {
        synchronized (connections) {
            return open;
        }
    }

    /**
     * Takes the network down: drops the datagrams in flight or held (counted as dropped by the
     * simulation, {@link TraceEvent.Cause#NETWORK_CLOSED} in a trace), shuts down the clock's executors,
     * and closes every open connection (waking blocked receivers with
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
        simulator.close();
        for (LoopbackUdpConnection c : toClose) {
            c.close();
        }
    }

    boolean isHostOpen(LoopbackHost host) {
        synchronized (connections) {
            return open && !host.isDown();
        }
    }

    void closeHost(LoopbackHost host) {
        List<LoopbackUdpConnection> toClose = new ArrayList<>();
        synchronized (connections) {
            host.markDown();
            for (LoopbackUdpConnection c : connections.values()) {
                if (c.host() == host) {
                    toClose.add(c);
                }
            }
        }
        for (LoopbackUdpConnection c : toClose) {
            c.close();
        }
    }

    void restartHost(LoopbackHost host) throws ClosedNetworkException {
        synchronized (connections) {
            if (!open) {
                throw new ClosedNetworkException(name);
            }
            if (host.isDown()) {
                host.markUp();
            }
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
