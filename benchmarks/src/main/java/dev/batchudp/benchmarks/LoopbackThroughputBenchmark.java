package dev.batchudp.benchmarks;

import dev.batchudp.network.UdpFamily;
import dev.batchudp.network.loopback.Impairments;
import dev.batchudp.network.loopback.LoopbackConfiguration;
import dev.batchudp.network.loopback.LoopbackConnection;
import dev.batchudp.network.loopback.LoopbackNetwork;
import dev.batchudp.network.loopback.LoopbackStats;
import dev.batchudp.network.loopback.Verdict;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Datagrams per second through a {@link LoopbackNetwork}, so that the in-memory network is known not
 * to be the bottleneck of the tests that use it.
 *
 * <ul>
 *   <li>{@code pipe}: one sender thread and one receiver thread on one connection pair (a JMH group).
 *       Read {@code pipe:receive}: it counts datagrams the receiver actually consumed.
 *       {@code pipe:send} counts sends, including those dropped because the receiver's queue was full;
 *       the secondary counters {@code received} and {@code timeouts} and the per-iteration line
 *       printed by the tear-down (sent, delivered, dropped) show the difference.
 *   <li>{@code sendThenReceive}: one thread sends a datagram and receives it again: the cost of one
 *       datagram through the network without a thread hand-off.
 * </ul>
 *
 * <p>Each runs with the network unimpaired ({@code impairment=none}: the lock-free, allocation-free
 * path) and with the simulation on: {@code passRule} (one rule that passes everything: the cost of the
 * rule chain, its lock and the seeded random source), {@code loss1pct} (1% loss, synchronous delivery)
 * and {@code latency1to5ms} (1–5 ms latency on the real clock: delivery by the network's scheduler
 * thread; {@code sendThenReceive} then measures the latency, not throughput).
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar LoopbackThroughputBenchmark -f 1 -wi 2 -i 3 -r 2s
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Group)
public class LoopbackThroughputBenchmark {

    /** Payload size in bytes: a WireGuard-sized datagram and a small one. */
    @Param({"1200", "64"})
    public int size;

    /** The simulation: {@code none}, {@code passRule}, {@code loss1pct} or {@code latency1to5ms}. */
    @Param({"none", "passRule", "loss1pct", "latency1to5ms"})
    public String impairment;

    private LoopbackNetwork network;
    private LoopbackConnection sender;
    private LoopbackConnection receiver;
    private InetSocketAddress target;
    private LoopbackStats before;
    /** Whether a sent datagram may be lost (then sendThenReceive checks the queue before receiving). */
    private boolean lossy;

    /**
     * Opens the network and the two connections.
     *
     * @throws IOException never, in practice
     */
    @Setup(Level.Trial)
    public void open() throws IOException {
        network = LoopbackNetwork.create(LoopbackConfiguration.defaults().toBuilder()
                .recordOpenStackTraces(false).build());
        switch (impairment) {
            case "none":
                break;
            case "passRule":
                network.addRule(d -> Verdict.pass());
                break;
            case "loss1pct":
                network.setImpairments(Impairments.builder().loss(0.01).build());
                lossy = true;
                break;
            case "latency1to5ms":
                network.setImpairments(Impairments.builder()
                        .latency(Duration.ofMillis(1), Duration.ofMillis(5)).build());
                break;
            default:
                throw new IllegalArgumentException("unknown impairment " + impairment);
        }
        receiver = network.openUdp(UdpFamily.UDP4, new InetSocketAddress("127.0.0.1", 0));
        sender = network.openUdp(UdpFamily.UDP4, new InetSocketAddress("127.0.0.1", 0));
        // The receiver must return when the sender stops at the end of an iteration.
        receiver.setReadTimeout(Duration.ofMillis(10));
        target = receiver.localAddress();
    }

    /** Remembers the counters at the start of an iteration. */
    @Setup(Level.Iteration)
    public void mark() {
        before = network.stats();
    }

    /** Prints what happened to the datagrams of the iteration. */
    @TearDown(Level.Iteration)
    public void report() {
        LoopbackStats now = network.stats();
        long sent = now.sent() - before.sent();
        long delivered = now.delivered() - before.delivered();
        long dropped = now.dropped() - before.dropped();
        System.out.printf(Locale.ROOT, "%n  [loopback] sent %,d, delivered %,d, dropped %,d (%.1f%%: queue full)%n",
                sent, delivered, dropped, sent == 0 ? 0.0 : 100.0 * dropped / sent);
    }

    /** Closes the network. */
    @TearDown(Level.Trial)
    public void close() {
        network.close();
    }

    /** The sender's buffer, reused for every datagram. */
    @State(Scope.Thread)
    public static class SendBuffer {
        ByteBuffer buffer;

        /**
         * Allocates the buffer.
         *
         * @param benchmark the group state, for the size
         */
        @Setup(Level.Trial)
        public void allocate(LoopbackThroughputBenchmark benchmark) {
            buffer = ByteBuffer.allocate(benchmark.size);
        }
    }

    /** The receiver's buffer and counters of what it got. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class ReceiveSide {
        ByteBuffer buffer = ByteBuffer.allocate(65_536);

        /** Datagrams received (a rate, like the primary score). */
        public long received;

        /** Receives that timed out because the sender had stopped (should be ~0 per second). */
        public long timeouts;

        /** Clears the counters for the next iteration. */
        @Setup(Level.Iteration)
        public void clear() {
            received = 0;
            timeouts = 0;
        }
    }

    /**
     * Sends one datagram.
     *
     * @param side the sender's buffer
     * @throws IOException never, in practice
     */
    @Benchmark
    @Group("pipe")
    @GroupThreads(1)
    public void send(SendBuffer side) throws IOException {
        ByteBuffer b = side.buffer;
        b.clear();
        sender.send(b, target);
    }

    /**
     * Receives one datagram.
     *
     * @param side the receiver's buffer and counters
     * @return the sender, so that the call cannot be optimised away
     * @throws IOException never, in practice
     */
    @Benchmark
    @Group("pipe")
    @GroupThreads(1)
    public InetSocketAddress receive(ReceiveSide side) throws IOException {
        ByteBuffer b = side.buffer;
        b.clear();
        try {
            InetSocketAddress from = receiver.receive(b);
            side.received++;
            return from;
        } catch (SocketTimeoutException e) {
            side.timeouts++;
            return null;
        }
    }

    /**
     * Sends a datagram and receives it on the same thread.
     *
     * @param out consumes the result
     * @throws IOException never, in practice
     */
    @Benchmark
    @Group("sendThenReceive")
    @GroupThreads(1)
    public void sendThenReceive(Blackhole out) throws IOException {
        ByteBuffer b = sendThenReceiveBuffer;
        b.clear().limit(size);
        sender.send(b, target);
        if (lossy && receiver.stats().queuedDatagrams() == 0) {
            return; // lost: delivery is synchronous, so there is nothing to wait for
        }
        b.clear();
        out.consume(receiver.receive(b));
    }

    private final ByteBuffer sendThenReceiveBuffer = ByteBuffer.allocate(65_536);
}
