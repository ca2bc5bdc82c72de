package dev.batchudp.bind.linux.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Fuzzes the control-message parser ({@link Pktinfo#find}, through {@link UdpCmsgs#find}) with
 * arbitrary bytes, offsets and lengths: it must never throw or read outside the region, and what it
 * reports must lie inside the region. Without {@code JAZZER_FUZZ=1} Jazzer replays the seeds in
 * {@code PktinfoFuzzTestInputs} (and an empty input) as a regression test.
 */
class PktinfoFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void parseNeverReadsOutOfBounds(byte[] data) {
        if (data.length < 2) {
            check(ByteBuffer.wrap(data).order(ByteOrder.nativeOrder()), 0, data.length);
            return;
        }
        // The first two bytes choose the region (so the fuzzer also tries lengths past the buffer).
        int offset = (data[0] & 0xff) % 16 - 2;
        int length = (data[1] & 0xff) * 2 - 32;
        ByteBuffer control = ByteBuffer.wrap(data, 2, data.length - 2).slice().order(ByteOrder.nativeOrder());
        check(control, offset, length);
        check(control, 0, control.capacity());
    }

    private static void check(ByteBuffer control, int offset, int length) {
        int record = Pktinfo.find(control, offset, length);
        if (record < 0) {
            return;
        }
        assertThat(record).isBetween(offset, offset + length - Cmsghdr.SIZE);
        int declared = (int) control.getLong(record + Cmsghdr.CMSG_LEN);
        assertThat(record + declared).isLessThanOrEqualTo(offset + length);
        assertThat(Pktinfo.address(control, record)).isNotNull();
        Pktinfo.ifIndex(control, record);
    }
}
