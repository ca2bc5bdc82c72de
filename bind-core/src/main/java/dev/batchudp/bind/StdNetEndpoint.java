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
 * The {@link Endpoint} of a {@link StdNetBind}: a destination address and port (wireguard-go's
 * {@code StdNetEndpoint}). Sticky source addresses are not captured by the portable path, so
 * {@link #srcIp()} is empty and {@link #clearSrc()} does nothing there.
 *
 * <p>Endpoints are immutable apart from {@link #clearSrc()}, and are shared: a receive function may
 * hand out the same instance for consecutive datagrams from the same peer.
 *
 * @since 0.1
 */
public final class StdNetEndpoint implements Endpoint {
    private final InetSocketAddress dst;

    private StdNetEndpoint(InetSocketAddress dst) {
        this.dst = dst;
    }

    /**
     * Creates an endpoint for a destination. An IPv4-mapped IPv6 address is stored as IPv4.
     *
     * @param dst a resolved address
     * @return the endpoint
     * @throws IllegalArgumentException if the address is unresolved
     */
    public static StdNetEndpoint of(InetSocketAddress dst) {
        return new StdNetEndpoint(SocketAddresses.unmap(SocketAddresses.requireResolved(dst, "endpoint")));
    }

    @Override
    public void clearSrc() {
        // No source is captured on this path.
    }

    @Override
    public String srcToString() {
        return "";
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
        return Optional.empty();
    }

    /**
     * Returns the interface index of the sticky source.
     *
     * @return 0: no source is captured on this path
     */
    public int srcIfIndex() {
        return 0;
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
        return dstToString();
    }
}
