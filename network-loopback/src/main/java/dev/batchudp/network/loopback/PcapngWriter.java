package dev.batchudp.network.loopback;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a {@link LoopbackTrace} as pcapng (the PCAP Next Generation format, IETF draft
 * draft-ietf-opsawg-pcapng): a Section Header Block, one Interface Description Block per link
 * ({@code LINKTYPE_RAW}, {@code if_name}, {@code if_tsresol} = 9 for nanoseconds, snap length 0 for no
 * limit) and one Enhanced Packet Block per sent datagram with {@code opt_comment} options. Little-endian.
 * Each packet's IP header is the datagram as sent, with its TOS or traffic class (so Wireshark shows
 * its DSCP and ECN field) and TTL or hop limit; a CE mark on the way is one of its comments.
 */
final class PcapngWriter {
    private static final int SHB = 0x0A0D0D0A;
    private static final int IDB = 0x00000001;
    private static final int EPB = 0x00000006;
    private static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;
    private static final short OPT_END = 0;
    private static final short OPT_COMMENT = 1;
    private static final short SHB_USERAPPL = 4;
    private static final short IF_NAME = 2;
    private static final short IF_TSRESOL = 9;

    private PcapngWriter() {}

    static void write(List<TraceEvent> events, Map<Long, byte[]> payloads, Instant epoch, OutputStream out)
            throws IOException {
        Map<Long, List<TraceEvent>> bySequence = new LinkedHashMap<>();
        for (TraceEvent e : events) {
            bySequence.computeIfAbsent(e.sequence(), k -> new ArrayList<>()).add(e);
        }
        out.write(block(SHB, sectionHeader()));
        Map<String, Integer> interfaces = new LinkedHashMap<>();
        for (List<TraceEvent> way : bySequence.values()) {
            TraceEvent sent = way.get(0);
            byte[] payload = payloads.get(sent.sequence());
            if (sent.kind() != TraceEvent.Kind.SENT || payload == null) {
                continue; // sent before the trace started
            }
            String link = sent.sourceHost() + "->" + (sent.destinationHost() == null ? "?" : sent.destinationHost());
            Integer id = interfaces.get(link);
            if (id == null) {
                id = interfaces.size();
                interfaces.put(link, id);
                out.write(block(IDB, interfaceDescription(link)));
            }
            CapturedDatagram d = CapturedDatagram.own(sent.sequence(), sent.time(), epoch.plus(sent.time()),
                    sent.sourceHost(), sent.source(), sent.destinationHost(), sent.destination(), payload,
                    sent.trafficClass(), sent.hopLimit());
            out.write(block(EPB, enhancedPacket(id, d, comments(way))));
        }
    }

    /** The comments of one datagram: where it went, then each event after the send. */
    static List<String> comments(List<TraceEvent> way) {
        List<String> comments = new ArrayList<>();
        TraceEvent sent = way.get(0);
        comments.add("#" + sent.sequence() + " sent at " + seconds(sent) + " from " + sent.sourceHost() + " to "
                + (sent.destinationHost() == null ? "no host" : sent.destinationHost()));
        for (int i = 1; i < way.size(); i++) {
            TraceEvent e = way.get(i);
            StringBuilder c = new StringBuilder("#").append(e.sequence());
            if (e.copy() > 0) {
                c.append(" copy ").append(e.copy());
            }
            c.append(' ').append(e.kind().label()).append(" at ").append(seconds(e));
            if (e.cause() != null) {
                c.append(": ").append(e.cause().label());
            }
            if (e.kind() == TraceEvent.Kind.ECN_MARKED) {
                c.append(": ").append(e.ecn()).append(", tos 0x").append(Integer.toHexString(e.trafficClass()));
            }
            comments.add(c.toString());
        }
        return comments;
    }

    private static String seconds(TraceEvent e) {
        long n = e.time().toNanos();
        return String.format(Locale.ROOT, "%d.%09d s", n / 1_000_000_000L, n % 1_000_000_000L);
    }

    private static byte[] sectionHeader() {
        ByteBuffer b = le(16);
        b.putInt(BYTE_ORDER_MAGIC).putShort((short) 1).putShort((short) 0).putLong(-1L); // length unknown
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(b.array());
        option(body, SHB_USERAPPL, "batchudp loopback network".getBytes(StandardCharsets.UTF_8));
        option(body, OPT_END, new byte[0]);
        return body.toByteArray();
    }

    private static byte[] interfaceDescription(String name) {
        ByteBuffer b = le(8);
        b.putShort((short) PcapWriter.LINKTYPE_RAW).putShort((short) 0).putInt(0); // snaplen 0: no limit
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(b.array());
        option(body, IF_NAME, name.getBytes(StandardCharsets.UTF_8));
        option(body, IF_TSRESOL, new byte[] {9});
        option(body, OPT_END, new byte[0]);
        return body.toByteArray();
    }

    private static byte[] enhancedPacket(int interfaceId, CapturedDatagram d, List<String> comments) {
        byte[] packet = PcapWriter.packet(d);
        Instant t = d.timestamp();
        long nanos = t.getEpochSecond() * 1_000_000_000L + t.getNano();
        ByteBuffer b = le(20);
        b.putInt(interfaceId).putInt((int) (nanos >>> 32)).putInt((int) nanos).putInt(packet.length)
                .putInt(packet.length);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(b.array());
        body.writeBytes(packet);
        pad(body, packet.length);
        for (String c : comments) {
            option(body, OPT_COMMENT, c.getBytes(StandardCharsets.UTF_8));
        }
        option(body, OPT_END, new byte[0]);
        return body.toByteArray();
    }

    private static void option(ByteArrayOutputStream body, short code, byte[] value) {
        ByteBuffer b = le(4);
        b.putShort(code).putShort((short) value.length);
        body.writeBytes(b.array());
        body.writeBytes(value);
        pad(body, value.length);
    }

    private static void pad(ByteArrayOutputStream body, int length) {
        for (int i = length; i % 4 != 0; i++) {
            body.write(0);
        }
    }

    /** A block: type, total length, body (a multiple of 4 bytes), total length again. */
    private static byte[] block(int type, byte[] body) {
        int total = 12 + body.length;
        ByteBuffer b = le(total);
        b.putInt(type).putInt(total).put(body).putInt(total);
        return b.array();
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }
}
