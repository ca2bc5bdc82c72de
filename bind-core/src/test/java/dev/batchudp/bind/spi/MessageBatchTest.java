package dev.batchudp.bind.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class MessageBatchTest {
    private static final InetSocketAddress PEER = new InetSocketAddress(InetAddress.getLoopbackAddress(), 9);

    @Test
    void rejectsNonPositiveCapacity() {
        assertThatThrownBy(() -> new MessageBatch(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("capacity");
    }

    @Test
    void usesTheCallersArraysWithoutCopying() {
        ByteBuffer[] buffers = {ByteBuffer.allocate(4), ByteBuffer.allocate(4)};
        MessageBatch batch = new MessageBatch(2).buffers(buffers);
        ByteBuffer replaced = ByteBuffer.allocate(8);
        buffers[1] = replaced;
        assertThat(batch.buffer(1)).isSameAs(replaced);
        assertThat(batch.control(0)).isNull();
    }

    @Test
    void missingBufferIsNamed() {
        MessageBatch batch = new MessageBatch(1);
        assertThatThrownBy(() -> batch.buffer(0)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("message buffer");
        batch.buffers(new ByteBuffer[1]);
        assertThatThrownBy(() -> batch.buffer(0)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("message buffer");
    }

    @Test
    void recordsResultsPerSlotThroughTheFillSide() throws Exception {
        MessageBatch batch = new MessageBatch(2);
        MessageBatch.Fill fill = batch.fill();
        assertThat(batch.fill()).as("one fill view per batch").isSameAs(fill);
        assertThat(fill.capacity()).isEqualTo(2);
        InetAddress local = InetAddress.getByName("127.0.0.2");
        fill.datagram(0, 1500, MessageBatch.FLAG_TRUNCATED, PEER);
        fill.datagram(1, 10, 0, PEER);
        fill.controlLength(1, 24);
        fill.source(1, local, 3);
        assertThat(batch.length(0)).isEqualTo(1500);
        assertThat(batch.isTruncated(0)).isTrue();
        assertThat(batch.sourceAddress(0)).isNull();
        assertThat(batch.sourceIfIndex(0)).as("no interface without a source").isZero();
        assertThat(batch.isTruncated(1)).isFalse();
        assertThat(batch.controlLength(1)).isEqualTo(24);
        assertThat(batch.sender(1)).isSameAs(PEER);
        assertThat(batch.sourceAddress(1)).isSameAs(local);
        assertThat(batch.sourceIfIndex(1)).isEqualTo(3);
    }

    @Test
    void aNewDatagramClearsTheSlotsControlLengthAndSource() throws Exception {
        MessageBatch batch = new MessageBatch(1);
        MessageBatch.Fill fill = batch.fill();
        fill.datagram(0, 10, 0, PEER);
        fill.controlLength(0, 40);
        fill.source(0, InetAddress.getByName("127.0.0.2"), 3);
        fill.datagram(0, 20, 0, PEER);
        assertThat(batch.length(0)).isEqualTo(20);
        assertThat(batch.controlLength(0)).isZero();
        assertThat(batch.sourceAddress(0)).isNull();
        assertThat(batch.sourceIfIndex(0)).isZero();
        fill.source(0, null, 5);
        assertThat(batch.sourceAddress(0)).isNull();
        assertThat(batch.sourceIfIndex(0)).isZero();
    }

    @Test
    void lendingWritesIntoTheReadersArrayOnlyOnChange() {
        ByteBuffer[] buffers = new ByteBuffer[2];
        MessageBatch batch = new MessageBatch(2).buffers(buffers);
        ByteBuffer lent = ByteBuffer.allocate(8);
        batch.fill().lend(1, lent);
        assertThat(buffers[1]).isSameAs(lent);
        assertThat(batch.buffer(1)).isSameAs(lent);
        assertThat(batch.fill().buffer(1)).isSameAs(lent);
        assertThat(batch.fill().control(1)).isNull();
    }
}
