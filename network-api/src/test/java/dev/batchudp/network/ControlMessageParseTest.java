package dev.batchudp.network;

import static dev.batchudp.network.Cmsgs.address;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link ControlMessage#parse} of hand-built records: malformed ones are refused with an
 * {@link IllegalArgumentException} that names the problem, unknown ones are skipped, and the range
 * given is the only one read.
 */
class ControlMessageParseTest {

    static Stream<Arguments> shortData() {
        return Stream.of(
                Arguments.of("IP_PKTINFO", Cmsgs.SOL_IP, Cmsgs.IP_PKTINFO, 11),
                Arguments.of("IP_TOS", Cmsgs.SOL_IP, Cmsgs.IP_TOS, 0),
                Arguments.of("IP_TTL", Cmsgs.SOL_IP, Cmsgs.IP_TTL, 0),
                Arguments.of("IPV6_PKTINFO", Cmsgs.SOL_IPV6, Cmsgs.IPV6_PKTINFO, 19),
                Arguments.of("IPV6_TCLASS", Cmsgs.SOL_IPV6, Cmsgs.IPV6_TCLASS, 3),
                Arguments.of("IPV6_HOPLIMIT", Cmsgs.SOL_IPV6, Cmsgs.IPV6_HOPLIMIT, 3),
                Arguments.of("UDP_GRO", Cmsgs.SOL_UDP, Cmsgs.UDP_GRO, 1),
                Arguments.of("UDP_SEGMENT", Cmsgs.SOL_UDP, Cmsgs.UDP_SEGMENT, 1),
                Arguments.of("SO_RXQ_OVFL", Cmsgs.SOL_SOCKET, Cmsgs.SO_RXQ_OVFL, 3));
    }

    @ParameterizedTest(name = "{0} with {3} data bytes")
    @MethodSource("shortData")
    void shortDataOfEveryKnownTypeIsRefusedByName(String name, int level, int type, int size) {
        ByteBuffer b = ByteBuffer.allocate(64);
        int end = Cmsgs.record(b, 0, level, type, new byte[size]);
        assertThatThrownBy(() -> new ControlMessage().parse(b, 0, end))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(name).hasMessageContaining(size + " data bytes");
        // one byte more is the smallest record of that type that is accepted
        ByteBuffer ok = ByteBuffer.allocate(64);
        int okEnd = Cmsgs.record(ok, 0, level, type, new byte[size + 1]);
        new ControlMessage().parse(ok, 0, okEnd);
    }

    @Test
    void aNegativeInterfaceIndexIsRefused() {
        byte[] v4 = new byte[12];
        byte[] v6 = new byte[20];
        ByteBuffer.wrap(v4).order(ByteOrder.nativeOrder()).putInt(0, -2);
        ByteBuffer.wrap(v6).order(ByteOrder.nativeOrder()).putInt(16, -2);
        ByteBuffer b4 = ByteBuffer.allocate(64);
        int end4 = Cmsgs.record(b4, 0, Cmsgs.SOL_IP, Cmsgs.IP_PKTINFO, v4);
        ByteBuffer b6 = ByteBuffer.allocate(64);
        int end6 = Cmsgs.record(b6, 0, Cmsgs.SOL_IPV6, Cmsgs.IPV6_PKTINFO, v6);
        assertThatThrownBy(() -> new ControlMessage().parse(b4, 0, end4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("IP_PKTINFO has interface index -2");
        assertThatThrownBy(() -> new ControlMessage().parse(b6, 0, end6))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("IPV6_PKTINFO has interface index -2");
    }

    @Test
    void anIpv6DestinationCannotBeMarshalledAsAnIpv4Datagram() {
        ControlMessage cm = new ControlMessage().destination(address(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1));
        ByteBuffer dst = ByteBuffer.allocate(ControlMessage.RECEIVE_SPACE);
        assertThatThrownBy(() -> cm.marshalAsReceived(dst, UdpFamily.UDP4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is IPv6 but the datagram is IPv4");
        assertThat(dst.position()).isZero();
    }

    @Test
    void cmsgLenBelowTheHeaderIsRefused() {
        for (long len : new long[] {0, 1, 8, 15, -1, Long.MIN_VALUE}) {
            ByteBuffer b = ByteBuffer.allocate(48);
            Cmsgs.record(b, 0, len, Cmsgs.SOL_IP, Cmsgs.IP_TTL, Cmsgs.nativeInt(1));
            assertThatThrownBy(() -> new ControlMessage().parse(b, 0, 24))
                    .as("cmsg_len %d", len)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("cmsg_len " + len).hasMessageContaining("at byte 0");
        }
    }

    @Test
    void cmsgLenPastTheRangeIsRefusedEvenIfTheBufferGoesOn() {
        ByteBuffer b = ByteBuffer.allocate(128);
        int at = Cmsgs.record(b, 0, Cmsgs.SOL_IP, Cmsgs.IP_TTL, Cmsgs.nativeInt(1));
        Cmsgs.record(b, at, 16 + 4, Cmsgs.SOL_IP, Cmsgs.IP_TOS, Cmsgs.nativeInt(1));
        assertThatThrownBy(() -> new ControlMessage().parse(b, 0, at + 19))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at byte 24").hasMessageContaining("cmsg_len 20");
        Cmsgs.record(b, at, 1L << 40, Cmsgs.SOL_IP, Cmsgs.IP_TOS, Cmsgs.nativeInt(1));
        assertThatThrownBy(() -> new ControlMessage().parse(b, 0, 128))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cmsg_len " + (1L << 40));
    }

    @Test
    void unknownRecordsAreSkipped() {
        ByteBuffer b = ByteBuffer.allocate(256);
        int at = Cmsgs.record(b, 0, Cmsgs.SOL_IP, 99, new byte[3]);
        at = Cmsgs.record(b, at, 1234, Cmsgs.IP_TTL, new byte[0]);
        at = Cmsgs.record(b, at, Cmsgs.SOL_SOCKET, 29, new byte[8]); // SO_TIMESTAMP-like
        at = Cmsgs.record(b, at, Cmsgs.SOL_IPV6, 7, new byte[33]);
        at = Cmsgs.record(b, at, Cmsgs.SOL_UDP, 1, new byte[1]);
        at = Cmsgs.record(b, at, Cmsgs.SOL_IP, Cmsgs.IP_TTL, Cmsgs.nativeInt(33));
        ControlMessage c = new ControlMessage().parse(b, 0, at);
        assertThat(c).isEqualTo(new ControlMessage().hopLimit(33));
    }

    @Test
    void aRecordWithoutPaddingAtTheEndOfTheRangeIsRead() {
        ByteBuffer b = ByteBuffer.allocate(64);
        Cmsgs.record(b, 0, Cmsgs.SOL_IP, Cmsgs.IP_TOS, new byte[] {3});
        assertThat(new ControlMessage().parse(b, 0, 17).ecn()).isEqualTo(Ecn.CE);
    }

    @Test
    void trailingBytesShorterThanAHeaderAreIgnored() {
        ByteBuffer b = ByteBuffer.allocate(64);
        int at = Cmsgs.record(b, 0, Cmsgs.SOL_IP, Cmsgs.IP_TTL, Cmsgs.nativeInt(9));
        b.put(at, (byte) 0xff);
        assertThat(new ControlMessage().parse(b, 0, at + 15).hopLimit()).isEqualTo(9);
        assertThat(new ControlMessage().parse(b, 0, 15)).isEqualTo(new ControlMessage());
    }

    @Test
    void theLastOfTwoRecordsWinsAndParseResetsFirst() {
        ByteBuffer b = ByteBuffer.allocate(64);
        int at = Cmsgs.record(b, 0, Cmsgs.SOL_IPV6, Cmsgs.IPV6_HOPLIMIT, Cmsgs.nativeInt(1));
        at = Cmsgs.record(b, at, Cmsgs.SOL_IPV6, Cmsgs.IPV6_HOPLIMIT, Cmsgs.nativeInt(2));
        ControlMessage c = new ControlMessage().trafficClass(5).segmentSize(3).source(address(127, 0, 0, 1));
        assertThat(c.parse(b, 0, at)).isEqualTo(new ControlMessage().hopLimit(2));
    }

    @Test
    void intAndByteFormsOfTosAndTtlAreBothAccepted() {
        ByteBuffer b = ByteBuffer.allocate(64);
        int at = Cmsgs.record(b, 0, Cmsgs.SOL_IP, Cmsgs.IP_TOS, Cmsgs.nativeInt(0x1b9));
        at = Cmsgs.record(b, at, Cmsgs.SOL_IP, Cmsgs.IP_TTL, new byte[] {(byte) 200});
        ControlMessage c = new ControlMessage().parse(b, 0, at);
        assertThat(c.trafficClass()).as("masked to a byte").isEqualTo(0xb9);
        assertThat(c.hopLimit()).isEqualTo(200);
    }

    @Test
    void groAcceptsAnIntAndAUint16() {
        ByteBuffer b = ByteBuffer.allocate(64);
        Cmsgs.record(b, 0, Cmsgs.SOL_UDP, Cmsgs.UDP_GRO, Cmsgs.nativeShort(0xfff0));
        assertThat(new ControlMessage().parse(b, 0, 24).groSegmentSize()).isEqualTo(0xfff0);
        Cmsgs.record(b, 0, Cmsgs.SOL_UDP, Cmsgs.UDP_GRO, Cmsgs.nativeInt(1500));
        assertThat(new ControlMessage().parse(b, 0, 24).groSegmentSize()).isEqualTo(1500);
    }

    @Test
    void onlyTheRangeIsReadAndPositionLimitOrderStay() {
        ByteBuffer b = ByteBuffer.allocateDirect(128).order(ByteOrder.BIG_ENDIAN);
        int at = Cmsgs.record(b, 8, Cmsgs.SOL_IP, Cmsgs.IP_TTL, Cmsgs.nativeInt(7));
        Cmsgs.record(b, at, 2, Cmsgs.SOL_IP, Cmsgs.IP_TOS, new byte[8]); // malformed, past the range
        b.position(3).limit(50);
        ControlMessage c = new ControlMessage().parse(b, 8, at - 8);
        assertThat(c.hopLimit()).isEqualTo(7);
        assertThat(b.position()).isEqualTo(3);
        assertThat(b.limit()).isEqualTo(50);
        assertThat(b.order()).isEqualTo(ByteOrder.BIG_ENDIAN);
        // the range may extend past the limit, within the capacity
        Cmsgs.record(b, 104, Cmsgs.SOL_IP, Cmsgs.IP_TTL, Cmsgs.nativeInt(5));
        assertThat(new ControlMessage().parse(b, 104, 24).hopLimit()).isEqualTo(5);
        assertThat(b.limit()).isEqualTo(50);
    }

    @Test
    void aRangeOutsideTheCapacityIsAnIndexError() {
        ByteBuffer b = ByteBuffer.allocate(32);
        assertThatThrownBy(() -> new ControlMessage().parse(b, 0, 33)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> new ControlMessage().parse(b, -1, 4)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> new ControlMessage().parse(b, 30, -1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void parseOfAMessageReadsControlLengthBytesFromTheControlPosition() {
        ByteBuffer control = ByteBuffer.allocate(64);
        Cmsgs.record(control, 8, Cmsgs.SOL_IPV6, Cmsgs.IPV6_TCLASS, Cmsgs.nativeInt(2));
        Message m = new Message().control(control.position(8)).controlLength(24);
        assertThat(new ControlMessage().parse(m).ecn()).isEqualTo(Ecn.ECT0);
        assertThat(control.position()).isEqualTo(8);
        m.controlLength(0);
        assertThat(new ControlMessage().hopLimit(3).parse(m)).isEqualTo(new ControlMessage());
        assertThat(new ControlMessage().hopLimit(3).parse(new Message())).isEqualTo(new ControlMessage());
    }

    @Test
    void aParsedAddressIsReusedWhileTheBytesStayTheSame() {
        ByteBuffer b = ByteBuffer.allocate(64);
        Cmsgs.record(b, 0, Cmsgs.SOL_IP, Cmsgs.IP_PKTINFO,
                Cmsgs.inPktinfo(1, address(0, 0, 0, 0), address(127, 0, 0, 2)));
        ControlMessage c = new ControlMessage();
        var first = c.parse(b, 0, 32).destination();
        assertThat(c.parse(b, 0, 32).destination()).isSameAs(first).isEqualTo(address(127, 0, 0, 2));
        Cmsgs.record(b, 0, Cmsgs.SOL_IP, Cmsgs.IP_PKTINFO,
                Cmsgs.inPktinfo(1, address(0, 0, 0, 0), address(127, 0, 0, 3)));
        assertThat(c.parse(b, 0, 32).destination()).isEqualTo(address(127, 0, 0, 3));
    }
}
