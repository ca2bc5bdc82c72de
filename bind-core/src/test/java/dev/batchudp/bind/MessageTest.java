package dev.batchudp.bind;

import static org.assertj.core.api.Assertions.assertThat;

import dev.batchudp.network.Message;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * batchudp's TestStdNetBindMessagePoolReset on the message API's {@link Message}: a reused message
 * starts clean but keeps its buffers (and its address, which is the destination of the next write).
 */
class MessageTest {
    @Test
    void resetClearsResultsAndKeepsBuffers() throws Exception {
        ByteBuffer buffer = ByteBuffer.wrap(new byte[] {1, 2, 3});
        ByteBuffer control = ByteBuffer.allocate(24);
        InetSocketAddress peer = new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 9000);
        Message m = new Message(buffer).control(control).address(peer).length(123).controlLength(9)
                .flags(Message.TRUNCATED);
        assertThat(m.isTruncated()).isTrue();
        m.reset();
        assertThat(m.length()).isZero();
        assertThat(m.controlLength()).isZero();
        assertThat(m.flags()).isZero();
        assertThat(m.isTruncated()).isFalse();
        assertThat(m.address()).isSameAs(peer);
        assertThat(m.buffers()).containsExactly(buffer);
        assertThat(m.control()).isSameAs(control);
    }
}
