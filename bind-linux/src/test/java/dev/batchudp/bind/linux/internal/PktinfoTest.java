package dev.batchudp.bind.linux.internal;

import static dev.batchudp.bind.linux.internal.LinuxConstants.IPPROTO_IP;
import static dev.batchudp.bind.linux.internal.LinuxConstants.IPPROTO_IPV6;
import static dev.batchudp.bind.linux.internal.LinuxConstants.IPV6_PKTINFO;
import static dev.batchudp.bind.linux.internal.LinuxConstants.IP_PKTINFO;
import static dev.batchudp.bind.linux.internal.LinuxConstants.SOL_UDP;
import static dev.batchudp.bind.linux.internal.LinuxConstants.UDP_GRO;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * The packet-info codec: wireguard-go's {@code conn/sticky_linux_test.go} and the cases batchudp's copy
 * of that file adds, ported.
 */
class PktinfoTest {
    private static final byte[] LO4 = {127, 0, 0, 1};
    private static final byte[] LO4_2 = {127, 0, 0, 2};
    private static final byte[] LO6 = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

    private static ByteBuffer buffer(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.nativeOrder());
    }

    /** Writes a received-style IP_PKTINFO record (spec_dst and addr both set) at {@code at}. */
    private static int putV4(ByteBuffer b, int at, byte[] specDst, int ifIndex) {
        b.putLong(at, Cmsghdr.len(12)).putInt(at + 8, IPPROTO_IP).putInt(at + 12, IP_PKTINFO);
        b.putInt(at + 16, ifIndex).put(at + 20, specDst).put(at + 24, specDst);
        return at + 32;
    }

    @Test
    void setSrcControlIpv4() throws Exception {
        ByteBuffer c = buffer(40);
        assertThat(Pktinfo.put(c, 0, 40, LO4, 5, false)).isEqualTo(32);
        assertThat(c.getLong(0)).isEqualTo(Cmsghdr.len(12));
        assertThat(c.getInt(8)).isEqualTo(IPPROTO_IP);
        assertThat(c.getInt(12)).isEqualTo(IP_PKTINFO);
        assertThat(c.getInt(16)).isEqualTo(5);
        byte[] specDst = new byte[4];
        c.get(20, specDst);
        assertThat(specDst).isEqualTo(LO4);
        int record = Pktinfo.find(c, 0, 32);
        assertThat(record).isZero();
        assertThat(Pktinfo.address(c, record)).isEqualTo(InetAddress.getByAddress(LO4));
        assertThat(Pktinfo.ifIndex(c, record)).isEqualTo(5);
    }

    @Test
    void setSrcControlIpv6() throws Exception {
        ByteBuffer c = buffer(40);
        assertThat(Pktinfo.put(c, 0, 40, LO6, 5, true)).isEqualTo(40);
        assertThat(c.getLong(0)).isEqualTo(Cmsghdr.len(20));
        assertThat(c.getInt(8)).isEqualTo(IPPROTO_IPV6);
        assertThat(c.getInt(12)).isEqualTo(IPV6_PKTINFO);
        assertThat(c.getInt(32)).isEqualTo(5);
        int record = Pktinfo.find(c, 0, 40);
        assertThat(Pktinfo.isV6(c, record)).isTrue();
        assertThat(Pktinfo.address(c, record)).isEqualTo(InetAddress.getByAddress(LO6));
    }

    @Test
    void ipv4SourceOnAnIpv6SocketIsWrittenMappedAndDecodesAsIpv4() throws Exception {
        ByteBuffer c = buffer(40);
        assertThat(Pktinfo.put(c, 0, 40, LO4_2, 3, true)).isEqualTo(40);
        byte[] addr = new byte[16];
        c.get(16, addr);
        assertThat(addr).containsExactly(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, 127, 0, 0, 2);
        assertThat(Pktinfo.address(c, Pktinfo.find(c, 0, 40))).isEqualTo(InetAddress.getByAddress(LO4_2));
    }

    @Test
    void insufficientCapacityLeavesControlUntouched() {
        ByteBuffer c = buffer(3).put(0, (byte) 1).put(1, (byte) 2).put(2, (byte) 3);
        assertThat(Pktinfo.put(c, 0, 3, LO4, 5, false)).isZero();
        assertThat(c.array()).containsExactly(1, 2, 3);
        ByteBuffer c6 = buffer(39);
        assertThat(Pktinfo.put(c6, 0, 39, LO6, 5, true)).isZero();
        assertThat(c6.array()).containsOnly(0);
    }

    @Test
    void ipv6SourceCannotGoOnAnIpv4Socket() {
        assertThat(Pktinfo.put(buffer(40), 0, 40, LO6, 5, false)).isZero();
        assertThat(Pktinfo.space(InetAddress.getLoopbackAddress(), false)).isEqualTo(32);
    }

    @Test
    void getSrcFromControlIpv4AndIpv6() throws Exception {
        ByteBuffer c = buffer(40);
        putV4(c, 0, LO4, 5);
        int r = Pktinfo.find(c, 0, 40);
        assertThat(Pktinfo.address(c, r)).isEqualTo(InetAddress.getByAddress(LO4));
        assertThat(Pktinfo.ifIndex(c, r)).isEqualTo(5);
        ByteBuffer c6 = buffer(40);
        Pktinfo.put(c6, 0, 40, LO6, 5, true);
        int r6 = Pktinfo.find(c6, 0, 40);
        assertThat(Pktinfo.address(c6, r6)).isEqualTo(InetAddress.getByAddress(LO6));
        assertThat(Pktinfo.ifIndex(c6, r6)).isEqualTo(5);
    }

    @Test
    void emptyControlHasNoSource() {
        assertThat(Pktinfo.find(buffer(40), 0, 0)).isEqualTo(-1);
        assertThat(Pktinfo.find(buffer(40), 0, 40)).isEqualTo(-1); // zero length field: malformed
    }

    @Test
    void multipleFindsThePktinfoAfterAnEmptyRecord() throws Exception {
        ByteBuffer c = buffer(48);
        c.putLong(0, 16).putInt(8, 0).putInt(12, 0);
        putV4(c, 16, LO4, 5);
        int r = Pktinfo.find(c, 0, 48);
        assertThat(r).isEqualTo(16);
        assertThat(Pktinfo.address(c, r)).isEqualTo(InetAddress.getByAddress(LO4));
    }

    @Test
    void firstPktinfoWins() throws Exception {
        ByteBuffer c = buffer(64);
        putV4(c, putV4(c, 0, LO4, 5), LO4_2, 9);
        int r = Pktinfo.find(c, 0, 64);
        assertThat(Pktinfo.address(c, r)).isEqualTo(InetAddress.getByAddress(LO4));
        assertThat(Pktinfo.ifIndex(c, r)).isEqualTo(5);
    }

    @Test
    void firstOfIpv6AndIpv4RecordsWinsAndGroIsSkipped() throws Exception {
        ByteBuffer c = buffer(24 + 40 + 32);
        c.putLong(0, Cmsghdr.len(4)).putInt(8, SOL_UDP).putInt(12, UDP_GRO).putInt(16, 1200);
        Pktinfo.put(c, 24, 40, LO6, 7, true);
        putV4(c, 64, LO4, 5);
        int r = Pktinfo.find(c, 0, c.capacity());
        assertThat(r).isEqualTo(24);
        assertThat(Pktinfo.isV6(c, r)).isTrue();
        assertThat(Pktinfo.ifIndex(c, r)).isEqualTo(7);
    }

    @Test
    void malformedInputIsRejected() {
        ByteBuffer c = buffer(64);
        putV4(c, 0, LO4, 5);
        assertThat(Pktinfo.find(c, 0, 20)).as("short region").isEqualTo(-1);
        assertThat(Pktinfo.find(c, 0, 27)).as("record longer than the region").isEqualTo(-1);
        assertThat(Pktinfo.find(c, 40, 64)).as("region past the buffer").isEqualTo(-1);
        assertThat(Pktinfo.find(c, -1, 8)).as("negative offset").isEqualTo(-1);
        c.putLong(0, 1L << 40);
        assertThat(Pktinfo.find(c, 0, 64)).as("huge length").isEqualTo(-1);
        c.putLong(0, 8);
        assertThat(Pktinfo.find(c, 0, 64)).as("length below the header").isEqualTo(-1);
        putV4(c, 0, LO4, 5);
        c.putInt(12, 9);
        assertThat(Pktinfo.find(c, 0, 64)).as("wrong type").isEqualTo(-1);
        c.putInt(12, IP_PKTINFO).putInt(8, IPPROTO_IPV6);
        assertThat(Pktinfo.find(c, 0, 64)).as("wrong level").isEqualTo(-1);
        ByteBuffer shortV4 = buffer(32);
        shortV4.putLong(0, Cmsghdr.len(8)).putInt(8, IPPROTO_IP).putInt(12, IP_PKTINFO);
        assertThat(Pktinfo.find(shortV4, 0, 32)).as("record too short for in_pktinfo").isEqualTo(-1);
    }
}
