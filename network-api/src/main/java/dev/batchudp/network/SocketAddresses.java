package dev.batchudp.network;

import com.google.common.net.InetAddresses;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * Literal socket-address helpers shared by networks and binds. Nothing here performs a DNS lookup.
 *
 * @since 0.1
 */
public final class SocketAddresses {
    private SocketAddresses() {}

    /**
     * Parses {@code ip:port} or {@code [ipv6]:port} (an IPv6 scope such as {@code [fe80::1%eth0]:5}
     * included). Host names are refused: this never touches DNS.
     *
     * @param text the address
     * @return a resolved socket address
     * @throws IllegalArgumentException naming what is wrong: a missing port, a port outside 0–65535,
     *     a host name, an IPv6 address without brackets
     */
    public static InetSocketAddress parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("empty endpoint: expected ip:port or [ipv6]:port");
        }
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("missing ']' in endpoint \"" + text + "\"");
            }
            host = text.substring(1, close);
            if (close + 1 >= text.length() || text.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("missing port in endpoint \"" + text + "\"");
            }
            port = text.substring(close + 2);
            if (host.indexOf(':') < 0) {
                throw new IllegalArgumentException(
                        "brackets are only for IPv6 addresses in endpoint \"" + text + "\"");
            }
        } else {
            int colon = text.lastIndexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("missing port in endpoint \"" + text + "\"");
            }
            if (text.indexOf(':') != colon) {
                throw new IllegalArgumentException(
                        "IPv6 address must be in brackets, as [addr]:port, in endpoint \"" + text + "\"");
            }
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
        }
        return new InetSocketAddress(parseAddress(host, text), parsePort(port, text));
    }

    /**
     * Parses a literal IPv4 or IPv6 address (with an optional {@code %scope} for IPv6).
     *
     * @param literal the address, without brackets
     * @return the address
     * @throws IllegalArgumentException if it is not an IP literal (host names are refused)
     */
    public static InetAddress parseAddress(String literal) {
        return parseAddress(literal, literal);
    }

    private static InetAddress parseAddress(String host, String whole) {
        if (host.isEmpty()) {
            throw new IllegalArgumentException("missing address in endpoint \"" + whole + "\"");
        }
        String withoutScope = host;
        String scope = null;
        int percent = host.indexOf('%');
        if (percent >= 0) {
            withoutScope = host.substring(0, percent);
            scope = host.substring(percent + 1);
        }
        if (!InetAddresses.isInetAddress(withoutScope)) {
            throw new IllegalArgumentException("\"" + host + "\" in endpoint \"" + whole
                    + "\" is not an IP address literal (host names are not resolved)");
        }
        InetAddress address = InetAddresses.forString(withoutScope);
        if (scope == null) {
            return address;
        }
        if (!(address instanceof Inet6Address) || scope.isEmpty()) {
            throw new IllegalArgumentException("invalid scope in endpoint \"" + whole + "\"");
        }
        try {
            if (scope.chars().allMatch(Character::isDigit)) {
                return Inet6Address.getByAddress(null, address.getAddress(), Integer.parseInt(scope));
            }
            return InetAddresses.forString(host);
        } catch (UnknownHostException | IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid scope in endpoint \"" + whole + "\"", e);
        }
    }

    private static int parsePort(String port, String whole) {
        if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("invalid port \"" + port + "\" in endpoint \"" + whole
                    + "\": expected a decimal number 0-65535");
        }
        int value = Integer.parseInt(port);
        if (value > 65_535) {
            throw new IllegalArgumentException(
                    "port " + value + " out of range 0-65535 in endpoint \"" + whole + "\"");
        }
        return value;
    }

    /**
     * Formats an address as Go does: {@code 1.2.3.4:5}, {@code [::1]:5}, {@code [fe80::1%eth0]:5}.
     *
     * @param address a resolved socket address
     * @return its canonical text
     */
    public static String format(InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        if (ip instanceof Inet6Address) {
            return "[" + formatAddress(ip) + "]:" + address.getPort();
        }
        return formatAddress(ip) + ":" + address.getPort();
    }

    /**
     * Formats an IP address in its canonical text form (RFC 5952 for IPv6), with the scope if any.
     *
     * @param ip the address
     * @return its text
     */
    public static String formatAddress(InetAddress ip) {
        // Guava (31 and later) appends the scope: "%" and the interface name, or the scope id.
        return InetAddresses.toAddrString(ip);
    }

    /**
     * Checks that an address is resolved (a literal), so that using it never needs DNS.
     *
     * @param address the address
     * @param what what it is, for the message (for example {@code "target"})
     * @return the address
     * @throws IllegalArgumentException if it is unresolved
     * @throws NullPointerException if it is null
     */
    public static InetSocketAddress requireResolved(InetSocketAddress address, String what) {
        if (address == null) {
            throw new NullPointerException(what + " address is null");
        }
        if (address.isUnresolved()) {
            throw new IllegalArgumentException(what + " address " + address.getHostString()
                    + " is unresolved: only literal IP addresses are accepted (no DNS lookups)");
        }
        return address;
    }

    /**
     * Returns the IPv4 address an IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}) stands for, and
     * any other address unchanged. The JDK already unmaps most such addresses; this also handles
     * {@link Inet6Address}es built from raw bytes.
     *
     * @param address an address
     * @return the address, unmapped
     */
    public static InetAddress unmap(InetAddress address) {
        if (address instanceof Inet6Address) {
            byte[] b = address.getAddress();
            boolean mapped = b[10] == (byte) 0xff && b[11] == (byte) 0xff;
            for (int i = 0; mapped && i < 10; i++) {
                mapped = b[i] == 0;
            }
            if (mapped) {
                try {
                    return Inet4Address.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
                } catch (UnknownHostException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return address;
    }

    /**
     * Returns the socket address with its IP {@linkplain #unmap(InetAddress) unmapped}.
     *
     * @param address a resolved socket address
     * @return the same address if nothing changed, else a new one
     */
    public static InetSocketAddress unmap(InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        InetAddress unmapped = unmap(ip);
        return unmapped == ip ? address : new InetSocketAddress(unmapped, address.getPort());
    }
}
