package dev.batchudp.network;

import static dev.batchudp.network.Cmsgs.address;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The exact bytes {@link ControlMessage} writes, against records computed by hand from
 * {@code cmsg(3)}'s 64-bit layout ({@code cmsg_len} 8 bytes, level, type, data at 16, each record
 * {@code CMSG_SPACE} long, a multiple of 8), and what happens when they do not fit.
 */
class ControlMessageLayoutTest {
    private static final InetAddress V4 = address(127, 0, 0, 1);
    private static final InetAddress V6 = address(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);

    @Test
    void hopLimitForIpv4IsOneIpTtlRecordOf24LittleEndianBytes() {
        assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "literal bytes are little-endian");
        ByteBuffer dst = ByteBuffer.allocate(ControlMessage.SEND_SPACE).order(ByteOrder.BIG_ENDIAN);
        int n = new ControlMessage().hopLimit(64).marshal(dst, UdpFamily.UDP4);
        byte[] expected = {
            20, 0, 0, 0, 0, 0, 0, 0, // cmsg_len = CMSG_LEN(4) = 20
            0, 0, 0, 0, //              cmsg_level = SOL_IP
            2, 0, 0, 0, //              cmsg_type = IP_TTL
            64, 0, 0, 0, //             int ttl
            0, 0, 0, 0, //              padding to CMSG_SPACE(4) = 24
        };
        assertThat(n).isEqualTo(24);
        assertThat(Arrays.copyOf(dst.array(), n)).isEqualTo(expected);
    }

    @Test
    void segmentSizeIsAUint16UdpSegmentRecordPaddedTo24Bytes() {
        ByteBuffer dst = ByteBuffer.allocate(64);
        int n = new ControlMessage().segmentSize(0x1234).marshal(dst, UdpFamily.UDP6);
        ByteBuffer expected = ByteBuffer.allocate(24);
        Cmsgs.record(expected, 0, Cmsgs.SOL_UDP, Cmsgs.UDP_SEGMENT, Cmsgs.nativeShort(0x1234));
        assertThat(n).isEqualTo(24).isEqualTo(Cmsgs.space(2));
        assertThat(Arrays.copyOf(dst.array(), n)).isEqualTo(expected.array());
        assertThat(nativeLong(dst, 0)).as("cmsg_len = CMSG_LEN(2)").isEqualTo(18);
    }

    @Test
    void ipv4PacketInfoOnSendIsInPktinfoWithTheSourceInSpecDst() {
        ByteBuffer dst = ByteBuffer.allocate(64);
        int n = new ControlMessage().source(V4).interfaceIndex(5).marshal(dst, UdpFamily.UDP4);
        ByteBuffer expected = ByteBuffer.allocate(32);
        Cmsgs.record(expected, 0, Cmsgs.SOL_IP, Cmsgs.IP_PKTINFO, Cmsgs.inPktinfo(5, V4, address(0, 0, 0, 0)));
        assertThat(n).isEqualTo(32).isEqualTo(Cmsgs.space(12));
        assertThat(Arrays.copyOf(dst.array(), n)).isEqualTo(expected.array());
    }

    @Test
    void ipv6PacketInfoOnSendIsIn6Pktinfo() {
        ByteBuffer dst = ByteBuffer.allocate(64);
        int n = new ControlMessage().source(V6).interfaceIndex(1).marshal(dst, UdpFamily.UDP6);
        ByteBuffer expected = ByteBuffer.allocate(40);
        Cmsgs.record(expected, 0, Cmsgs.SOL_IPV6, Cmsgs.IPV6_PKTINFO, Cmsgs.in6Pktinfo(V6.getAddress(), 1));
        assertThat(n).isEqualTo(40).isEqualTo(Cmsgs.space(20));
        assertThat(Arrays.copyOf(dst.array(), n)).isEqualTo(expected.array());
    }

    @Test
    void trafficClassIsAnIntOnSendForBothFamilies() {
        for (UdpFamily family : new UdpFamily[] {UdpFamily.UDP4, UdpFamily.UDP6}) {
            ByteBuffer dst = ByteBuffer.allocate(64);
            int n = new ControlMessage().ecn(Ecn.ECT0).marshal(dst, family);
            ByteBuffer expected = ByteBuffer.allocate(24);
            Cmsgs.record(expected, 0, family == UdpFamily.UDP4 ? Cmsgs.SOL_IP : Cmsgs.SOL_IPV6,
                    family == UdpFamily.UDP4 ? Cmsgs.IP_TOS : Cmsgs.IPV6_TCLASS, Cmsgs.nativeInt(2));
            assertThat(Arrays.copyOf(dst.array(), n)).as("%s", family).isEqualTo(expected.array());
        }
    }

    @Test
    void recordsFollowInTheDocumentedOrder() {
        ByteBuffer dst = ByteBuffer.allocate(ControlMessage.SEND_SPACE);
        int n = new ControlMessage().source(V6).hopLimit(7).trafficClass(1).segmentSize(1000)
                .marshal(dst, UdpFamily.UDP6);
        ByteBuffer expected = ByteBuffer.allocate(ControlMessage.SEND_SPACE);
        int at = Cmsgs.record(expected, 0, Cmsgs.SOL_IPV6, Cmsgs.IPV6_PKTINFO, Cmsgs.in6Pktinfo(V6.getAddress(), 0));
        at = Cmsgs.record(expected, at, Cmsgs.SOL_IPV6, Cmsgs.IPV6_HOPLIMIT, Cmsgs.nativeInt(7));
        at = Cmsgs.record(expected, at, Cmsgs.SOL_IPV6, Cmsgs.IPV6_TCLASS, Cmsgs.nativeInt(1));
        at = Cmsgs.record(expected, at, Cmsgs.SOL_UDP, Cmsgs.UDP_SEGMENT, Cmsgs.nativeShort(1000));
        assertThat(n).isEqualTo(at).isEqualTo(112).isLessThanOrEqualTo(ControlMessage.SEND_SPACE);
        assertThat(dst.array()).isEqualTo(expected.array());
    }

    @Test
    void asReceivedIpv4TosIsOneBytePaddedTo24() {
        ByteBuffer dst = ByteBuffer.allocate(64);
        int n = new ControlMessage().trafficClass(0xb9).marshalAsReceived(dst, UdpFamily.UDP4);
        ByteBuffer expected = ByteBuffer.allocate(24);
        Cmsgs.record(expected, 0, Cmsgs.SOL_IP, Cmsgs.IP_TOS, new byte[] {(byte) 0xb9});
        assertThat(n).isEqualTo(24);
        assertThat(nativeLong(dst, 0)).as("cmsg_len = CMSG_LEN(1)").isEqualTo(17);
        assertThat(Arrays.copyOf(dst.array(), n)).isEqualTo(expected.array());
    }

    @Test
    void asReceivedEverythingInTheKernelsOrderFitsReceiveSpace() {
        // udp_recvmsg/udpv6_recvmsg: sock_recv_cmsgs (SO_RXQ_OVFL), udp_cmsg_recv (UDP_GRO), then the IP
        // records in ip_cmsg_recv_offset's / ip6_datagram_recv_specific_ctl's order; checked on Linux 6.x.
        ByteBuffer dst = ByteBuffer.allocate(ControlMessage.RECEIVE_SPACE);
        int n = new ControlMessage().destination(V6).interfaceIndex(4).hopLimit(64).trafficClass(2)
                .groSegmentSize(1200).dropCount(3).marshalAsReceived(dst, UdpFamily.UDP6);
        ByteBuffer expected = ByteBuffer.allocate(ControlMessage.RECEIVE_SPACE);
        int at = Cmsgs.record(expected, 0, Cmsgs.SOL_SOCKET, Cmsgs.SO_RXQ_OVFL, Cmsgs.nativeInt(3));
        at = Cmsgs.record(expected, at, Cmsgs.SOL_UDP, Cmsgs.UDP_GRO, Cmsgs.nativeInt(1200));
        at = Cmsgs.record(expected, at, Cmsgs.SOL_IPV6, Cmsgs.IPV6_PKTINFO, Cmsgs.in6Pktinfo(V6.getAddress(), 4));
        at = Cmsgs.record(expected, at, Cmsgs.SOL_IPV6, Cmsgs.IPV6_HOPLIMIT, Cmsgs.nativeInt(64));
        at = Cmsgs.record(expected, at, Cmsgs.SOL_IPV6, Cmsgs.IPV6_TCLASS, Cmsgs.nativeInt(2));
        assertThat(n).isEqualTo(at).isEqualTo(136);
        assertThat(dst.array()).isEqualTo(expected.array());

        ByteBuffer v4 = ByteBuffer.allocate(ControlMessage.RECEIVE_SPACE);
        int n4 = new ControlMessage().destination(V4).interfaceIndex(4).hopLimit(64).trafficClass(2)
                .groSegmentSize(1200).dropCount(3).marshalAsReceived(v4, UdpFamily.UDP4);
        ByteBuffer expected4 = ByteBuffer.allocate(ControlMessage.RECEIVE_SPACE);
        at = Cmsgs.record(expected4, 0, Cmsgs.SOL_SOCKET, Cmsgs.SO_RXQ_OVFL, Cmsgs.nativeInt(3));
        at = Cmsgs.record(expected4, at, Cmsgs.SOL_UDP, Cmsgs.UDP_GRO, Cmsgs.nativeInt(1200));
        at = Cmsgs.record(expected4, at, Cmsgs.SOL_IP, Cmsgs.IP_PKTINFO, Cmsgs.inPktinfo(4, V4, V4));
        at = Cmsgs.record(expected4, at, Cmsgs.SOL_IP, Cmsgs.IP_TTL, Cmsgs.nativeInt(64));
        at = Cmsgs.record(expected4, at, Cmsgs.SOL_IP, Cmsgs.IP_TOS, new byte[] {2});
        assertThat(n4).isEqualTo(at);
        assertThat(v4.array()).isEqualTo(expected4.array());
    }

    @Test
    void asReceivedCutsTheRecordThatDoesNotFitAsPutCmsgDoesAndParseSkipsIt() {
        // Records in order: SO_RXQ_OVFL, IPV6_HOPLIMIT, IPV6_TCLASS, 24 bytes each.
        ControlMessage c = new ControlMessage().hopLimit(64).trafficClass(3).dropCount(9);
        for (int room = 0; room < 80; room++) {
            ByteBuffer dst = ByteBuffer.allocate(100).position(3).limit(3 + room);
            Arrays.fill(dst.array(), (byte) 0x5a);
            int result = c.marshalAsReceived(dst, UdpFamily.UDP6);
            int whole = Math.min(room / 24, 3) * 24;
            int rest = room - whole;
            // A record fits when CMSG_LEN(4) = 20 bytes are left (its padding is then cut to the room);
            // with 16 to 19 left it is cut (cmsg_len = the room); below 16 nothing more is written.
            int written = whole + (whole < 72 && rest >= 16 ? rest : 0);
            boolean truncated = room < 68;
            assertThat(result).as("room %d", room).isEqualTo(truncated ? ~written : Math.min(room, 72));
            assertThat(dst.position()).isEqualTo(3 + written);
            for (int i = 3 + written; i < 100; i++) {
                assertThat(dst.array()[i]).as("room %d, byte %d", room, i).isEqualTo((byte) 0x5a);
            }
            if (whole < 72 && rest >= 16 && rest < 20) {
                assertThat(dst.getLong(3 + whole) == rest || Long.reverseBytes(dst.getLong(3 + whole)) == rest)
                        .as("the cut record's cmsg_len is the room left").isTrue();
            }
            Message m = new Message().control(ByteBuffer.wrap(dst.array(), 3, room).slice())
                    .controlLength(written).flags(truncated ? Message.CONTROL_TRUNCATED : 0);
            ControlMessage parsed = new ControlMessage().parse(m);
            assertThat(parsed.dropCount()).as("room %d", room).isEqualTo(room >= 20 ? 9 : ControlMessage.UNSET);
            assertThat(parsed.hopLimit()).as("room %d", room).isEqualTo(room >= 44 ? 64 : ControlMessage.UNSET);
            assertThat(parsed.trafficClass()).as("room %d", room).isEqualTo(room >= 68 ? 3 : ControlMessage.UNSET);
        }
    }

    @Test
    void aCutRecordIsRefusedByTheStrictParseButSkippedForATruncatedMessage() {
        ControlMessage c = new ControlMessage().destination(V6).hopLimit(1);
        ByteBuffer dst = ByteBuffer.allocate(30); // the 40-byte packet info is cut to 30; nothing follows
        assertThat(c.marshalAsReceived(dst, UdpFamily.UDP6)).isEqualTo(~30);
        assertThatThrownBy(() -> new ControlMessage().parse(dst, 0, 30)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("IPV6_PKTINFO");
        Message m = new Message().control(dst.clear()).controlLength(30).flags(Message.CONTROL_TRUNCATED);
        ControlMessage parsed = new ControlMessage().parse(m);
        assertThat(parsed.destination()).isNull();
        assertThat(parsed.hopLimit()).isEqualTo(ControlMessage.UNSET);
    }

    @Test
    void marshalThatDoesNotFitThrowsAndWritesNothing() {
        ControlMessage c = new ControlMessage().hopLimit(1).trafficClass(1); // 48 bytes
        ByteBuffer dst = ByteBuffer.allocate(64).position(5).limit(5 + 47);
        Arrays.fill(dst.array(), (byte) 0x5a);
        byte[] before = dst.array().clone();
        assertThatThrownBy(() -> c.marshal(dst, UdpFamily.UDP4)).isInstanceOf(BufferOverflowException.class);
        assertThat(dst.array()).isEqualTo(before);
        assertThat(dst.position()).isEqualTo(5);
        dst.limit(5 + 48);
        assertThat(c.marshal(dst, UdpFamily.UDP4)).isEqualTo(48);
        assertThat(dst.position()).isEqualTo(53);
    }

    @Test
    void marshalIntoAReadOnlyBufferIsRefused() {
        ByteBuffer dst = ByteBuffer.allocate(64).asReadOnlyBuffer();
        assertThatThrownBy(() -> new ControlMessage().hopLimit(1).marshal(dst, UdpFamily.UDP4))
                .isInstanceOf(ReadOnlyBufferException.class);
        assertThatThrownBy(() -> new ControlMessage().hopLimit(1).marshalAsReceived(dst, UdpFamily.UDP4))
                .isInstanceOf(ReadOnlyBufferException.class);
    }

    @Test
    void nothingSetWritesNothing() {
        ByteBuffer dst = ByteBuffer.allocate(0);
        assertThat(new ControlMessage().marshal(dst, UdpFamily.UDP4)).isZero();
        assertThat(new ControlMessage().marshalAsReceived(dst, UdpFamily.UDP6)).isZero();
    }

    @Test
    void familyUdpIsRefused() {
        ByteBuffer dst = ByteBuffer.allocate(64);
        assertThatThrownBy(() -> new ControlMessage().marshal(dst, UdpFamily.UDP))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("UDP4 or UDP6");
        assertThatThrownBy(() -> new ControlMessage().marshalAsReceived(dst, UdpFamily.UDP))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anIpv6SourceForAnIpv4DestinationIsRefused() {
        ByteBuffer dst = ByteBuffer.allocate(64);
        assertThatThrownBy(() -> new ControlMessage().source(V6).marshal(dst, UdpFamily.UDP4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("IPv6");
        assertThat(dst.position()).isZero();
    }

    private static long nativeLong(ByteBuffer b, int at) {
        return b.duplicate().order(ByteOrder.nativeOrder()).getLong(at);
    }
}
