package dev.batchudp.bind.linux.internal;

import static dev.batchudp.bind.linux.internal.LinuxConstants.*;

import dev.batchudp.network.UdpSocketOptions;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.util.Objects;
import java.util.Set;

/**
 * The socket options of a {@link LinuxUdpSocket} and the {@code setsockopt(2)} calls each becomes: one
 * table, so that {@code supportedOptions()}, {@code setOption} and {@code getOption} agree. An option
 * may take two calls on a dual-stack socket (the IPv4 option for its IPv4 traffic and the IPv6 one);
 * {@code getOption} reads the first, the one of the socket's own family.
 */
final class LinuxSocketOptions {
    /** Every option the Linux backend supports. */
    static final Set<SocketOption<?>> SUPPORTED = Set.of(StandardSocketOptions.SO_RCVBUF,
            StandardSocketOptions.SO_SNDBUF, StandardSocketOptions.SO_REUSEADDR, StandardSocketOptions.SO_BROADCAST,
            UdpSocketOptions.IP_DONTFRAG, UdpSocketOptions.RECEIVE_TRAFFIC_CLASS, UdpSocketOptions.RECEIVE_PACKET_INFO,
            UdpSocketOptions.RECEIVE_HOP_LIMIT, UdpSocketOptions.RECEIVE_QUEUE_OVERFLOW, UdpSocketOptions.UDP_GRO);

    /**
     * One {@code setsockopt}: level, name, and the values for {@code true} and {@code false} (an
     * {@code Integer} option passes its value through).
     */
    record Setting(int level, int name, int on, int off) {
        boolean read(int value) {
            return on == 1 ? value != 0 : value == on;
        }
    }

    private LinuxSocketOptions() {}

    /**
     * Returns the calls an option takes on a socket.
     *
     * @param option the option
     * @param inet6 whether the socket is {@code AF_INET6}
     * @param dualStack whether it also carries IPv4 ({@code IPV6_V6ONLY=0})
     * @return the calls, the socket family's first
     * @throws UnsupportedOperationException if the option is not supported
     */
    static Setting[] settings(SocketOption<?> option, boolean inet6, boolean dualStack) {
        Objects.requireNonNull(option, "name");
        if (option == StandardSocketOptions.SO_RCVBUF) {
            return one(SOL_SOCKET, SO_RCVBUF);
        }
        if (option == StandardSocketOptions.SO_SNDBUF) {
            return one(SOL_SOCKET, SO_SNDBUF);
        }
        if (option == StandardSocketOptions.SO_REUSEADDR) {
            return one(SOL_SOCKET, SO_REUSEADDR);
        }
        if (option == StandardSocketOptions.SO_BROADCAST) {
            return one(SOL_SOCKET, SO_BROADCAST);
        }
        if (option == UdpSocketOptions.RECEIVE_QUEUE_OVERFLOW) {
            return one(SOL_SOCKET, SO_RXQ_OVFL);
        }
        if (option == UdpSocketOptions.UDP_GRO) {
            return one(SOL_UDP, UDP_GRO);
        }
        if (option == UdpSocketOptions.IP_DONTFRAG) {
            // ip(7): IP_PMTUDISC_PROBE sets DF and checks the interface MTU only (so a prober can
            // exceed a cached path MTU); off restores what the socket had (LinuxUdpSocket.flagValue),
            // IP_PMTUDISC_WANT when it was never turned on.
            // ipv6(7) / RFC 3542 section 11.2: IPV6_DONTFRAG refuses instead of fragmenting locally.
            return families(inet6, dualStack, new Setting(IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_PROBE, IP_PMTUDISC_WANT),
                    new Setting(IPPROTO_IPV6, IPV6_DONTFRAG, 1, 0));
        }
        if (option == UdpSocketOptions.RECEIVE_TRAFFIC_CLASS) {
            return families(inet6, dualStack, flag(IPPROTO_IP, IP_RECVTOS), flag(IPPROTO_IPV6, IPV6_RECVTCLASS));
        }
        if (option == UdpSocketOptions.RECEIVE_PACKET_INFO) {
            return families(inet6, dualStack, flag(IPPROTO_IP, IP_PKTINFO), flag(IPPROTO_IPV6, IPV6_RECVPKTINFO));
        }
        if (option == UdpSocketOptions.RECEIVE_HOP_LIMIT) {
            return families(inet6, dualStack, flag(IPPROTO_IP, IP_RECVTTL), flag(IPPROTO_IPV6, IPV6_RECVHOPLIMIT));
        }
        throw new UnsupportedOperationException("socket option " + option.name() + " is not supported");
    }

    private static Setting flag(int level, int name) {
        return new Setting(level, name, 1, 0);
    }

    private static Setting[] one(int level, int name) {
        return new Setting[] {flag(level, name)};
    }

    private static Setting[] families(boolean inet6, boolean dualStack, Setting v4, Setting v6) {
        if (!inet6) {
            return new Setting[] {v4};
        }
        return dualStack ? new Setting[] {v6, v4} : new Setting[] {v6};
    }
}
