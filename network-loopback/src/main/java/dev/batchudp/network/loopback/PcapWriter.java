package dev.batchudp.network.loopback;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.List;

/**
 * Writes classic libpcap files with {@code LINKTYPE_RAW} packets (see
 * https://wiki.wireshark.org/Development/LibpcapFileFormat and
 * https://www.tcpdump.org/linktypes.html). Little-endian, like the files tcpdump writes on x86.
 */
final class PcapWriter {
    static final int MAGIC = 0xa1b2c3d4;
    /** Snap length: 262,144 (tcpdump's default), above the largest IPv6 datagram (65,527 + 48 bytes). */
    static final int SNAPLEN = 262_144;
    static final int LINKTYPE_RAW = 101;
    private static final int IPV4_HEADER = 20;
    private static final int IPV6_HEADER = 40;
    private static final int UDP_HEADER = 8;
    private static final int PROTO_UDP = 17;

    private PcapWriter() {}

    static void write(List<CapturedDatagram> datagrams, OutputStream out) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(MAGIC).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(SNAPLEN)
                .putInt(LINKTYPE_RAW);
        out.write(header.array());
        for (CapturedDatagram d : datagrams) {
            byte[] packet = packet(d);
            int captured = Math.min(packet.length, SNAPLEN);
            Instant t = d.timestamp();
            ByteBuffer record = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            record.putInt((int) t.getEpochSecond()).putInt(t.getNano() / 1000).putInt(captured).putInt(packet.length);
            out.write(record.array());
            out.write(packet, 0, captured);
        }
    }

    /** Builds the IP packet: IP header (with the datagram's TOS or traffic class and TTL or hop limit), UDP header, payload. */
    static byte[] packet(CapturedDatagram d) {
        byte[] payload = d.payloadNoCopy();
        byte[] src = d.source().getAddress().getAddress();
        byte[] dst = d.destination().getAddress().getAddress();
        boolean v4 = d.source().getAddress() instanceof Inet4Address;
        int udpLength = UDP_HEADER + payload.length;
        int ipHeader = v4 ? IPV4_HEADER : IPV6_HEADER;
        ByteBuffer b = ByteBuffer.allocate(ipHeader + udpLength); // big-endian: network order
        if (v4) {
            b.put((byte) 0x45).put((byte) d.trafficClass()).putShort((short) (IPV4_HEADER + udpLength))
                    .putShort((short) d.sequence()).putShort((short) 0x4000) // identification, DF
                    .put((byte) d.hopLimit()).put((byte) PROTO_UDP).putShort((short) 0).put(src).put(dst);
            b.putShort(10, (short) checksum(b.array(), 0, IPV4_HEADER, 0));
        } else {
            // RFC 8200 section 3: version 6, traffic class, flow label 0.
            b.putInt(0x6000_0000 | d.trafficClass() << 20).putShort((short) udpLength).put((byte) PROTO_UDP)
                    .put((byte) d.hopLimit()).put(src).put(dst);
        }
        int udp = b.position();
        b.putShort((short) d.source().getPort()).putShort((short) d.destination().getPort())
                .putShort((short) udpLength).putShort((short) 0).put(payload);
        if (!v4) {
            // RFC 8200 section 8.1: the pseudo-header is source, destination, upper-layer length, next header.
            long pseudo = sum(src, 0, 16) + sum(dst, 0, 16) + udpLength + PROTO_UDP;
            int c = checksum(b.array(), udp, udpLength, pseudo);
            b.putShort(udp + 6, (short) (c == 0 ? 0xffff : c));
        }
        return b.array();
    }

    /** The Internet checksum (RFC 1071) of {@code length} bytes at {@code offset}, plus a partial sum. */
    static int checksum(byte[] data, int offset, int length, long partial) {
        long sum = partial + sum(data, offset, length);
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }

    private static long sum(byte[] data, int offset, int length) {
        long sum = 0;
        int i = offset;
        int end = offset + length;
        for (; i + 1 < end; i += 2) {
            sum += ((data[i] & 0xff) << 8) | (data[i + 1] & 0xff);
        }
        if (i < end) {
            sum += (data[i] & 0xff) << 8;
        }
        return sum;
    }
}
