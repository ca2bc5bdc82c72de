package dev.batchudp.network.loopback.junit5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.batchudp.network.UdpFamily;
import dev.batchudp.network.loopback.Impairments;
import dev.batchudp.network.loopback.LoopbackConnection;
import dev.batchudp.network.loopback.LoopbackHost;
import dev.batchudp.network.loopback.LoopbackNetwork;
import dev.batchudp.network.loopback.LoopbackTrace;
import dev.batchudp.network.loopback.ManualClock;
import dev.batchudp.network.loopback.TraceEvent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's simulated-time, restart, trace and seed-sweep snippets, each a test method here, kept
 * identical to the README by {@link #theReadmeShowsTheseTestsVerbatim()}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReadmeSimulationTest {
    private static final Path SOURCE =
            Path.of("src/test/java/dev/batchudp/network/loopback/junit5/ReadmeSimulationTest.java");
    private static final Path README = Path.of("../README.md");

    @Test
    @SimulatedNetwork(autoAdvance = true)           // the clock jumps when every participant waits
    void aThirtySecondTimeoutTakesNoRealTime(LoopbackNetwork net, ManualClock clock) throws Exception {
        ScheduledExecutorService timers = clock.newScheduledExecutor();  // inject it, and clock as an InstantSource
        ScheduledFuture<Instant> fired = timers.schedule(clock::instant, 10, TimeUnit.SECONDS);
        try (LoopbackConnection c = net.openUdp(UdpFamily.UDP4, new InetSocketAddress("127.0.0.1", 7))) {
            c.setReadTimeout(Duration.ofSeconds(30));                     // receive timeouts run on the clock
            assertThatThrownBy(() -> c.receive(ByteBuffer.allocate(64))).isInstanceOf(SocketTimeoutException.class);
        }
        assertThat(clock.elapsed()).isEqualTo(Duration.ofSeconds(30));   // in microseconds of real time
        assertThat(fired.get()).isEqualTo(Instant.EPOCH.plusSeconds(10));
    }

    @Test
    @SimulatedNetwork
    void aCrashedServerComesBack(LoopbackNetwork net) throws Exception {
        LoopbackHost server = net.addHost("server", "10.0.0.2");
        InetSocketAddress service = new InetSocketAddress("10.0.0.2", 7);
        LoopbackConnection first = server.openUdp(UdpFamily.UDP4, service);
        try (LoopbackConnection client = net.addHost("client", "10.0.0.1")
                .openUdp(UdpFamily.UDP4, new InetSocketAddress("10.0.0.1", 0))) {
            server.crash();                                               // its connections close
            assertThat(first.isOpen()).isFalse();
            client.send(ByteBuffer.wrap(new byte[] {1}), service);        // dropped: host down, and counted
            server.restart();                                             // same addresses, every port free
            try (LoopbackConnection again = server.openUdp(UdpFamily.UDP4, service)) {
                client.send(ByteBuffer.wrap(new byte[] {2}), service);
                assertThat(again.stats().delivered()).isEqualTo(1);
            }
            assertThat(net.linkStats("client", "server").droppedNoListener()).isEqualTo(1);
        }
    }

    @Test
    @SimulatedNetwork(seed = 7, manualClock = true)
    void everyDatagramsFate(LoopbackNetwork net, ManualClock clock, @TempDir Path dir) throws Exception {
        net.setImpairments(Impairments.builder().burstyLoss(0.2, 3).latency(Duration.ofMillis(10)).build());
        try (LoopbackTrace trace = net.startTrace();
             LoopbackConnection a = net.openUdp(UdpFamily.UDP4, new InetSocketAddress("127.0.0.1", 0));
             LoopbackConnection b = net.openUdp(UdpFamily.UDP4, new InetSocketAddress("127.0.0.1", 0))) {
            for (int i = 0; i < 100; i++) {
                a.send(ByteBuffer.wrap(new byte[] {(byte) i}), b.localAddress());
            }
            clock.advance(Duration.ofMillis(10));
            assertThat(trace.count(TraceEvent.Kind.DELIVERED) + trace.count(TraceEvent.Cause.LOSS)).isEqualTo(100);
            assertThat(trace.events(0).get(0).kind()).isEqualTo(TraceEvent.Kind.SENT);
            trace.writeJsonLines(dir.resolve("fates.jsonl"));             // one JSON object per event
            trace.writePcapng(dir.resolve("fates.pcapng"));               // Wireshark shows each fate as a comment
        }
    }

    @Test
    @SimulatedNetwork(seeds = 200, autoAdvance = true)   // stops at the first failing seed and names it
    void aRetriedPingSurvivesBurstyLoss(LoopbackNetwork net, ManualClock clock) throws Exception {
        net.setImpairments(Impairments.builder().burstyLoss(0.2, 3).latency(Duration.ofMillis(20)).build());
        try (LoopbackConnection server = net.openUdp(UdpFamily.UDP4, new InetSocketAddress("127.0.0.1", 7));
             LoopbackConnection client = net.openUdp(UdpFamily.UDP4, new InetSocketAddress("127.0.0.1", 0))) {
            clock.threadFactory().newThread(() -> {                       // a server thread the clock waits for
                ByteBuffer buf = ByteBuffer.allocate(8);
                try {
                    while (true) {
                        InetSocketAddress from = server.receive(buf.clear());
                        server.send(buf.flip(), from);
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            }).start();
            client.setReadTimeout(Duration.ofSeconds(1));
            for (int attempt = 1; ; attempt++) {                          // every second, for up to 30 s
                client.send(ByteBuffer.wrap(new byte[] {1}), server.localAddress());
                try {
                    client.receive(ByteBuffer.allocate(8));
                    break;
                } catch (SocketTimeoutException e) {
                    assertThat(attempt).isLessThan(30);
                }
            }
        }
    }

    /**
     * Each {@code java} block of the README's testing section that starts with {@code @Test} is a method
     * of this class.
     */
    @Test
    void theReadmeShowsTheseTestsVerbatim() throws IOException {
        String source = unindent(Files.readString(SOURCE, StandardCharsets.UTF_8));
        String readme = Files.readString(README, StandardCharsets.UTF_8);
        int start = readme.indexOf("## Testing your code with the loopback network");
        assertThat(start).isNotNegative();
        int end = readme.indexOf("\n## ", start);
        String section = readme.substring(start, end < 0 ? readme.length() : end);
        List<String> snippets = new ArrayList<>();
        String[] parts = section.split("```java\n");
        for (int i = 1; i < parts.length; i++) {
            String block = parts[i].substring(0, parts[i].indexOf("```"));
            if (block.startsWith("@Test")) {
                snippets.add(block);
            }
        }
        assertThat(snippets).hasSize(4);
        for (String snippet : snippets) {
            assertThat(source).contains(unindent(snippet));
        }
    }

    /** Drops every line's leading spaces, so that the README's blocks compare with the indented methods. */
    private static String unindent(String text) {
        return text.lines().map(String::stripLeading).reduce("", (a, b) -> a + b + "\n");
    }
}
