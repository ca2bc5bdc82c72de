package dev.batchudp.network;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.util.Locale;

/**
 * The kind of UDP socket to open, named as Go names its networks: {@code udp}, {@code udp4} and {@code udp6}.
 *
 * @since 0.1
 */
public enum UdpFamily {
    /** {@code udp}: IPv4 or IPv6, whichever the local (or remote) address asks for; dual-stack where possible. */
    UDP("udp"),
    /** {@code udp4}: an IPv4 socket. */
    UDP4("udp4"),
    /** {@code udp6}: an IPv6 socket (IPv6-only where the network has {@link NetworkFeature#V6ONLY}). */
    UDP6("udp6");

    private final String networkName;

    UdpFamily(String networkName) {
        this.networkName = networkName;
    }

    /**
     * Returns the Go-style network name: {@code udp}, {@code udp4} or {@code udp6}.
     *
     * @return the network name
     */
    public String networkName() {
        return networkName;
    }

    /**
     * Parses a Go-style network name.
     *
     * @param networkName {@code udp}, {@code udp4} or {@code udp6} (case-insensitive)
     * @return the family
     * @throws IllegalArgumentException if the name is none of these
     */
    public static UdpFamily forNetworkName(String networkName) {
        switch (networkName.toLowerCase(Locale.ROOT)) {
            case "udp":
                return UDP;
            case "udp4":
                return UDP4;
            case "udp6":
                return UDP6;
            default:
                throw new IllegalArgumentException(
                        "unknown UDP network \"" + networkName + "\": expected udp, udp4 or udp6");
        }
    }

    /**
     * Returns the family of an address: {@link #UDP4} for IPv4 and {@link #UDP6} for IPv6.
     * An IPv4-mapped IPv6 address is IPv4 here, since the JDK always represents it as an
     * {@link Inet4Address}.
     *
     * @param address an address
     * @return {@link #UDP4} or {@link #UDP6}
     */
    public static UdpFamily of(InetAddress address) {
        return address instanceof Inet6Address ? UDP6 : UDP4;
    }

    /**
     * Returns whether a socket of this family can send to (and bind) {@code address}.
     * {@link #UDP} accepts both families.
     *
     * @param address an address
     * @return whether the address belongs to this family
     */
    public boolean accepts(InetAddress address) {
        return this == UDP || of(address) == this;
    }

    /**
     * Returns the JDK protocol family of this family, or {@code null} for {@link #UDP}.
     *
     * @return {@link StandardProtocolFamily#INET}, {@link StandardProtocolFamily#INET6} or {@code null}
     */
    public StandardProtocolFamily protocolFamily() {
        switch (this) {
            case UDP4:
                return StandardProtocolFamily.INET;
            case UDP6:
                return StandardProtocolFamily.INET6;
            default:
                return null;
        }
    }

    /**
     * Returns the largest UDP payload a datagram of this family can carry: 65,507 bytes for IPv4
     * (65,535 minus the 20-byte IPv4 and 8-byte UDP headers) and 65,527 for IPv6 (its payload length
     * field excludes the IPv6 header). {@link #UDP} answers with the IPv4 limit, the smaller one.
     *
     * @return the maximum payload in bytes
     */
    public int maxPayload() {
        return this == UDP6 ? MAX_IPV6_PAYLOAD : MAX_IPV4_PAYLOAD;
    }

    /** The largest IPv4 UDP payload: {@code 65535 - 20 - 8}. */
    public static final int MAX_IPV4_PAYLOAD = 65_507;

    /** The largest IPv6 UDP payload (without jumbograms): {@code 65535 - 8}. */
    public static final int MAX_IPV6_PAYLOAD = 65_527;

    @Override
    public String toString() {
        return networkName;
    }
}
