package dev.batchudp.network.loopback;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Which addresses belong to a loopback network. Today every network has one host with the
 * {@code lo} interface ({@code 127.0.0.0/8} and {@code ::1}); this is the one place that knows, so
 * that virtual hosts with arbitrary addresses can be added here later without touching the routing
 * or binding code. Immutable.
 */
final class AddressRegistry {
    static final InetAddress IPV4_LOOPBACK = address(127, 0, 0, 1);
    static final InetAddress IPV6_LOOPBACK = address(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);
    static final InetAddress IPV4_ANY = address(0, 0, 0, 0);
    static final InetAddress IPV6_ANY = address(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** Name of the one interface. */
    static final String INTERFACE_NAME = "lo";

    /** Index of the one interface, as on Linux. */
    static final int INTERFACE_INDEX = 1;

    /**
     * Returns whether {@code address} is an address of this network that a connection can bind.
     *
     * @param address a non-wildcard address
     * @return whether it is in {@code 127.0.0.0/8} or is {@code ::1}
     */
    boolean isLocal(InetAddress address) {
        if (address instanceof Inet4Address) {
            return address.isLoopbackAddress();
        }
        // Inet6Address.isLoopbackAddress is exactly ::1; IPv4-mapped 127.x on a v6-only socket is
        // refused, as Linux refuses it.
        return address instanceof Inet6Address && address.isLoopbackAddress();
    }

    /**
     * Returns the source address of datagrams sent by a wildcard-bound connection: what Linux's
     * route for the loopback network ({@code src 127.0.0.1}) picks.
     *
     * @param ipv6 the family
     * @return {@code 127.0.0.1} or {@code ::1}
     */
    InetAddress primary(boolean ipv6) {
        return ipv6 ? IPV6_LOOPBACK : IPV4_LOOPBACK;
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
     * Returns the addresses listed on the {@code lo} interface.
     *
     * @return {@code 127.0.0.1} and {@code ::1}
     */
    List<InetAddress> interfaceAddresses() {
        return List.of(IPV4_LOOPBACK, IPV6_LOOPBACK);
    }

    /**
     * Describes the local addresses for error messages.
     *
     * @return a short description
     */
    String describe() {
        return "127.0.0.0/8, ::1 and the wildcards 0.0.0.0 and ::";
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
