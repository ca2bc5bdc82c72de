package dev.batchudp.network.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The shapes are what they claim to be, and the guards catch what they are there to catch. */
class BufferShapeTest {

    @ParameterizedTest
    @EnumSource(BufferShape.class)
    void eachShapeHasItsPropertiesAndFramesTheRegion(BufferShape shape) {
        ShapedBuffer s = shape.allocate(100);
        ByteBuffer b = s.buffer();
        assertThat(b.isDirect()).isEqualTo(shape.isDirect());
        assertThat(b.isReadOnly()).isEqualTo(shape.isReadOnly());
        assertThat(b.remaining()).isEqualTo(100);
        assertThat(b.position()).isEqualTo(s.position());
        assertThat(b.limit()).isEqualTo(s.limit());
        // Whatever lies before the position, at least as much lies after the limit.
        assertThat(b.capacity() - b.limit()).isGreaterThanOrEqualTo(b.position());
        switch (shape) {
            case HEAP_OFFSET, DIRECT_OFFSET, DIRECT_DUPLICATE, READ_ONLY_HEAP, READ_ONLY_DIRECT -> {
                assertThat(b.position()).isPositive();
                assertThat(b.limit()).isLessThan(b.capacity());
            }
            case HEAP_ARRAY_OFFSET -> {
                assertThat(b.arrayOffset()).isEqualTo(BufferShape.AROUND);
                assertThat(b.position()).isPositive();
            }
            default -> assertThat(b.position()).isZero();
        }
        s.assertUntouched("fresh");
    }

    @ParameterizedTest
    @EnumSource(BufferShape.class)
    void aFilledRegionReadsBackThroughTheBuffer(BufferShape shape) {
        byte[] payload = Datagrams.bytes(100, 1);
        ShapedBuffer s = shape.allocate(100).fill(payload);
        byte[] read = new byte[100];
        s.buffer().duplicate().get(read);
        assertThat(read).isEqualTo(payload);
        s.assertUnchanged(payload, "filled");
        s.assertSent(payload, read, "read back");
    }

    @Test
    void aWriteAtTwiceThePositionIsCaughtAndLocated() {
        ShapedBuffer s = BufferShape.DIRECT_OFFSET.allocate(20);
        byte[] datagram = Datagrams.bytes(20, 2);
        s.buffer().duplicate().clear().put(2 * s.position(), datagram);
        assertThatThrownBy(() -> s.assertReceived(datagram, "doubled"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("DIRECT_OFFSET[position=37 limit=57 capacity=121]")
                .hasMessageContaining("start at buffer index 74");
    }

    @Test
    void aWritePastTheDatagramInsideTheRegionIsCaught() {
        ShapedBuffer s = BufferShape.HEAP.allocate(10);
        byte[] datagram = Datagrams.bytes(4, 3);
        s.buffer().duplicate().put(datagram).put((byte) 0);
        assertThatThrownBy(() -> s.assertReceived(datagram, "scribbled"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("inside position..limit");
    }

    @Test
    void aWriteOutsideASliceIsCaught() {
        ShapedBuffer s = BufferShape.DIRECT_SLICE.allocate(10);
        ByteBuffer escaped = s.buffer().duplicate();
        escaped.put(0, Datagrams.bytes(10, 4));
        s.assertReceived(Datagrams.bytes(10, 4), "inside");
        assertThatThrownBy(() -> s.assertReceived(Datagrams.bytes(9, 4), "one byte short"))
                .isInstanceOf(AssertionError.class);
    }

    @Test
    void bytesReadFromTheWrongPlaceAreLocated() {
        ShapedBuffer s = BufferShape.DIRECT_DUPLICATE.allocate(20);
        byte[] payload = Datagrams.bytes(20, 5);
        s.fill(payload);
        byte[] wrong = new byte[20];
        s.buffer().duplicate().clear().get(2 * s.position(), wrong);
        assertThatThrownBy(() -> s.assertSent(payload, wrong, "doubled"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("start at buffer index 96");
    }

    @Test
    void framingMovesTheRegionAndRestoresTheGuards() {
        ShapedBuffer s = BufferShape.DIRECT.allocate(4096);
        s.fill(Datagrams.bytes(4096, 6));
        s.frame(1000, 300);
        assertThat(s.buffer().position()).isEqualTo(1000);
        assertThat(s.buffer().limit()).isEqualTo(1300);
        s.assertUntouched("reframed");
        assertThatThrownBy(() -> s.frame(4000, 100)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sameBytesReportsTheFirstDifference() {
        assertThatThrownBy(() -> Datagrams.assertSameBytes(new byte[] {1, 2, 3}, new byte[] {1, 9, 3, 4}, "ctx"))
                .hasMessage("ctx: got 4 bytes instead of 3; 1 of the first 3 differ, the first at index 1: 0x09,"
                        + " expected 0x02");
        Datagrams.assertSameBytes(new byte[] {1}, new byte[] {1}, "equal");
    }
}
