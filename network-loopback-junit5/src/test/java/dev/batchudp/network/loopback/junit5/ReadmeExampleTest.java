package dev.batchudp.network.loopback.junit5;

import static org.assertj.core.api.Assertions.assertThat;

import dev.batchudp.bind.Bind;
import dev.batchudp.bind.Endpoint;
import dev.batchudp.bind.ReceiveFunc;
import dev.batchudp.bind.StdNetBind;
import dev.batchudp.network.UdpConnection;
import dev.batchudp.network.UdpFamily;
import dev.batchudp.network.loopback.Impairments;
import dev.batchudp.network.loopback.LoopbackCapture;
import dev.batchudp.network.loopback.LoopbackHost;
import dev.batchudp.network.loopback.LoopbackNetwork;
import dev.batchudp.network.loopback.ManualClock;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The README's "Testing your code with the loopback network" example, kept compiling and passing. */
@SimulatedNetwork(seed = 42, manualClock = true)
class ReadmeExampleTest {
    @Test
    @Timeout(30)
    void lossLatencyAndAPartitionBetweenTwoHosts(LoopbackNetwork net, ManualClock clock, @TempDir Path dir)
            throws Exception {
        LoopbackHost client = net.addHost("client", "10.0.0.1", "fd00::1");   // any literal IPs, in memory
        LoopbackHost server = net.addHost("server", "10.0.0.2", "fd00::2");
        net.setImpairments(Impairments.builder().loss(0.05)
                .latency(Duration.ofMillis(20), Duration.ofMillis(40)).build());
        try (LoopbackCapture capture = net.startCapture();
             StdNetBind bind = StdNetBind.create(server);                      // binds 0.0.0.0 and :: on "server"
             UdpConnection peer = client.openUdp(UdpFamily.UDP4, new InetSocketAddress("10.0.0.1", 0))) {
            Bind.Opened opened = bind.open(51820);
            InetSocketAddress target = new InetSocketAddress("10.0.0.2", 51820);
            for (int i = 0; i < 100; i++) {
                peer.send(ByteBuffer.wrap(new byte[] {(byte) i}), target);
            }
            assertThat(net.linkStats("client", "server").delivered()).isZero(); // still in flight
            clock.advance(Duration.ofMillis(40));                               // now all have arrived
            long delivered = net.linkStats("client", "server").delivered();
            assertThat(delivered).isBetween(85L, 99L);                          // about 5 % lost
            assertThat(receive(opened.receiveFuncs().get(0), delivered)).isEqualTo(delivered);

            net.partition("client", "server");                                  // or partitionOneWay, hold
            peer.send(ByteBuffer.wrap(new byte[] {1}), target);
            clock.advance(Duration.ofSeconds(30));                              // 30 s of simulated time, at once
            assertThat(net.linkStats("client", "server").delivered()).isEqualTo(delivered);
            net.heal("client", "server");

            capture.writePcap(dir.resolve("example.pcap"));                     // open it in Wireshark
            assertThat(Files.size(dir.resolve("example.pcap"))).isGreaterThan(24);
        }
    }

    private static long receive(ReceiveFunc f, long count) throws Exception {
        ByteBuffer[] packets = {ByteBuffer.allocate(64)};
        int[] sizes = new int[1];
        Endpoint[] eps = new Endpoint[1];
        long got = 0;
        while (got < count) {
            got += f.receive(packets, sizes, eps);
            assertThat(eps[0].dstToString()).startsWith("10.0.0.1:");
        }
        return got;
    }
}
