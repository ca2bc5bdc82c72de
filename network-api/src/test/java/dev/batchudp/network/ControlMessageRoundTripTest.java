package dev.batchudp.network;

import static dev.batchudp.network.Cmsgs.address;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link ControlMessage#marshal} and {@link ControlMessage#marshalAsReceived} followed by
 * {@link ControlMessage#parse}: every field alone and all together, both families, heap and direct
 * buffers of either byte order, at positions that are not multiples of 8. Bytes around the records
 * stay untouched and the buffer's order never matters (records are in native order).
 */
class ControlMessageRoundTripTest {
    private static final InetAddress V4 = address(127, 0, 0, 1);
    private static final InetAddress V4_OTHER = address(10, 1, 2, 3);
    private static final InetAddress V6 = address(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);
    private static final InetAddress V6_LINK = address(0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);
    private static final byte GUARD = (byte) 0xA7;

    /** A named way to set fields of a fresh control message. */
    record Case(String name, UnaryOperator<ControlMessage> set) {
        ControlMessage make() {
            return set.apply(new ControlMessage());
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> sendCases(UdpFamily family) {
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("nothing", c -> c));
        for (int h : new int[] {0, 1, 64, 255}) {
            cases.add(new Case("hopLimit " + h, c -> c.hopLimit(h)));
        }
        for (int t : new int[] {0, 0x01, 0x02, 0x03, 0xb8 | 0x02, 0xff}) {
            cases.add(new Case("trafficClass " + t, c -> c.trafficClass(t)));
        }
        for (int s : new int[] {1, 1200, 0xffff}) {
            cases.add(new Case("segmentSize " + s, c -> c.segmentSize(s)));
        }
        cases.add(new Case("interfaceIndex 7", c -> c.interfaceIndex(7)));
        cases.add(new Case("interfaceIndex max", c -> c.interfaceIndex(Integer.MAX_VALUE)));
        cases.add(new Case("source 127.0.0.1", c -> c.source(V4)));
        cases.add(new Case("source 10.1.2.3 + ifindex", c -> c.source(V4_OTHER).interfaceIndex(3)));
        if (family == UdpFamily.UDP6) {
            cases.add(new Case("source ::1", c -> c.source(V6)));
            cases.add(new Case("source fe80::1 + ifindex", c -> c.source(V6_LINK).interfaceIndex(2)));
        }
        cases.add(new Case("everything", c -> c.source(V4).interfaceIndex(1).hopLimit(3).trafficClass(0xb9)
                .segmentSize(1452)));
        return cases;
    }

    static List<Case> receiveCases(UdpFamily family) {
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("nothing", c -> c));
        for (int h : new int[] {0, 1, 64, 255}) {
            cases.add(new Case("hopLimit " + h, c -> c.hopLimit(h)));
        }
        for (int t : new int[] {0, 0x01, 0x02, 0x03, 0xb8 | 0x01, 0xff}) {
            cases.add(new Case("trafficClass " + t, c -> c.trafficClass(t)));
        }
        for (int g : new int[] {1, 1472, 0xffff}) {
            cases.add(new Case("groSegmentSize " + g, c -> c.groSegmentSize(g)));
        }
        for (long d : new long[] {0, 1, 0x7fffffffL, 0x80000000L, 0xffffffffL}) {
            cases.add(new Case("dropCount " + d, c -> c.dropCount(d)));
        }
        cases.add(new Case("destination 127.0.0.1", c -> c.destination(V4)));
        cases.add(new Case("destination 10.1.2.3 + ifindex", c -> c.destination(V4_OTHER).interfaceIndex(9)));
        if (family == UdpFamily.UDP6) {
            cases.add(new Case("destination ::1", c -> c.destination(V6)));
            cases.add(new Case("destination fe80::1 + ifindex", c -> c.destination(V6_LINK).interfaceIndex(2)));
        }
        cases.add(new Case("everything", c -> c.destination(family == UdpFamily.UDP6 ? V6 : V4).interfaceIndex(1)
                .hopLimit(64).trafficClass(0x03).groSegmentSize(1200).dropCount(5)));
        return cases;
    }

    static Stream<Arguments> send() {
        return layouts(ControlMessageRoundTripTest::sendCases);
    }

    static Stream<Arguments> receive() {
        return layouts(ControlMessageRoundTripTest::receiveCases);
    }

    private static Stream<Arguments> layouts(java.util.function.Function<UdpFamily, List<Case>> cases) {
        List<Arguments> all = new ArrayList<>();
        for (UdpFamily family : new UdpFamily[] {UdpFamily.UDP4, UdpFamily.UDP6}) {
            for (Case c : cases.apply(family)) {
                for (boolean direct : new boolean[] {false, true}) {
                    for (ByteOrder order : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN}) {
                        for (int position : new int[] {0, 3, 13}) {
                            all.add(Arguments.of(family, c, direct, order, position));
                        }
                    }
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} {1}, direct={2}, {3}, position {4}")
    @MethodSource("send")
    void marshalThenParse(UdpFamily family, Case c, boolean direct, ByteOrder order, int position) {
        ControlMessage sent = c.make();
        ByteBuffer dst = guarded(direct, order, position, ControlMessage.SEND_SPACE);
        int written = sent.marshal(dst, family);

        assertThat(written).isBetween(0, ControlMessage.SEND_SPACE).isEqualTo(expectedSendSize(sent, family));
        assertThat(written % 8).as("records end on 8 bytes").isZero();
        assertThat(dst.position()).isEqualTo(position + written);
        assertThat(dst.order()).isEqualTo(order);
        assertGuards(dst, position, written);

        ControlMessage parsed = new ControlMessage().parse(dst, position, written);
        assertThat(parsed.hopLimit()).isEqualTo(sent.hopLimit());
        assertThat(parsed.trafficClass()).isEqualTo(sent.trafficClass());
        assertThat(parsed.ecn()).isEqualTo(sent.ecn());
        assertThat(parsed.segmentSize()).isEqualTo(sent.segmentSize());
        assertThat(parsed.interfaceIndex()).isEqualTo(sent.interfaceIndex());
        if (parsed.source() != null) {
            // A parser may recognise an in_pktinfo built for sending (ipi_addr 0.0.0.0) by its source.
            assertThat(parsed.source()).isEqualTo(sent.source());
        }
        if (sent.source() != null && family == UdpFamily.UDP6) {
            // in6_pktinfo has one address: the source on send, the destination on receive. An IPv4
            // source is written v4-mapped and comes back as the Inet4Address it was.
            assertThat(parsed.destination()).isEqualTo(sent.source());
        }
        if (sent.source() != null && family == UdpFamily.UDP4) {
            // in_pktinfo: the source goes to ipi_spec_dst (data bytes 4..7), ipi_addr stays zero.
            byte[] specDst = new byte[4];
            dst.get(position + 16 + 4, specDst);
            assertThat(specDst).isEqualTo(sent.source().getAddress());
        }
        ControlMessage again = new ControlMessage().parse(dst, position, written);
        assertThat(again).isEqualTo(parsed);
    }

    @ParameterizedTest(name = "{0} {1}, direct={2}, {3}, position {4}")
    @MethodSource("receive")
    void marshalAsReceivedThenParse(UdpFamily family, Case c, boolean direct, ByteOrder order, int position) {
        ControlMessage delivered = c.make();
        ByteBuffer dst = guarded(direct, order, position, ControlMessage.RECEIVE_SPACE);
        int written = delivered.marshalAsReceived(dst, family);

        assertThat(written).isBetween(0, ControlMessage.RECEIVE_SPACE);
        assertThat(written % 8).isZero();
        assertThat(dst.position()).isEqualTo(position + written);
        assertGuards(dst, position, written);

        ControlMessage parsed = new ControlMessage().parse(dst, position, written);
        assertThat(parsed).isEqualTo(delivered);
        assertThat(parsed.toString()).isEqualTo(delivered.toString());
        assertThat(parsed.hashCode()).isEqualTo(delivered.hashCode());

        Message message = new Message().control(dst.duplicate().position(position)).controlLength(written);
        assertThat(new ControlMessage().hopLimit(9).parse(message)).as("parse(Message)").isEqualTo(delivered);
    }

    @Test
    void anIpv4AddressOnAnIpv6RecordIsWrittenV4Mapped() {
        ByteBuffer dst = ByteBuffer.allocate(64);
        new ControlMessage().source(V4).marshal(dst, UdpFamily.UDP6);
        byte[] address = new byte[16];
        dst.get(16, address);
        assertThat(address).isEqualTo(Cmsgs.mapped(V4));

        ByteBuffer received = ByteBuffer.allocate(64);
        int n = new ControlMessage().destination(V4_OTHER).marshalAsReceived(received, UdpFamily.UDP6);
        received.get(16, address);
        assertThat(address).isEqualTo(Cmsgs.mapped(V4_OTHER));
        InetAddress parsed = new ControlMessage().parse(received, 0, n).destination();
        assertThat(parsed).isEqualTo(V4_OTHER).isNotInstanceOf(Inet6Address.class);
    }

    private static int expectedSendSize(ControlMessage c, UdpFamily family) {
        int size = 0;
        if (c.source() != null || c.interfaceIndex() != 0) {
            size += family == UdpFamily.UDP4 ? 32 : 40;
        }
        size += c.hopLimit() != ControlMessage.UNSET ? 24 : 0;
        size += c.trafficClass() != ControlMessage.UNSET ? 24 : 0;
        size += c.segmentSize() != 0 ? 24 : 0;
        return size;
    }

    /** A buffer of the given kind with guard bytes everywhere, at {@code position}, room for {@code room}. */
    private static ByteBuffer guarded(boolean direct, ByteOrder order, int position, int room) {
        int capacity = position + room + 16;
        ByteBuffer b = direct ? ByteBuffer.allocateDirect(capacity) : ByteBuffer.allocate(capacity);
        for (int i = 0; i < capacity; i++) {
            b.put(i, GUARD);
        }
        return b.order(order).position(position).limit(position + room);
    }

    private static void assertGuards(ByteBuffer buffer, int position, int written) {
        ByteBuffer b = buffer.duplicate().clear();
        for (int i = 0; i < b.capacity(); i++) {
            if (i < position || i >= position + written) {
                assertThat(b.get(i)).as("byte %d outside the records", i).isEqualTo(GUARD);
            }
        }
    }
}
