package dev.batchudp.network.loopback;

import static dev.batchudp.network.loopback.Sim.at;
import static dev.batchudp.network.loopback.Sim.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.batchudp.network.UdpFamily;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Receive timeouts, executors and auto-advance on the network's manual clock. */
@SuppressWarnings("try") // participations are scopes, not resources used in the block
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class LoopbackSimulatedTimeTest {

    private static LoopbackNetwork manual() {
        return LoopbackNetwork.create(LoopbackConfiguration.builder().manualClock(true).build());
    }

    private static LoopbackNetwork auto(long seed, Impairments impairments) {
        return LoopbackNetwork.create(LoopbackConfiguration.builder().autoAdvance(true).seed(seed)
                .impairments(impairments).build());
    }

    @Test
    void aReceiveTimeoutRunsOnTheManualClockNotOnRealTime() throws Exception {
        try (LoopbackNetwork network = manual()) {
            ManualClock clock = network.manualClock();
            LoopbackConnection c = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
            c.setReadTimeout(Duration.ofMillis(300));
            CompletableFuture<Duration> timedOutAt = new CompletableFuture<>();
            clock.threadFactory().newThread(() -> {
                try {
                    c.receive(ByteBuffer.allocate(16));
                    timedOutAt.completeExceptionally(new AssertionError("received something"));
                } catch (SocketTimeoutException e) {
                    timedOutAt.complete(clock.elapsed());
                } catch (Exception e) {
                    timedOutAt.completeExceptionally(e);
                }
            }).start();
            clock.advance(Duration.ofMillis(299));   // waits until the receiver waits, then moves
            assertThat(timedOutAt).isNotDone();
            clock.advance(Duration.ofMillis(1));
            assertThat(timedOutAt.get(10, TimeUnit.SECONDS)).isEqualTo(Duration.ofMillis(300));
        }
    }

    @Test
    void aDatagramArrivingBeforeTheSimulatedTimeoutIsReceived() throws Exception {
        try (LoopbackNetwork network = manual()) {
            network.setImpairments(Impairments.builder().latency(Duration.ofMillis(250)).build());
            ManualClock clock = network.manualClock();
            LoopbackConnection rx = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
            LoopbackConnection tx = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
            rx.setReadTimeout(Duration.ofMillis(300));
            CompletableFuture<Duration> receivedAt = new CompletableFuture<>();
            clock.threadFactory().newThread(() -> {
                try {
                    rx.receive(ByteBuffer.allocate(16));
                    receivedAt.complete(clock.elapsed());
                } catch (Exception e) {
                    receivedAt.completeExceptionally(e);
                }
            }).start();
            send(tx, "hi", rx.localAddress());
            clock.advance(Duration.ofSeconds(1));
            assertThat(receivedAt.get(10, TimeUnit.SECONDS)).isEqualTo(Duration.ofMillis(250));
            assertThat(clock.elapsed()).isEqualTo(Duration.ofSeconds(1));
        }
    }

    @Test
    void closingWakesAReceiverWaitingOnSimulatedTime() throws Exception {
        LoopbackNetwork network = manual();
        LoopbackConnection c = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
        CompletableFuture<Throwable> failure = new CompletableFuture<>();
        network.clock().threadFactory().newThread(() -> {
            try {
                c.receive(ByteBuffer.allocate(16));
            } catch (Exception e) {
                failure.complete(e);
            }
        }).start();
        network.manualClock().advance(Duration.ZERO); // returns once the receiver waits
        network.close();
        assertThat(failure.get(10, TimeUnit.SECONDS)).isInstanceOf(AsynchronousCloseException.class);
    }

    @Test
    void theExecutorRunsDelayedAndPeriodicTasksAtTheirSimulatedTimes() throws Exception {
        try (LoopbackNetwork network = manual()) {
            ManualClock clock = network.manualClock();
            ScheduledExecutorService executor = clock.newScheduledExecutor();
            InstantSource time = clock;
            List<Duration> ticks = Collections.synchronizedList(new ArrayList<>());
            List<Instant> once = Collections.synchronizedList(new ArrayList<>());
            ScheduledFuture<?> periodic = executor.scheduleAtFixedRate(() -> ticks.add(clock.elapsed()),
                    1, 2, TimeUnit.SECONDS);
            ScheduledFuture<String> delayed = executor.schedule(() -> {
                once.add(time.instant());
                return "done";
            }, 5, TimeUnit.SECONDS);
            assertThat(delayed.getDelay(TimeUnit.SECONDS)).isEqualTo(5);
            clock.advance(Duration.ofMillis(4_999));
            assertThat(delayed.isDone()).isFalse();
            clock.advance(Duration.ofMillis(1));
            assertThat(delayed.get()).isEqualTo("done");
            assertThat(once).containsExactly(Instant.EPOCH.plusSeconds(5));
            clock.advance(Duration.ofSeconds(5));
            periodic.cancel(false);
            clock.advance(Duration.ofSeconds(5));
            assertThat(ticks).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(5),
                    Duration.ofSeconds(7), Duration.ofSeconds(9));
            executor.shutdown();
            assertThat(executor.awaitTermination(1, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void futuresOfTheExecutorWaitOnSimulatedTime() throws Exception {
        try (LoopbackNetwork network = auto(1, Impairments.none())) {
            ManualClock clock = network.manualClock();
            ScheduledExecutorService executor = clock.newScheduledExecutor();
            try (ManualClock.Participation p = clock.participate()) {
                ScheduledFuture<Duration> late = executor.schedule(clock::elapsed, 1, TimeUnit.HOURS);
                assertThatThrownBy(() -> late.get(30, TimeUnit.MINUTES)).isInstanceOf(TimeoutException.class);
                assertThat(clock.elapsed()).isEqualTo(Duration.ofMinutes(30));
                assertThat(late.get()).isEqualTo(Duration.ofHours(1));
            }
        }
    }

    /**
     * A client that retries every second until a 30 s deadline, against a server that answers the
     * fourth request: with auto-advance the scenario takes simulated seconds and real milliseconds.
     */
    @Test
    void autoAdvanceJumpsToTheNextEventWhenEveryParticipantWaits() throws Exception {
        try (LoopbackNetwork network = auto(1, Impairments.builder().latency(Duration.ofMillis(10)).build())) {
            ManualClock clock = network.manualClock();
            network.addHost("client", "10.0.0.1");
            network.addHost("server", "10.0.0.2");
            LoopbackConnection server = network.openUdp(UdpFamily.UDP4, at("10.0.0.2:7"));
            LoopbackConnection client = network.openUdp(UdpFamily.UDP4, at("10.0.0.1:0"));
            AtomicInteger requests = new AtomicInteger();
            clock.threadFactory().newThread(() -> echoEveryFourth(server, requests)).start();
            List<Duration> attempts = new ArrayList<>();
            String answer;
            try (ManualClock.Participation p = clock.participate()) {
                answer = request(client, server.localAddress(), clock, attempts);
            }
            assertThat(answer).isEqualTo("pong");
            assertThat(attempts).containsExactly(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(2),
                    Duration.ofSeconds(3));
            // Request at 3 s, 10 ms there, 10 ms back.
            assertThat(clock.elapsed()).isEqualTo(Duration.ofMillis(3_020));
        }
    }

    @Test
    void aTimeoutWithNothingScheduledJumpsStraightToIt() throws Exception {
        try (LoopbackNetwork network = auto(1, Impairments.none())) {
            ManualClock clock = network.manualClock();
            LoopbackConnection c = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
            c.setReadTimeout(Duration.ofSeconds(30));
            try (ManualClock.Participation p = clock.participate()) {
                assertThatThrownBy(() -> c.receive(ByteBuffer.allocate(8)))
                        .isInstanceOf(SocketTimeoutException.class).hasMessageContaining("simulated time");
            }
            assertThat(clock.elapsed()).isEqualTo(Duration.ofSeconds(30));
        }
    }

    @Test
    void autoAdvanceRunsAreRepeatable() throws Exception {
        assertThat(lossyRun(7)).isEqualTo(lossyRun(7));
        assertThat(lossyRun(7)).isNotEqualTo(lossyRun(8));
    }

    /** Attempts and answer times of a retrying client under 30 % loss, on simulated time. */
    private static List<Duration> lossyRun(long seed) throws Exception {
        Impairments lossy = Impairments.builder().loss(0.3)
                .latency(Duration.ofMillis(5), Duration.ofMillis(50)).build();
        try (LoopbackNetwork network = auto(seed, lossy)) {
            ManualClock clock = network.manualClock();
            LoopbackConnection server = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:7"));
            LoopbackConnection client = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
            clock.threadFactory().newThread(() -> echoEveryFourth(server, null)).start();
            List<Duration> attempts = new ArrayList<>();
            try (ManualClock.Participation p = clock.participate()) {
                for (int i = 0; i < 20; i++) {
                    request(client, server.localAddress(), clock, attempts);
                    attempts.add(clock.elapsed());
                }
            }
            return attempts;
        }
    }

    /** Answers "pong" to every request, or to every fourth when {@code count} is given, until closed. */
    private static void echoEveryFourth(LoopbackConnection server, AtomicInteger count) {
        ByteBuffer buf = ByteBuffer.allocate(64);
        try {
            while (true) {
                buf.clear();
                InetSocketAddress from = server.receive(buf);
                if (count == null || count.incrementAndGet() % 4 == 0) {
                    server.send(ByteBuffer.wrap("pong".getBytes(StandardCharsets.UTF_8)), from);
                }
            }
        } catch (java.io.IOException closed) {
            // the network closed
        }
    }

    private static String request(LoopbackConnection client, InetSocketAddress server, ManualClock clock,
            List<Duration> attempts) throws Exception {
        client.setReadTimeout(Duration.ofSeconds(1));
        Duration deadline = clock.elapsed().plusSeconds(30);
        ByteBuffer buf = ByteBuffer.allocate(64);
        while (clock.elapsed().compareTo(deadline) < 0) {
            attempts.add(clock.elapsed());
            send(client, "ping", server);
            try {
                buf.clear();
                client.receive(buf);
                return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
            } catch (SocketTimeoutException e) {
                // retry
            }
        }
        throw new AssertionError("no answer in 30 s");
    }
}
