package dev.batchudp.bind.linux.internal;

/**
 * Numeric values from the Linux and glibc headers, for x86_64 and aarch64 (both use the
 * {@code asm-generic} socket and errno numbering; other architectures such as MIPS, SPARC, Alpha
 * and PA-RISC differ and are not supported).
 *
 * <p>jnr-ffi 2.2.17 does not bring jnr-constants with it, so every value the module needs is here,
 * each with the header that defines it. Values are ABI: they never change for a given architecture.
 */
public final class LinuxConstants {
    private LinuxConstants() {}

    // ---- <bits/socket.h>, <sys/socket.h> --------------------------------------------------------
    /** {@code AF_INET}, {@code <bits/socket.h>}. */
    public static final int AF_INET = 2;
    /** {@code AF_INET6}, {@code <bits/socket.h>}. */
    public static final int AF_INET6 = 10;
    /** {@code SOCK_DGRAM}, {@code <bits/socket_type.h>}. */
    public static final int SOCK_DGRAM = 2;
    /** {@code SOCK_NONBLOCK} (= {@code O_NONBLOCK}, octal 04000), {@code <bits/socket_type.h>}. */
    public static final int SOCK_NONBLOCK = 0x800;
    /** {@code SOCK_CLOEXEC} (= {@code O_CLOEXEC}, octal 02000000), {@code <bits/socket_type.h>}. */
    public static final int SOCK_CLOEXEC = 0x80000;
    /** {@code SHUT_RDWR}, {@code <sys/socket.h>}. */
    public static final int SHUT_RDWR = 2;
    /** {@code MSG_PEEK}: return the first queued datagram without removing it, {@code <bits/socket.h>}. */
    public static final int MSG_PEEK = 0x02;
    /** {@code MSG_CTRUNC}: control data truncated, {@code <bits/socket.h>}. */
    public static final int MSG_CTRUNC = 0x08;
    /** {@code MSG_TRUNC}: datagram truncated; as an input flag, return the real length, {@code <bits/socket.h>}. */
    public static final int MSG_TRUNC = 0x20;
    /** {@code MSG_DONTWAIT}: non-blocking operation, {@code <bits/socket.h>}. */
    public static final int MSG_DONTWAIT = 0x40;
    /** {@code MSG_NOSIGNAL}: no {@code SIGPIPE} on a shut-down socket, {@code <bits/socket.h>}. */
    public static final int MSG_NOSIGNAL = 0x4000;
    /** {@code MSG_WAITFORONE}: {@code recvmmsg} returns after the first datagram, {@code <bits/socket.h>}. */
    public static final int MSG_WAITFORONE = 0x10000;

    // ---- <asm-generic/socket.h> ------------------------------------------------------------------
    /** {@code SOL_SOCKET}, {@code <asm-generic/socket.h>}. */
    public static final int SOL_SOCKET = 1;
    /** {@code SO_REUSEADDR}, {@code <asm-generic/socket.h>}. */
    public static final int SO_REUSEADDR = 2;
    /** {@code SO_ERROR}, {@code <asm-generic/socket.h>}. */
    public static final int SO_ERROR = 4;
    /** {@code SO_BROADCAST}, {@code <asm-generic/socket.h>}. */
    public static final int SO_BROADCAST = 6;
    /** {@code SO_SNDBUF}, {@code <asm-generic/socket.h>}. */
    public static final int SO_SNDBUF = 7;
    /** {@code SO_RCVBUF}, {@code <asm-generic/socket.h>}. */
    public static final int SO_RCVBUF = 8;
    /** {@code SO_SNDBUFFORCE} (needs {@code CAP_NET_ADMIN}), {@code <asm-generic/socket.h>}. */
    public static final int SO_SNDBUFFORCE = 32;
    /** {@code SO_RCVBUFFORCE} (needs {@code CAP_NET_ADMIN}), {@code <asm-generic/socket.h>}. */
    public static final int SO_RCVBUFFORCE = 33;
    /** {@code SO_MARK} (needs {@code CAP_NET_ADMIN}), {@code <asm-generic/socket.h>}. */
    public static final int SO_MARK = 36;
    /**
     * {@code SO_RXQ_OVFL}: deliver the socket's drop count ({@code sk_drops}, a {@code __u32}) with each
     * datagram, {@code <asm-generic/socket.h>}; also the type of that control message.
     */
    public static final int SO_RXQ_OVFL = 40;
    /**
     * {@code SO_MEMINFO} (Linux 4.12+, {@code asm-generic/socket.h}): {@code getsockopt} fills
     * {@code __u32 [SK_MEMINFO_VARS]} with the socket's memory counters ({@code sk_get_meminfo} in
     * net/core/sock.c).
     */
    public static final int SO_MEMINFO = 55;
    /** {@code SK_MEMINFO_DROPS} ({@code linux/sock_diag.h}): the index of {@code sk_drops} in {@link #SO_MEMINFO}'s array. */
    public static final int SK_MEMINFO_DROPS = 8;
    /** {@code SK_MEMINFO_VARS} ({@code linux/sock_diag.h}): the length of {@link #SO_MEMINFO}'s array. */
    public static final int SK_MEMINFO_VARS = 9;

    // ---- <netinet/in.h>, <linux/in.h>, <linux/in6.h> ---------------------------------------------
    /** {@code IPPROTO_IP}, {@code <netinet/in.h>}. */
    public static final int IPPROTO_IP = 0;
    /** {@code IPPROTO_UDP}, {@code <netinet/in.h>}. */
    public static final int IPPROTO_UDP = 17;
    /** {@code IPPROTO_IPV6}, {@code <netinet/in.h>}. */
    public static final int IPPROTO_IPV6 = 41;
    /** {@code IP_TOS} (the received control message type of {@code IP_RECVTOS}), {@code <linux/in.h>}. */
    public static final int IP_TOS = 1;
    /** {@code IP_TTL} (the received control message type of {@code IP_RECVTTL}), {@code <linux/in.h>}. */
    public static final int IP_TTL = 2;
    /** {@code IP_PKTINFO}, {@code <linux/in.h>}. */
    public static final int IP_PKTINFO = 8;
    /** {@code IP_MTU_DISCOVER}: path-MTU discovery mode ({@code IP_PMTUDISC_*}), {@code <linux/in.h>}. */
    public static final int IP_MTU_DISCOVER = 10;
    /** {@code IP_RECVTTL}: deliver each datagram's TTL, {@code <linux/in.h>}. */
    public static final int IP_RECVTTL = 12;
    /** {@code IP_RECVTOS}: deliver each datagram's TOS byte, {@code <linux/in.h>}. */
    public static final int IP_RECVTOS = 13;
    /** {@code IP_PMTUDISC_WANT}: the kernel's default for UDP (use per-route hints), {@code <linux/in.h>}. */
    public static final int IP_PMTUDISC_WANT = 1;
    /**
     * {@code IP_PMTUDISC_PROBE}: set DF on every packet and check against the interface MTU, ignoring
     * the cached path MTU, {@code <linux/in.h>}.
     */
    public static final int IP_PMTUDISC_PROBE = 3;
    /** {@code IPV6_V6ONLY}, {@code <linux/in6.h>}. */
    public static final int IPV6_V6ONLY = 26;
    /** {@code IPV6_RECVPKTINFO}, {@code <linux/in6.h>}. */
    public static final int IPV6_RECVPKTINFO = 49;
    /** {@code IPV6_PKTINFO} (the control message type), {@code <linux/in6.h>}. */
    public static final int IPV6_PKTINFO = 50;
    /** {@code IPV6_RECVHOPLIMIT}: deliver each datagram's hop limit, {@code <linux/in6.h>}. */
    public static final int IPV6_RECVHOPLIMIT = 51;
    /** {@code IPV6_HOPLIMIT} (the control message type), {@code <linux/in6.h>}. */
    public static final int IPV6_HOPLIMIT = 52;
    /** {@code IPV6_DONTFRAG}: refuse rather than fragment locally (RFC 3542 section 11.2), {@code <linux/in6.h>}. */
    public static final int IPV6_DONTFRAG = 62;
    /** {@code IPV6_RECVTCLASS}: deliver each datagram's traffic class, {@code <linux/in6.h>}. */
    public static final int IPV6_RECVTCLASS = 66;
    /** {@code IPV6_TCLASS} (the control message type), {@code <linux/in6.h>}. */
    public static final int IPV6_TCLASS = 67;
    /**
     * {@code IP_UNICAST_IF}, {@code <linux/in.h>}; the value is an interface index in network byte
     * order ({@code ip_sockglue.c} applies {@code ntohl}).
     */
    public static final int IP_UNICAST_IF = 50;
    /**
     * {@code IPV6_UNICAST_IF}, {@code <linux/in6.h>}; on Linux also network byte order
     * ({@code ipv6_sockglue.c} applies {@code ntohl}, unlike Windows).
     */
    public static final int IPV6_UNICAST_IF = 76;

    // ---- <linux/udp.h> ---------------------------------------------------------------------------
    /** {@code SOL_UDP} (= {@code IPPROTO_UDP}), {@code <linux/udp.h>}. */
    public static final int SOL_UDP = 17;
    /** {@code UDP_SEGMENT}: GSO segment size (Linux 4.18+), {@code <linux/udp.h>}. */
    public static final int UDP_SEGMENT = 103;
    /** {@code UDP_GRO}: receive coalescing (Linux 5.0+), {@code <linux/udp.h>}. */
    public static final int UDP_GRO = 104;

    // ---- <poll.h> (<asm-generic/poll.h>) ---------------------------------------------------------
    /** {@code POLLIN}, {@code <asm-generic/poll.h>}. */
    public static final short POLLIN = 0x001;
    /** {@code POLLOUT}, {@code <asm-generic/poll.h>}. */
    public static final short POLLOUT = 0x004;
    /** {@code POLLERR}, {@code <asm-generic/poll.h>}. */
    public static final short POLLERR = 0x008;
    /** {@code POLLHUP}, {@code <asm-generic/poll.h>}. */
    public static final short POLLHUP = 0x010;
    /** {@code POLLNVAL}, {@code <asm-generic/poll.h>}. */
    public static final short POLLNVAL = 0x020;

    // ---- <sys/eventfd.h> -------------------------------------------------------------------------
    /** {@code EFD_NONBLOCK} (= {@code O_NONBLOCK}), {@code <sys/eventfd.h>}. */
    public static final int EFD_NONBLOCK = 0x800;
    /** {@code EFD_CLOEXEC} (= {@code O_CLOEXEC}), {@code <sys/eventfd.h>}. */
    public static final int EFD_CLOEXEC = 0x80000;

    // ---- <fcntl.h> (<asm-generic/fcntl.h>) -------------------------------------------------------
    /** {@code F_GETFD}, {@code <asm-generic/fcntl.h>}. */
    public static final int F_GETFD = 1;
    /** {@code F_GETFL}, {@code <asm-generic/fcntl.h>}. */
    public static final int F_GETFL = 3;
    /** {@code FD_CLOEXEC}, {@code <asm-generic/fcntl.h>}. */
    public static final int FD_CLOEXEC = 1;
    /** {@code O_RDONLY}, {@code <asm-generic/fcntl.h>}. */
    public static final int O_RDONLY = 0;
    /** {@code O_CLOEXEC} (octal 02000000), {@code <asm-generic/fcntl.h>}. */
    public static final int O_CLOEXEC = 0x80000;
    /** {@code CLONE_NEWNET}: a network namespace, for {@code setns(2)}, {@code <linux/sched.h>}. */
    public static final int CLONE_NEWNET = 0x40000000;
    /** {@code O_NONBLOCK} (octal 04000), {@code <asm-generic/fcntl.h>}. */
    public static final int O_NONBLOCK = 0x800;

    // ---- <asm-generic/errno-base.h>, <asm-generic/errno.h> ---------------------------------------
    /** {@code EPERM}. */
    public static final int EPERM = 1;
    /** {@code ENOENT}. */
    public static final int ENOENT = 2;
    /** {@code EINTR}. */
    public static final int EINTR = 4;
    /** {@code EIO}. */
    public static final int EIO = 5;
    /** {@code EBADF}. */
    public static final int EBADF = 9;
    /** {@code EAGAIN}. */
    public static final int EAGAIN = 11;
    /** {@code EWOULDBLOCK} (= {@code EAGAIN} on Linux). */
    public static final int EWOULDBLOCK = EAGAIN;
    /** {@code ENOMEM}. */
    public static final int ENOMEM = 12;
    /** {@code EACCES}. */
    public static final int EACCES = 13;
    /** {@code EFAULT}. */
    public static final int EFAULT = 14;
    /** {@code EINVAL}. */
    public static final int EINVAL = 22;
    /** {@code ENFILE}. */
    public static final int ENFILE = 23;
    /** {@code EMFILE}. */
    public static final int EMFILE = 24;
    /** {@code EPIPE}. */
    public static final int EPIPE = 32;
    /** {@code ENOSYS}. */
    public static final int ENOSYS = 38;
    /** {@code ENOTSOCK}. */
    public static final int ENOTSOCK = 88;
    /** {@code EDESTADDRREQ}. */
    public static final int EDESTADDRREQ = 89;
    /** {@code EMSGSIZE}. */
    public static final int EMSGSIZE = 90;
    /** {@code ENOPROTOOPT}. */
    public static final int ENOPROTOOPT = 92;
    /** {@code EOPNOTSUPP}. */
    public static final int EOPNOTSUPP = 95;
    /** {@code EAFNOSUPPORT}. */
    public static final int EAFNOSUPPORT = 97;
    /** {@code EADDRINUSE}. */
    public static final int EADDRINUSE = 98;
    /** {@code EADDRNOTAVAIL}. */
    public static final int EADDRNOTAVAIL = 99;
    /** {@code ENETDOWN}. */
    public static final int ENETDOWN = 100;
    /** {@code ENETUNREACH}. */
    public static final int ENETUNREACH = 101;
    /** {@code ECONNRESET}. */
    public static final int ECONNRESET = 104;
    /** {@code ENOBUFS}. */
    public static final int ENOBUFS = 105;
    /** {@code ENOTCONN}. */
    public static final int ENOTCONN = 107;
    /** {@code ETIMEDOUT}. */
    public static final int ETIMEDOUT = 110;
    /** {@code ECONNREFUSED}. */
    public static final int ECONNREFUSED = 111;
    /** {@code EHOSTDOWN}. */
    public static final int EHOSTDOWN = 112;
    /** {@code EHOSTUNREACH}. */
    public static final int EHOSTUNREACH = 113;

    // ---- sizes derived from the above -----------------------------------------------------------
    /** {@code CMSG_SPACE(sizeof(uint16_t))}: room for one {@code UDP_SEGMENT} control message. */
    public static final int GSO_CONTROL_SIZE = Cmsghdr.space(2);
    /** {@code sizeof(struct in_pktinfo)}: {@code ipi_ifindex}, {@code ipi_spec_dst}, {@code ipi_addr} (ip(7)). */
    public static final int IN_PKTINFO_SIZE = 12;
    /** {@code sizeof(struct in6_pktinfo)}: {@code ipi6_addr}, {@code ipi6_ifindex} (ipv6(7)). */
    public static final int IN6_PKTINFO_SIZE = 20;
    /**
     * Control bytes an upgraded socket can receive with one datagram: the larger packet-info record
     * ({@code CMSG_SPACE(sizeof(struct in6_pktinfo))} = 40; the IPv4 one takes 32) and the
     * {@code UDP_GRO} record ({@code CMSG_SPACE(sizeof(int))} = 24, udp(7)): 64 bytes on 64-bit Linux.
     */
    public static final int RECEIVE_CONTROL_SIZE = Cmsghdr.space(IN6_PKTINFO_SIZE) + Cmsghdr.space(4);
}
