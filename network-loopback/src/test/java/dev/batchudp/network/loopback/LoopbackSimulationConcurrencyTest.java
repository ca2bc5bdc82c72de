package dev.batchudp.network.loopback;

import static dev.batchudp.network.loopback.Sim.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.batchudp.network.UdpFamily;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Many senders and receivers on one impaired network: nothing is lost that the configuration did not
 * drop, and the counters add up exactly.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LoopbackSimulationConcurrencyTest {
    private static final int HOSTS = 4;
    private static final int PER_SENDER = 20_000;

    private static void run(Impairments impairments, boolean withRule) throws Exception {
        LoopbackConfiguration config = LoopbackConfiguration.builder().impairments(impairments)
                .receiveQueueCapacity(HOSTS * PER_SENDER * 2).recordOpenStackTraces(false).build();
        ExecutorService pool = Executors.newFixedThreadPool(2 * HOSTS);
        try (LoopbackNetwork network = LoopbackNetwork.create(config)) {
            if (withRule) {
                network.addRule(d -> d.sequence() % 97 == 0 ? Verdict.drop() : Verdict.pass());
            }
            List<LoopbackConnection> connections = new ArrayList<>();
            for (int h = 0; h < HOSTS; h++) {
                network.addHost("h" + h, "10.0.0." + (h + 1));
                connections.add(network.openUdp(UdpFamily.UDP4, at("10.0.0." + (h + 1) + ":5000")));
            }
            List<Future<Long>> receivers = new ArrayList<>();
            for (LoopbackConnection c : connections) {
                receivers.add(pool.submit(() -> {
                    ByteBuffer buf = ByteBuffer.allocate(64);
                    c.setReadTimeout(Duration.ofMillis(50));
                    long n = 0;
                    try {
                        while (true) {
                            try {
                                c.receive(buf.clear());
                                n++;
                            } catch (SocketTimeoutException idle) {
                                // keep going until closed
                            }
                        }
                    } catch (ClosedChannelException closed) {
                        return n;
                    }
                }));
            }
            List<Future<?>> senders = new ArrayList<>();
            for (int h = 0; h < HOSTS; h++) {
                LoopbackConnection from = connections.get(h);
                int me = h;
                senders.add(pool.submit(() -> {
                    ByteBuffer buf = ByteBuffer.allocate(32);
                    for (int i = 0; i < PER_SENDER; i++) {
                        LoopbackConnection to = connections.get((me + 1 + i % (HOSTS - 1)) % HOSTS);
                        from.send(buf.clear(), to.localAddress());
                    }
                    return null;
                }));
            }
            for (Future<?> f : senders) {
                f.get();
            }
            // Wait for everything in flight (real-time clock) and for the receivers to drain.
            while (network.stats().inFlight() > 0
                    || connections.stream().anyMatch(c -> c.stats().queuedDatagrams() > 0)) {
                Thread.sleep(5);
            }
            LoopbackStats s = network.stats();
            List<LoopbackConnectionStats> before = connections.stream().map(LoopbackConnection::stats).toList();
            for (LoopbackConnection c : connections) {
                c.close();
            }
            long received = 0;
            for (Future<Long> f : receivers) {
                received += f.get();
            }
            assertThat(s.sent()).isEqualTo((long) HOSTS * PER_SENDER);
            assertThat(s.droppedNoListener()).isZero();
            assertThat(s.droppedQueueFull()).isZero();
            assertThat(s.inFlight()).isZero();
            assertThat(s.sent() + s.duplicated()).isEqualTo(s.delivered() + s.droppedByRule());
            assertThat(received).isEqualTo(s.delivered());
            assertThat(before.stream().mapToLong(LoopbackConnectionStats::sent).sum()).isEqualTo(s.sent());
            assertThat(before.stream().mapToLong(LoopbackConnectionStats::delivered).sum()).isEqualTo(s.delivered());
            assertThat(before.stream().mapToLong(LoopbackConnectionStats::droppedByRule).sum())
                    .isEqualTo(s.droppedByRule());
            assertThat(before.stream().mapToLong(LoopbackConnectionStats::duplicated).sum())
                    .isEqualTo(s.duplicated());
            long linkSent = 0;
            long linkDelivered = 0;
            for (LoopbackHost a : network.hosts()) {
                for (LoopbackHost b : network.hosts()) {
                    LoopbackLinkStats l = network.linkStats(a.name(), b.name());
                    linkSent += l.sent();
                    linkDelivered += l.delivered();
                }
            }
            assertThat(linkSent).isEqualTo(s.sent());
            assertThat(linkDelivered).isEqualTo(s.delivered());
            if (impairments.loss() > 0 || withRule) {
                assertThat(s.droppedByRule()).isPositive();
            }
            if (impairments.duplicate() > 0) {
                assertThat(s.duplicated()).isPositive();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void synchronousLossAndDuplicationUnderLoad() throws Exception {
        run(Impairments.builder().loss(0.05).duplicate(0.05).build(), true);
    }

    @Test
    void delayedDeliveryOnTheRealTimeSchedulerUnderLoad() throws Exception {
        run(Impairments.builder().loss(0.02).duplicate(0.02)
                .latency(Duration.ZERO, Duration.ofMillis(2)).build(), false);
    }
}
