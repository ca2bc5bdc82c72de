package dev.batchudp.benchmarks;

import dev.batchudp.bind.Bind;
import dev.batchudp.bind.Endpoint;
import dev.batchudp.bind.ReceiveFunc;
import dev.batchudp.bind.StdNetBind;
import dev.batchudp.bind.StdNetBindOptions;
import dev.batchudp.network.UdpFamily;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The Java cost per datagram of each Linux path, without the kernel: {@code StdNetBind} on
 * bind-linux's sockets and {@code LinuxBatchingConn}, through a {@link FakeKernel} whose
 * {@code sendmmsg} accepts everything at once and whose {@code recvmmsg} reports 128 datagrams per
 * read as the kernel would (sender addresses, packet information, and with GRO coalesced messages with
 * their {@code UDP_GRO} records, so the reader decodes and splits as it does for real). Java-side
 * regressions show up here without network noise.
 *
 * <ul>
 *   <li>{@code offload=plain}: no GSO, no GRO: a send of 128 is one {@code sendmmsg} of 128 entries;
 *       a copying receive is one {@code recvmmsg} of 128 into the caller's buffers, a lending one 16
 *       reads of 8 into the bind's windows.
 *   <li>{@code offload=gso-gro}: a send of 128 × 1200 B is planned into 54 + 54 + 20 segments; a read
 *       returns three coalesced messages, split into 128 datagrams (copied out, or lent).
 *   <li>{@code send}: to an endpoint without a sticky source; {@code sendSticky}: to an endpoint that
 *       came from a receive, so every entry carries a packet-information record.
 * </ul>
 *
 * <p>Scores are nanoseconds per datagram ({@link OperationsPerInvocation}); with {@code -prof gc},
 * {@code gc.alloc.rate.norm} is bytes allocated per datagram.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar FakeKernelBenchmark -prof gc
 * java -jar benchmarks/target/benchmarks.jar FakeKernelBenchmark -p size=64,1200,1420 -p family=4,6
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FakeKernelBenchmark {
    static final int DATAGRAMS = 128;

    /** {@code plain} (no GSO, no GRO) or {@code gso-gro}. */
    @Param({"plain", "gso-gro"})
    public String offload;

    /** Payload bytes per datagram. */
    @Param({"1200"})
    public int size;

    /** 4 for IPv4 sockets, 6 for IPv6. */
    @Param({"4"})
    public int family;

    private FakeKernelNetwork network;
    private StdNetBind sender;
    private StdNetBind receiver;
    private ReceiveFunc func;
    private Endpoint target;
    private Endpoint sticky;
    private ByteBuffer[] out;
    private ByteBuffer[] packets;
    private int[] sizes;
    private Endpoint[] eps;

    /**
     * Opens two binds on the fake kernel and checks that they batch with the offloads asked for.
     *
     * @throws IOException never, from the fake
     */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        boolean offloads = offload.equals("gso-gro");
        if (!offloads && !offload.equals("plain")) {
            throw new IllegalArgumentException("offload: plain or gso-gro, not " + offload);
        }
        boolean v6 = family == 6;
        int limit = v6 ? ThroughputHarness.MAX_GSO_PAYLOAD_V6 : ThroughputHarness.MAX_GSO_PAYLOAD_V4;
        int perMessage = Math.max(1, Math.min(ThroughputHarness.MAX_GSO_SEGMENTS, limit / size));
        network = new FakeKernelNetwork(new FakeKernel(size, DATAGRAMS, perMessage), offloads, offloads);
        StdNetBindOptions options = StdNetBindOptions.builder().batchingProvider(network.batching()).build();
        sender = StdNetBind.create(network, options);
        receiver = StdNetBind.create(network, options);
        Bind.Opened opened = receiver.open(0);
        sender.open(0);
        UdpFamily udp = v6 ? UdpFamily.UDP6 : UdpFamily.UDP4;
        if (!sender.isBatching(udp) || !receiver.isBatching(udp) || sender.batchSize() != DATAGRAMS) {
            throw new IllegalStateException("the binds do not batch on the fake kernel");
        }
        for (ReceiveFunc f : opened.receiveFuncs()) {
            if (f.name().equals(v6 ? "v6" : "v4")) {
                func = f;
            }
        }
        target = sender.parseEndpoint((v6 ? "[::1]:" : "127.0.0.1:") + opened.port());
        out = new ByteBuffer[DATAGRAMS];
        ByteBuffer block = ByteBuffer.allocateDirect(size * DATAGRAMS);
        for (int i = 0; i < DATAGRAMS; i++) {
            out[i] = block.slice(i * size, size);
        }
        packets = new ByteBuffer[DATAGRAMS];
        for (int i = 0; i < DATAGRAMS; i++) {
            packets[i] = ByteBuffer.allocateDirect(Math.max(2048, size));
        }
        sizes = new int[DATAGRAMS];
        eps = new Endpoint[DATAGRAMS];
        // A copying plain read offers the kernel 16 slots at first and doubles the offer while reads
        // fill it: read until one call returns the whole batch, as every call then does.
        int n = 0;
        for (int i = 0; i < 8 && n != DATAGRAMS; i++) {
            n = func.receive(packets, sizes, eps);
        }
        if (n != DATAGRAMS || sizes[0] != size || sizes[DATAGRAMS - 1] != size) {
            throw new IllegalStateException("a read did not return " + DATAGRAMS + " datagrams of " + size + " bytes");
        }
        sticky = eps[0];
        if (sticky.srcIp().isEmpty() || sticky.dst().getPort() != FakeKernel.PEER_PORT) {
            throw new IllegalStateException("received endpoint without its sticky source: " + sticky);
        }
    }

    /** Closes the binds. */
    @TearDown(Level.Trial)
    public void tearDown() {
        sender.close();
        receiver.close();
        network.close();
    }

    /**
     * Sends 128 datagrams to an endpoint without a source.
     *
     * @throws IOException never, from the fake
     */
    @Benchmark
    @OperationsPerInvocation(DATAGRAMS)
    public void send() throws IOException {
        sender.send(out, target);
    }

    /**
     * Sends 128 datagrams to an endpoint with a sticky source (a packet-information record per entry).
     *
     * @throws IOException never, from the fake
     */
    @Benchmark
    @OperationsPerInvocation(DATAGRAMS)
    public void sendSticky() throws IOException {
        sender.send(out, sticky);
    }

    /**
     * Receives 128 datagrams with {@code receive} (copied into the caller's buffers where the kernel
     * does not put them there itself).
     *
     * @return datagrams received
     * @throws IOException never, from the fake
     */
    @Benchmark
    @OperationsPerInvocation(DATAGRAMS)
    public int receive() throws IOException {
        int got = 0;
        while (got < DATAGRAMS) {
            got += func.receive(packets, sizes, eps);
        }
        return got;
    }

    /**
     * Receives 128 datagrams with {@code receiveBorrowed} (the bind's buffers lent).
     *
     * @return datagrams received
     * @throws IOException never, from the fake
     */
    @Benchmark
    @OperationsPerInvocation(DATAGRAMS)
    public int receiveBorrowed() throws IOException {
        int got = 0;
        while (got < DATAGRAMS) {
            got += func.receiveBorrowed(packets, sizes, eps);
        }
        return got;
    }
}
