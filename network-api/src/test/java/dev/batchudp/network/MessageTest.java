package dev.batchudp.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** {@link Message}: buffers as given, results and flags, reset. */
class MessageTest {

    @Test
    void buffersAreUsedAsGivenAndNullsRefused() {
        ByteBuffer a = ByteBuffer.allocate(10).position(3);
        ByteBuffer b = ByteBuffer.allocateDirect(5);
        ByteBuffer[] array = {a, b};
        Message m = new Message(array);
        assertThat(m.buffers()).isSameAs(array);
        assertThat(m.remaining()).isEqualTo(12);
        assertThat(new Message().buffers()).isEmpty();
        assertThat(new Message().remaining()).isZero();
        assertThatThrownBy(() -> new Message(a, null)).isInstanceOf(NullPointerException.class).hasMessage("buffers[1]");
        assertThatThrownBy(() -> new Message((ByteBuffer[]) null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> m.buffer(null)).isInstanceOf(NullPointerException.class);
        assertThat(a.position()).as("positions are not moved").isEqualTo(3);
    }

    @Test
    void bufferReplacesTheOnlyBufferInPlace() {
        ByteBuffer[] one = {ByteBuffer.allocate(1)};
        Message m = new Message(one);
        ByteBuffer next = ByteBuffer.allocate(2);
        m.buffer(next);
        assertThat(m.buffers()).isSameAs(one).containsExactly(next);
        Message two = new Message(ByteBuffer.allocate(1), ByteBuffer.allocate(1)).buffer(next);
        assertThat(two.buffers()).containsExactly(next);
        assertThat(new Message().buffer(next).buffers()).containsExactly(next);
    }

    @Test
    void resultsAndFlagsAreReportedAndResetKeepsTheRest() {
        ByteBuffer control = ByteBuffer.allocate(ControlMessage.RECEIVE_SPACE);
        InetSocketAddress peer = new InetSocketAddress(Cmsgs.address(127, 0, 0, 1), 9);
        Message m = new Message(ByteBuffer.allocate(4)).control(control).address(peer)
                .length(4).controlLength(24).flags(Message.TRUNCATED | Message.CONTROL_TRUNCATED);
        assertThat(m.isTruncated()).isTrue();
        assertThat(m.isControlTruncated()).isTrue();
        assertThat(m.toString()).contains("length=4", "controlLength=24", "flags=0x28");
        assertThat(m.flags(Message.TRUNCATED).isControlTruncated()).isFalse();
        assertThat(m.reset()).isSameAs(m);
        assertThat(m.length()).isZero();
        assertThat(m.controlLength()).isZero();
        assertThat(m.flags()).isZero();
        assertThat(m.isTruncated()).isFalse();
        assertThat(m.control()).isSameAs(control);
        assertThat(m.address()).isSameAs(peer);
        assertThat(m.buffers()).hasSize(1);
    }
}
