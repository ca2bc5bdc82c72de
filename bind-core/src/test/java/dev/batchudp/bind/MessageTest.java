package dev.batchudp.bind;

import static org.assertj.core.api.Assertions.assertThat;

import dev.batchudp.bind.spi.Message;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** batchudp's TestStdNetBindMessagePoolReset: a reused message starts clean but keeps its buffers. */
class MessageTest {
    @Test
    void resetClearsResultsAndKeepsBuffers() {
        ByteBuffer buffer = ByteBuffer.wrap(new byte[] {1, 2, 3});
        ByteBuffer control = ByteBuffer.allocate(24);
        Message m = new Message().buffer(buffer).control(control)
                .address(new InetSocketAddress("127.0.0.1", 9000)).length(123).controlLength(9)
                .flags(Message.FLAG_TRUNCATED);
        assertThat(m.isTruncated()).isTrue();
        m.reset();
        assertThat(m.length()).isZero();
        assertThat(m.controlLength()).isZero();
        assertThat(m.flags()).isZero();
        assertThat(m.address()).isNull();
        assertThat(m.isTruncated()).isFalse();
        assertThat(m.buffer()).isSameAs(buffer);
        assertThat(m.control()).isSameAs(control);
    }
}
