package dev.batchudp.benchmarks;

import static dev.batchudp.bind.linux.internal.LinuxConstants.AF_INET;
import static dev.batchudp.bind.linux.internal.LinuxConstants.AF_INET6;
import static dev.batchudp.bind.linux.internal.LinuxConstants.IPPROTO_IP;
import static dev.batchudp.bind.linux.internal.LinuxConstants.IPPROTO_IPV6;
import static dev.batchudp.bind.linux.internal.LinuxConstants.IPV6_PKTINFO;
import static dev.batchudp.bind.linux.internal.LinuxConstants.IPV6_RECVPKTINFO;
import static dev.batchudp.bind.linux.internal.LinuxConstants.IP_PKTINFO;
import static dev.batchudp.bind.linux.internal.LinuxConstants.MSG_CTRUNC;
import static dev.batchudp.bind.linux.internal.LinuxConstants.SOL_SOCKET;
import static dev.batchudp.bind.linux.internal.LinuxConstants.SOL_UDP;
import static dev.batchudp.bind.linux.internal.LinuxConstants.SO_RCVBUF;
import static dev.batchudp.bind.linux.internal.LinuxConstants.SO_SNDBUF;
import static dev.batchudp.bind.linux.internal.LinuxConstants.UDP_GRO;

import com.kenai.jffi.MemoryIO;
import dev.batchudp.bind.linux.internal.Cmsghdr;
import dev.batchudp.bind.linux.internal.Iovec;
import dev.batchudp.bind.linux.internal.LibC;
import dev.batchudp.bind.linux.internal.LinuxUdpSocket;
import dev.batchudp.bind.linux.internal.Mmsghdr;
import dev.batchudp.bind.linux.internal.Msghdr;
import dev.batchudp.bind.linux.internal.Pollfd;

/**
 * A C library whose socket calls succeed at once without entering the kernel, so that a benchmark
 * measures only the Java side of bind-linux. Sockets are numbers with a little state (family, port,
 * whether {@code UDP_GRO} and packet information are on); every call succeeds.
 *
 * <p>{@code sendmmsg} accepts every entry without reading it. {@code recvmmsg} reports
 * {@link #datagramsPerRead} datagrams of {@link #size} bytes per call, as the kernel would write
 * them (recvmmsg(2), udp(7), ip(7), ipv6(7)): {@code msg_len}, the sender ({@code 127.0.0.1} or
 * {@code ::1}, port {@value #PEER_PORT}) with {@code msg_namelen}, {@code msg_flags}, and the control
 * messages with {@code msg_controllen}: on a socket with {@code UDP_GRO}, the datagrams come coalesced,
 * {@link #segmentsPerMessage} per kernel message, each with a {@code UDP_GRO} record carrying the
 * segment size (first, as {@code udp_recvmsg} puts it), and on a socket with packet information an
 * {@code IP_PKTINFO}/{@code IPV6_PKTINFO} record (destination {@code 127.0.0.1}/{@code ::1},
 * interface 1). The payload bytes are not written: the kernel's copy is not what is measured.
 *
 * <p>Confined to one thread, as a benchmark's state is.
 */
final class FakeKernel implements LibC {
    /** The port every datagram comes from. */
    static final int PEER_PORT = 51_820;
    private static final MemoryIO IO = MemoryIO.getInstance();
    private static final int FIRST_SOCKET = 1_000;
    private static final int FIRST_EVENTFD = 5_000;
    private static final int MAX_SOCKETS = 64;
    /** {@code CMSG_SPACE(sizeof(int))}: a {@code UDP_GRO} record. */
    private static final int GRO_SPACE = 24;
    /** {@code CMSG_SPACE(sizeof(struct in_pktinfo))}. */
    private static final int PKTINFO_SPACE = 32;
    /** {@code CMSG_SPACE(sizeof(struct in6_pktinfo))}. */
    private static final int PKTINFO6_SPACE = 40;

    /** One fake socket's state. */
    private static final class Socket {
        final boolean inet6;
        int port;
        boolean gro;
        boolean packetInfo;

        Socket(boolean inet6) {
            this.inet6 = inet6;
        }
    }

    private final Socket[] sockets = new Socket[MAX_SOCKETS];
    private final int size;
    private final int datagramsPerRead;
    private final int segmentsPerMessage;
    private int nextSocket;
    private int nextEventFd = FIRST_EVENTFD;
    private int nextPort = 40_000;
    /** Datagrams reported received so far, and entries accepted by sendmmsg so far. */
    long receivedDatagrams;
    long sentEntries;

    /**
     * @param size payload bytes of each datagram a read reports
     * @param datagramsPerRead datagrams one {@code recvmmsg} reports (fewer if it asks for fewer)
     * @param segmentsPerMessage datagrams per coalesced kernel message on a {@code UDP_GRO} socket
     */
    FakeKernel(int size, int datagramsPerRead, int segmentsPerMessage) {
        this.size = size;
        this.datagramsPerRead = datagramsPerRead;
        this.segmentsPerMessage = segmentsPerMessage;
    }

    private Socket socket(int fd) {
        int i = fd - FIRST_SOCKET;
        Socket s = i >= 0 && i < MAX_SOCKETS ? sockets[i] : null;
        if (s == null) {
            throw new IllegalStateException("not a fake socket: " + fd);
        }
        return s;
    }

    @Override
    public int socket(int domain, int type, int protocol) {
        if (nextSocket == MAX_SOCKETS) {
            throw new IllegalStateException("more than " + MAX_SOCKETS + " fake sockets");
        }
        sockets[nextSocket] = new Socket(domain == AF_INET6);
        return FIRST_SOCKET + nextSocket++;
    }

    @Override
    public int bind(int fd, long addr, int len) {
        int port = (IO.getByte(addr + 2) & 0xff) << 8 | IO.getByte(addr + 3) & 0xff;
        socket(fd).port = port != 0 ? port : nextPort++;
        return 0;
    }

    @Override
    public int connect(int fd, long addr, int len) {
        return 0;
    }

    @Override
    public int close(int fd) {
        return 0;
    }

    @Override
    public int shutdown(int fd, int how) {
        return 0;
    }

    @Override
    public int setsockopt(int fd, int level, int name, long val, int len) {
        boolean on = len >= 4 && IO.getInt(val) != 0;
        if (level == SOL_UDP && name == UDP_GRO) {
            socket(fd).gro = on;
        } else if (level == IPPROTO_IP && name == IP_PKTINFO || level == IPPROTO_IPV6 && name == IPV6_RECVPKTINFO) {
            socket(fd).packetInfo = on;
        }
        return 0;
    }

    @Override
    public int getsockopt(int fd, int level, int name, long val, long len) {
        int value = 0; // UDP_SEGMENT: answering at all says the kernel has it
        if (level == SOL_UDP && name == UDP_GRO) {
            value = socket(fd).gro ? 1 : 0;
        } else if (level == SOL_SOCKET && (name == SO_RCVBUF || name == SO_SNDBUF)) {
            value = 2 * LinuxUdpSocket.SOCKET_BUFFER_SIZE; // the kernel reports twice what was set (socket(7))
        }
        IO.putInt(val, value);
        IO.putInt(len, 4);
        return 0;
    }

    @Override
    public int getsockname(int fd, long addr, long len) {
        Socket s = socket(fd);
        IO.putInt(len, sockaddr(addr, s.inet6, s.port, false));
        return 0;
    }

    @Override
    public int recvmmsg(int fd, long vec, int vlen, int flags, long timeout) {
        Socket s = socket(fd);
        int n = 0;
        int left = datagramsPerRead;
        while (left > 0 && n < vlen) {
            int segments = s.gro ? Math.min(left, segmentsPerMessage) : 1;
            long hdr = vec + (long) n * Mmsghdr.SIZE;
            fill(s, hdr + Mmsghdr.MSG_HDR, segments);
            IO.putInt(hdr + Mmsghdr.MSG_LEN, segments * size);
            left -= segments;
            n++;
        }
        receivedDatagrams += datagramsPerRead - left;
        return n;
    }

    /** Writes what the kernel writes into a {@code msghdr} for a message of {@code segments} datagrams. */
    private void fill(Socket s, long msg, int segments) {
        long name = IO.getAddress(msg + Msghdr.MSG_NAME);
        if (name != 0) {
            IO.putInt(msg + Msghdr.MSG_NAMELEN, sockaddr(name, s.inet6, PEER_PORT, true));
        }
        long control = IO.getAddress(msg + Msghdr.MSG_CONTROL);
        long room = control == 0 ? 0 : IO.getLong(msg + Msghdr.MSG_CONTROLLEN);
        long used = 0;
        int flags = 0;
        if (s.gro && segments > 1) {
            if (room - used >= GRO_SPACE) {
                cmsg(control + used, SOL_UDP, UDP_GRO, 4);
                IO.putInt(control + used + Cmsghdr.CMSG_DATA, size);
                used += GRO_SPACE;
            } else {
                flags |= MSG_CTRUNC;
            }
        }
        if (s.packetInfo) {
            int space = s.inet6 ? PKTINFO6_SPACE : PKTINFO_SPACE;
            if (room - used >= space) {
                long data = control + used + Cmsghdr.CMSG_DATA;
                if (s.inet6) {
                    cmsg(control + used, IPPROTO_IPV6, IPV6_PKTINFO, 20);
                    loopback6(data); // ipi6_addr
                    IO.putInt(data + 16, 1); // ipi6_ifindex
                } else {
                    cmsg(control + used, IPPROTO_IP, IP_PKTINFO, 12);
                    IO.putInt(data, 1); // ipi_ifindex
                    loopback4(data + 4); // ipi_spec_dst
                    loopback4(data + 8); // ipi_addr
                }
                used += space;
            } else {
                flags |= MSG_CTRUNC;
            }
        }
        IO.putLong(msg + Msghdr.MSG_CONTROLLEN, used);
        IO.putInt(msg + Msghdr.MSG_FLAGS, flags);
    }

    private static void cmsg(long at, int level, int type, int dataLength) {
        IO.putLong(at + Cmsghdr.CMSG_LEN, Cmsghdr.SIZE + dataLength);
        IO.putInt(at + Cmsghdr.CMSG_LEVEL, level);
        IO.putInt(at + Cmsghdr.CMSG_TYPE, type);
    }

    /** Writes a {@code sockaddr_in}/{@code sockaddr_in6} (loopback or wildcard); returns its length. */
    private static int sockaddr(long at, boolean inet6, int port, boolean loopback) {
        IO.putShort(at, (short) (inet6 ? AF_INET6 : AF_INET)); // sa_family, host order
        IO.putByte(at + 2, (byte) (port >> 8)); // sin_port, network order
        IO.putByte(at + 3, (byte) port);
        if (inet6) {
            IO.putInt(at + 4, 0); // sin6_flowinfo
            IO.putLong(at + 8, 0);
            IO.putLong(at + 16, 0);
            if (loopback) {
                IO.putByte(at + 23, (byte) 1);
            }
            IO.putInt(at + 24, 0); // sin6_scope_id
            return 28;
        }
        if (loopback) {
            loopback4(at + 4);
        } else {
            IO.putInt(at + 4, 0);
        }
        IO.putLong(at + 8, 0); // sin_zero
        return 16;
    }

    private static void loopback4(long at) {
        IO.putByte(at, (byte) 127);
        IO.putByte(at + 1, (byte) 0);
        IO.putByte(at + 2, (byte) 0);
        IO.putByte(at + 3, (byte) 1);
    }

    private static void loopback6(long at) {
        IO.putLong(at, 0);
        IO.putLong(at + 8, 0);
        IO.putByte(at + 15, (byte) 1);
    }

    @Override
    public int sendmmsg(int fd, long vec, int vlen, int flags) {
        socket(fd);
        sentEntries += vlen;
        return vlen;
    }

    @Override
    public long recvmsg(int fd, long msg, int flags) {
        fill(socket(fd), msg, 1);
        receivedDatagrams++;
        return size;
    }

    @Override
    public long sendmsg(int fd, long msg, int flags) {
        socket(fd);
        long iov = IO.getAddress(msg + Msghdr.MSG_IOV);
        long count = IO.getLong(msg + Msghdr.MSG_IOVLEN);
        long bytes = 0;
        for (long i = 0; i < count; i++) {
            bytes += IO.getLong(iov + i * Iovec.SIZE + Iovec.IOV_LEN);
        }
        sentEntries++;
        return bytes;
    }

    @Override
    public int poll(long fds, long nfds, int timeout) {
        for (long i = 0; i < nfds; i++) {
            long at = fds + i * Pollfd.SIZE;
            IO.putShort(at + Pollfd.REVENTS, IO.getShort(at + Pollfd.EVENTS));
        }
        return (int) nfds;
    }

    @Override
    public int eventfd(int initval, int flags) {
        return nextEventFd++;
    }

    @Override
    public int eventfd_write(int fd, long value) {
        return 0;
    }

    @Override
    public int fcntl(int fd, int cmd, int arg) {
        return 2; // O_RDWR
    }

    @Override
    public int uname(long buf) {
        byte[] release = "6.8.0-fake".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        for (int i = 0; i < release.length; i++) {
            IO.putByte(buf + 130 + i, release[i]);
        }
        IO.putByte(buf + 130 + release.length, (byte) 0);
        return 0;
    }

    @Override
    public int open(long pathname, int flags) {
        return -1; // no files in the fake kernel; bind-linux opens none on its socket paths
    }

    @Override
    public int setns(int fd, int nstype) {
        return -1; // no namespaces in the fake kernel
    }

    @Override
    public String strerror(int errnum) {
        return "fake kernel: errno " + errnum;
    }
}
