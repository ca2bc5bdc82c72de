package dev.batchudp.bind.linux.internal;

import static dev.batchudp.bind.linux.LinuxTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.batchudp.bind.linux.LinuxBatching;
import dev.batchudp.network.Message;
import dev.batchudp.bind.spi.MessageBatch;
import dev.batchudp.network.UdpFamily;
import dev.batchudp.network.testing.BufferShape;
import dev.batchudp.network.testing.Datagrams;
import dev.batchudp.network.testing.ShapedBuffer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The buffer-shape contract one level down, on {@link LinuxBatchingConn} over real sockets on
 * 127.0.0.1 and ::1, with UDP GSO and GRO forced on and off: {@code writeBatch} of every
 * {@link BufferShape}, copying {@code readBatch} into every writable shape, {@code readBatchLending}
 * and sending its lent buffers back as they are, and control buffers at a non-zero position, which
 * are used from index 0 ({@link Message}). Guard bytes around every region show what was read or
 * written outside position..limit.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(30)
class LinuxBatchingConnBufferShapeTest {
    private static final int BATCH = 128;
    private static final int SLACK = 8;
    private static final int SMALL_MAX = 600;
    /** Where caller control buffers are positioned: never used, control data starts at index 0. */
    private static final int CONTROL_POSITION = 40;
    private static final int CONTROL_CAPACITY = 128;
    private static final byte CONTROL_GUARD = (byte) 0xEE;

    private final List<LinuxBatchingConn> conns = new ArrayList<>();

    @BeforeEach
    void gate() {
        assumeLinuxBatching();
    }

    @AfterEach
    void closeAll() {
        for (LinuxBatchingConn c : conns) {
            c.close();
        }
    }

    static Stream<Arguments> offloadsAndSizes() {
        return Stream.of(UdpFamily.UDP4, UdpFamily.UDP6).flatMap(f -> Stream.of(true, false).flatMap(
                gso -> Stream.of(true, false).flatMap(gro -> Stream.of(true, false).map(
                        equal -> Arguments.of(f, gso, gro, equal)))));
    }

    static Stream<Arguments> lendingCases() {
        return Stream.of(UdpFamily.UDP4, UdpFamily.UDP6).flatMap(f -> Stream.of(true, false).flatMap(
                gso -> Stream.of(true, false).map(equal -> Arguments.of(f, gso, equal))));
    }

    /** How a caller's control buffer is made; its data always starts at index 0. */
    enum Control {
        /** A native-order heap buffer at position {@value #CONTROL_POSITION}. */
        HEAP_AT_POSITION,
        /** A native-order direct slice of a larger block, at position {@value #CONTROL_POSITION}. */
        DIRECT_SLICE_AT_POSITION,
        /**
         * A direct slice in the default (big-endian) order at position 0: the kernel writes native
         * order whatever the buffer says, and the source must be decoded all the same.
         */
        DIRECT_BIG_ENDIAN
    }

    static Stream<UdpFamily> families() {
        return Stream.of(UdpFamily.UDP4, UdpFamily.UDP6);
    }

    static Stream<Arguments> controlSendCases() {
        return Stream.of(UdpFamily.UDP4, UdpFamily.UDP6).flatMap(
                f -> Stream.of(Control.HEAP_AT_POSITION, Control.DIRECT_SLICE_AT_POSITION).map(c -> Arguments.of(f, c)));
    }

    static Stream<Arguments> controlReceiveCases() {
        return Stream.of(UdpFamily.UDP4, UdpFamily.UDP6).flatMap(f -> Stream.of(true, false).flatMap(
                gro -> Stream.of(Control.HEAP_AT_POSITION, Control.DIRECT_SLICE_AT_POSITION)
                        .map(c -> Arguments.of(f, gro, c))));
    }

    static Stream<Arguments> familiesAndGro() {
        return Stream.of(UdpFamily.UDP4, UdpFamily.UDP6).flatMap(f -> Stream.of(Arguments.of(f, true),
                Arguments.of(f, false)));
    }

    // ---------------------------------------------------------------------------------------------

    /**
     * {@code writeBatch} of every shape, from an offset into the array: each datagram is exactly
     * position..limit, in order, and the buffers are not moved or written.
     */
    @ParameterizedTest(name = "{0} gso={1} gro={2} equal sizes {3}")
    @MethodSource("offloadsAndSizes")
    void writeBatchSendsPositionToLimitOfEveryShape(UdpFamily family, boolean gso, boolean gro, boolean equalSizes)
            throws IOException {
        LinuxBatchingConn tx = conn(family, gso, false);
        LinuxBatchingConn rx = conn(family, false, gro);
        int n = 4 * BufferShape.values().length;
        int offset = 2;
        ShapedBuffer[] shaped = new ShapedBuffer[n];
        byte[][] payloads = new byte[n][];
        ByteBuffer[] bufs = new ByteBuffer[offset + n];
        bufs[0] = ByteBuffer.wrap(new byte[] {1});
        bufs[1] = ByteBuffer.wrap(new byte[] {2});
        for (int i = 0; i < n; i++) {
            payloads[i] = Datagrams.bytes(equalSizes ? 1200 : mixedSize(i), 100 + i);
            shaped[i] = shapeFor(i).allocate(payloads[i].length).fill(payloads[i]);
            bufs[offset + i] = shaped[i].buffer();
        }
        tx.writeBatch(bufs, offset, n, rx.connection().localAddress());
        String mode = mode(family, gso, gro);
        for (int i = 0; i < n; i++) {
            String context = String.format(Locale.ROOT, "writeBatch datagram %d/%d (%d bytes) from %s, %s", i, n,
                    payloads[i].length, shaped[i], mode);
            shaped[i].assertPositionAndLimit(shaped[i].position(), context);
            shaped[i].assertUnchanged(payloads[i], context);
        }
        List<Got> got = readAll(rx, n);
        for (int i = 0; i < n; i++) {
            String context = String.format(Locale.ROOT, "writeBatch datagram %d/%d (%d bytes) from %s, %s", i, n,
                    payloads[i].length, shaped[i], mode);
            shaped[i].assertSent(payloads[i], got.get(i).bytes, context);
            assertThat(got.get(i).from).as("%s: sender", context).isEqualTo(tx.connection().localAddress());
        }
    }

    /**
     * Copying {@code readBatch} into buffers of every writable shape (and direct slices of capacity
     * 1,600 at position 1,000): each datagram lands at its slot's position, nothing else is written,
     * slots not filled stay untouched, positions and limits stay. The buffer objects move between
     * slots from call to call.
     */
    @ParameterizedTest(name = "{0} gso={1} gro={2} equal sizes {3}")
    @MethodSource("offloadsAndSizes")
    void readBatchStoresAtThePositionOfEveryShape(UdpFamily family, boolean gso, boolean gro, boolean equalSizes)
            throws IOException {
        LinuxBatchingConn tx = conn(family, gso, false);
        LinuxBatchingConn rx = conn(family, false, gro);
        List<BufferShape> writable = BufferShape.writable();
        int kinds = writable.size() + 1;
        int poolSize = Math.max(BATCH, kinds);
        ShapedBuffer[] pool = new ShapedBuffer[poolSize];
        for (int j = 0; j < poolSize; j++) {
            int kind = j % kinds;
            pool[j] = kind < writable.size() ? writable.get(kind).allocate(SMALL_MAX + SLACK)
                    : BufferShape.DIRECT_SLICE.allocate(1600).frame(1000, SMALL_MAX);
        }
        int n = 2 * BATCH;
        byte[][] payloads = new byte[n][];
        ByteBuffer[] out = new ByteBuffer[n];
        for (int i = 0; i < n; i++) {
            payloads[i] = Datagrams.bytes(equalSizes ? SMALL_MAX : (i * 97) % (SMALL_MAX + 1), 200 + i);
            out[i] = ByteBuffer.wrap(payloads[i]);
        }
        for (int off = 0; off < n; off += BATCH) {
            tx.writeBatch(out, off, Math.min(BATCH, n - off), rx.connection().localAddress());
        }
        String mode = mode(family, gso, gro);
        ByteBuffer[] packets = new ByteBuffer[BATCH];
        MessageBatch batch = new MessageBatch(BATCH).buffers(packets);
        int received = 0;
        for (int c = 0; received < n; c++) {
            for (int i = 0; i < BATCH; i++) {
                packets[i] = pool[(c + i) % poolSize].reset().buffer();
            }
            int got = rx.readBatch(batch.fill(), BATCH);
            assertThat(got).isBetween(1, BATCH);
            for (int i = 0; i < BATCH; i++) {
                ShapedBuffer slot = pool[(c + i) % poolSize];
                if (i >= got) {
                    slot.assertUntouched(String.format(Locale.ROOT, "readBatch slot %d not filled, %s, %s", i, slot,
                            mode));
                    continue;
                }
                int k = received++;
                String context = String.format(Locale.ROOT, "readBatch datagram %d/%d (%d bytes) into slot %d, %s, %s",
                        k, n, payloads[k].length, i, slot, mode);
                assertThat(batch.length(i)).as("%s: length", context).isEqualTo(payloads[k].length);
                assertThat(batch.isTruncated(i)).as("%s: truncated", context).isFalse();
                assertThat(batch.sender(i)).as("%s: sender", context).isEqualTo(tx.connection().localAddress());
                slot.assertReceived(payloads[k], context);
                slot.assertPositionAndLimit(slot.position(), context);
            }
        }
    }

    /**
     * Copying {@code readBatch} into buffers of every writable shape with room for any datagram
     * (65,535 bytes) in all {@value #BATCH} slots: small and large datagrams land at their slot's
     * position, nothing else is written.
     */
    @ParameterizedTest(name = "{0} gro={1}")
    @MethodSource("familiesAndGro")
    void readBatchIntoRoomForAnyDatagramInEverySlot(UdpFamily family, boolean gro) throws IOException {
        LinuxBatchingConn tx = conn(family, false, false);
        LinuxBatchingConn rx = conn(family, false, gro);
        List<BufferShape> writable = BufferShape.writable();
        ShapedBuffer[] slots = new ShapedBuffer[BATCH];
        ByteBuffer[] packets = new ByteBuffer[BATCH];
        for (int i = 0; i < BATCH; i++) {
            slots[i] = writable.get(i % writable.size()).allocate(65_535);
            packets[i] = slots[i].buffer();
        }
        int n = BATCH;
        byte[][] payloads = new byte[n][];
        ByteBuffer[] out = new ByteBuffer[n];
        for (int i = 0; i < n; i++) {
            payloads[i] = Datagrams.bytes(mixedSize(i), 700 + i);
            out[i] = ByteBuffer.wrap(payloads[i]);
        }
        tx.writeBatch(out, 0, n, rx.connection().localAddress());
        MessageBatch batch = new MessageBatch(BATCH).buffers(packets);
        for (int received = 0; received < n;) {
            int got = rx.readBatch(batch.fill(), BATCH);
            assertThat(got).isBetween(1, BATCH);
            for (int i = 0; i < got; i++) {
                int k = received + i;
                String context = String.format(Locale.ROOT, "readBatch datagram %d/%d (%d bytes) into slot %d, %s, %s",
                        k, n, payloads[k].length, i, slots[i], mode(family, false, gro));
                assertThat(batch.length(i)).as("%s: length", context).isEqualTo(payloads[k].length);
                assertThat(batch.isTruncated(i)).as("%s: truncated", context).isFalse();
                slots[i].assertReceived(payloads[k], context);
                slots[i].assertPositionAndLimit(slots[i].position(), context);
                slots[i].reset();
            }
            received += got;
        }
    }

    /**
     * {@code readBatchLending} (GRO on) lends every datagram byte-exact, and {@code writeBatch} of
     * the lent buffers as they are sends them back byte-exact, without moving them.
     */
    @ParameterizedTest(name = "{0} gso={1} equal sizes {2}")
    @MethodSource("lendingCases")
    void lentBuffersAreSentBackAsTheyAre(UdpFamily family, boolean gso, boolean equalSizes) throws IOException {
        LinuxBatchingConn peer = conn(family, false, false);
        LinuxBatchingConn lender = conn(family, gso, true);
        assertThat(lender.lendsBuffers()).as("lends with GRO on").isTrue();
        int n = BATCH;
        byte[][] payloads = new byte[n][];
        ByteBuffer[] out = new ByteBuffer[n];
        for (int i = 0; i < n; i++) {
            payloads[i] = Datagrams.bytes(equalSizes ? 1200 : mixedSize(i), 300 + i);
            out[i] = ByteBuffer.wrap(payloads[i]);
        }
        peer.writeBatch(out, 0, n, lender.connection().localAddress());
        String mode = mode(family, gso, true);
        ByteBuffer[] lent = new ByteBuffer[BATCH];
        MessageBatch batch = new MessageBatch(BATCH).buffers(lent);
        int[] positions = new int[BATCH];
        int[] limits = new int[BATCH];
        for (int echoed = 0; echoed < n;) {
            int got = lender.readBatchLending(batch.fill(), BATCH);
            assertThat(got).isBetween(1, BATCH);
            for (int i = 0; i < got; i++) {
                String context = String.format(Locale.ROOT, "lent datagram %d/%d in %s, %s", echoed + i, n, lent[i],
                        mode);
                assertThat(batch.length(i)).as("%s: length", context).isEqualTo(payloads[echoed + i].length);
                byte[] bytes = new byte[lent[i].remaining()];
                lent[i].duplicate().get(bytes);
                Datagrams.assertSameBytes(payloads[echoed + i], bytes, context);
                positions[i] = lent[i].position();
                limits[i] = lent[i].limit();
            }
            lender.writeBatch(lent, 0, got, peer.connection().localAddress());
            for (int i = 0; i < got; i++) {
                assertThat(lent[i].position()).as("lent datagram %d: position after writeBatch", echoed + i)
                        .isEqualTo(positions[i]);
                assertThat(lent[i].limit()).as("lent datagram %d: limit after writeBatch", echoed + i)
                        .isEqualTo(limits[i]);
            }
            echoed += got;
        }
        List<Got> back = readAll(peer, n);
        for (int i = 0; i < n; i++) {
            String context = String.format(Locale.ROOT, "echo of lent datagram %d/%d (%d bytes), %s", i, n,
                    payloads[i].length, mode);
            Datagrams.assertSameBytes(payloads[i], back.get(i).bytes, context);
            assertThat(back.get(i).from).as("%s: sender", context).isEqualTo(lender.connection().localAddress());
        }
    }

    /**
     * The message API's {@code writeBatch} of every shape, each message to its own address: each
     * datagram is exactly position..limit, and the buffers are not moved or written.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void writeBatchOfMessagesSendsPositionToLimitOfEveryShape(UdpFamily family) throws IOException {
        LinuxBatchingConn tx = conn(family, false, false);
        LinuxBatchingConn a = conn(family, false, false);
        LinuxBatchingConn b = conn(family, false, false);
        int n = 2 * BufferShape.values().length;
        Message[] msgs = new Message[n];
        ShapedBuffer[] shaped = new ShapedBuffer[n];
        byte[][] payloads = new byte[n][];
        for (int i = 0; i < n; i++) {
            payloads[i] = Datagrams.bytes(mixedSize(i), 600 + i);
            shaped[i] = shapeFor(i).allocate(payloads[i].length).fill(payloads[i]);
            msgs[i] = new Message(shaped[i].buffer()).address((i % 2 == 0 ? a : b).connection().localAddress());
        }
        tx.connection().writeBatch(msgs, 0, n, 0);
        List<Got> atA = readAll(a, (n + 1) / 2);
        List<Got> atB = readAll(b, n / 2);
        for (int i = 0; i < n; i++) {
            String context = String.format(Locale.ROOT, "writeBatch %d/%d (%d bytes) from %s, %s", i, n,
                    payloads[i].length, shaped[i], family);
            shaped[i].assertPositionAndLimit(shaped[i].position(), context);
            shaped[i].assertUnchanged(payloads[i], context);
            shaped[i].assertSent(payloads[i], (i % 2 == 0 ? atA : atB).get(i / 2).bytes, context);
        }
    }

    /**
     * The message API's {@code writeBatch} takes control data from the control buffer's position to
     * its limit: a {@code UDP_SEGMENT} record of 1,000 there splits each 3,000-byte payload into three
     * datagrams. The bytes before the position and after the limit are guards, not records.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("controlSendCases")
    void writeBatchOfMessagesTakesControlDataFromPositionToLimit(UdpFamily family, Control kind) throws IOException {
        if (Boolean.getBoolean(REQUIRE_PROPERTY)) {
            assertThat(LinuxBatching.supportsGso()).as("UDP_SEGMENT").isTrue();
        } else {
            org.junit.jupiter.api.Assumptions.assumeTrue(LinuxBatching.supportsGso(), "kernel without UDP GSO");
        }
        LinuxBatchingConn tx = conn(family, false, false);
        LinuxBatchingConn rx = conn(family, false, false);
        int segment = 1000;
        int n = 4;
        Message[] msgs = new Message[n];
        byte[][] payloads = new byte[n][];
        ByteBuffer[] controls = new ByteBuffer[n];
        byte[][] controlBytes = new byte[n][];
        for (int i = 0; i < n; i++) {
            payloads[i] = Datagrams.bytes(3 * segment, 400 + i);
            controls[i] = control(kind);
            int at = controls[i].position();
            int written = UdpCmsgs.putSegmentSize(controls[i], at, CONTROL_CAPACITY - at, segment);
            assertThat(written).isEqualTo(UdpCmsgs.SEGMENT_SPACE);
            controls[i].limit(at + written);
            controlBytes[i] = contents(controls[i]);
            msgs[i] = new Message(ByteBuffer.wrap(payloads[i])).control(controls[i])
                    .address(rx.connection().localAddress());
        }
        tx.connection().writeBatch(msgs, 0, n, 0);
        List<Got> got = readAll(rx, 3 * n);
        for (int i = 0; i < n; i++) {
            String context = String.format(Locale.ROOT,
                    "writeBatch %d/%d: %d bytes, UDP_SEGMENT %d at the position of a %s control buffer (%s), %s", i, n,
                    payloads[i].length, segment, kind, controls[i], family);
            assertThat(controls[i].position()).as("%s: control position", context).isEqualTo(CONTROL_POSITION);
            assertThat(contents(controls[i])).as("%s: control bytes unchanged", context).isEqualTo(controlBytes[i]);
            for (int s = 0; s < 3; s++) {
                Datagrams.assertSameBytes(Arrays.copyOfRange(payloads[i], s * segment, (s + 1) * segment),
                        got.get(3 * i + s).bytes, context + ": segment " + s);
            }
        }
    }

    /**
     * {@code readBatch} stores control data from index 0 of the caller's control buffers whatever
     * their position, never past their capacity, and decodes the sticky source.
     */
    @ParameterizedTest(name = "{0} gro={1} {2}")
    @MethodSource("controlReceiveCases")
    void readBatchStoresControlDataFromIndexZero(UdpFamily family, boolean gro, Control kind) throws IOException {
        readWithControls(family, gro, kind);
    }

    /**
     * {@code readBatch} decodes the sticky source ({@link MessageBatch#sourceAddress(int)}: "whether or not
     * the caller gave a control buffer") also when the caller's direct control buffer has the default
     * big-endian order; the kernel writes native order whatever the buffer says.
     */
    @ParameterizedTest(name = "{0} gro={1}")
    @MethodSource("familiesAndGro")
    void readBatchDecodesTheSourceWhateverTheControlBufferOrder(UdpFamily family, boolean gro) throws IOException {
        readWithControls(family, gro, Control.DIRECT_BIG_ENDIAN);
    }

    private void readWithControls(UdpFamily family, boolean gro, Control kind) throws IOException {
        LinuxBatchingConn tx = conn(family, false, false);
        LinuxBatchingConn rx = conn(family, false, gro);
        int n = 4;
        ByteBuffer[] out = new ByteBuffer[n];
        for (int i = 0; i < n; i++) {
            out[i] = ByteBuffer.wrap(Datagrams.bytes(100 + i, 500 + i));
        }
        tx.writeBatch(out, 0, n, rx.connection().localAddress());
        ByteBuffer[] packets = new ByteBuffer[BATCH];
        ByteBuffer[] controls = new ByteBuffer[BATCH];
        ByteBuffer[] blocks = new ByteBuffer[BATCH];
        for (int i = 0; i < BATCH; i++) {
            packets[i] = ByteBuffer.allocateDirect(2048);
            blocks[i] = ByteBuffer.allocateDirect(64 + CONTROL_CAPACITY + 2 * CONTROL_POSITION + 64);
            controls[i] = control(kind, blocks[i]);
        }
        MessageBatch batch = new MessageBatch(BATCH).buffers(packets).controls(controls);
        for (int received = 0; received < n;) {
            int got = rx.readBatch(batch.fill(), BATCH);
            for (int i = 0; i < got; i++) {
                String context = String.format(Locale.ROOT, "readBatch datagram %d: control %s (%s), %s",
                        received + i, kind, controls[i], mode(family, false, gro));
                int length = batch.controlLength(i);
                assertThat(length).as("%s: control length", context).isBetween(1, CONTROL_CAPACITY);
                ByteBuffer nativeView = controls[i].duplicate().order(ByteOrder.nativeOrder());
                assertThat(Pktinfo.find(nativeView, 0, length)).as("%s: a packet-info record from index 0", context)
                        .isGreaterThanOrEqualTo(0);
                assertThat(controls[i].position()).as("%s: control position", context)
                        .isEqualTo(kind == Control.DIRECT_BIG_ENDIAN ? 0 : CONTROL_POSITION);
                assertControlGuards(blocks[i], controls[i], length, context);
                assertThat(batch.sourceAddress(i)).as("%s: sticky source", context)
                        .isEqualTo(loopback(family, 0).getAddress());
            }
            received += got;
        }
    }

    // ---------------------------------------------------------------------------------------------

    private LinuxBatchingConn conn(UdpFamily family, boolean gso, boolean gro) throws IOException {
        if (family == UdpFamily.UDP6) {
            assumeIpv6();
        }
        requireOffload(gso, LinuxBatching.supportsGso(), "UDP_SEGMENT");
        requireOffload(gro, LinuxBatching.supportsGro(), "UDP_GRO");
        LinuxUdpSocket s = LinuxUdpSocket.open(Syscalls.system(), NETWORK, family, loopback(family, 0), null, null);
        LinuxBatchingConn c = new LinuxBatchingConn(s, BATCH, gso, gro);
        conns.add(c);
        c.connection().setReadTimeout(Duration.ofSeconds(10)); // a safety net only: every datagram is expected
        c.connection().setOption(StandardSocketOptions.SO_RCVBUF, 8 << 20);
        assertThat(c.txOffload()).as("GSO").isEqualTo(gso);
        assertThat(c.rxOffload()).as("GRO").isEqualTo(gro);
        return c;
    }

    private static void requireOffload(boolean wanted, boolean supported, String what) {
        if (!wanted) {
            return;
        }
        if (Boolean.getBoolean(REQUIRE_PROPERTY)) {
            assertThat(supported).as(what).isTrue();
        } else {
            org.junit.jupiter.api.Assumptions.assumeTrue(supported, "kernel without " + what);
        }
    }

    private static String mode(UdpFamily family, boolean gso, boolean gro) {
        return family + ", GSO " + (gso ? "on" : "off") + ", GRO " + (gro ? "on" : "off");
    }

    private static BufferShape shapeFor(int i) {
        return BufferShape.values()[i % BufferShape.values().length];
    }

    /** 0 for the first, 60,000 for the fifth, the rest up to 1,399. */
    private static int mixedSize(int i) {
        return i == 4 ? 60_000 : (i * 211) % 1400;
    }

    private record Got(byte[] bytes, InetSocketAddress from) {}

    /** Reads {@code count} datagrams with {@code readBatch} into plain direct buffers, in order. */
    private static List<Got> readAll(LinuxBatchingConn rx, int count) throws IOException {
        ByteBuffer[] packets = new ByteBuffer[BATCH];
        for (int i = 0; i < BATCH; i++) {
            packets[i] = ByteBuffer.allocateDirect(65_535);
        }
        MessageBatch batch = new MessageBatch(BATCH).buffers(packets);
        List<Got> got = new ArrayList<>();
        while (got.size() < count) {
            int n = rx.readBatch(batch.fill(), BATCH);
            for (int i = 0; i < n; i++) {
                assertThat(batch.isTruncated(i)).as("datagram %d truncated", got.size()).isFalse();
                byte[] b = new byte[batch.length(i)];
                packets[i].duplicate().get(b);
                got.add(new Got(b, batch.sender(i)));
            }
        }
        assertThat(got).as("more datagrams than were sent").hasSize(count);
        return got;
    }

    /** A control buffer of {@code kind}, guard bytes everywhere. */
    private static ByteBuffer control(Control kind) {
        return control(kind, ByteBuffer.allocateDirect(64 + CONTROL_CAPACITY + 2 * CONTROL_POSITION + 64));
    }

    /**
     * A control buffer of {@code kind}, positioned at {@link #CONTROL_POSITION} unless the kind says
     * otherwise; direct slices are cut from {@code block} 64 bytes in, with at least twice
     * {@link #CONTROL_POSITION} bytes of the block after them, so a control area taken from the
     * position instead of index 0 lands in guard bytes.
     */
    private static ByteBuffer control(Control kind, ByteBuffer block) {
        for (int i = 0; i < block.capacity(); i++) {
            block.put(i, CONTROL_GUARD);
        }
        ByteBuffer c;
        switch (kind) {
            case HEAP_AT_POSITION:
                c = ByteBuffer.allocate(CONTROL_CAPACITY).order(ByteOrder.nativeOrder());
                for (int i = 0; i < CONTROL_CAPACITY; i++) {
                    c.put(i, CONTROL_GUARD);
                }
                break;
            case DIRECT_SLICE_AT_POSITION:
                c = block.slice(64, CONTROL_CAPACITY).order(ByteOrder.nativeOrder());
                break;
            case DIRECT_BIG_ENDIAN:
                return block.slice(64, CONTROL_CAPACITY).order(ByteOrder.BIG_ENDIAN);
            default:
                throw new AssertionError(kind);
        }
        c.position(CONTROL_POSITION);
        return c;
    }

    private static byte[] contents(ByteBuffer control) {
        byte[] b = new byte[control.capacity()];
        control.duplicate().clear().get(b);
        return b;
    }

    /**
     * Checks that only the first {@code length} bytes of the control buffer were written: the rest of
     * it, and for slices the block around it, still hold guard bytes.
     */
    private static void assertControlGuards(ByteBuffer block, ByteBuffer control, int length, String context) {
        byte[] c = contents(control);
        for (int i = length; i < c.length; i++) {
            if (c[i] != CONTROL_GUARD) {
                throw new AssertionError(context + ": control byte " + i + " written, past the " + length
                        + " control bytes reported");
            }
        }
        if (!control.isDirect()) {
            return;
        }
        for (int i = 0; i < block.capacity(); i++) {
            if ((i < 64 || i >= 64 + CONTROL_CAPACITY) && block.get(i) != CONTROL_GUARD) {
                throw new AssertionError(context + ": byte " + (i - 64) + " of the control buffer's memory written,"
                        + " outside its capacity of " + CONTROL_CAPACITY);
            }
        }
    }
}
