package dev.batchudp.network.loopback;

import static dev.batchudp.network.loopback.Sim.at;
import static dev.batchudp.network.loopback.Sim.drain;
import static dev.batchudp.network.loopback.Sim.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.batchudp.network.ClosedNetworkException;
import dev.batchudp.network.UdpFamily;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A host crashes (connections closed, datagrams to it dropped and counted) and comes back. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class LoopbackHostRestartTest {

    @Test
    void aCrashedHostDropsWhatReachesItAndRestartsWithItsAddressesAndFreePorts() throws Exception {
        try (LoopbackNetwork network = LoopbackNetwork.create(LoopbackConfiguration.builder().manualClock(true)
                .impairments(Impairments.builder().latency(Duration.ofMillis(5)).build()).build());
             LoopbackTrace trace = network.startTrace()) {
            network.addHost("client", "10.0.0.1");
            LoopbackHost server = network.addHost("server", "10.0.0.2", "fd00::2");
            LoopbackConnection client = network.openUdp(UdpFamily.UDP4, at("10.0.0.1:1000"));
            LoopbackConnection listener = server.openUdp(UdpFamily.UDP4, new InetSocketAddress(7));
            LoopbackConnection ephemeral = server.openUdp(UdpFamily.UDP4, at("10.0.0.2:0"));
            CompletableFuture<Throwable> receiver = new CompletableFuture<>();
            network.clock().threadFactory().newThread(() -> {
                try {
                    listener.receive(ByteBuffer.allocate(8));
                    receiver.complete(null);
                } catch (Exception e) {
                    receiver.complete(e);
                }
            }).start();
            send(client, "in flight", at("10.0.0.2:7"));
            network.manualClock().advance(Duration.ZERO); // the receiver is waiting

            server.crash();
            assertThat(receiver.get(5, TimeUnit.SECONDS)).isInstanceOf(AsynchronousCloseException.class);
            assertThat(listener.isOpen()).isFalse();
            assertThat(server.isOpen()).isFalse();
            assertThat(server.openConnections()).isEmpty();
            assertThatThrownBy(() -> server.openUdp(UdpFamily.UDP4, new InetSocketAddress(7)))
                    .isInstanceOf(ClosedNetworkException.class);
            send(client, "while down", at("10.0.0.2:7"));
            network.manualClock().advance(Duration.ofMillis(5));
            assertThat(trace.count(TraceEvent.Cause.HOST_DOWN)).isEqualTo(2);
            assertThat(network.linkStats("client", "server").droppedNoListener()).isEqualTo(2);

            server.restart();
            assertThat(server.isOpen()).isTrue();
            assertThat(server.addresses()).containsExactly(at("10.0.0.2:0").getAddress(), at("[fd00::2]:0").getAddress());
            LoopbackConnection again = server.openUdp(UdpFamily.UDP4, new InetSocketAddress(7));
            // Ephemeral ports start over, as after a reboot: the same port is handed out again.
            assertThat(server.openUdp(UdpFamily.UDP4, at("10.0.0.2:0")).localAddress())
                    .isEqualTo(ephemeral.localAddress());
            send(client, "after restart", at("10.0.0.2:7"));
            network.manualClock().advance(Duration.ofMillis(5));
            assertThat(drain(again)).containsExactly("after restart");
            assertThatThrownBy(() -> listener.receive(ByteBuffer.allocate(8)))
                    .isInstanceOf(ClosedChannelException.class);
            LoopbackStats s = network.stats();
            assertThat(s.sent()).isEqualTo(s.delivered() + s.dropped());
            server.restart(); // up already: nothing happens
        }
    }

    @Test
    void closeIsCrashAndRestartNeedsAnOpenNetwork() {
        LoopbackNetwork network = LoopbackNetwork.create();
        LoopbackHost host = network.addHost("h", "10.0.0.9");
        host.close();
        assertThat(host.isOpen()).isFalse();
        network.close();
        assertThatThrownBy(host::restart).isInstanceOf(ClosedNetworkException.class);
    }
}
