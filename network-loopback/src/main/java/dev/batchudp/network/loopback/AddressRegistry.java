package dev.batchudp.network.loopback;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which addresses belong to which simulated host of a loopback network: the one place that knows.
 * Every host has the loopback addresses ({@code 127.0.0.0/8} and {@code ::1}) to itself; other
 * addresses belong to the host the test assigned them to ({@link LoopbackNetwork#addHost}).
 *
 * <p>Reads, on every datagram, are lock-free and allocation-free: immutable maps published through
 * volatile fields. Adding a host, which is rare, is serialised by this object's monitor.
 */
final class AddressRegistry {
    static final InetAddress IPV4_LOOPBACK = address(127, 0, 0, 1);
    static final InetAddress IPV6_LOOPBACK = address(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);
    static final InetAddress IPV4_ANY = address(0, 0, 0, 0);
    static final InetAddress IPV6_ANY = address(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** Name of the loopback interface. */
    static final String INTERFACE_NAME = "lo";

    /** Index of the loopback interface, as on Linux. */
    static final int INTERFACE_INDEX = 1;

    private final LoopbackHost localhost;
    private volatile Map<InetAddress, LoopbackHost> owners = Map.of();
    private volatile Map<String, LoopbackHost> hosts;
    private volatile LoopbackHost[] byIndex;

    AddressRegistry(LoopbackHost localhost) {
        this.localhost = localhost;
        this.hosts = Map.of(localhost.name(), localhost);
        this.byIndex = new LoopbackHost[] {localhost};
        localhost.outgoing = new LinkState[] {new LinkState(localhost, localhost)};
    }

    /** Whether {@code address} is a loopback address: {@code 127.0.0.0/8} or {@code ::1}. */
    static boolean isLoopback(InetAddress address) {
        // Inet6Address.isLoopbackAddress is exactly ::1; IPv4-mapped 127.x on a v6-only socket is
        // refused, as Linux refuses it.
        return (address instanceof Inet4Address || address instanceof Inet6Address) && address.isLoopbackAddress();
    }

    LoopbackHost localhost() {
        return localhost;
    }

    /**
     * Returns the host a datagram from {@code sender} to {@code destination} arrives at.
     *
     * @param sender the sending host
     * @param destination a non-wildcard address
     * @return the sender itself for a loopback address, else the owner, or {@code null} if none
     */
    LoopbackHost resolve(LoopbackHost sender, InetAddress destination) {
        if (destination.isLoopbackAddress()) {
            return sender;
        }
        return owners.get(destination);
    }

    /**
     * Returns the host that owns a non-loopback address.
     *
     * @param address the address
     * @return its host, or {@code null}
     */
    LoopbackHost owner(InetAddress address) {
        return owners.get(address);
    }

    LoopbackHost host(String name) {
        LoopbackHost host = hosts.get(name);
        if (host == null) {
            throw new IllegalArgumentException("no host named \"" + name + "\" on this network (hosts: "
                    + hosts.keySet() + ")");
        }
        return host;
    }

    List<LoopbackHost> hosts() {
        return List.of(byIndex);
    }

    int size() {
        return byIndex.length;
    }

    /**
     * Adds a host. Every host's link table is extended before the host's addresses are published, so
     * that whoever resolves an address to the new host finds a link to it.
     *
     * @param factory makes the host given its index
     * @param addresses its addresses
     * @return the host
     * @throws IllegalArgumentException if the name or an address is taken, or an address is loopback or
     *     a wildcard or multicast
     */
    synchronized LoopbackHost add(String name, List<InetAddress> addresses, HostFactory factory) {
        if (hosts.containsKey(name)) {
            throw new IllegalArgumentException("a host named \"" + name + "\" already exists");
        }
        for (InetAddress a : addresses) {
            if (a.isAnyLocalAddress() || a.isMulticastAddress() || isLoopback(a)) {
                throw new IllegalArgumentException("cannot assign " + a.getHostAddress() + " to host \"" + name
                        + "\": wildcard, multicast and loopback addresses are not host addresses");
            }
            LoopbackHost holder = owners.get(a);
            if (holder != null) {
                throw new IllegalArgumentException("cannot assign " + a.getHostAddress() + " to host \"" + name
                        + "\": it belongs to host \"" + holder.name() + "\"");
            }
        }
        LoopbackHost[] old = byIndex;
        LoopbackHost host = factory.create(old.length);
        LoopbackHost[] all = java.util.Arrays.copyOf(old, old.length + 1);
        all[old.length] = host;
        for (LoopbackHost h : all) {
            LinkState[] links = h.outgoing == null ? new LinkState[0] : h.outgoing;
            LinkState[] longer = java.util.Arrays.copyOf(links, all.length);
            for (int i = links.length; i < all.length; i++) {
                longer[i] = new LinkState(h, all[i]);
            }
            if (h == host) {
                for (int i = 0; i < all.length; i++) {
                    longer[i] = new LinkState(h, all[i]);
                }
            }
            h.outgoing = longer;
        }
        byIndex = all;
        Map<String, LoopbackHost> names = new LinkedHashMap<>(hosts);
        names.put(name, host);
        hosts = Map.copyOf(names);
        Map<InetAddress, LoopbackHost> map = new HashMap<>(owners);
        for (InetAddress a : addresses) {
            map.put(a, host);
        }
        owners = Map.copyOf(map);
        return host;
    }

    /** Makes a host once its index is known. */
    @FunctionalInterface
    interface HostFactory {
        LoopbackHost create(int index);
    }

    /**
     * Returns the wildcard address of a family.
     *
     * @param ipv6 the family
     * @return {@code 0.0.0.0} or {@code ::}
     */
    InetAddress wildcard(boolean ipv6) {
        return ipv6 ? IPV6_ANY : IPV4_ANY;
    }

    /**
     * Returns the source address of datagrams a wildcard-bound connection of {@code localhost} sends to
     * a loopback address.
     *
     * @param ipv6 the family
     * @return {@code 127.0.0.1} or {@code ::1}
     */
    static InetAddress loopbackPrimary(boolean ipv6) {
        return ipv6 ? IPV6_LOOPBACK : IPV4_LOOPBACK;
    }

    /**
     * Describes the addresses a host may bind, for error messages.
     *
     * @param host the host
     * @return a short description
     */
    String describe(LoopbackHost host) {
        StringBuilder sb = new StringBuilder("127.0.0.0/8, ::1");
        for (InetAddress a : host.addresses()) {
            sb.append(", ").append(dev.batchudp.network.SocketAddresses.formatAddress(a));
        }
        return sb.append(" and the wildcards 0.0.0.0 and ::").toString();
    }

    private static InetAddress address(int... octets) {
        byte[] bytes = new byte[octets.length];
        for (int i = 0; i < octets.length; i++) {
            bytes[i] = (byte) octets[i];
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
