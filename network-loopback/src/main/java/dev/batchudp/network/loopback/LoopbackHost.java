package dev.batchudp.network.loopback;

import dev.batchudp.network.ClosedNetworkException;
import dev.batchudp.network.Network;
import dev.batchudp.network.NetworkFeature;
import dev.batchudp.network.NetworkInterfaceInfo;
import dev.batchudp.network.SocketAddresses;
import dev.batchudp.network.UdpConnection;
import dev.batchudp.network.UdpFamily;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A simulated host of a {@link LoopbackNetwork}, with addresses the test assigned to it
 * ({@link LoopbackNetwork#addHost}); also usable as a {@link Network} of its own, for code that opens
 * its sockets on the wildcard address:
 *
 * <pre>{@code
 * LoopbackHost server = network.addHost("server", "10.0.0.2", "fd00::2");
 * StdNetBind bind = new StdNetBind(server);   // its 0.0.0.0 and :: sockets live on "server"
 * }</pre>
 *
 * <p>Each host has its own port spaces, so two hosts may both bind port 51820. Besides its assigned
 * addresses, every host has its own loopback addresses ({@code 127.0.0.0/8} and {@code ::1}): a datagram
 * to {@code 127.0.0.1} never leaves the sending host. A connection bound to a wildcard on a host
 * receives datagrams for every address of the host in its family; its datagrams carry the host's first
 * address of the family as source (the loopback address when the destination is a loopback address, or
 * when the host has no address of the family).
 *
 * <p>The host every network starts with, {@value LoopbackNetwork#LOCALHOST}, has only the loopback
 * addresses; {@link LoopbackNetwork#openUdp} opens connections on it unless the local address belongs
 * to another host. Links between hosts are what impairments, partitions and link counters refer to.
 *
 * <p>{@link #crash()} (or {@link #close()}) takes the host down: its connections close, it refuses new
 * ones, and datagrams reaching it are dropped and counted (as having no listener; a
 * {@link LoopbackTrace} says {@link TraceEvent.Cause#HOST_DOWN}), while the rest of the network carries
 * on. {@link #restart()} brings it back with the same addresses, every port free, as after a reboot:
 *
 * <pre>{@code
 * server.crash();                      // the server's connections are closed
 * client.send(request, serverAddress); // dropped: host down
 * server.restart();
 * UdpConnection again = server.openUdp(UdpFamily.UDP4, new InetSocketAddress("10.0.0.2", 7));
 * }</pre>
 *
 * <p>Thread-safe.
 *
 * @since 0.1
 */
public final class LoopbackHost implements Network {
    private final LoopbackNetwork network;
    private final String name;
    private final int index;
    private final List<InetAddress> addresses;
    private final PortTable ipv4;
    private final PortTable ipv6;
    private final InetAddress primary4;
    private final InetAddress primary6;

    /** Outgoing links, indexed by destination host; replaced (longer) when a host is added. */
    volatile LinkState[] outgoing;
    /** The link to destinations no host owns. */
    final LinkState unroutable;

    /** Written under the network's connection lock; read on delivery. */
    private volatile boolean down;

    LoopbackHost(LoopbackNetwork network, String name, int index, List<InetAddress> addresses,
            LoopbackConfiguration configuration) {
        this.network = network;
        this.name = name;
        this.index = index;
        this.addresses = List.copyOf(addresses);
        this.ipv4 = new PortTable("udp4", configuration.ephemeralPortFirst(), configuration.ephemeralPortLast());
        this.ipv6 = new PortTable("udp6", configuration.ephemeralPortFirst(), configuration.ephemeralPortLast());
        InetAddress p4 = AddressRegistry.IPV4_LOOPBACK;
        InetAddress p6 = AddressRegistry.IPV6_LOOPBACK;
        for (int i = addresses.size() - 1; i >= 0; i--) {
            InetAddress a = addresses.get(i);
            if (a instanceof Inet6Address) {
                p6 = a;
            } else {
                p4 = a;
            }
        }
        this.primary4 = p4;
        this.primary6 = p6;
        this.unroutable = new LinkState(this, null);
    }

    /**
     * Returns the host's name.
     *
     * @return the name given to {@link LoopbackNetwork#addHost}
     */
    public String name() {
        return name;
    }

    /**
     * Returns the addresses assigned to this host, loopback addresses excluded.
     *
     * @return the addresses, in the order given
     */
    public List<InetAddress> addresses() {
        return addresses;
    }

    /**
     * Returns the network this host is part of.
     *
     * @return the network
     */
    public LoopbackNetwork network() {
        return network;
    }

    int index() {
        return index;
    }

    PortTable ports(boolean v6) {
        return v6 ? ipv6 : ipv4;
    }

    /** The source address of a wildcard-bound connection sending to a non-loopback destination. */
    InetAddress primary(boolean v6) {
        return v6 ? primary6 : primary4;
    }

    /** Whether a connection on this host may bind {@code address} (not a wildcard). */
    boolean isLocal(InetAddress address) {
        return AddressRegistry.isLoopback(address) || addresses.contains(address);
    }

    boolean isDown() {
        return down;
    }

    void markDown() {
        down = true;
    }

    void markUp() {
        down = false;
        ipv4.restart();
        ipv6.restart();
    }

    /**
     * Returns {@value LoopbackNetwork#PROVIDER_NAME}.
     *
     * @return the provider name
     */
    @Override
    public String providerName() {
        return LoopbackNetwork.PROVIDER_NAME;
    }

    /**
     * Returns {@code false}: connections are in memory.
     *
     * @return {@code false}
     */
    @Override
    public boolean isNative() {
        return false;
    }

    /**
     * Returns the network's features.
     *
     * @return the features
     */
    @Override
    public Set<NetworkFeature> features() {
        return network.features();
    }

    /**
     * Opens an unconnected connection on this host.
     *
     * @param family the family; {@link UdpFamily#UDP} follows the local address
     * @param local an address of this host (loopback included) or a wildcard, and a port
     * @return the connection
     * @throws java.net.BindException if the address is not this host's, or the port is in use
     * @throws ClosedNetworkException if the network or this host is closed
     * @throws IllegalArgumentException if the address is unresolved or of the other family
     */
    @Override
    public LoopbackConnection openUdp(UdpFamily family, InetSocketAddress local) throws IOException {
        return network.open(this, family, local, null);
    }

    /**
     * Opens a connection on this host, connected when {@code remote} is given.
     *
     * @param family the family; {@link UdpFamily#UDP} follows the local address
     * @param local an address of this host (loopback included) or a wildcard, and a port
     * @param remote the peer, or {@code null}
     * @return the connection
     * @throws java.net.BindException if the address is not this host's, or the port is in use
     * @throws ClosedNetworkException if the network or this host is closed
     * @throws IllegalArgumentException if an address is unresolved or of the other family
     */
    @Override
    public LoopbackConnection openUdp(UdpFamily family, InetSocketAddress local, InetSocketAddress remote)
            throws IOException {
        return network.open(this, family, local, remote);
    }

    /**
     * Returns {@code lo} (index 1, loopback addresses) and, when the host has addresses, {@code eth0}
     * (index 2, its addresses), both with the network's MTU.
     *
     * @return the interfaces
     */
    @Override
    public List<NetworkInterfaceInfo> interfaces() {
        int mtu = network.configuration().mtu();
        List<NetworkInterfaceInfo> list = new ArrayList<>();
        list.add(new NetworkInterfaceInfo(AddressRegistry.INTERFACE_NAME, AddressRegistry.INTERFACE_INDEX, mtu,
                true, true, List.of(AddressRegistry.IPV4_LOOPBACK, AddressRegistry.IPV6_LOOPBACK)));
        if (!addresses.isEmpty()) {
            list.add(new NetworkInterfaceInfo("eth0", 2, mtu, true, false, addresses));
        }
        return list;
    }

    /**
     * Returns the connections open on this host, in the order they were opened.
     *
     * @return a snapshot
     */
    @Override
    public List<UdpConnection> openConnections() {
        List<UdpConnection> mine = new ArrayList<>();
        for (UdpConnection c : network.openConnections()) {
            if (((LoopbackUdpConnection) c).host() == this) {
                mine.add(c);
            }
        }
        return mine;
    }

    /**
     * Returns whether the network is open and this host is up.
     *
     * @return whether connections can be opened here
     */
    @Override
    public boolean isOpen() {
        return network.isHostOpen(this);
    }

    /**
     * Crashes the host: closes its connections (waking their receivers with
     * {@link java.nio.channels.AsynchronousCloseException}) and refuses new ones until
     * {@link #restart()}. The network and its other hosts carry on; datagrams reaching this host,
     * including those already in flight to it, are dropped and counted. Idempotent.
     */
    public void crash() {
        network.closeHost(this);
    }

    /**
     * Brings a crashed host back up, with the same addresses and every port free (ephemeral ports are
     * handed out from the start of the range again). Does nothing if the host is up.
     *
     * @throws ClosedNetworkException if the network is closed
     */
    public void restart() throws ClosedNetworkException {
        network.restartHost(this);
    }

    /**
     * Crashes the host, as {@link #crash()}.
     */
    @Override
    public void close() {
        crash();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("LoopbackHost[").append(name);
        for (InetAddress a : addresses) {
            sb.append(' ').append(SocketAddresses.formatAddress(a));
        }
        return sb.append(']').toString();
    }
}
