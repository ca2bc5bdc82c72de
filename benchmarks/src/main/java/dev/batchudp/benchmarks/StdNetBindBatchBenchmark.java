package dev.batchudp.benchmarks;

import dev.batchudp.bind.Bind;
import dev.batchudp.bind.Endpoint;
import dev.batchudp.bind.ReceiveFunc;
import dev.batchudp.bind.StdNetBind;
import dev.batchudp.network.Network;
import dev.batchudp.network.system.SystemNetwork;
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
 * One batch of 128 datagrams sent by one StdNetBind and received by another, on one thread, over
 * 127.0.0.1. Run with {@code -prof gc}: {@code gc.alloc.rate.norm} is bytes allocated per datagram
 * (the score is per datagram thanks to {@link OperationsPerInvocation}), which should be ~0 on the
 * Linux path in steady state, with either receive ({@code borrowed}: lent buffers, no copy).
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar StdNetBindBatchBenchmark -prof gc</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class StdNetBindBatchBenchmark {
    static final int DATAGRAMS = 128;

    /** The system network's socket backend. */
    @Param({"linux", "jdk"})
    public String backend;

    /** Payload size. */
    @Param({"1200"})
    public int size;

    /** Whether to receive with {@code receiveBorrowed} (lent buffers) instead of {@code receive}. */
    @Param({"false", "true"})
    public boolean borrowed;

    private Network network;
    private StdNetBind sender;
    private StdNetBind receiver;
    private ReceiveFunc func;
    private Endpoint target;
    private ByteBuffer[] out;
    private ByteBuffer[] packets;
    private int[] sizes;
    private Endpoint[] eps;

    /** Opens two binds on the chosen backend. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        network = SystemNetwork.open(backend);
        sender = StdNetBind.create(network);
        receiver = StdNetBind.create(network);
        Bind.Opened opened = receiver.open(0);
        sender.open(0);
        for (ReceiveFunc f : opened.receiveFuncs()) {
            if (f.name().startsWith("v4")) {
                func = f;
            }
        }
        target = sender.parseEndpoint("127.0.0.1:" + opened.port());
        out = new ByteBuffer[sender.batchSize()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ByteBuffer.allocateDirect(size);
        }
        int batch = receiver.batchSize();
        packets = new ByteBuffer[batch];
        for (int i = 0; i < batch; i++) {
            packets[i] = ByteBuffer.allocateDirect(2048);
        }
        sizes = new int[batch];
        eps = new Endpoint[batch];
    }

    /** Closes everything. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        sender.close();
        receiver.close();
        network.close();
    }

    /**
     * Sends 128 datagrams and receives them.
     *
     * @return datagrams received, so the work is not dead code
     * @throws IOException on failure
     */
    @Benchmark
    @OperationsPerInvocation(DATAGRAMS)
    public int sendAndReceiveBatch() throws IOException {
        int received = 0;
        for (int sent = 0; sent < DATAGRAMS; sent += out.length) {
            sender.send(out, target);
        }
        while (received < DATAGRAMS) {
            received += borrowed ? func.receiveBorrowed(packets, sizes, eps) : func.receive(packets, sizes, eps);
        }
        return received;
    }
}
