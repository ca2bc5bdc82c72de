package dev.batchudp.bind.linux.internal;

import static dev.batchudp.bind.linux.internal.LinuxConstants.*;

import dev.batchudp.bind.linux.NativeIoException;
import dev.batchudp.network.AddressFamilyNotSupportedException;
import dev.batchudp.network.SocketAddresses;
import dev.batchudp.network.UdpFamily;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Creates and configures the socket of a {@link LinuxUdpSocket}: {@code socket(2)} (blocking,
 * close-on-exec), its close eventfd, {@code IPV6_V6ONLY} for IPv6 sockets (1 for {@code udp6}, so a
 * {@code udp4} and a {@code udp6} socket share a port as in wireguard-go; 0 for the dual-stack
 * {@code udp}), 7 MiB socket buffers (forced past {@code net.core.rmem_max} where the process may,
 * socket(7)), {@code bind(2)}, {@code connect(2)} and {@code getsockname(2)}. Closes what it opened
 * when a step fails.
 */
final class SocketSetup {
    private static final System.Logger LOG = System.getLogger(LinuxUdpSocket.class.getName());
    private static final AtomicBoolean BUFFER_SIZE_LOGGED = new AtomicBoolean();

    /** The socket's and eventfd's descriptors and what they are. */
    record Opened(int fd, int eventFd, boolean inet6, boolean dualStack, InetSocketAddress bound) {}

    private SocketSetup() {}

    /**
     * Opens, configures, binds and optionally connects a socket.
     *
     * @throws AddressFamilyNotSupportedException if the kernel has no such family ({@code EAFNOSUPPORT})
     * @throws java.net.BindException if the local address is taken or not local
     * @throws IllegalArgumentException if an address is unresolved or of the wrong family
     * @throws IOException on any other failure
     */
    static Opened open(Syscalls sys, UdpFamily family, InetSocketAddress local, InetSocketAddress remote)
            throws IOException {
        SocketAddresses.requireResolved(local, "local");
        if (!family.accepts(local.getAddress())) {
            throw new IllegalArgumentException("local address " + local + " is not a " + family + " address");
        }
        if (remote != null) {
            SocketAddresses.requireResolved(remote, "remote");
            if (!family.accepts(remote.getAddress())) {
                throw new IllegalArgumentException("remote address " + remote + " is not a " + family + " address");
            }
        }
        boolean inet6 = family != UdpFamily.UDP4;
        // Blocking, so a receive without timeout is one recvmmsg(MSG_WAITFORONE) per wake-up; every
        // call that must not block passes MSG_DONTWAIT instead.
        int type = SOCK_DGRAM | SOCK_CLOEXEC;
        int fd;
        try {
            fd = sys.socket(inet6 ? AF_INET6 : AF_INET, type, 0);
        } catch (NativeIoException e) {
            if (e.errno() != EAFNOSUPPORT) {
                throw e;
            }
            boolean v4Only = family == UdpFamily.UDP && local.getAddress() instanceof Inet4Address
                    && (remote == null || remote.getAddress() instanceof Inet4Address);
            if (!v4Only) {
                AddressFamilyNotSupportedException x = new AddressFamilyNotSupportedException(family, e.getMessage());
                x.initCause(e);
                throw x;
            }
            inet6 = false; // udp on a host without IPv6: a plain IPv4 socket
            fd = sys.socket(AF_INET, type, 0);
        }
        boolean dualStack = inet6 && family == UdpFamily.UDP;
        int eventFd = -1;
        try {
            eventFd = sys.eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
            if (inet6) {
                sys.setsockoptInt(fd, IPPROTO_IPV6, IPV6_V6ONLY, dualStack ? 0 : 1);
            }
            configureBuffers(sys, fd);
            sys.bind(fd, bindAddress(local, inet6), inet6);
            if (remote != null) {
                sys.connect(fd, remote, inet6);
            }
            InetSocketAddress bound = sys.getsockname(fd);
            return new Opened(fd, eventFd, inet6, dualStack, bound);
        } catch (IOException | RuntimeException | Error e) {
            if (eventFd >= 0) {
                sys.close(eventFd);
            }
            sys.close(fd);
            throw e;
        }
    }

    private static InetSocketAddress bindAddress(InetSocketAddress local, boolean inet6) {
        InetAddress ip = local.getAddress();
        if (inet6 && ip instanceof Inet4Address && ip.isAnyLocalAddress()) {
            // A dual-stack socket asked to bind 0.0.0.0 binds :: so that it carries both families.
            return new InetSocketAddress(anyV6(), local.getPort());
        }
        return local;
    }

    private static InetAddress anyV6() {
        try {
            return InetAddress.getByAddress(new byte[16]);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** wireguard-go's buffer sizing: FORCE first (needs CAP_NET_ADMIN), then plain; results ignored. */
    private static void configureBuffers(Syscalls sys, int fd) {
        if (sys.trySetsockoptInt(fd, SOL_SOCKET, SO_RCVBUFFORCE, LinuxUdpSocket.SOCKET_BUFFER_SIZE) != 0) {
            sys.trySetsockoptInt(fd, SOL_SOCKET, SO_RCVBUF, LinuxUdpSocket.SOCKET_BUFFER_SIZE);
        }
        if (sys.trySetsockoptInt(fd, SOL_SOCKET, SO_SNDBUFFORCE, LinuxUdpSocket.SOCKET_BUFFER_SIZE) != 0) {
            sys.trySetsockoptInt(fd, SOL_SOCKET, SO_SNDBUF, LinuxUdpSocket.SOCKET_BUFFER_SIZE);
        }
        if (LOG.isLoggable(Level.DEBUG) && BUFFER_SIZE_LOGGED.compareAndSet(false, true)) {
            try {
                LOG.log(Level.DEBUG, "UDP socket buffers: asked for {0} bytes, kernel granted SO_RCVBUF={1}, SO_SNDBUF={2}"
                        + " (the kernel reports twice the usable size)", LinuxUdpSocket.SOCKET_BUFFER_SIZE,
                        sys.getsockoptInt(fd, SOL_SOCKET, SO_RCVBUF), sys.getsockoptInt(fd, SOL_SOCKET, SO_SNDBUF));
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "cannot read back UDP socket buffer sizes", e);
            }
        }
    }
}
