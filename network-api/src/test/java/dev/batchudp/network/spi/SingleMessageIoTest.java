package dev.batchudp.network.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.batchudp.network.BatchFlags;
import dev.batchudp.network.ControlMessage;
import dev.batchudp.network.DatagramTooLargeException;
import dev.batchudp.network.Message;
import dev.batchudp.network.UdpConnection;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The default {@link UdpConnection#readBatch}/{@link UdpConnection#writeBatch}: one datagram per call. */
class SingleMessageIoTest {
    private final FakeUdpConnection conn = new FakeUdpConnection();

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (seed + i * 7);
        }
        return b;
    }

    private static byte[] region(ByteBuffer b, int from, int length) {
        byte[] out = new byte[length];
        b.get(from, out);
        return out;
    }

    @Test
    void readFillsOneMessageAtTheBufferPositionWithoutMovingIt() throws IOException {
        conn.inbound.add(bytes(10, 1));
        conn.inbound.add(bytes(5, 2));
        ByteBuffer dst = ByteBuffer.allocateDirect(32).position(4).limit(20);
        Message[] msgs = {new Message(ByteBuffer.allocate(1)), new Message(dst), new Message(ByteBuffer.allocate(8))};
        msgs[2].length(77);
        assertThat(conn.readBatch(msgs, 1, 2, 0)).isEqualTo(1);
        assertThat(msgs[1].length()).isEqualTo(10);
        assertThat(msgs[1].address()).isEqualTo(FakeUdpConnection.PEER);
        assertThat(msgs[1].flags()).isZero();
        assertThat(msgs[1].controlLength()).isZero();
        assertThat(region(dst, 4, 10)).isEqualTo(bytes(10, 1));
        assertThat(dst.position()).isEqualTo(4);
        assertThat(dst.limit()).isEqualTo(20);
        assertThat(msgs[2].length()).as("past the count returned: untouched").isEqualTo(77);
        assertThat(conn.inbound).hasSize(1);
    }

    @Test
    void readScattersOverVectoredBuffersInOrder() throws IOException {
        byte[] datagram = bytes(12, 3);
        conn.inbound.add(datagram);
        ByteBuffer a = ByteBuffer.allocate(10).position(7); // 3 bytes
        ByteBuffer b = ByteBuffer.allocateDirect(5); // 5 bytes
        ByteBuffer c = ByteBuffer.allocate(20).position(2).limit(12); // 10 bytes
        Message m = new Message(a, b, c);
        assertThat(conn.readBatch(new Message[] {m}, 0, 1, 0)).isEqualTo(1);
        assertThat(m.length()).isEqualTo(12);
        assertThat(m.isTruncated()).isFalse();
        assertThat(region(a, 7, 3)).isEqualTo(Arrays.copyOfRange(datagram, 0, 3));
        assertThat(region(b, 0, 5)).isEqualTo(Arrays.copyOfRange(datagram, 3, 8));
        assertThat(region(c, 2, 4)).isEqualTo(Arrays.copyOfRange(datagram, 8, 12));
        assertThat(region(c, 6, 6)).as("past the datagram").containsOnly(0);
        assertThat(new int[] {a.position(), b.position(), c.position(), c.limit()}).containsExactly(7, 0, 2, 12);
    }

    @Test
    void aTruncatedDatagramIsFlaggedNotThrown() throws IOException {
        byte[] datagram = bytes(20, 4);
        conn.inbound.add(datagram);
        conn.inbound.add(datagram);
        ByteBuffer single = ByteBuffer.allocate(8);
        Message one = new Message(single);
        assertThat(conn.readBatch(new Message[] {one}, 0, 1, 0)).isEqualTo(1);
        assertThat(one.isTruncated()).isTrue();
        assertThat(one.flags()).isEqualTo(Message.TRUNCATED);
        assertThat(one.length()).isEqualTo(8);
        assertThat(one.address()).isEqualTo(FakeUdpConnection.PEER);
        assertThat(single.array()).isEqualTo(Arrays.copyOf(datagram, 8));

        ByteBuffer a = ByteBuffer.allocate(4);
        ByteBuffer b = ByteBuffer.allocate(6);
        Message two = new Message(a, b);
        assertThat(conn.readBatch(new Message[] {two}, 0, 1, 0)).isEqualTo(1);
        assertThat(two.flags()).isEqualTo(Message.TRUNCATED);
        assertThat(two.length()).isEqualTo(10);
        assertThat(a.array()).isEqualTo(Arrays.copyOfRange(datagram, 0, 4));
        assertThat(b.array()).isEqualTo(Arrays.copyOfRange(datagram, 4, 10));
    }

    @Test
    void readWithACountOfZeroReadsNothing() throws IOException {
        conn.inbound.add(bytes(1, 1));
        assertThat(conn.readBatch(new Message[] {new Message(ByteBuffer.allocate(4))}, 1, 0, 0)).isZero();
        assertThat(conn.receives).isZero();
    }

    @Test
    void readRefusesFlagsBadRangesAndReadOnlyBuffers() {
        conn.inbound.add(bytes(1, 1));
        Message[] msgs = {new Message(ByteBuffer.allocate(4))};
        assertThatThrownBy(() -> conn.readBatch(msgs, 0, 1, BatchFlags.PEEK))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("0x2");
        assertThatThrownBy(() -> conn.readBatch(msgs, 0, 1, BatchFlags.DONTWAIT))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> conn.readBatch(msgs, 0, 1, 0x1000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> conn.readBatch(msgs, 0, 2, 0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> conn.readBatch(msgs, -1, 1, 0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> conn.readBatch(msgs, 2, 0, 0)).isInstanceOf(IndexOutOfBoundsException.class);
        Message readOnly = new Message(ByteBuffer.allocate(4), ByteBuffer.allocate(4).asReadOnlyBuffer());
        assertThatThrownBy(() -> conn.readBatch(new Message[] {readOnly}, 0, 1, 0))
                .isInstanceOf(ReadOnlyBufferException.class);
        Message readOnlyControl = new Message(ByteBuffer.allocate(4)).control(ByteBuffer.allocate(64).asReadOnlyBuffer());
        assertThatThrownBy(() -> conn.readBatch(new Message[] {readOnlyControl}, 0, 1, 0))
                .isInstanceOf(ReadOnlyBufferException.class);
        assertThat(conn.inbound).as("nothing received").hasSize(1);
    }

    @Test
    void aControlBufferOnReadGetsNoRecords() throws IOException {
        conn.inbound.add(bytes(3, 1));
        Message m = new Message(ByteBuffer.allocate(4)).control(ByteBuffer.allocate(ControlMessage.RECEIVE_SPACE));
        m.controlLength(99);
        conn.readBatch(new Message[] {m}, 0, 1, 0);
        assertThat(m.controlLength()).isZero();
        assertThat(new ControlMessage().parse(m)).isEqualTo(new ControlMessage());
    }

    @Test
    void writeGathersEachMessageAndLeavesPositionsAlone() throws IOException {
        ByteBuffer header = ByteBuffer.allocate(10).put(0, bytes(10, 5)).position(2).limit(6).asReadOnlyBuffer();
        ByteBuffer body = ByteBuffer.allocateDirect(8).put(0, bytes(8, 6)).position(1);
        Message vectored = new Message(header, body).address(FakeUdpConnection.PEER);
        Message single = new Message(ByteBuffer.wrap(bytes(3, 7))).address(FakeUdpConnection.LOCAL);
        Message empty = new Message().address(FakeUdpConnection.PEER).control(ByteBuffer.allocate(8).position(8));
        Message[] msgs = {vectored, single, empty};
        assertThat(conn.writeBatch(msgs, 0, 3, 0)).isEqualTo(3);

        byte[] expected = new byte[11];
        System.arraycopy(bytes(10, 5), 2, expected, 0, 4);
        System.arraycopy(bytes(8, 6), 1, expected, 4, 7);
        assertThat(conn.sent).containsExactly(expected, bytes(3, 7), new byte[0]);
        assertThat(conn.targets).containsExactly(FakeUdpConnection.PEER, FakeUdpConnection.LOCAL, FakeUdpConnection.PEER);
        assertThat(new int[] {vectored.length(), single.length(), empty.length()}).containsExactly(11, 3, 0);
        assertThat(new int[] {header.position(), header.limit(), body.position(), body.limit()})
                .containsExactly(2, 6, 1, 8);
    }

    @Test
    void controlDataIsRefusedForTheFirstMessageAndEndsTheBatchAfterOthers() throws IOException {
        ByteBuffer control = ByteBuffer.allocate(ControlMessage.SEND_SPACE);
        new ControlMessage().hopLimit(1).marshal(control, dev.batchudp.network.UdpFamily.UDP4);
        control.flip();
        Message withControl = new Message(ByteBuffer.allocate(1)).address(FakeUdpConnection.PEER).control(control);
        Message plain = new Message(ByteBuffer.allocate(2)).address(FakeUdpConnection.PEER);
        assertThatThrownBy(() -> conn.writeBatch(new Message[] {withControl, plain}, 0, 2, 0))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("message 0");
        assertThat(conn.sent).isEmpty();
        assertThat(conn.writeBatch(new Message[] {plain, withControl, plain}, 0, 3, 0)).isEqualTo(1);
        assertThat(conn.sent).hasSize(1);
    }

    @Test
    void aFailureAfterTheFirstMessageReturnsHowManyWereSentAndTheNextCallThrows() throws IOException {
        conn.maxDatagram = 100;
        Message ok = new Message(ByteBuffer.allocate(100)).address(FakeUdpConnection.PEER);
        Message big = new Message(ByteBuffer.allocate(50), ByteBuffer.allocate(51)).address(FakeUdpConnection.PEER);
        Message[] msgs = {ok, ok, big, ok};
        assertThat(conn.writeBatch(msgs, 0, 4, 0)).isEqualTo(2);
        assertThat(conn.sent).hasSize(2);
        assertThatThrownBy(() -> conn.writeBatch(msgs, 2, 2, 0))
                .isInstanceOf(DatagramTooLargeException.class);
        assertThat(conn.sent).hasSize(2);
        assertThat(conn.writeBatch(msgs, 3, 1, 0)).isEqualTo(1);
    }

    @Test
    void writeRefusesFlagsAndBadRanges() throws IOException {
        Message[] msgs = {new Message(ByteBuffer.allocate(1)).address(FakeUdpConnection.PEER)};
        assertThatThrownBy(() -> conn.writeBatch(msgs, 0, 1, BatchFlags.DONTWAIT))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("0x40");
        assertThatThrownBy(() -> conn.writeBatch(msgs, 0, 1, BatchFlags.PEEK)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> conn.writeBatch(msgs, 1, 1, 0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> conn.writeBatch(msgs, 0, -1, 0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(conn.writeBatch(msgs, 1, 0, BatchFlags.DONTWAIT)).as("nothing to send").isZero();
        assertThat(conn.sent).isEmpty();
    }

    @Test
    void gatherAndScatterHelpers() {
        ByteBuffer only = ByteBuffer.allocate(4).position(1);
        ByteBuffer gathered = SingleMessageIo.gather(new Message(only));
        assertThat(gathered).isNotSameAs(only);
        assertThat(gathered.position()).isEqualTo(1);

        ByteBuffer a = ByteBuffer.allocate(2);
        ByteBuffer b = ByteBuffer.allocate(0);
        ByteBuffer c = ByteBuffer.allocate(3);
        Message m = new Message(a, b, c);
        ByteBuffer src = ByteBuffer.wrap(bytes(9, 8));
        assertThat(SingleMessageIo.scatter(src, m)).isEqualTo(5);
        assertThat(src.position()).isEqualTo(5);
        assertThat(a.array()).isEqualTo(Arrays.copyOfRange(bytes(9, 8), 0, 2));
        assertThat(c.array()).isEqualTo(Arrays.copyOfRange(bytes(9, 8), 2, 5));
        assertThat(SingleMessageIo.gather(m).remaining()).isEqualTo(5);
        assertThat(new int[] {a.position(), c.position()}).containsExactly(0, 0);
    }
}
