package dev.batchudp.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.batchudp.bind.Endpoint;
import dev.batchudp.bind.ReceiveFunc;
import dev.batchudp.bind.StdNetBind;
import dev.batchudp.bind.StdNetBindOptions;
import dev.batchudp.network.UdpFamily;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * StdNetBind over the fake kernel does what FakeKernelBenchmark relies on: it batches, a read
 * returns 128 datagrams of the size asked for with the peer's address and a sticky source, and a
 * send of 128 reaches {@code sendmmsg} as one entry per datagram, or as GSO trains.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(30)
class FakeKernelTest {

    @ParameterizedTest(name = "gso/gro={0} family={1} lend={2}")
    @CsvSource({"false,4,false", "false,4,true", "true,4,false", "true,4,true", "true,6,false", "false,6,true"})
    void bindsBatchAndSeeTheFakeTraffic(boolean offloads, int family, boolean lend) throws IOException {
        FakeKernel kernel = new FakeKernel(1200, 128, 54);
        FakeKernelNetwork network = new FakeKernelNetwork(kernel, offloads, offloads);
        StdNetBindOptions options = StdNetBindOptions.builder().batchingProvider(network.batching()).build();
        StdNetBind tx = StdNetBind.create(network, options);
        StdNetBind rx = StdNetBind.create(network, options);
        try {
            var opened = rx.open(0);
            tx.open(0);
            UdpFamily udp = family == 6 ? UdpFamily.UDP6 : UdpFamily.UDP4;
            assertThat(tx.isBatching(udp)).isTrue();
            assertThat(rx.isBatching(udp)).isTrue();
            ReceiveFunc func = opened.receiveFuncs().stream()
                    .filter(f -> f.name().equals(family == 6 ? "v6" : "v4")).findFirst().orElseThrow();
            ByteBuffer[] packets = new ByteBuffer[128];
            for (int i = 0; i < packets.length; i++) {
                packets[i] = ByteBuffer.allocateDirect(2048);
            }
            int[] sizes = new int[128];
            Endpoint[] eps = new Endpoint[128];
            int got = 0;
            while (got < 128) {
                got += lend ? func.receiveBorrowed(packets, sizes, eps) : func.receive(packets, sizes, eps);
            }
            // A copying plain read offers the kernel 16 slots first, doubling while they fill.
            assertThat(got).isGreaterThanOrEqualTo(128);
            assertThat(sizes[0]).isEqualTo(1200);
            assertThat(eps[0].dst().getPort()).isEqualTo(FakeKernel.PEER_PORT);
            assertThat(eps[0].srcIp()).isPresent();
            assertThat(kernel.receivedDatagrams).isEqualTo(got);

            ByteBuffer[] out = new ByteBuffer[128];
            for (int i = 0; i < out.length; i++) {
                out[i] = ByteBuffer.allocateDirect(1200);
            }
            tx.send(out, tx.parseEndpoint((family == 6 ? "[::1]:" : "127.0.0.1:") + opened.port()));
            assertThat(kernel.sentEntries).isEqualTo(offloads ? 3 : 128); // 54 + 54 + 20 with GSO
            tx.send(out, eps[0]);
            assertThat(kernel.sentEntries).isEqualTo(offloads ? 6 : 256);
        } finally {
            tx.close();
            rx.close();
            network.close();
        }
        assertThat(network.openConnections()).isEmpty();
    }

    @Test
    void benchmarkSetUpChecksPass() throws IOException {
        FakeKernelBenchmark b = new FakeKernelBenchmark();
        b.offload = "gso-gro";
        b.size = 1200;
        b.family = 4;
        b.setUp();
        try {
            b.send();
            b.sendSticky();
            assertThat(b.receive()).isEqualTo(128);
            assertThat(b.receiveBorrowed()).isEqualTo(128);
        } finally {
            b.tearDown();
        }
    }
}
