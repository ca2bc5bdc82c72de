package dev.batchudp.benchmarks;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;

/** The JDK's {@link DatagramChannel} directly: a connected sender and a blocking receiver (the baseline). */
final class JdkChannelCase extends HarnessCase {
    private DatagramChannel receiver;
    private DatagramChannel sender;
    private ByteBuffer buf;

    @Override
    String name() {
        return "jdk-channel";
    }

    @Override
    String cReference() {
        return "c-mmsg-connected";
    }

    @Override
    String description() {
        return "the JDK's DatagramChannel: connected sender (write per datagram), blocking receive";
    }

    @Override
    void open(InetAddress loopback, int size) throws IOException {
        StandardProtocolFamily family = loopback.getAddress().length == 16
                ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
        receiver = DatagramChannel.open(family);
        receiver.setOption(StandardSocketOptions.SO_RCVBUF, ThroughputHarness.SOCKET_BUFFER);
        receiver.bind(new InetSocketAddress(loopback, 0));
        sender = DatagramChannel.open(family);
        sender.setOption(StandardSocketOptions.SO_SNDBUF, ThroughputHarness.SOCKET_BUFFER);
        sender.connect(receiver.getLocalAddress());
        buf = ByteBuffer.allocateDirect(size);
    }

    @Override
    void receiveLoop() throws IOException {
        ByteBuffer dst = ByteBuffer.allocateDirect(65_536);
        try {
            while (true) {
                dst.clear();
                receiver.receive(dst);
                received.incrementAndGet();
            }
        } catch (ClosedChannelException done) {
            // Closed after the drain period.
        }
    }

    @Override
    int sendBatch() throws IOException {
        for (int i = 0; i < ThroughputHarness.BATCH; i++) {
            buf.clear();
            sender.write(buf);
        }
        return ThroughputHarness.BATCH;
    }

    @Override
    void close() throws IOException {
        receiver.close();
        sender.close();
    }
}
