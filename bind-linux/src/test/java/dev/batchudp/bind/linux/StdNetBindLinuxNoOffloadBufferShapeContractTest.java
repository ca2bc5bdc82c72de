package dev.batchudp.bind.linux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.batchudp.bind.testing.AbstractBindBufferShapeContractTest;
import dev.batchudp.bind.Bind;
import dev.batchudp.bind.StdNetBind;
import dev.batchudp.network.Network;
import dev.batchudp.network.UdpFamily;
import dev.batchudp.network.system.SystemNetwork;
import dev.batchudp.bind.Endpoint;
import dev.batchudp.bind.ReceiveFunc;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The bind's buffer-shape contract on the {@code linux} backend with UDP GSO and GRO switched off by
 * their properties: plain {@code sendmmsg}/{@code recvmmsg} straight into the caller's buffers, and
 * {@code receiveBorrowed} lending the bind's own.
 */
@EnabledOnOs(OS.LINUX)
class StdNetBindLinuxNoOffloadBufferShapeContractTest extends AbstractBindBufferShapeContractTest {
    private static String previousGso;
    private static String previousGro;

    @BeforeAll
    static void offloadsOff() {
        LinuxTestSupport.assumeLinuxBatching();
        previousGso = System.setProperty(LinuxBatching.GSO_DISABLED_PROPERTY, "true");
        previousGro = System.setProperty(LinuxBatching.GRO_DISABLED_PROPERTY, "true");
    }

    @AfterAll
    static void offloadsRestored() {
        restore(LinuxBatching.GSO_DISABLED_PROPERTY, previousGso);
        restore(LinuxBatching.GRO_DISABLED_PROPERTY, previousGro);
    }

    private static void restore(String property, String previous) {
        if (previous == null) {
            System.clearProperty(property);
        } else {
            System.setProperty(property, previous);
        }
    }

    @Override
    protected Network newNetwork() {
        return SystemNetwork.open("linux");
    }

    @Override
    protected String describe() {
        return "linux backend, GSO and GRO off";
    }

    @Test
    void bothFamiliesBatchWithoutGsoOrGro() throws IOException {
        StdNetBind bind = StdNetBind.create(network);
        binds.add(bind);
        bind.open(0);
        assertThat(bind.batchSize()).isEqualTo(Bind.IDEAL_BATCH_SIZE);
        for (UdpFamily family : new UdpFamily[] {UdpFamily.UDP4, UdpFamily.UDP6}) {
            OffloadStatus status = bind.connection(family).orElseThrow().capability(OffloadStatus.class).orElseThrow();
            assertThat(status.txOffload()).as("%s GSO", family).isFalse();
            assertThat(status.rxOffload()).as("%s GRO", family).isFalse();
        }
    }

    /**
     * A copying read reuses the headers of slots whose buffers did not change: reads into the same
     * buffers land where they should, and a moved position, a new limit or a new buffer object in a
     * slot is seen (no byte written outside position..limit, nothing into a replaced buffer).
     */
    @Test
    @Timeout(30)
    void repeatedReadsFollowTheCallersBuffers() throws IOException {
        StdNetBind tx = StdNetBind.create(network);
        binds.add(tx);
        StdNetBind rx = StdNetBind.create(network);
        binds.add(rx);
        tx.open(0);
        Bind.Opened opened = rx.open(0);
        ReceiveFunc func = opened.receiveFuncs().stream().filter(f -> f.name().equals("v4")).findFirst().orElseThrow();
        Endpoint to = tx.parseEndpoint("127.0.0.1:" + opened.port());
        int batch = rx.batchSize();
        ByteBuffer[] packets = new ByteBuffer[batch];
        for (int i = 0; i < batch; i++) {
            packets[i] = guarded(ByteBuffer.allocateDirect(512)).limit(500);
        }
        receiveChecked(tx, to, func, packets, 3);
        receiveChecked(tx, to, func, packets, 3); // unchanged buffers
        ByteBuffer[] replaced = new ByteBuffer[batch];
        for (int i = 0; i < batch; i++) {
            guarded(packets[i].clear());
            switch (i % 3) {
                case 0 -> packets[i].limit(501 + i % 7).position(1 + i % 7); // as many bytes, moved
                case 1 -> {
                    replaced[i] = packets[i];
                    packets[i] = guarded(ByteBuffer.allocateDirect(512)).position(5);
                }
                default -> packets[i].limit(50);
            }
        }
        receiveChecked(tx, to, func, packets, 3);
        receiveChecked(tx, to, func, packets, 40);
        for (ByteBuffer old : replaced) {
            if (old != null) {
                for (int k = 0; k < old.capacity(); k++) {
                    assertThat(old.get(k)).as("replaced buffer byte %d", k).isEqualTo(GUARD);
                }
            }
        }
    }

    private static final byte GUARD = 0x55;

    private static ByteBuffer guarded(ByteBuffer b) {
        ByteBuffer all = b.duplicate().clear();
        for (int k = 0; k < all.capacity(); k++) {
            all.put(k, GUARD);
        }
        return b;
    }

    /** Sends {@code count} datagrams of 200 bytes (byte = 1 + index) and checks every slot read. */
    private static void receiveChecked(StdNetBind tx, Endpoint to, ReceiveFunc func, ByteBuffer[] packets, int count)
            throws IOException {
        ByteBuffer[] out = new ByteBuffer[count];
        for (int d = 0; d < count; d++) {
            byte[] payload = new byte[200];
            Arrays.fill(payload, (byte) (1 + d));
            out[d] = ByteBuffer.wrap(payload);
        }
        tx.send(out, to);
        int[] sizes = new int[packets.length];
        Endpoint[] eps = new Endpoint[packets.length];
        int got = 0;
        while (got < count) {
            int[] positions = new int[packets.length];
            int[] limits = new int[packets.length];
            for (int i = 0; i < packets.length; i++) {
                positions[i] = packets[i].position();
                limits[i] = packets[i].limit();
            }
            int n = func.receive(packets, sizes, eps);
            for (int i = 0; i < n; i++) {
                ByteBuffer b = packets[i];
                assertThat(b.position()).isEqualTo(positions[i]);
                assertThat(b.limit()).isEqualTo(limits[i]);
                assertThat(sizes[i]).isEqualTo(200);
                int stored = Math.min(200, b.limit() - b.position());
                byte id = b.get(b.position());
                assertThat(id).isBetween((byte) 1, (byte) count);
                ByteBuffer all = b.duplicate().clear();
                for (int k = 0; k < all.capacity(); k++) {
                    boolean inside = k >= b.position() && k < b.position() + stored;
                    assertThat(all.get(k)).as("slot %d byte %d", i, k).isEqualTo(inside ? id : GUARD);
                }
                guarded(b); // for the next read into this slot
            }
            got += n;
        }
        assertThat(got).isEqualTo(count);
    }
}
