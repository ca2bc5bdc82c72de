package dev.batchudp.bind.linux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.batchudp.bind.Bind;
import dev.batchudp.bind.Endpoint;
import dev.batchudp.bind.ReceiveFunc;
import dev.batchudp.bind.StdNetBind;
import dev.batchudp.bind.spi.DirectBufferPool;
import dev.batchudp.network.system.SystemNetwork;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How much native memory a Linux bind holds, and what happens to it on close: at most 2 MiB per open
 * bind whatever the callers' buffers (heap or direct, up to the largest datagram) and receive modes;
 * all of it back in the pool once the bind is closed; lent buffers still readable after close.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(60)
class NativeMemoryBoundTest {
    private static final long BOUND = 2L << 20;

    private SystemNetwork network;
    private final List<StdNetBind> binds = new ArrayList<>();

    @BeforeEach
    void open() {
        LinuxTestSupport.assumeLinuxBatching();
        network = SystemNetwork.open("linux");
    }

    @AfterEach
    void close() {
        binds.forEach(StdNetBind::close);
        if (network != null) {
            network.close();
        }
    }

    private StdNetBind bind() {
        StdNetBind b = StdNetBind.create(network);
        binds.add(b);
        return b;
    }

    /** Pooled bytes in use (allocated and not idle). */
    private static long pooledInUse() {
        DirectBufferPool pool = DirectBufferPool.shared();
        return pool.allocatedBytes() - pool.idleBytes();
    }

    private static ByteBuffer[] datagrams(int count, int size, boolean direct) {
        ByteBuffer[] bufs = new ByteBuffer[count];
        for (int i = 0; i < count; i++) {
            ByteBuffer b = direct ? ByteBuffer.allocateDirect(size) : ByteBuffer.allocate(size);
            b.put(0, (byte) i);
            bufs[i] = b;
        }
        return bufs;
    }

    /** Receives {@code count} datagrams (copying or lent) and returns their first bytes in order. */
    private static List<Byte> receive(ReceiveFunc f, int batch, int count, boolean borrowed, boolean directDst)
            throws IOException {
        ByteBuffer[] packets = new ByteBuffer[batch];
        for (int i = 0; i < batch; i++) {
            packets[i] = directDst ? ByteBuffer.allocateDirect(65_535) : ByteBuffer.allocate(65_535);
        }
        int[] sizes = new int[batch];
        Endpoint[] eps = new Endpoint[batch];
        List<Byte> firsts = new ArrayList<>();
        while (firsts.size() < count) {
            int n = borrowed ? f.receiveBorrowed(packets, sizes, eps) : f.receive(packets, sizes, eps);
            for (int i = 0; i < n; i++) {
                firsts.add(sizes[i] == 0 ? null : packets[i].get(packets[i].position()));
            }
        }
        return firsts;
    }

    @ParameterizedTest(name = "heap={0}")
    @ValueSource(booleans = {true, false})
    void aBindHoldsAtMostTwoMebibytesWhateverItsBuffers(boolean heap) throws Exception {
        long before = pooledInUse();
        StdNetBind rx = bind();
        StdNetBind tx = bind();
        Bind.Opened opened = rx.open(0);
        tx.open(0);
        for (int family = 0; family < 2; family++) {
            Endpoint to = tx.parseEndpoint((family == 0 ? "127.0.0.1:" : "[::1]:") + opened.port());
            ReceiveFunc f = opened.receiveFuncs().get(family);
            // Large heap datagrams go through the staging in several sendmmsg calls; direct ones in place.
            tx.send(datagrams(40, 60_000, !heap), to);
            List<Byte> copied = receive(f, rx.batchSize(), 40, false, !heap);
            tx.send(datagrams(40, 60_000, !heap), to);
            List<Byte> lent = receive(f, rx.batchSize(), 40, true, !heap);
            for (int i = 0; i < 40; i++) {
                assertThat(copied.get(i)).as("copied datagram %d in order", i).isEqualTo((byte) i);
                assertThat(lent.get(i)).as("lent datagram %d in order", i).isEqualTo((byte) i);
            }
        }
        long held = pooledInUse() - before;
        // Two binds (a sender and a receiver), each under the bound.
        assertThat(held).as("pooled bytes held by two open binds").isLessThanOrEqualTo(2 * BOUND);
        rx.close();
        tx.close();
        assertThat(pooledInUse()).as("everything back in the pool after close").isEqualTo(before);
    }

    @Test
    void openCloseCyclesReuseTheSameMemory() throws Exception {
        // Warm up: the pool then holds a bind's worth of idle blocks.
        cycle();
        long allocated = DirectBufferPool.shared().allocatedBytes();
        for (int i = 0; i < 50; i++) {
            cycle();
        }
        assertThat(DirectBufferPool.shared().allocatedBytes()).as("no new blocks after warm-up").isEqualTo(allocated);
    }

    private void cycle() throws IOException {
        StdNetBind b = StdNetBind.create(network);
        try {
            Bind.Opened opened = b.open(0);
            Endpoint self = b.parseEndpoint("127.0.0.1:" + opened.port());
            b.send(datagrams(3, 100, true), self);
            receive(opened.receiveFuncs().get(0), b.batchSize(), 3, true, true);
            b.send(datagrams(3, 100, false), self);
            receive(opened.receiveFuncs().get(0), b.batchSize(), 3, false, false);
        } finally {
            b.close();
        }
    }

    @Test
    void lentBuffersStayReadableAfterClose() throws Exception {
        StdNetBind b = bind();
        Bind.Opened opened = b.open(0);
        Endpoint self = b.parseEndpoint("127.0.0.1:" + opened.port());
        b.send(datagrams(5, 1000, true), self);
        int batch = b.batchSize();
        ByteBuffer[] packets = new ByteBuffer[batch];
        int[] sizes = new int[batch];
        Endpoint[] eps = new Endpoint[batch];
        int n = opened.receiveFuncs().get(0).receiveBorrowed(packets, sizes, eps);
        assertThat(n).isPositive();
        b.close();
        // Another bind now reuses the pooled memory; the stale views still read without a crash.
        for (int i = 0; i < 3; i++) {
            cycle();
        }
        long sum = 0;
        for (int i = 0; i < n; i++) {
            ByteBuffer lent = packets[i];
            for (int j = lent.position(); j < lent.limit(); j++) {
                sum += lent.get(j);
            }
        }
        assertThat(sum).isNotNull();
    }

    @Test
    void closeDuringTheFirstLendingReceiveWakesIt() throws Exception {
        for (int trial = 0; trial < 50; trial++) {
            StdNetBind b = StdNetBind.create(network);
            Bind.Opened opened = b.open(0);
            ReceiveFunc f = opened.receiveFuncs().get(trial % 2);
            int batch = b.batchSize();
            CountDownLatch started = new CountDownLatch(1);
            AtomicReference<Throwable> outcome = new AtomicReference<>();
            Thread receiver = new Thread(() -> {
                started.countDown();
                try {
                    f.receiveBorrowed(new ByteBuffer[batch], new int[batch], new Endpoint[batch]);
                    outcome.set(new AssertionError("returned without a datagram"));
                } catch (Throwable t) {
                    outcome.set(t);
                }
            });
            receiver.start();
            started.await();
            b.close();
            receiver.join(TimeUnit.SECONDS.toMillis(10));
            assertThat(receiver.isAlive()).as("trial %d: close woke the receiver", trial).isFalse();
            assertThat(outcome.get()).as("trial %d", trial).isInstanceOf(IOException.class);
        }
    }
}
