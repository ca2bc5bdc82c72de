package dev.batchudp.network.loopback;

import static dev.batchudp.network.loopback.Sim.at;
import static dev.batchudp.network.loopback.Sim.drainInts;
import static dev.batchudp.network.loopback.Sim.sendInt;
import static org.assertj.core.api.Assertions.assertThat;

import dev.batchudp.network.UdpFamily;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Same seed and same sends give the same deliveries; another seed gives others. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class LoopbackDeterminismTest {

    private static final Impairments EVERYTHING = Impairments.builder()
            .loss(0.1)
            .latency(Duration.ofMillis(1), Duration.ofMillis(30))
            .reorder(0.05, Duration.ofMillis(50))
            .duplicate(0.05)
            .corrupt(0.02)
            .build();

    /** A delivery: the time on the manual clock (ms) and the datagram's payload, in delivery order. */
    record Delivery(long millis, String to, int value) {}

    private static List<Delivery> run(long seed) throws Exception {
        LoopbackConfiguration config = LoopbackConfiguration.builder()
                .seed(seed).manualClock(true).impairments(EVERYTHING).build();
        List<Delivery> deliveries = new ArrayList<>();
        try (LoopbackNetwork network = LoopbackNetwork.create(config)) {
            network.addHost("a", "10.0.0.1");
            network.addHost("b", "10.0.0.2");
            LoopbackConnection a = network.openUdp(UdpFamily.UDP4, at("10.0.0.1:1000"));
            LoopbackConnection b = network.openUdp(UdpFamily.UDP4, at("10.0.0.2:2000"));
            ManualClock clock = network.manualClock();
            for (int i = 0; i < 2_000; i++) {
                sendInt(a, i, b.localAddress());
                sendInt(b, -i, a.localAddress());
                if (i % 10 == 0) {
                    clock.advance(Duration.ofMillis(1));
                }
                // Deliveries between sends are read in step with the clock.
                for (int v : drainInts(b)) {
                    deliveries.add(new Delivery(clock.elapsed().toMillis(), "b", v));
                }
                for (int v : drainInts(a)) {
                    deliveries.add(new Delivery(clock.elapsed().toMillis(), "a", v));
                }
            }
            clock.advanceUntilIdle();
            for (int v : drainInts(b)) {
                deliveries.add(new Delivery(clock.elapsed().toMillis(), "b", v));
            }
            for (int v : drainInts(a)) {
                deliveries.add(new Delivery(clock.elapsed().toMillis(), "a", v));
            }
            LoopbackStats s = network.stats();
            assertThat(s.sent() + s.duplicated()).isEqualTo(s.delivered() + s.dropped());
            assertThat(s.inFlight()).isZero();
        }
        return deliveries;
    }

    @Test
    void sameSeedAndSameSendsGiveTheSameDeliverySequence() throws Exception {
        List<Delivery> first = run(42);
        List<Delivery> second = run(42);
        assertThat(second).isEqualTo(first);
        // The run really was impaired: some lost, some reordered, some duplicated.
        assertThat(first.size()).isBetween(3_000, 4_000);
        List<Integer> toB = first.stream().filter(d -> d.to().equals("b")).map(Delivery::value).toList();
        assertThat(Sim.sorted(toB)).as("reordered").isFalse();
        assertThat(toB.stream().distinct().count()).isLessThan(toB.size());
    }

    @Test
    void differentSeedsGiveDifferentDeliverySequences() throws Exception {
        assertThat(run(1)).isNotEqualTo(run(2));
    }

    @Test
    void theSeedIsTheConfigurationsAndDefaultsToAFixedValue() {
        try (LoopbackNetwork network = LoopbackNetwork.create()) {
            assertThat(network.seed()).isEqualTo(LoopbackConfiguration.SEED_DEFAULT);
        }
        try (LoopbackNetwork network = LoopbackNetwork.create(LoopbackConfiguration.builder().seed(7).build())) {
            assertThat(network.seed()).isEqualTo(7);
        }
    }
}
