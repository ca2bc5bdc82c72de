package dev.batchudp.bind.linux.internal;

import static dev.batchudp.bind.linux.LinuxTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.batchudp.bind.linux.LinuxBatching;
import dev.batchudp.network.Message;
import dev.batchudp.bind.spi.MessageBatch;
import dev.batchudp.network.UdpFamily;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A control buffer of {@link LinuxBatching#MIN_CONTROL_MESSAGE_SIZE} bytes, what callers are told to
 * give, holds everything a read of an upgraded socket produces: the packet-info record the sticky
 * source comes from ({@code CMSG_SPACE(sizeof(struct in6_pktinfo))} = 40 bytes, 32 for IPv4) and,
 * with GRO, the {@code UDP_GRO} record ({@code CMSG_SPACE(sizeof(int))} = 24), per cmsg(3) and
 * ipv6(7). So no {@code MSG_CTRUNC}, the source is captured, and the caller's buffer holds the
 * packet-info record, for IPv4 and IPv6, GRO on and off, direct and heap control buffers.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(30)
class MinControlMessageSizeTest {
    private static final int DATAGRAMS = 4;
    private static final int SIZE = 100;
    private static final int SLOTS = 8;

    @BeforeEach
    void gate() {
        assumeLinuxBatching();
    }

    static Stream<Arguments> cases() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (UdpFamily family : new UdpFamily[] {UdpFamily.UDP4, UdpFamily.UDP6}) {
            for (boolean gro : new boolean[] {false, true}) {
                for (boolean direct : new boolean[] {true, false}) {
                    b.add(Arguments.of(family, gro, direct));
                }
            }
        }
        return b.build();
    }

    @ParameterizedTest(name = "{0}, GRO {1}, direct control buffer {2}")
    @MethodSource("cases")
    void aMinimumSizeControlBufferHoldsThePacketInfo(UdpFamily family, boolean gro, boolean direct)
            throws IOException {
        if (family == UdpFamily.UDP6) {
            assumeIpv6();
        }
        ByteBuffer[] controls = new ByteBuffer[SLOTS];
        for (int i = 0; i < SLOTS; i++) {
            // Native order, so that only the size matters here (the byte order has its own test).
            controls[i] = direct
                    ? ByteBuffer.allocateDirect(LinuxBatching.MIN_CONTROL_MESSAGE_SIZE).order(ByteOrder.nativeOrder())
                    : ByteBuffer.allocate(LinuxBatching.MIN_CONTROL_MESSAGE_SIZE);
        }
        readAndCheck(family, gro, controls, true);
    }

    /**
     * The caller's control buffer is read in native byte order whatever its own order is: a direct
     * buffer from {@code ByteBuffer.allocateDirect} is big-endian, and the sticky source must still be
     * decoded from it. Roomy buffers, so the size does not matter here.
     */
    @Test
    void theSourceIsDecodedFromABigEndianDirectControlBuffer() throws IOException {
        ByteBuffer[] controls = new ByteBuffer[SLOTS];
        for (int i = 0; i < SLOTS; i++) {
            controls[i] = ByteBuffer.allocateDirect(128);
            assertThat(controls[i].order()).isEqualTo(ByteOrder.BIG_ENDIAN);
        }
        readAndCheck(UdpFamily.UDP4, false, controls, false);
    }

    private static void readAndCheck(UdpFamily family, boolean gro, ByteBuffer[] controls, boolean checkRecord)
            throws IOException {
        try (LinuxBatchingConn rx = new LinuxBatchingConn(open(family), SLOTS, false, gro);
                LinuxBatchingConn tx = new LinuxBatchingConn(open(family), SLOTS, true, false)) {
            if (gro && !rx.rxOffload()) {
                if (Boolean.getBoolean(REQUIRE_PROPERTY)) {
                    assertThat(LinuxBatching.supportsGro()).as("UDP_GRO").isFalse();
                }
                Assumptions.abort("no UDP GRO here");
            }
            rx.connection().setReadTimeout(Duration.ofSeconds(5));
            ByteBuffer[] bufs = new ByteBuffer[DATAGRAMS];
            for (int i = 0; i < DATAGRAMS; i++) {
                bufs[i] = ByteBuffer.wrap(payload(i));
            }
            tx.writeBatch(bufs, 0, DATAGRAMS, rx.connection().localAddress()); // equal sizes: one coalesced read with GRO
            ByteBuffer[] buffers = new ByteBuffer[SLOTS];
            for (int i = 0; i < SLOTS; i++) {
                buffers[i] = ByteBuffer.allocateDirect(2_048);
            }
            MessageBatch batch = new MessageBatch(SLOTS).buffers(buffers).controls(controls);
            InetAddress local = loopback(family, 0).getAddress();
            SoftAssertions softly = new SoftAssertions();
            int got = 0;
            while (got < DATAGRAMS) {
                int n = rx.readBatch(batch.fill(), SLOTS);
                for (int i = 0; i < n; i++, got++) {
                    String what = String.format("datagram %d (%s, GRO %s, %s control buffer of %d bytes)", got,
                            family, gro, controls[i].isDirect() ? "direct" : "heap", controls[i].capacity());
                    assertThat(batch.length(i)).as(what).isEqualTo(SIZE);
                    assertThat(buffers[i].duplicate().limit(SIZE)).as(what).isEqualTo(ByteBuffer.wrap(payload(got)));
                    softly.assertThat(batch.flags(i) & MessageBatch.FLAG_CONTROL_TRUNCATED).as(what + ": MSG_CTRUNC")
                            .isZero();
                    softly.assertThat(batch.sourceAddress(i)).as(what + ": the sticky source").isEqualTo(local);
                    if (checkRecord) {
                        ByteBuffer control = controls[i].duplicate().order(ByteOrder.nativeOrder());
                        int length = batch.controlLength(i);
                        softly.assertThat(length > 0 && Pktinfo.find(control, 0, length) >= 0)
                                .as(what + ": the caller's control buffer holds the packet-info record (control"
                                        + " length %d)", length)
                                .isTrue();
                    }
                }
            }
            if (gro && tx.txOffload()) {
                // So the read carried UDP_GRO besides the packet info: the case this is about.
                softly.assertThat(rx.receivedKernelMessages()).as("the kernel coalesced the datagrams")
                        .isLessThan(DATAGRAMS);
            }
            softly.assertAll();
        }
    }

    private static byte[] payload(int i) {
        byte[] p = new byte[SIZE];
        for (int j = 0; j < SIZE; j++) {
            p[j] = (byte) (i * 41 + j * 3);
        }
        return p;
    }
}
