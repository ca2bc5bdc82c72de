package dev.batchudp.bind;

import java.io.IOException;

/**
 * A {@link Bind} that lends out its sockets' file descriptors: wireguard-go's
 * {@code PeekLookAtSocketFd} (used on Android to protect the socket from the VPN).
 *
 * <p>The fd is <b>borrowed</b>: never close it, and do not use it after the bind is closed or
 * re-opened (the number may then belong to another file).
 *
 * @since 0.1
 */
public interface PeekLookAtSocketFd {

    /**
     * Returns the IPv4 socket's fd.
     *
     * @return the borrowed fd
     * @throws java.nio.channels.ClosedChannelException if no IPv4 socket is open
     * @throws UnsupportedOperationException if the socket has no OS fd (portable sockets, the
     *     loopback network)
     * @throws IOException never on the standard bind; declared for implementations
     */
    int peekLookAtSocketFd4() throws IOException;

    /**
     * Returns the IPv6 socket's fd.
     *
     * @return the borrowed fd
     * @throws java.nio.channels.ClosedChannelException if no IPv6 socket is open
     * @throws UnsupportedOperationException if the socket has no OS fd
     * @throws IOException never on the standard bind; declared for implementations
     */
    int peekLookAtSocketFd6() throws IOException;
}
