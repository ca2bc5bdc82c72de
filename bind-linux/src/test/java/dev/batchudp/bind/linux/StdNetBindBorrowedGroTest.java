package dev.batchudp.bind.linux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.batchudp.bind.Bind;
import dev.batchudp.bind.Endpoint;
import dev.batchudp.bind.ReceiveFunc;
import dev.batchudp.bind.StdNetBind;
import dev.batchudp.bind.StdNetBindOptions;
import dev.batchudp.network.system.SystemNetwork;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ReceiveFunc#receiveBorrowed} on the Linux path with GRO: datagrams are lent as views of the
 * coalesced reads. Mixed batches (segment sizes that change between reads, a shorter last segment,
 * a single datagram longer than the segment before it, an empty one) arrive byte-exact and in order,
 * with batch sizes smaller than a coalesced read, so segments wait across calls.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(30)
class StdNetBindBorrowedGroTest {
    private SystemNetwork network;
    private final List<StdNetBind> binds = new ArrayList<>();

    @BeforeEach
    void assumeGro() {
        LinuxTestSupport.assumeLinuxBatching();
        Assumptions.assumeTrue(LinuxBatching.supportsGso() && LinuxBatching.supportsGro()
                || Boolean.getBoolean(LinuxTestSupport.REQUIRE_PROPERTY), "no UDP GSO/GRO");
        network = SystemNetwork.open("linux");
    }

    @AfterEach
    void close() throws IOException {
        for (StdNetBind b : binds) {
            b.close();
        }
        if (network != null) {
            network.close();
        }
    }

    private StdNetBind bind(int batchSize) {
        StdNetBind b = StdNetBind.create(network, StdNetBindOptions.builder().batchSize(batchSize).build());
        binds.add(b);
        return b;
    }

    private static ByteBuffer datagram(int id, int length) {
        ByteBuffer b = ByteBuffer.allocateDirect(length);
        for (int j = 0; j < length; j++) {
            b.put(j, (byte) (id * 7 + j));
        }
        return b;
    }

    @ParameterizedTest(name = "receiver batch {0}")
    @ValueSource(ints = {128, 7, 1})
    void mixedBatchesArriveInOrderAsLentViews(int receiverBatch) throws Exception {
        StdNetBind rx = bind(receiverBatch);
        StdNetBind tx = bind(128);
        Bind.Opened opened = rx.open(0);
        tx.open(0);
        Endpoint to = tx.parseEndpoint("127.0.0.1:" + opened.port());
        List<ByteBuffer> sent = new ArrayList<>();
        int id = 0;
        // 60 of 1,000 bytes and a shorter last one; then 30 of 700; a single 3,000; an empty one;
        // then 128 of 1,200 (three coalesced sends).
        int[][] sends = {{60, 1000, 500}, {30, 700, 700}, {1, 3000, 3000}, {1, 0, 0}, {128, 1200, 1200}};
        for (int[] s : sends) {
            ByteBuffer[] bufs = new ByteBuffer[s[0]];
            for (int i = 0; i < s[0]; i++) {
                bufs[i] = datagram(id++, i == s[0] - 1 ? s[2] : s[1]);
                sent.add(bufs[i].duplicate());
            }
            for (int from = 0; from < bufs.length; from += 128) {
                tx.send(bufs, from, Math.min(128, bufs.length - from), to);
            }
        }
        ReceiveFunc f = opened.receiveFuncs().stream().filter(r -> r.name().equals("v4")).findFirst().orElseThrow();
        ByteBuffer[] packets = new ByteBuffer[receiverBatch];
        int[] sizes = new int[receiverBatch];
        Endpoint[] eps = new Endpoint[receiverBatch];
        int got = 0;
        while (got < sent.size()) {
            int n = f.receiveBorrowed(packets, sizes, eps);
            for (int i = 0; i < n; i++) {
                ByteBuffer expected = sent.get(got);
                assertThat(sizes[i]).as("datagram %d", got).isEqualTo(expected.remaining());
                assertThat(packets[i]).as("datagram %d", got).isEqualTo(expected);
                assertThat(eps[i]).isNotNull();
                // The buffer is the caller's until the next call: moving its bounds must not matter.
                packets[i].position(packets[i].limit());
                got++;
            }
        }
        OffloadStatus status = rx.connection(dev.batchudp.network.UdpFamily.UDP4).orElseThrow()
                .capability(OffloadStatus.class).orElseThrow();
        assertThat(status.rxOffload()).isTrue();
        assertThat(status.receivedKernelMessages()).as("the kernel coalesced").isLessThan(sent.size());
    }
}
