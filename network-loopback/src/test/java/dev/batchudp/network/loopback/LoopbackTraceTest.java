package dev.batchudp.network.loopback;

import static dev.batchudp.network.loopback.Sim.at;
import static dev.batchudp.network.loopback.Sim.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.batchudp.network.UdpFamily;
import dev.batchudp.network.loopback.TraceEvent.Cause;
import dev.batchudp.network.loopback.TraceEvent.Kind;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Every datagram's fate, with simulated timestamps, and its JSON Lines and pcapng exports. */
@SuppressWarnings("try") // rules scoped by try-with-resources
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class LoopbackTraceTest {

    /** What a test compares: sequence, copy, kind, cause, time in ms, link. */
    private static String brief(TraceEvent e) {
        return e.sequence() + "." + e.copy() + " " + e.kind().label() + (e.cause() == null ? "" : "/" + e.cause().label())
                + " @" + e.time().toMillis() + " " + e.sourceHost() + ">" + (e.destinationHost() == null ? "?"
                        : e.destinationHost());
    }

    private static LoopbackNetwork network() {
        LoopbackNetwork network = LoopbackNetwork.create(LoopbackConfiguration.builder().manualClock(true)
                .impairments(Impairments.builder().latency(Duration.ofMillis(10)).build()).build());
        network.addHost("a", "10.0.0.1");
        network.addHost("b", "10.0.0.2");
        return network;
    }

    @Test
    void everyFateIsTracedWithItsCauseAndItsTimeOnTheClock() throws Exception {
        try (LoopbackNetwork network = network(); LoopbackTrace trace = network.startTrace()) {
            ManualClock clock = network.manualClock();
            LoopbackConnection a = network.openUdp(UdpFamily.UDP4, at("10.0.0.1:1000"));
            LoopbackConnection b = network.openUdp(UdpFamily.UDP4, at("10.0.0.2:2000"));
            send(a, "delivered", b.localAddress());                                    // #0
            send(a, "nobody", at("10.0.0.2:9"));                                       // #1
            try (InstalledRule r = network.addRule(d -> d.sequence() == 2 ? Verdict.drop()
                    : d.sequence() == 3 ? Verdict.duplicate(Duration.ofMillis(1), Duration.ofMillis(2))
                    : Verdict.pass())) {
                send(a, "ruled out", b.localAddress());                                // #2
                send(a, "twice", b.localAddress());                                    // #3
            }
            clock.advance(Duration.ofMillis(10));
            network.hold("a", "b");
            send(a, "held", b.localAddress());                                         // #4 (arrives at 20)
            clock.advance(Duration.ofMillis(15));
            network.release("a", "b");                                                 // at 25
            network.partition("a", "b");
            send(a, "cut", b.localAddress());                                          // #5
            network.heal("a", "b");
            send(a, "to a crashed host", b.localAddress());                            // #6 (arrives at 35)
            network.host("b").crash();
            clock.advance(Duration.ofMillis(10));
            network.setLinkImpairments("a", "b", Impairments.builder().corrupt(1).build());
            send(a, "x", at("10.0.0.2:2000"));                                         // #7, no delay, host down
            send(a, "elsewhere", at("10.9.9.9:1"));                                    // #8, no host
            clock.advance(Duration.ofMillis(10));

            assertThat(trace.events()).extracting(LoopbackTraceTest::brief).containsExactly(
                    "0.0 sent @0 a>b",
                    "1.0 sent @0 a>b",
                    "2.0 sent @0 a>b",
                    "2.0 dropped/rule @0 a>b",
                    "3.0 sent @0 a>b",
                    "3.1 duplicated @0 a>b",
                    "3.0 delivered @1 a>b",
                    "3.1 delivered @2 a>b",
                    "0.0 delivered @10 a>b",
                    "1.0 dropped/no_listener @10 a>b",
                    "4.0 sent @10 a>b",
                    "4.0 held @20 a>b",
                    "4.0 released @25 a>b",
                    "4.0 delivered @25 a>b",
                    "5.0 sent @25 a>b",
                    "5.0 dropped/partition @25 a>b",
                    "6.0 sent @25 a>b",
                    "6.0 dropped/host_down @35 a>b",
                    "7.0 sent @35 a>b",
                    "7.0 corrupted @35 a>b",
                    "7.0 dropped/host_down @35 a>b",
                    "8.0 sent @35 a>?",
                    "8.0 dropped/no_listener @45 a>?");
            assertThat(trace.events(3)).hasSize(4);
            assertThat(trace.count(Kind.SENT)).isEqualTo(9);
            assertThat(trace.count(Cause.HOST_DOWN)).isEqualTo(2);
            // One outcome per copy, as the counters say.
            LoopbackStats s = network.stats();
            long outcomes = trace.events().stream().filter(TraceEvent::isOutcome).count();
            assertThat(outcomes).isEqualTo(s.sent() + s.duplicated()).isEqualTo(s.delivered() + s.dropped());
        }
    }

    @Test
    void jsonLinesHaveOneObjectPerEvent(@TempDir Path dir) throws Exception {
        try (LoopbackNetwork network = network(); LoopbackTrace trace = network.startTrace()) {
            LoopbackConnection a = network.openUdp(UdpFamily.UDP4, at("10.0.0.1:1000"));
            send(a, "hi", at("10.0.0.2:9"));
            network.manualClock().advance(Duration.ofMillis(10));
            Path file = dir.resolve("trace.jsonl");
            trace.writeJsonLines(file);
            assertThat(Files.readAllLines(file)).containsExactly(
                    "{\"seq\":0,\"copy\":0,\"event\":\"sent\",\"timeNanos\":0,\"from\":\"a\",\"to\":\"b\","
                            + "\"src\":\"10.0.0.1:1000\",\"dst\":\"10.0.0.2:9\",\"length\":2,\"tclass\":0,\"hopLimit\":64}",
                    "{\"seq\":0,\"copy\":0,\"event\":\"dropped\",\"cause\":\"no_listener\",\"timeNanos\":10000000,"
                            + "\"from\":\"a\",\"to\":\"b\",\"src\":\"10.0.0.1:1000\",\"dst\":\"10.0.0.2:9\",\"length\":2,\"tclass\":0,\"hopLimit\":64}");
        }
    }

    /** One pcapng block: type and body. */
    record Block(int type, ByteBuffer body) {}

    static List<Block> blocks(byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        List<Block> blocks = new ArrayList<>();
        while (b.hasRemaining()) {
            int start = b.position();
            int type = b.getInt();
            int length = b.getInt();
            assertThat(length % 4).isZero();
            assertThat(b.getInt(start + length - 4)).as("trailing length").isEqualTo(length);
            ByteBuffer body = b.slice(start + 8, length - 12).order(ByteOrder.LITTLE_ENDIAN);
            blocks.add(new Block(type, body));
            b.position(start + length);
        }
        return blocks;
    }

    /** Options from {@code offset} of a block body: code and UTF-8 value, until opt_endofopt. */
    static List<String> options(ByteBuffer body, int offset) {
        List<String> out = new ArrayList<>();
        int p = offset;
        while (true) {
            int code = body.getShort(p) & 0xffff;
            int length = body.getShort(p + 2) & 0xffff;
            if (code == 0) {
                return out;
            }
            byte[] value = new byte[length];
            body.get(p + 4, value);
            out.add(code + ":" + new String(value, StandardCharsets.UTF_8));
            p += 4 + (length + 3) / 4 * 4;
        }
    }

    @Test
    void pcapngHasAnInterfacePerLinkAndEachPacketsFateInItsComments(@TempDir Path dir) throws Exception {
        try (LoopbackNetwork network = network(); LoopbackTrace trace = network.startTrace()) {
            LoopbackConnection a = network.openUdp(UdpFamily.UDP4, at("10.0.0.1:1000"));
            LoopbackConnection b = network.openUdp(UdpFamily.UDP4, at("10.0.0.2:2000"));
            LoopbackConnection b6 = network.openUdp(UdpFamily.UDP6, at("[::1]:3000"));
            send(a, "hello", b.localAddress());
            send(b, "back", at("10.0.0.1:9"));
            b6.send(ByteBuffer.allocate(UdpFamily.MAX_IPV6_PAYLOAD), at("[::1]:3000")); // the largest datagram
            network.manualClock().advance(Duration.ofMillis(10));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            trace.writePcapng(out);
            Files.write(dir.resolve("trace.pcapng"), out.toByteArray());

            List<Block> blocks = blocks(out.toByteArray());
            assertThat(blocks).extracting(Block::type).containsExactly(0x0A0D0D0A, 1, 6, 1, 6, 1, 6);
            assertThat(blocks.get(0).body().getInt(0)).isEqualTo(0x1A2B3C4D);
            assertThat(options(blocks.get(1).body(), 8)).containsExactly("2:a->b", "9:\t");
            assertThat(options(blocks.get(3).body(), 8)).containsExactly("2:b->a", "9:\t");
            assertThat(options(blocks.get(5).body(), 8)).containsExactly("2:localhost->localhost", "9:\t");
            ByteBuffer first = blocks.get(2).body();
            int captured = first.getInt(12);
            assertThat(captured).isEqualTo(20 + 8 + 5).isEqualTo(first.getInt(16));
            assertThat(options(first, 20 + (captured + 3) / 4 * 4)).containsExactly(
                    "1:#0 sent at 0.000000000 s from a to b",
                    "1:#0 delivered at 0.010000000 s");
            ByteBuffer second = blocks.get(4).body();
            assertThat(second.getInt(0)).as("interface").isEqualTo(1);
            assertThat(options(second, 20 + (second.getInt(12) + 3) / 4 * 4)).containsExactly(
                    "1:#1 sent at 0.000000000 s from b to a",
                    "1:#1 dropped at 0.010000000 s: no_listener");
            ByteBuffer big = blocks.get(6).body();
            assertThat(big.getInt(12)).as("captured, uncut").isEqualTo(40 + 8 + UdpFamily.MAX_IPV6_PAYLOAD)
                    .isEqualTo(big.getInt(16));
        }
    }

    @Test
    void aRuleThatThrowsStillGivesItsDatagramAnOutcome() throws Exception {
        try (LoopbackNetwork network = network(); LoopbackTrace trace = network.startTrace()) {
            LoopbackConnection a = network.openUdp(UdpFamily.UDP4, at("10.0.0.1:1000"));
            LoopbackConnection b = network.openUdp(UdpFamily.UDP4, at("10.0.0.2:2000"));
            network.addRule(d -> {
                throw new IllegalStateException("broken rule");
            });
            assertThatThrownBy(() -> send(a, "boom", b.localAddress())).hasMessage("broken rule");
            LoopbackStats s = network.stats();
            assertThat(s.sent()).isEqualTo(1);
            assertThat(s.droppedByRule()).isEqualTo(1);
            assertThat(a.stats().droppedByRule()).isEqualTo(1);
            assertThat(trace.events()).extracting(LoopbackTraceTest::brief)
                    .containsExactly("0.0 sent @0 a>b", "0.0 dropped/rule_failed @0 a>b");
        }
    }

    @Test
    void closingTheNetworkCountsWhatWasInFlightOrHeld() throws Exception {
        LoopbackNetwork network = network();
        LoopbackTrace trace = network.startTrace();
        LoopbackConnection a = network.openUdp(UdpFamily.UDP4, at("10.0.0.1:1000"));
        LoopbackConnection b = network.openUdp(UdpFamily.UDP4, at("10.0.0.2:2000"));
        send(a, "delivered", b.localAddress());
        network.manualClock().advance(Duration.ofMillis(10));
        network.hold("b", "a");
        send(b, "held", a.localAddress());
        network.manualClock().advance(Duration.ofMillis(10));
        send(b, "in flight", a.localAddress());
        assertThat(network.stats().inFlight()).isEqualTo(2);
        network.close();
        LoopbackStats s = network.stats();
        assertThat(s.inFlight()).isZero();
        assertThat(s.sent()).isEqualTo(3);
        assertThat(s.delivered()).isEqualTo(1);
        assertThat(s.droppedByRule()).isEqualTo(2);
        assertThat(s.sent() + s.duplicated()).isEqualTo(s.delivered() + s.dropped());
        assertThat(trace.count(Cause.NETWORK_CLOSED)).isEqualTo(2);
        assertThat(a.stats().droppedByRule() + b.stats().droppedByRule()).isEqualTo(2);
    }
}
