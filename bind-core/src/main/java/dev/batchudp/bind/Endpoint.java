package dev.batchudp.bind;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * A peer address as a {@link Bind} sees it: where to send (the destination) and, on binds that
 * support sticky sockets, which local address the peer last wrote to (the source). wireguard-go's
 * {@code Endpoint}. Endpoints come from {@link Bind#parseEndpoint(String)} or from a
 * {@link ReceiveFunc}; treat them as immutable once shared, except for {@link #clearSrc()}.
 *
 * @since 0.1
 */
public interface Endpoint {

    /** Forgets the sticky source address, so the next reply uses the kernel's choice. */
    void clearSrc();

    /**
     * Returns the source address as text, or the empty string without one.
     *
     * @return the source
     */
    String srcToString();

    /**
     * Returns the destination as {@code ip:port} or {@code [ipv6]:port}.
     *
     * @return the destination
     */
    String dstToString();

    /**
     * Returns the destination address bytes (4 or 16, plus the scope name's bytes for a scoped IPv6
     * address) followed by the port as two bytes, little-endian; WireGuard hashes this for cookies.
     *
     * @return a new array
     */
    byte[] dstToBytes();

    /**
     * Returns the destination IP.
     *
     * @return the address
     */
    InetAddress dstIp();

    /**
     * Returns the destination IP and port.
     *
     * @return the socket address
     */
    InetSocketAddress dst();

    /**
     * Returns the sticky source IP, when one was captured.
     *
     * @return the source address, or empty
     */
    Optional<InetAddress> srcIp();
}
