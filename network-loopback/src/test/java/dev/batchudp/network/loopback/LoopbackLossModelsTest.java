package dev.batchudp.network.loopback;

import static dev.batchudp.network.loopback.Sim.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.batchudp.network.UdpFamily;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bursty (Gilbert–Elliott) and correlated loss against their stationary loss rate and mean burst
 * length, and the link queue limit.
 *
 * <p>Bounds are 99.9 % (z = 3.29) normal approximations. For a two-state chain with lag-1
 * autocorrelation λ = 1 - p - r, the variance of the loss count over n datagrams is about
 * n π (1 - π) (1 + λ) / (1 - λ); a burst length is geometric with mean 1/r and variance (1 - r)/r².
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LoopbackLossModelsTest {
    private static final double Z = 3.29;
    private static final int N = 100_000;

    /** Sends n datagrams on one link and returns, per datagram, whether it was lost. */
    private static boolean[] losses(Impairments impairments, long seed) throws Exception {
        boolean[] lost = new boolean[N];
        try (LoopbackNetwork network = LoopbackNetwork.create(LoopbackConfiguration.builder().manualClock(true)
                .seed(seed).impairments(impairments).receiveQueueCapacity(N).build())) {
            LoopbackConnection rx = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
            LoopbackConnection tx = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
            ByteBuffer buf = ByteBuffer.allocate(4);
            for (int i = 0; i < N; i++) {
                long before = network.stats().droppedByRule();
                tx.send(buf.clear(), rx.localAddress());
                lost[i] = network.stats().droppedByRule() > before;
            }
        }
        return lost;
    }

    /** Loss count and mean length of the runs of consecutive losses. */
    private static double[] rateAndMeanBurst(boolean[] lost) {
        long losses = 0;
        long bursts = 0;
        for (int i = 0; i < lost.length; i++) {
            if (lost[i]) {
                losses++;
                if (i == 0 || !lost[i - 1]) {
                    bursts++;
                }
            }
        }
        return new double[] {(double) losses / lost.length, (double) losses / bursts};
    }

    private static void checkChain(boolean[] lost, double p, double r) {
        double pi = p / (p + r);
        double lambda = 1 - p - r;
        double sdRate = Math.sqrt(pi * (1 - pi) * (1 + lambda) / (1 - lambda) / N);
        double meanBurst = 1 / r;
        double bursts = N * (1 - pi) * p;
        double sdBurst = Math.sqrt((1 - r) / (r * r) / bursts);
        double[] observed = rateAndMeanBurst(lost);
        assertThat(observed[0]).as("loss rate").isCloseTo(pi, Offset.offset(Z * sdRate));
        assertThat(observed[1]).as("mean burst length").isCloseTo(meanBurst, Offset.offset(Z * sdBurst));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void burstyLossHasItsStationaryRateAndMeanBurstLength(long seed) throws Exception {
        Impairments bursty = Impairments.builder().burstyLoss(0.2, 3).build();
        assertThat(bursty.gilbertElliottR()).isEqualTo(1.0 / 3);
        assertThat(bursty.gilbertElliottP()).isCloseTo(1.0 / 12, Offset.offset(1e-12));
        checkChain(losses(bursty, seed), 1.0 / 12, 1.0 / 3);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void correlatedLossKeepsItsRate(long seed) throws Exception {
        double rate = 0.1;
        double c = 0.5;
        // Lost after a loss with c + (1 - c) rate: the chain p = (1 - c) rate, r = (1 - c)(1 - rate).
        checkChain(losses(Impairments.builder().loss(rate, c).build(), seed), (1 - c) * rate, (1 - c) * (1 - rate));
    }

    @Test
    void gilbertElliottWithLossInBothStates() throws Exception {
        // netem's "loss gemodel 1% 10% 70% 0.1%": p = 0.01, r = 0.1, 1-h = 0.7, 1-k = 0.001.
        Impairments ge = Impairments.builder().gilbertElliott(0.01, 0.1, 0.7, 0.001).build();
        double bad = 0.01 / 0.11;
        double expected = bad * 0.7 + (1 - bad) * 0.001;
        double rate = rateAndMeanBurst(losses(ge, 5))[0];
        // Loose bound: the count's variance is at most that of the state chain scaled, times the bad-state loss.
        double lambda = 1 - 0.01 - 0.1;
        double sd = Math.sqrt(bad * (1 - bad) * (1 + lambda) / (1 - lambda) / N) * 0.7 + Math.sqrt(expected / N);
        assertThat(rate).isCloseTo(expected, Offset.offset(Z * sd));
    }

    @Test
    void lossModelsAreValidated() {
        Impairments.Builder b = Impairments.builder();
        assertThatThrownBy(() -> b.burstyLoss(0, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.burstyLoss(0.2, 0.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.burstyLoss(0.9, 1)).hasMessageContaining("p = ");
        assertThatThrownBy(() -> b.loss(0.1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.gilbertElliott(0, 0.5, 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.queueLimit(-1)).isInstanceOf(IllegalArgumentException.class);
        Impairments ge = Impairments.builder().loss(0.1).burstyLoss(0.2, 2).build();
        assertThat(ge.loss()).isZero();
        assertThat(ge.isGilbertElliott()).isTrue();
        assertThat(ge.toBuilder().loss(0.3).build().isGilbertElliott()).isFalse();
        assertThat(ge.toString()).contains("gemodel");
    }

    /**
     * 1 Mbit/s and 1,250-byte packets (1,222 bytes of payload): 10 ms each. With a queue of 10, a burst
     * of 100 keeps the 10 that fit and tail-drops the rest; the last kept one leaves after 100 ms.
     */
    @Test
    void aQueueLimitTailDropsTheBurstBeyondIt() throws Exception {
        Impairments link = Impairments.builder().bandwidth(1_000_000).queueLimit(10).build();
        try (LoopbackNetwork network = LoopbackNetwork.create(LoopbackConfiguration.builder().manualClock(true)
                .impairments(link).build());
             LoopbackTrace trace = network.startTrace()) {
            LoopbackConnection rx = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
            LoopbackConnection tx = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
            for (int i = 0; i < 100; i++) {
                tx.send(ByteBuffer.allocate(1_222), rx.localAddress());
            }
            assertThat(network.stats().droppedByRule()).isEqualTo(90);
            assertThat(trace.count(TraceEvent.Cause.QUEUE_LIMIT)).isEqualTo(90);
            assertThat(network.manualClock().advanceUntilIdle()).isEqualTo(Duration.ofMillis(100));
            assertThat(rx.stats().delivered()).isEqualTo(10);
            // Half-way through, five have left: five places are free again.
            network.manualClock().advance(Duration.ZERO);
            for (int i = 0; i < 10; i++) {
                tx.send(ByteBuffer.allocate(1_222), rx.localAddress());
            }
            network.manualClock().advance(Duration.ofMillis(50));
            for (int i = 0; i < 10; i++) {
                tx.send(ByteBuffer.allocate(1_222), rx.localAddress());
            }
            assertThat(network.stats().droppedByRule()).isEqualTo(95);
        }
    }
}
