package dev.batchudp.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.batchudp.network.UdpConnection;
import dev.batchudp.network.UdpFamily;
import dev.batchudp.network.loopback.Impairments;
import dev.batchudp.network.loopback.LoopbackHost;
import dev.batchudp.network.loopback.LoopbackNetwork;
import dev.batchudp.network.loopback.LoopbackTrace;
import dev.batchudp.network.loopback.ManualClock;
import dev.batchudp.network.loopback.TraceEvent;
import dev.batchudp.network.loopback.junit5.SimulatedNetwork;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link RetryingRequest} on simulated time: its 30-second give-up and retry timers run on the loopback
 * network's auto-advancing clock, so a thousand lossy scenarios take seconds of real time.
 */
class RetryingRequestTest {
    private static final InetSocketAddress SERVER = new InetSocketAddress("10.0.0.2", 7);

    /** Starts the server on a thread the clock waits for. */
    private static UdpConnection startServer(LoopbackNetwork network, ManualClock clock) throws IOException {
        LoopbackHost host = network.host("server");
        UdpConnection server = host.openUdp(UdpFamily.UDP4, SERVER);
        clock.threadFactory().newThread(() -> {
            try {
                RetryingRequest.serve(server);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).start();
        return server;
    }

    /** 20 % bursty loss (mean burst 3) both ways, 10–50 ms latency: every request is answered. */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    @SimulatedNetwork(seed = 1, seeds = 1000, autoAdvance = true)
    void everyRequestIsAnsweredUnderTwentyPercentBurstyLoss(LoopbackNetwork network, ManualClock clock)
            throws Exception {
        network.setImpairments(Impairments.builder().burstyLoss(0.2, 3)
                .latency(Duration.ofMillis(10), Duration.ofMillis(50)).build());
        LoopbackHost client = network.addHost("client", "10.0.0.1");
        network.addHost("server", "10.0.0.2");
        try (UdpConnection server = startServer(network, clock);
             UdpConnection connection = client.openUdp(UdpFamily.UDP4, new InetSocketAddress("10.0.0.1", 0))) {
            RetryingRequest.Client requests = new RetryingRequest.Client(connection, SERVER, clock);
            for (int i = 0; i < 5; i++) {
                byte[] body = ("request " + i).getBytes(StandardCharsets.UTF_8);
                assertThat(requests.request(body)).isEqualTo(body);
            }
            assertThat(clock.elapsed()).isLessThan(Duration.ofSeconds(5 * 30));
            assertThat(server.isOpen()).isTrue();
        }
    }

    /** With the server down the client tries 31 times (at 0, 0.5 and 1.25 s, then every second from 2.25 s). */
    @Test
    @Timeout(10)
    @SimulatedNetwork(seed = 1, autoAdvance = true)
    void givesUpAfterExactlyThirtySimulatedSeconds(LoopbackNetwork network, ManualClock clock) throws Exception {
        LoopbackHost client = network.addHost("client", "10.0.0.1");
        network.addHost("server", "10.0.0.2").crash();
        network.setImpairments(Impairments.builder().latency(Duration.ofMillis(20)).build());
        try (LoopbackTrace trace = network.startTrace();
             UdpConnection connection = client.openUdp(UdpFamily.UDP4, new InetSocketAddress("10.0.0.1", 0))) {
            RetryingRequest.Client requests = new RetryingRequest.Client(connection, SERVER, clock);
            assertThatThrownBy(() -> requests.request(new byte[] {1})).isInstanceOf(TimeoutException.class)
                    .hasMessageContaining("31 attempts");
            assertThat(clock.elapsed()).isEqualTo(Duration.ofSeconds(30));
            assertThat(trace.count(TraceEvent.Kind.SENT)).isEqualTo(31);
            assertThat(trace.count(TraceEvent.Cause.HOST_DOWN)).isEqualTo(31);
            // The last attempt, at 29.25 s, reaches the crashed host 20 ms later.
            assertThat(trace.events().get(trace.events().size() - 1).time()).isEqualTo(Duration.ofMillis(29_270));
        }
    }

    /** The server's host crashes; a task on the simulated clock restarts it 10 s later; the request succeeds. */
    @Test
    @Timeout(10)
    @SimulatedNetwork(seed = 1, autoAdvance = true)
    void survivesAServerRestart(LoopbackNetwork network, ManualClock clock) throws Exception {
        LoopbackHost client = network.addHost("client", "10.0.0.1");
        LoopbackHost serverHost = network.addHost("server", "10.0.0.2");
        network.setImpairments(Impairments.builder().latency(Duration.ofMillis(20)).build());
        startServer(network, clock);
        serverHost.crash();
        clock.newScheduledExecutor().schedule(() -> {
            serverHost.restart();
            return startServer(network, clock);
        }, 10, TimeUnit.SECONDS);
        try (UdpConnection connection = client.openUdp(UdpFamily.UDP4, new InetSocketAddress("10.0.0.1", 0))) {
            RetryingRequest.Client requests = new RetryingRequest.Client(connection, SERVER, clock);
            assertThat(requests.request(new byte[] {42})).containsExactly(42);
            // Attempts at 9.25 s (host down) and 10.25 s (answered 40 ms later).
            assertThat(clock.elapsed()).isEqualTo(Duration.ofMillis(10_290));
        }
        serverHost.crash(); // closes the restarted server's connection for the leak check
    }
}
