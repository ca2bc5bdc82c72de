package dev.batchudp.bind.linux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.batchudp.bind.Bind;
import dev.batchudp.bind.Endpoint;
import dev.batchudp.bind.ReceiveFunc;
import dev.batchudp.bind.StdNetBind;
import dev.batchudp.network.UdpFamily;
import dev.batchudp.network.UdpStatistics;
import dev.batchudp.network.system.SystemNetwork;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * {@link StdNetBind#statistics()} on bind-linux sockets, seen through bind-core's API only: a GSO
 * send counts its datagrams, a GRO receive the datagrams it split into, and the offload state shows.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StdNetBindStatisticsLinuxTest {
    private static final int COUNT = 100;
    private static final int SIZE = 1200;

    private SystemNetwork network;
    private StdNetBind sender;
    private StdNetBind receiver;

    @AfterEach
    void close() {
        if (sender != null) {
            sender.close();
            receiver.close();
        }
        if (network != null) {
            network.close();
        }
    }

    @Test
    void countsEveryDatagramOfABatchedGsoSendAndGroReceive() throws IOException {
        LinuxTestSupport.assumeLinuxBatching();
        LinuxTestSupport.assumeGsoAndGro();
        network = SystemNetwork.open("linux");
        sender = StdNetBind.create(network);
        receiver = StdNetBind.create(network);
        Bind.Opened opened = receiver.open(0);
        sender.open(0);
        ByteBuffer[] out = new ByteBuffer[COUNT];
        for (int i = 0; i < COUNT; i++) {
            out[i] = ByteBuffer.allocateDirect(SIZE);
        }
        sender.send(out, sender.parseEndpoint("127.0.0.1:" + opened.port()));

        ReceiveFunc v4 = opened.receiveFuncs().get(0);
        ByteBuffer[] packets = new ByteBuffer[receiver.batchSize()];
        for (int i = 0; i < packets.length; i++) {
            packets[i] = ByteBuffer.allocateDirect(2048);
        }
        int[] sizes = new int[packets.length];
        Endpoint[] eps = new Endpoint[packets.length];
        for (int got = 0; got < COUNT;) {
            got += v4.receive(packets, sizes, eps);
        }

        UdpStatistics sent = sender.statistics();
        assertThat(sent.datagramsSent()).isEqualTo(COUNT);
        assertThat(sent.bytesSent()).isEqualTo((long) COUNT * SIZE);
        assertThat(sent.sendBufferDrops()).isZero();
        OffloadStatus tx = sender.connection(UdpFamily.UDP4).flatMap(c -> c.capability(OffloadStatus.class)).orElseThrow();
        assertThat(sent.transmitOffload()).as("GSO on, as the socket's offload status says").isTrue()
                .isEqualTo(tx.txOffload());
        assertThat(tx.sentKernelMessages()).as("segmented: fewer kernel messages than datagrams").isLessThan(COUNT);
        UdpStatistics received = receiver.statistics();
        assertThat(received.datagramsReceived()).isEqualTo(COUNT);
        assertThat(received.bytesReceived()).isEqualTo((long) COUNT * SIZE);
        assertThat(received.receiveQueueDrops()).isZero();
        assertThat(received.truncatedDatagrams()).isZero();
        assertThat(received.sourceDrops()).isZero();
        OffloadStatus rx = receiver.connection(UdpFamily.UDP4).flatMap(c -> c.capability(OffloadStatus.class)).orElseThrow();
        assertThat(received.receiveOffload()).as("GRO on").isTrue().isEqualTo(rx.rxOffload());
        assertThat(rx.receivedKernelMessages()).as("coalesced: fewer kernel messages than datagrams").isLessThan(COUNT);

        receiver.close();
        assertThat(receiver.statistics().datagramsReceived()).as("kept after close").isEqualTo(COUNT);
        assertThat(receiver.statistics().receiveOffload()).as("no socket open").isFalse();
    }
}
