package dev.batchudp.bind.linux.internal;

import static dev.batchudp.bind.linux.internal.LinuxConstants.IPPROTO_IP;
import static dev.batchudp.bind.linux.internal.LinuxConstants.IPPROTO_IPV6;
import static dev.batchudp.bind.linux.internal.LinuxConstants.IPV6_PKTINFO;
import static dev.batchudp.bind.linux.internal.LinuxConstants.IP_PKTINFO;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/**
 * The packet-information control messages of sticky sockets (ip(7) {@code IP_PKTINFO}, ipv6(7)
 * {@code IPV6_PKTINFO}; wireguard-go's {@code conn/sticky_linux.go}), 64-bit Linux layout, native byte order: pure, bounds-checked byte work without system calls.
 *
 * <pre>
 * struct in_pktinfo  { int ipi_ifindex; struct in_addr ipi_spec_dst; struct in_addr ipi_addr; };  // 12 B
 * struct in6_pktinfo { struct in6_addr ipi6_addr; int ipi6_ifindex; };                           // 20 B
 * </pre>
 *
 * <ul>
 *   <li>{@code IP_PKTINFO}: level {@code IPPROTO_IP} (0), type 8, {@code cmsg_len = CMSG_LEN(12) = 28},
 *       {@code CMSG_SPACE(12) = 32} bytes. Received: {@code ipi_spec_dst} is the local address the
 *       reply should come from (what wireguard-go keeps; {@code ipi_addr} is the header destination,
 *       which differs for broadcasts). Sent: the kernel uses {@code ipi_spec_dst} as the source and
 *       {@code ipi_ifindex} as the interface.</li>
 *   <li>{@code IPV6_PKTINFO}: level {@code IPPROTO_IPV6} (41), type 50,
 *       {@code cmsg_len = CMSG_LEN(20) = 36}, {@code CMSG_SPACE(20) = 40} bytes; the same structure in
 *       both directions. An IPv4-mapped address (dual-stack sockets) decodes to IPv4, and on send pins
 *       the IPv4 source (a send to a v4-mapped destination takes the IPv4 path, where
 *       {@code ip_cmsg_send} in {@code net/ipv4/ip_sockglue.c} takes the source from a v4-mapped
 *       {@code ipi6_addr}).</li>
 * </ul>
 *
 * <p>{@link #find} walks the records with {@link UdpCmsgs#find}: the first packet-info record wins
 * (later ones, and {@code UDP_GRO}, are skipped); a record too short for its structure is skipped; a
 * malformed region (a length past the buffer or the region, a length below the header) yields
 * nothing. It never reads outside the region.
 */
final class Pktinfo {
    private Pktinfo() {}

    /** {@code CMSG_SPACE(sizeof(struct in_pktinfo))}. */
    static final int V4_SPACE = 32;
    /** {@code CMSG_SPACE(sizeof(struct in6_pktinfo))}. */
    static final int V6_SPACE = 40;
    /** {@code sizeof(struct in_pktinfo)}. */
    static final int V4_DATA = 12;
    /** {@code sizeof(struct in6_pktinfo)}. */
    static final int V6_DATA = 20;

    /**
     * Finds the first packet-info record in {@code [offset, offset + length)}.
     *
     * @param control native-order buffer
     * @param offset start of the control data
     * @param length control bytes
     * @return the absolute offset of the record's header, or -1 when there is none (or the region is
     *     malformed before one)
     */
    static int find(ByteBuffer control, int offset, int length) {
        // A plain read's control data starts with the packet-info record (ip_cmsg_recv_offset() in
        // net/ipv4/ip_sockglue.c writes IP_PKTINFO before its other records): check that record
        // before walking the region twice. UDP_GRO and socket-level records come before it when
        // enabled (udp_recvmsg(), net/ipv4/udp.c); the walk finds it then.
        if (UdpCmsgs.firstIs(control, offset, length, IPPROTO_IP, IP_PKTINFO, V4_DATA)
                || UdpCmsgs.firstIs(control, offset, length, IPPROTO_IPV6, IPV6_PKTINFO, V6_DATA)) {
            return offset;
        }
        int v4 = UdpCmsgs.find(control, offset, length, IPPROTO_IP, IP_PKTINFO, IPPROTO_IP, IP_PKTINFO, V4_DATA);
        int v6 = UdpCmsgs.find(control, offset, length, IPPROTO_IPV6, IPV6_PKTINFO, IPPROTO_IPV6, IPV6_PKTINFO,
                V6_DATA);
        if (v4 < 0) {
            return v6 < 0 ? -1 : v6;
        }
        return v6 < 0 ? v4 : Math.min(v4, v6);
    }

    /**
     * Returns whether the record at {@code record} (from {@link #find}) is {@code IPV6_PKTINFO}.
     *
     * @param control the buffer
     * @param record the record's offset
     * @return {@code true} for IPv6
     */
    static boolean isV6(ByteBuffer control, int record) {
        return control.getInt(record + Cmsghdr.CMSG_LEVEL) == IPPROTO_IPV6;
    }

    /**
     * Returns the interface index of a record.
     *
     * @param control the buffer
     * @param record the record's offset (from {@link #find})
     * @return {@code ipi_ifindex} / {@code ipi6_ifindex}
     */
    static int ifIndex(ByteBuffer control, int record) {
        return control.getInt(record + Cmsghdr.CMSG_DATA + (isV6(control, record) ? 16 : 0));
    }

    /**
     * Copies a record's local address bytes: {@code ipi_spec_dst} (4) or {@code ipi6_addr} (16).
     *
     * @param control the buffer
     * @param record the record's offset
     * @return a new array
     */
    static byte[] addressBytes(ByteBuffer control, int record) {
        boolean v6 = isV6(control, record);
        byte[] raw = new byte[v6 ? 16 : 4];
        control.get(record + Cmsghdr.CMSG_DATA + (v6 ? 0 : 4), raw);
        return raw;
    }

    /**
     * Decodes a record's local address (IPv4-mapped as IPv4).
     *
     * @param control the buffer
     * @param record the record's offset
     * @return the address
     */
    static InetAddress address(ByteBuffer control, int record) {
        try {
            return InetAddress.getByAddress(addressBytes(control, record));
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // 4 or 16 bytes
        }
    }

    /**
     * Returns the bytes a record for {@code source} takes on a socket: 0 when it cannot be attached
     * (an IPv6 source on an IPv4 socket).
     *
     * @param source the source address
     * @param inet6Socket whether the socket is {@code AF_INET6}
     * @return {@link #V4_SPACE}, {@link #V6_SPACE} or 0
     */
    static int space(InetAddress source, boolean inet6Socket) {
        if (inet6Socket) {
            return V6_SPACE;
        }
        return source instanceof Inet4Address ? V4_SPACE : 0;
    }

    /**
     * Writes a packet-info record at {@code offset} (batchudp's {@code setSrcControl}): too little
     * room, or a source that does not fit the socket's family, leaves the buffer untouched.
     *
     * @param control native-order buffer
     * @param offset where the record starts (8-byte aligned)
     * @param room bytes available from {@code offset}
     * @param source the local address (4 or 16 bytes; 4 bytes are written as IPv4-mapped on an
     *     {@code AF_INET6} socket)
     * @param ifIndex the interface index, or 0
     * @param inet6Socket whether the socket is {@code AF_INET6} (then {@code IPV6_PKTINFO})
     * @return bytes written: {@link #V4_SPACE}, {@link #V6_SPACE}, or 0
     */
    static int put(ByteBuffer control, int offset, int room, byte[] source, int ifIndex, boolean inet6Socket) {
        if (inet6Socket) {
            if (room < V6_SPACE || (source.length != 4 && source.length != 16)) {
                return 0;
            }
            control.putLong(offset + Cmsghdr.CMSG_LEN, Cmsghdr.len(V6_DATA));
            control.putInt(offset + Cmsghdr.CMSG_LEVEL, IPPROTO_IPV6);
            control.putInt(offset + Cmsghdr.CMSG_TYPE, IPV6_PKTINFO);
            int data = offset + Cmsghdr.CMSG_DATA;
            for (int i = 0; i < V6_SPACE - Cmsghdr.SIZE; i++) {
                control.put(data + i, (byte) 0);
            }
            if (source.length == 4) {
                control.put(data + 10, (byte) 0xff).put(data + 11, (byte) 0xff);
                control.put(data + 12, source);
            } else {
                control.put(data, source);
            }
            control.putInt(data + 16, ifIndex);
            return V6_SPACE;
        }
        if (room < V4_SPACE || source.length != 4) {
            return 0;
        }
        control.putLong(offset + Cmsghdr.CMSG_LEN, Cmsghdr.len(V4_DATA));
        control.putInt(offset + Cmsghdr.CMSG_LEVEL, IPPROTO_IP);
        control.putInt(offset + Cmsghdr.CMSG_TYPE, IP_PKTINFO);
        int data = offset + Cmsghdr.CMSG_DATA;
        control.putInt(data, ifIndex);
        control.put(data + 4, source);
        control.putInt(data + 8, 0); // ipi_addr: ignored on send
        control.putInt(data + 12, 0); // padding to CMSG_SPACE
        return V4_SPACE;
    }
}
