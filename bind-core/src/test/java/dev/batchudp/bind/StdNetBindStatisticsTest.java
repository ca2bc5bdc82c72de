package dev.batchudp.bind;

import static org.assertj.core.api.Assertions.assertThat;

import dev.batchudp.network.UdpStatistics;
import dev.batchudp.network.loopback.LoopbackNetwork;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link StdNetBind#statistics()} and {@link StdNetBind#supportsStickySockets()} on the loopback
 * network: counters are seen through bind-core alone, summed over both families, and kept across
 * close and reopen.
 */
@Timeout(30)
class StdNetBindStatisticsTest {
    private final LoopbackNetwork network = LoopbackNetwork.create();
    private final StdNetBind sender = StdNetBind.create(network, StdNetBindOptions.builder().batchSize(8).build());
    private final StdNetBind receiver = StdNetBind.create(network, StdNetBindOptions.builder().batchSize(8).build());

    @AfterEach
    void tearDown() {
        sender.close();
        receiver.close();
        network.close();
    }

    @Test
    void loopbackBindsDoNotUseStickySources() {
        assertThat(sender.supportsStickySockets()).isFalse();
        assertThat(StdNetBind.supportsStickySockets(network)).isFalse();
    }

    @Test
    void countsDatagramsAndBytesOfBothFamiliesExactly() throws IOException {
        sender.open(0);
        Bind.Opened opened = receiver.open(0);
        send(sender.parseEndpoint("127.0.0.1:" + opened.port()), 5, 100);
        send(sender.parseEndpoint("[::1]:" + opened.port()), 3, 40);
        assertThat(receive(opened.receiveFuncs().get(0), 5)).isEqualTo(5);
        assertThat(receive(opened.receiveFuncs().get(1), 3)).isEqualTo(3);

        UdpStatistics sent = sender.statistics();
        assertThat(sent.datagramsSent()).isEqualTo(8);
        assertThat(sent.bytesSent()).isEqualTo(5 * 100 + 3 * 40);
        UdpStatistics received = receiver.statistics();
        assertThat(received.datagramsReceived()).isEqualTo(8);
        assertThat(received.bytesReceived()).isEqualTo(5 * 100 + 3 * 40);
        assertThat(received.truncatedDatagrams()).isZero();
        assertThat(received.receiveQueueDrops()).isZero();
    }

    @Test
    void countersSurviveCloseAndReopen() throws IOException {
        sender.open(0);
        Bind.Opened opened = receiver.open(0);
        send(sender.parseEndpoint("127.0.0.1:" + opened.port()), 2, 10);
        sender.close();
        assertThat(sender.statistics().datagramsSent()).isEqualTo(2);
        sender.open(0);
        send(sender.parseEndpoint("127.0.0.1:" + opened.port()), 1, 10);
        assertThat(sender.statistics().datagramsSent()).isEqualTo(3);
        assertThat(sender.statistics().bytesSent()).isEqualTo(30);
    }

    private void send(Endpoint ep, int count, int size) throws IOException {
        ByteBuffer[] bufs = new ByteBuffer[count];
        for (int i = 0; i < count; i++) {
            bufs[i] = ByteBuffer.allocate(size);
        }
        sender.send(bufs, ep);
    }

    /** Receives until {@code expected} datagrams arrived (a loopback bind reads one per call). */
    private static int receive(ReceiveFunc fn, int expected) throws IOException {
        ByteBuffer[] packets = new ByteBuffer[8];
        for (int i = 0; i < packets.length; i++) {
            packets[i] = ByteBuffer.allocate(2048);
        }
        int[] sizes = new int[packets.length];
        Endpoint[] eps = new Endpoint[packets.length];
        int total = 0;
        while (total < expected) {
            total += fn.receive(packets, sizes, eps);
        }
        return total;
    }
}
