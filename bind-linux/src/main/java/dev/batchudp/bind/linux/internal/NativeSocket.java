package dev.batchudp.bind.linux.internal;

/**
 * A connection's native socket, offered through
 * {@link dev.batchudp.network.UdpConnection#capability(Class)} by sockets of the {@code linux}
 * backend: the counterpart of Go's {@code SyscallConn}, for later work (sticky sockets, marks, GSO).
 */
public interface NativeSocket {

    /**
     * Returns the socket's file descriptor. It is borrowed: it stays valid only while the connection
     * is open, and must never be closed by the caller.
     *
     * @return the fd
     */
    int fd();

    /**
     * Returns whether the socket is {@code AF_INET6}.
     *
     * @return {@code true} for IPv6 (V6ONLY or dual-stack) sockets
     */
    boolean isInet6();
}
