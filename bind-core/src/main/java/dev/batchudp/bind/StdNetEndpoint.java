package dev.batchudp.bind;

import dev.batchudp.network.SocketAddresses;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@link Endpoint} of a {@link StdNetBind}: a destination address and port and, when the
 * receiving socket captured it, a sticky source (wireguard-go's {@code StdNetEndpoint}).
 *
 * <p><b>Sticky sources.</b> On batching connections that capture the packet information of each
 * datagram ({@code IP_PKTINFO}/{@code IPV6_PKTINFO}; {@code bind-linux}), an endpoint handed out by
 * a receive function remembers the local address the peer wrote to and the interface it arrived on;
 * {@link StdNetBind#send} replays them, so the reply leaves from the address the peer expects. The
 * portable path ({@code jdk} sockets, single-datagram I/O) and the loopback network capture nothing:
 * there {@link #srcIp()} is empty and {@link #clearSrc()} does nothing. When the kernel refuses a
 * captured source (the address went away), the bind clears it and sends again from the kernel's
 * choice; a source captured later replaces it.
 *
 * <p>Endpoints are immutable apart from {@link #clearSrc()}, and are shared: a receive function may
 * hand out the same instance for consecutive datagrams from the same peer and source. The source is
 * held in one volatile immutable value, so {@link #clearSrc()} is safe from any thread. Equality and
 * hash code consider the destination only.
 *
 * @since 0.1
 */
public final class StdNetEndpoint implements Endpoint {
    private final InetSocketAddress dst;
    private volatile Source src;

    private StdNetEndpoint(InetSocketAddress dst, Source src) {
        this.dst = dst;
        this.src = src;
    }

    /**
     * Creates an endpoint for a destination. An IPv4-mapped IPv6 address is stored as IPv4.
     *
     * @param dst a resolved address
     * @return the endpoint
     * @throws IllegalArgumentException if the address is unresolved
     */
    public static StdNetEndpoint of(InetSocketAddress dst) {
        return new StdNetEndpoint(SocketAddresses.unmap(SocketAddresses.requireResolved(dst, "endpoint")), null);
    }

    /**
     * Creates an endpoint with a sticky source: for platform modules whose receive path captures the
     * local address a datagram was sent to. An IPv4-mapped destination is stored as IPv4.
     *
     * @param dst a resolved address
     * @param src the local address to send from (an IPv4-mapped address counts as IPv4)
     * @param ifIndex the interface index to send through, or 0 for the kernel's choice
     * @return the endpoint
     * @throws IllegalArgumentException if the destination is unresolved or {@code ifIndex} is negative
     * @throws NullPointerException if {@code src} is null
     */
    public static StdNetEndpoint withSource(InetSocketAddress dst, InetAddress src, int ifIndex) {
        Objects.requireNonNull(src, "src");
        if (ifIndex < 0) {
            throw new IllegalArgumentException("negative interface index: " + ifIndex);
        }
        return new StdNetEndpoint(SocketAddresses.unmap(SocketAddresses.requireResolved(dst, "endpoint")),
                new Source(SocketAddresses.unmap(src), ifIndex));
    }

    /** Forgets the sticky source; safe from any thread. */
    @Override
    public void clearSrc() {
        src = null;
    }

    /**
     * Clears the source only if it is still {@code expected} (so a newer capture is kept).
     *
     * @param expected the source a send used
     */
    void clearSrcIf(Source expected) {
        // Endpoints are rarely contended; a plain check-then-set is enough for "forget what failed".
        if (src == expected) {
            src = null;
        }
    }

    /** Returns the current source, or null: one volatile read, for a consistent send. */
    Source source() {
        return src;
    }

    @Override
    public String srcToString() {
        Source s = src;
        return s == null ? "" : SocketAddresses.formatAddress(s.ip);
    }

    @Override
    public String dstToString() {
        return SocketAddresses.format(dst);
    }

    @Override
    public byte[] dstToBytes() {
        InetAddress ip = dst.getAddress();
        byte[] address = ip.getAddress();
        byte[] zone = new byte[0];
        if (ip instanceof Inet6Address) {
            Inet6Address v6 = (Inet6Address) ip;
            if (v6.getScopedInterface() != null) {
                zone = v6.getScopedInterface().getName().getBytes(StandardCharsets.UTF_8);
            } else if (v6.getScopeId() != 0) {
                zone = Integer.toString(v6.getScopeId()).getBytes(StandardCharsets.UTF_8);
            }
        }
        byte[] out = Arrays.copyOf(address, address.length + zone.length + 2);
        System.arraycopy(zone, 0, out, address.length, zone.length);
        int port = dst.getPort();
        out[out.length - 2] = (byte) port;
        out[out.length - 1] = (byte) (port >>> 8);
        return out;
    }

    @Override
    public InetAddress dstIp() {
        return dst.getAddress();
    }

    @Override
    public InetSocketAddress dst() {
        return dst;
    }

    /**
     * Returns the destination port.
     *
     * @return the port
     */
    public int port() {
        return dst.getPort();
    }

    @Override
    public Optional<InetAddress> srcIp() {
        Source s = src;
        return s == null ? Optional.empty() : Optional.of(s.ip);
    }

    /**
     * Returns the interface index of the sticky source.
     *
     * @return the index, or 0 without a source (or when the kernel should choose the interface)
     */
    public int srcIfIndex() {
        Source s = src;
        return s == null ? 0 : s.ifIndex;
    }

    /** Whether this endpoint's source is {@code ip}/{@code ifIndex} (identity or equality). */
    boolean hasSource(InetAddress ip, int ifIndex) {
        Source s = src;
        if (s == null) {
            return ip == null;
        }
        return ip != null && s.ifIndex == ifIndex && (s.ip == ip || s.ip.equals(ip));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StdNetEndpoint && ((StdNetEndpoint) o).dst.equals(dst);
    }

    @Override
    public int hashCode() {
        return Objects.hash(dst);
    }

    @Override
    public String toString() {
        Source s = src;
        return s == null ? dstToString() : dstToString() + " (src " + srcToString() + "%" + s.ifIndex + ")";
    }

    /** A captured source: immutable, replaced or dropped as a whole. */
    static final class Source {
        final InetAddress ip;
        final int ifIndex;

        Source(InetAddress ip, int ifIndex) {
            this.ip = ip;
            this.ifIndex = ifIndex;
        }
    }
}
