package dev.batchudp.bind.spi;

import java.io.IOException;

/**
 * Native control of an operating-system UDP socket, offered through
 * {@link dev.batchudp.network.UdpConnection#capability(Class)} by connections that have one
 * ({@code bind-linux}'s sockets and their batching views). {@link dev.batchudp.bind.StdNetBind} uses it
 * for {@code setMark}, interface binding and fd access; the JDK's portable sockets and the loopback
 * network do not offer it.
 *
 * @since 0.1
 */
public interface SocketControl {

    /**
     * Sets the firewall mark ({@code SO_MARK}).
     *
     * @param mark the mark
     * @throws java.nio.channels.ClosedChannelException if the socket is closed
     * @throws IOException if the kernel refuses it; without the privilege the message names the
     *     missing capability ({@code CAP_NET_ADMIN})
     */
    void setMark(int mark) throws IOException;

    /**
     * Restricts unicast sends of one family to an interface ({@code IP_UNICAST_IF} or
     * {@code IPV6_UNICAST_IF}); 0 removes the restriction.
     *
     * @param ipv6 {@code true} for {@code IPV6_UNICAST_IF}, {@code false} for {@code IP_UNICAST_IF}
     * @param interfaceIndex the interface index, or 0
     * @throws java.nio.channels.ClosedChannelException if the socket is closed
     * @throws IOException if the kernel refuses it (for example an unknown interface)
     */
    void setUnicastInterface(boolean ipv6, int interfaceIndex) throws IOException;

    /**
     * Returns the socket's file descriptor. It is borrowed: never close it, and do not use it after
     * the connection is closed (the number may then belong to another file).
     *
     * @return the fd
     */
    int fd();
}
