package dev.batchudp.network.loopback;

import static dev.batchudp.network.loopback.Sim.at;
import static dev.batchudp.network.loopback.Sim.drain;
import static dev.batchudp.network.loopback.Sim.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.batchudp.network.UdpFamily;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class LoopbackPartitionTest {
    private LoopbackNetwork network;
    private LoopbackConnection client;
    private LoopbackConnection server;
    private LoopbackConnection other;

    @BeforeEach
    void open() throws Exception {
        network = LoopbackNetwork.create(LoopbackConfiguration.builder().manualClock(true).build());
        network.addHost("client", "10.0.0.1", "fd00::1");
        network.addHost("server", "10.0.0.2", "fd00::2");
        network.addHost("other", "10.0.0.3");
        client = network.openUdp(UdpFamily.UDP4, at("10.0.0.1:1000"));
        server = network.openUdp(UdpFamily.UDP4, at("10.0.0.2:2000"));
        other = network.openUdp(UdpFamily.UDP4, at("10.0.0.3:3000"));
    }

    @AfterEach
    void close() {
        network.close();
    }

    @Test
    void oneWayPartitionStopsTrafficInTheStatedDirectionOnlyAndHealRestoresIt() throws Exception {
        network.partitionOneWay("client", "server");
        assertThat(network.isPartitioned("client", "server")).isTrue();
        assertThat(network.isPartitioned("server", "client")).isFalse();
        send(client, "c2s", server.localAddress());
        send(server, "s2c", client.localAddress());
        send(client, "c2o", other.localAddress());
        assertThat(drain(server)).isEmpty();
        assertThat(drain(client)).containsExactly("s2c");
        assertThat(drain(other)).containsExactly("c2o");
        assertThat(network.linkStats("client", "server").droppedByRule()).isEqualTo(1);
        assertThat(client.stats().droppedByRule()).isEqualTo(1);

        network.healOneWay("client", "server");
        send(client, "after heal", server.localAddress());
        assertThat(drain(server)).containsExactly("after heal");
    }

    @Test
    void twoWayPartitionStopsBothDirectionsAndHealRestoresBoth() throws Exception {
        network.partition("client", "server");
        send(client, "c2s", server.localAddress());
        send(server, "s2c", client.localAddress());
        assertThat(drain(server)).isEmpty();
        assertThat(drain(client)).isEmpty();
        network.heal("client", "server");
        send(client, "c2s", server.localAddress());
        send(server, "s2c", client.localAddress());
        assertThat(drain(server)).containsExactly("c2s");
        assertThat(drain(client)).containsExactly("s2c");
        assertThat(network.stats()).isEqualTo(new LoopbackStats(4, 2, 0, 0, 2, 0, 0));
    }

    @Test
    void partitionDropsDatagramsAlreadyInFlight() throws Exception {
        network.setImpairments(Impairments.builder().latency(Duration.ofMillis(10)).build());
        send(client, "in flight", server.localAddress());
        network.partition("client", "server");
        network.manualClock().advance(Duration.ofMillis(10));
        assertThat(drain(server)).isEmpty();
        assertThat(network.stats().droppedByRule()).isEqualTo(1);
        assertThat(network.stats().inFlight()).isZero();
    }

    @Test
    void partitionAtThreeSecondsOnTheManualClock() throws Exception {
        ManualClock clock = network.manualClock();
        int delivered = 0;
        for (int tick = 0; tick < 50; tick++) {
            if (clock.elapsed().equals(Duration.ofSeconds(3))) {
                network.partition("client", "server");
            }
            send(client, "t" + tick, server.localAddress());
            delivered += drain(server).size();
            clock.advance(Duration.ofMillis(100));
        }
        assertThat(delivered).isEqualTo(30);
    }

    @Test
    void holdKeepsDatagramsUntilReleaseThenDeliversThemInOrder() throws Exception {
        network.hold("client", "server");
        send(client, "1", server.localAddress());
        send(client, "2", server.localAddress());
        send(server, "back", client.localAddress());
        send(client, "to other", other.localAddress());
        assertThat(drain(server)).isEmpty();
        assertThat(drain(client)).isEmpty();
        assertThat(drain(other)).containsExactly("to other");
        assertThat(network.stats().inFlight()).isEqualTo(3);
        network.manualClock().advance(Duration.ofHours(1));
        assertThat(drain(server)).isEmpty();

        network.release("client", "server");
        assertThat(drain(server)).containsExactly("1", "2");
        assertThat(drain(client)).containsExactly("back");
        assertThat(network.stats().inFlight()).isZero();
        send(client, "3", server.localAddress());
        assertThat(drain(server)).containsExactly("3");
    }

    @Test
    void unknownHostsAreRefused() {
        assertThatThrownBy(() -> network.partition("client", "nobody"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nobody")
                .hasMessageContaining("client");
    }
}
