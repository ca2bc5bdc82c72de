package dev.batchudp.network;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Hand-built {@code struct cmsghdr} records for codec tests, laid out as {@code cmsg(3)} describes
 * them on 64-bit Linux: an 8-byte {@code cmsg_len}, {@code int} level and type, data at 16, the next
 * record at {@code CMSG_SPACE}, a multiple of 8. Always in native order, as the kernel writes them.
 */
final class Cmsgs {
    static final int SOL_SOCKET = 1;
    static final int SOL_IP = 0;
    static final int SOL_IPV6 = 41;
    static final int SOL_UDP = 17;
    static final int IP_TOS = 1;
    static final int IP_TTL = 2;
    static final int IP_PKTINFO = 8;
    static final int IPV6_PKTINFO = 50;
    static final int IPV6_HOPLIMIT = 52;
    static final int IPV6_TCLASS = 67;
    static final int UDP_SEGMENT = 103;
    static final int UDP_GRO = 104;
    static final int SO_RXQ_OVFL = 40;

    private Cmsgs() {}

    /** {@code CMSG_SPACE(dataSize)}. */
    static int space(int dataSize) {
        return (16 + dataSize + 7) & -8;
    }

    /**
     * Writes one record at {@code at} with {@code cmsg_len = 16 + data.length}, zero padding; returns
     * where the next record starts.
     */
    static int record(ByteBuffer b, int at, int level, int type, byte[] data) {
        return record(b, at, 16L + data.length, level, type, data);
    }

    /** Writes one record with an arbitrary {@code cmsg_len}; returns {@code at + CMSG_SPACE(data.length)}. */
    static int record(ByteBuffer b, int at, long cmsgLen, int level, int type, byte[] data) {
        ByteBuffer n = b.duplicate().clear().order(ByteOrder.nativeOrder());
        n.putLong(at, cmsgLen);
        n.putInt(at + 8, level);
        n.putInt(at + 12, type);
        n.put(at + 16, data);
        int next = at + space(data.length);
        for (int i = at + 16 + data.length; i < next; i++) {
            n.put(i, (byte) 0);
        }
        return next;
    }

    /** A native-order {@code int}. */
    static byte[] nativeInt(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(0, v).array();
    }

    /** A native-order {@code uint16_t}. */
    static byte[] nativeShort(int v) {
        return ByteBuffer.allocate(2).order(ByteOrder.nativeOrder()).putShort(0, (short) v).array();
    }

    /** {@code struct in_pktinfo}: ifindex, spec_dst, addr. */
    static byte[] inPktinfo(int ifindex, InetAddress specDst, InetAddress addr) {
        ByteBuffer b = ByteBuffer.allocate(12).order(ByteOrder.nativeOrder());
        b.putInt(ifindex).put(specDst.getAddress()).put(addr.getAddress());
        return b.array();
    }

    /** {@code struct in6_pktinfo}: 16-byte address, ifindex. */
    static byte[] in6Pktinfo(byte[] address16, int ifindex) {
        ByteBuffer b = ByteBuffer.allocate(20).order(ByteOrder.nativeOrder());
        b.put(address16).putInt(ifindex);
        return b.array();
    }

    /** A literal address, never looked up. */
    static InetAddress address(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) bytes[i];
        }
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** {@code ::ffff:a.b.c.d} as 16 bytes. */
    static byte[] mapped(InetAddress v4) {
        byte[] m = new byte[16];
        m[10] = (byte) 0xff;
        m[11] = (byte) 0xff;
        System.arraycopy(v4.getAddress(), 0, m, 12, 4);
        return m;
    }
}
