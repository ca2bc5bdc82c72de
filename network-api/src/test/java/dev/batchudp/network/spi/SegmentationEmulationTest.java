package dev.batchudp.network.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.batchudp.network.ControlMessage;
import dev.batchudp.network.Message;
import java.io.IOException;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link SegmentationEmulation} and the per-message helpers of {@link SingleMessageIo} that providers share. */
class SegmentationEmulationTest {

    @Test
    void countsSegmentsUpToLinuxsLimit() {
        assertThat(SegmentationEmulation.checkSegmentCount(0, 0)).isEqualTo(1);
        assertThat(SegmentationEmulation.checkSegmentCount(0, 100)).isEqualTo(1);
        assertThat(SegmentationEmulation.checkSegmentCount(100, 100)).isEqualTo(1);
        assertThat(SegmentationEmulation.checkSegmentCount(101, 100)).isEqualTo(2);
        assertThat(SegmentationEmulation.checkSegmentCount(64 * 100, 100)).isEqualTo(64);
        assertThatThrownBy(() -> SegmentationEmulation.checkSegmentCount(64 * 100 + 1, 100))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("65 segments");
        assertThatThrownBy(() -> SegmentationEmulation.checkSegmentCount(-1, 100))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void splitsInOrderWithAShortLastSegmentAndKeepsTheBytes() throws IOException {
        ByteBuffer payload = ByteBuffer.allocate(20);
        for (int i = 0; i < 20; i++) {
            payload.put(i, (byte) i);
        }
        payload.position(3); // 17 bytes from a non-zero position
        List<byte[]> segments = new ArrayList<>();
        SegmentationEmulation.forEachSegment(payload, 5, s -> {
            byte[] b = new byte[s.remaining()];
            s.get(b);
            segments.add(b);
        });
        assertThat(segments).extracting(b -> b.length).containsExactly(5, 5, 5, 2);
        assertThat(segments.get(0)).containsExactly(3, 4, 5, 6, 7);
        assertThat(segments.get(3)).containsExactly(18, 19);
    }

    @Test
    void anEmptyOrUnsegmentedPayloadIsOneSegment() throws IOException {
        List<Integer> sizes = new ArrayList<>();
        SegmentationEmulation.forEachSegment(ByteBuffer.allocate(0), 5, s -> sizes.add(s.remaining()));
        SegmentationEmulation.forEachSegment(ByteBuffer.allocate(9), 0, s -> sizes.add(s.remaining()));
        assertThat(sizes).containsExactly(0, 9);
    }

    @Test
    void aFailingSegmentStopsTheRest() {
        List<Integer> seen = new ArrayList<>();
        assertThatThrownBy(() -> SegmentationEmulation.forEachSegment(ByteBuffer.allocate(30), 10, s -> {
            seen.add(s.position());
            if (seen.size() == 2) {
                throw new IOException("boom");
            }
        })).hasMessage("boom");
        assertThat(seen).containsExactly(0, 10);
    }

    @Test
    void writeEachParsesControlAndReportsALaterFailureByTheNextCall() throws IOException {
        ByteBuffer control = ByteBuffer.allocate(ControlMessage.SEND_SPACE);
        new ControlMessage().trafficClass(0x2e).marshal(control, dev.batchudp.network.UdpFamily.UDP4);
        Message[] msgs = {
            new Message(ByteBuffer.allocate(1)).control(control.flip()),
            new Message(ByteBuffer.allocate(2)),
            new Message(ByteBuffer.allocate(3)),
        };
        List<Integer> classes = new ArrayList<>();
        int sent = SingleMessageIo.writeEach(msgs, 0, 3, (m, cm) -> {
            if (m.remaining() == 3) {
                throw new IOException("third fails");
            }
            classes.add(cm == null ? -1 : cm.trafficClass());
        });
        assertThat(sent).isEqualTo(2);
        assertThat(classes).containsExactly(0x2e, -1);
        assertThatThrownBy(() -> SingleMessageIo.writeEach(msgs, 2, 1, (m, cm) -> {
            throw new IOException("third fails");
        })).hasMessage("third fails");
    }

    @Test
    void receiveOnlyRecordsAreRefusedInASend() {
        SingleMessageIo.refuseReceiveOnly(new ControlMessage().trafficClass(1));
        assertThatThrownBy(() -> SingleMessageIo.refuseReceiveOnly(new ControlMessage().groSegmentSize(100)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("EINVAL");
        assertThatThrownBy(() -> SingleMessageIo.refuseReceiveOnly(new ControlMessage().dropCount(0)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void gatherIntoABufferCopiesInOrderOrOverflows() {
        Message m = new Message(ByteBuffer.wrap(new byte[] {1, 2}), ByteBuffer.allocateDirect(1).put(0, (byte) 3));
        ByteBuffer dst = ByteBuffer.allocate(4).position(1);
        assertThat(SingleMessageIo.gather(m, dst)).isEqualTo(3);
        assertThat(dst.array()).containsExactly(0, 1, 2, 3);
        assertThat(m.buffers()[0].position()).isZero();
        assertThatThrownBy(() -> SingleMessageIo.gather(m, ByteBuffer.allocate(2)))
                .isInstanceOf(BufferOverflowException.class);
    }
}
