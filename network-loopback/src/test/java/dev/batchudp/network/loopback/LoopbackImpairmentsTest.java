package dev.batchudp.network.loopback;

import static dev.batchudp.network.loopback.Sim.at;
import static dev.batchudp.network.loopback.Sim.drain;
import static dev.batchudp.network.loopback.Sim.drainInts;
import static dev.batchudp.network.loopback.Sim.send;
import static dev.batchudp.network.loopback.Sim.sendInt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.batchudp.network.UdpFamily;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class LoopbackImpairmentsTest {

    private static LoopbackNetwork network(Impairments impairments, long seed) {
        return LoopbackNetwork.create(LoopbackConfiguration.builder()
                .manualClock(true).seed(seed).impairments(impairments)
                .receiveQueueCapacity(200_000).build());
    }

    /**
     * The number of losses among n datagrams is Binomial(n, p). The bound is six standard deviations,
     * sqrt(n p (1 - p)): a correct implementation fails it with probability below 2e-9 per seed, while
     * a loss rate off by a tenth of p (500 datagrams at p = 5%) is caught.
     */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 0x5EED})
    void lossRateOverAHundredThousandDatagramsIsWithinSixStandardDeviations(long seed) throws Exception {
        double p = 0.05;
        int n = 100_000;
        try (LoopbackNetwork network = network(Impairments.builder().loss(p).build(), seed)) {
            LoopbackConnection receiver = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
            LoopbackConnection sender = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
            ByteBuffer buf = ByteBuffer.allocate(8);
            for (int i = 0; i < n; i++) {
                sender.send(buf.clear(), receiver.localAddress());
            }
            LoopbackStats s = network.stats();
            double sigma = Math.sqrt(n * p * (1 - p));
            assertThat((double) s.droppedByRule()).isCloseTo(n * p, org.assertj.core.data.Offset.offset(6 * sigma));
            assertThat(s.delivered() + s.droppedByRule()).isEqualTo(n);
            assertThat(sender.stats().droppedByRule()).isEqualTo(s.droppedByRule());
            assertThat(receiver.stats().delivered()).isEqualTo(s.delivered());
        }
    }

    @Test
    void lossZeroAndOneAreExact() throws Exception {
        for (double p : new double[] {0, 1}) {
            try (LoopbackNetwork network = network(Impairments.builder().loss(p).build(), 1)) {
                LoopbackConnection receiver = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
                LoopbackConnection sender = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
                for (int i = 0; i < 1000; i++) {
                    sendInt(sender, i, receiver.localAddress());
                }
                assertThat(network.stats().droppedByRule()).isEqualTo((long) (p * 1000));
            }
        }
    }

    @Test
    void latencyAndJitterStayWithinTheirRangeOnTheManualClock() throws Exception {
        Impairments imp = Impairments.builder().latency(Duration.ofMillis(20), Duration.ofMillis(40)).build();
        try (LoopbackNetwork network = network(imp, 7)) {
            LoopbackConnection receiver = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
            LoopbackConnection sender = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
            for (int i = 0; i < 1000; i++) {
                sendInt(sender, i, receiver.localAddress());
            }
            ManualClock clock = network.manualClock();
            assertThat(receiver.stats().delivered()).isZero();
            assertThat(network.stats().inFlight()).isEqualTo(1000);
            clock.advance(Duration.ofMillis(20).minusNanos(1));
            assertThat(receiver.stats().delivered()).isZero();
            // Step through 20..40 ms in 1 ms steps and note when each datagram arrives.
            TreeMap<Long, Integer> arrivalsPerMillisecond = new TreeMap<>();
            clock.advance(Duration.ofNanos(1));
            List<Integer> order = new ArrayList<>(drainInts(receiver));
            arrivalsPerMillisecond.put(20L, order.size());
            for (long ms = 21; ms <= 40; ms++) {
                clock.advance(Duration.ofMillis(1));
                List<Integer> now = drainInts(receiver);
                arrivalsPerMillisecond.put(ms, now.size());
                order.addAll(now);
            }
            assertThat(order).hasSize(1000);
            assertThat(network.stats().inFlight()).isZero();
            assertThat(clock.elapsed()).isEqualTo(Duration.ofMillis(40));
            // Jitter spreads arrivals over the whole range, and so reorders.
            assertThat(arrivalsPerMillisecond.values()).allSatisfy(count -> assertThat(count).isLessThan(200));
            assertThat(arrivalsPerMillisecond.get(30L)).isPositive();
            assertThat(Sim.sorted(order)).as("reordered").isFalse();
            assertThat(order).containsExactlyInAnyOrderElementsOf(
                    java.util.stream.IntStream.range(0, 1000).boxed().toList());
        }
    }

    @Test
    void fixedLatencyKeepsTheOrderAndDeliversExactlyOnTime() throws Exception {
        try (LoopbackNetwork network = network(Impairments.builder().latency(Duration.ofSeconds(30)).build(), 1)) {
            LoopbackConnection receiver = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
            LoopbackConnection sender = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
            ManualClock clock = network.manualClock();
            for (int i = 0; i < 100; i++) {
                sendInt(sender, i, receiver.localAddress());
                clock.advance(Duration.ofMillis(10));
            }
            clock.advance(Duration.ofSeconds(29));
            // Sent at 0, 10, ..., 990 ms and due 30 s later: at 30 s only the first has arrived.
            assertThat(clock.elapsed()).isEqualTo(Duration.ofMillis(30_000));
            assertThat(drainInts(receiver)).containsExactly(0);
            clock.advance(Duration.ofSeconds(1));
            assertThat(drainInts(receiver)).isEqualTo(java.util.stream.IntStream.range(1, 100).boxed().toList());
        }
    }

    @Test
    void reorderingHoldsSomeDatagramsBackSoThatLaterOnesOvertake() throws Exception {
        Impairments imp = Impairments.builder().latency(Duration.ofMillis(5)).reorder(0.2, Duration.ofMillis(3)).build();
        try (LoopbackNetwork network = network(imp, 3)) {
            LoopbackConnection receiver = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
            LoopbackConnection sender = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
            for (int i = 0; i < 500; i++) {
                sendInt(sender, i, receiver.localAddress());
                network.manualClock().advance(Duration.ofMillis(1));
            }
            network.manualClock().advanceUntilIdle();
            List<Integer> got = drainInts(receiver);
            assertThat(got).hasSize(500);
            assertThat(Sim.sorted(got)).as("reordered").isFalse();
            int inversions = 0;
            for (int i = 1; i < got.size(); i++) {
                if (got.get(i) < got.get(i - 1)) {
                    inversions++;
                }
            }
            assertThat(inversions).isBetween(50, 150); // about 20% of 500
        }
    }

    @Test
    void duplicationDeliversCopiesAndCountsThem() throws Exception {
        try (LoopbackNetwork network = network(Impairments.builder().duplicate(0.25).build(), 5)) {
            LoopbackConnection receiver = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
            LoopbackConnection sender = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
            for (int i = 0; i < 1000; i++) {
                sendInt(sender, i, receiver.localAddress());
            }
            List<Integer> got = drainInts(receiver);
            LoopbackStats s = network.stats();
            assertThat(s.duplicated()).isBetween(150L, 350L);
            assertThat(got).hasSize(1000 + (int) s.duplicated());
            assertThat(got.stream().distinct().count()).isEqualTo(1000);
            assertThat(sender.stats().duplicated()).isEqualTo(s.duplicated());
            assertThat(s.delivered()).isEqualTo(s.sent() + s.duplicated());
        }
    }

    @Test
    void corruptionFlipsExactlyOneBitAndIsOffByDefault() throws Exception {
        assertThat(Impairments.none().corrupt()).isZero();
        assertThat(Impairments.wan().corrupt()).isZero();
        try (LoopbackNetwork network = network(Impairments.builder().corrupt(1).build(), 9)) {
            LoopbackConnection receiver = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
            LoopbackConnection sender = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
            byte[] original = new byte[32];
            ByteBuffer in = ByteBuffer.allocate(64);
            for (int i = 0; i < 100; i++) {
                sender.send(ByteBuffer.wrap(original), receiver.localAddress());
                receiver.receive(in.clear());
                int flipped = 0;
                for (int j = 0; j < 32; j++) {
                    flipped += Integer.bitCount(in.get(j) & 0xff);
                }
                assertThat(flipped).isEqualTo(1);
            }
        }
    }

    @Test
    void linkMtuDropsLargerPacketsSilently() throws Exception {
        try (LoopbackNetwork network = network(Impairments.builder().mtu(1280).build(), 1)) {
            LoopbackConnection receiver = network.openUdp(UdpFamily.UDP6, at("[::1]:0"));
            LoopbackConnection sender = network.openUdp(UdpFamily.UDP6, at("[::1]:0"));
            sender.send(ByteBuffer.allocate(1280 - 48), receiver.localAddress());
            sender.send(ByteBuffer.allocate(1280 - 47), receiver.localAddress());
            assertThat(receiver.stats().delivered()).isEqualTo(1);
            assertThat(network.stats().droppedByRule()).isEqualTo(1);
        }
    }

    @Test
    void bandwidthSpreadsABurstByTransmissionTime() throws Exception {
        // 1,000 payload bytes + 28 header bytes at 8.224 Mbit/s take exactly 1 ms each.
        try (LoopbackNetwork network = network(Impairments.builder().bandwidth(8_224_000).build(), 1)) {
            LoopbackConnection receiver = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
            LoopbackConnection sender = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
            for (int i = 0; i < 10; i++) {
                sender.send(ByteBuffer.allocate(1000), receiver.localAddress());
            }
            ManualClock clock = network.manualClock();
            for (int ms = 1; ms <= 10; ms++) {
                clock.advance(Duration.ofMillis(1));
                assertThat(receiver.stats().delivered()).as("at %d ms", ms).isEqualTo(ms);
            }
        }
    }

    @Test
    void perLinkImpairmentsReplaceTheGlobalOnesInOneDirection() throws Exception {
        try (LoopbackNetwork network = network(Impairments.none(), 1)) {
            network.addHost("a", "10.0.0.1");
            network.addHost("b", "10.0.0.2");
            LoopbackConnection a = network.openUdp(UdpFamily.UDP4, at("10.0.0.1:1"));
            LoopbackConnection b = network.openUdp(UdpFamily.UDP4, at("10.0.0.2:2"));
            network.setLinkImpairments("a", "b", Impairments.builder().latency(Duration.ofMillis(10)).build());
            send(a, "slow", b.localAddress());
            send(b, "fast", a.localAddress());
            assertThat(drain(a)).containsExactly("fast");
            assertThat(drain(b)).isEmpty();
            network.manualClock().advance(Duration.ofMillis(10));
            assertThat(drain(b)).containsExactly("slow");
            network.clearLinkImpairments("a", "b");
            send(a, "now", b.localAddress());
            assertThat(drain(b)).containsExactly("now");
            assertThat(network.linkStats("a", "b")).isEqualTo(new LoopbackLinkStats("a", "b", 2, 2, 0, 0, 0, 0));
        }
    }

    @Test
    void realTimeClockDeliversDelayedDatagramsOnItsSchedulerThreadAndStopsItOnClose() throws Exception {
        LoopbackNetwork network = LoopbackNetwork.create(LoopbackConfiguration.builder()
                .impairments(Impairments.builder().latency(Duration.ofMillis(1), Duration.ofMillis(5)).build())
                .build());
        try {
            LoopbackConnection receiver = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
            LoopbackConnection sender = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
            assertThat(network.clock().isManual()).isFalse();
            assertThatThrownBy(network::manualClock).isInstanceOf(IllegalStateException.class);
            for (int i = 0; i < 20; i++) {
                send(sender, "d" + i, receiver.localAddress());
            }
            List<String> got = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                got.add(Sim.receive(receiver, Duration.ofSeconds(5)));
            }
            assertThat(got).hasSize(20);
        } finally {
            network.close();
        }
        Thread timer = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("loopback-timer-")).filter(t -> t.getName().endsWith(
                        network.toString().replaceAll(".*\\[(loopback-\\d+).*", "$1")))
                .findFirst().orElse(null);
        if (timer != null) {
            timer.join(5_000);
            assertThat(timer.isAlive()).isFalse();
        }
    }

    @Test
    void builderRejectsNonsense() {
        Impairments.Builder b = Impairments.builder();
        assertThatThrownBy(() -> b.loss(1.5)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1.5");
        assertThatThrownBy(() -> b.loss(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.latency(Duration.ofMillis(5), Duration.ofMillis(4)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.reorder(0.1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.mtu(10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.bandwidth(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Impairments.wan().toBuilder().build()).isEqualTo(Impairments.wan());
        assertThat(Impairments.none().isNone()).isTrue();
        assertThat(Impairments.wan().toString()).contains("loss=0.01");
    }
}
