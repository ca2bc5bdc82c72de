package dev.batchudp.bind.linux.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** The UDP_SEGMENT/UDP_GRO control messages; batchudp's gso_linux_test.go cases ported. */
class UdpCmsgsTest {

    /** A 24-byte SOL_UDP record {len 16 + dataLength, type} with a value of dataLength bytes. */
    private static void record(ByteBuffer b, int at, int type, int dataLength, int value) {
        b.putLong(at, 16 + dataLength);
        b.putInt(at + 8, LinuxConstants.SOL_UDP);
        b.putInt(at + 12, type);
        if (dataLength == 2) {
            b.putShort(at + 16, (short) value);
        } else {
            b.putInt(at + 16, value);
        }
    }

    @Test
    void segmentSizeRecordLayout() {
        ByteBuffer b = DirectMemory.allocate(48);
        for (int i = 0; i < 48; i++) {
            b.put(i, (byte) 0x5a);
        }
        record(b, 0, LinuxConstants.UDP_GRO, 2, 11);
        assertThat(UdpCmsgs.putSegmentSize(b, 24, 24, 33)).isEqualTo(24);
        assertThat(b.getLong(24)).isEqualTo(18);
        assertThat(b.getInt(32)).isEqualTo(17);
        assertThat(b.getInt(36)).isEqualTo(103);
        assertThat(b.getShort(40)).isEqualTo((short) 33);
        // setGSOSizeAppendsWithoutOverwritingExistingControl: the first record is intact.
        assertThat(b.getLong(0)).isEqualTo(18);
        assertThat(b.getShort(16)).isEqualTo((short) 11);
    }

    @Test
    void shortRoomLeavesControlUntouched() {
        ByteBuffer b = DirectMemory.allocate(24);
        assertThat(UdpCmsgs.putSegmentSize(b, 0, 23, 55)).isZero();
        assertThat(b.getLong(0)).isZero();
    }

    @Test
    void groSizeFoundAmongOtherControlMessages() throws IOException {
        ByteBuffer b = DirectMemory.allocate(48);
        record(b, 0, LinuxConstants.UDP_SEGMENT, 2, 7);
        record(b, 24, LinuxConstants.UDP_GRO, 2, 29);
        assertThat(UdpCmsgs.groSegmentSize(b, 0, 48)).isEqualTo(29);
    }

    @Test
    void groSizeIsReadAsTheKernelsInt() throws IOException {
        ByteBuffer b = DirectMemory.allocate(24);
        record(b, 0, LinuxConstants.UDP_GRO, 4, 70_000); // beyond 16 bits: an int, not a u16
        assertThat(UdpCmsgs.groSegmentSize(b, 0, 20)).isEqualTo(70_000);
        assertThat(UdpCmsgs.groSegmentSize(b, 0, 0)).isZero();
    }

    @Test
    void malformedControlIsAParseError() {
        ByteBuffer b = DirectMemory.allocate(24);
        b.putLong(0, 18);
        assertThatThrownBy(() -> UdpCmsgs.groSegmentSize(b, 0, 17))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("error parsing socket control message");
    }

    @Test
    void copyLeavesOutTheGroRecord() {
        ByteBuffer src = DirectMemory.allocate(64);
        record(src, 0, LinuxConstants.UDP_GRO, 4, 1200);
        src.putLong(24, 16 + 12); // an IP_PKTINFO-sized record of 32 bytes
        src.putInt(32, LinuxConstants.IPPROTO_IP);
        src.putInt(36, 8);
        src.putInt(40, 5);
        ByteBuffer dst = DirectMemory.allocate(64);
        assertThat(UdpCmsgs.copyWithoutGro(src, 0, 56, dst)).isEqualTo(32);
        assertThat(dst.getLong(0)).isEqualTo(28);
        assertThat(dst.getInt(12)).isEqualTo(8);
        assertThat(dst.getInt(16)).isEqualTo(5);
        assertThat(UdpCmsgs.copyWithoutGro(src, 0, 56, DirectMemory.allocate(16))).isZero();
    }
}
