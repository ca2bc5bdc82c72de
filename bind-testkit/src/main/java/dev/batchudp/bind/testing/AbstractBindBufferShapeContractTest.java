package dev.batchudp.bind.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.batchudp.bind.Bind;
import dev.batchudp.bind.Endpoint;
import dev.batchudp.bind.ReceiveFunc;
import dev.batchudp.bind.StdNetBind;
import dev.batchudp.bind.StdNetBindOptions;
import dev.batchudp.network.Network;
import dev.batchudp.network.UdpFamily;
import dev.batchudp.network.testing.BufferShape;
import dev.batchudp.network.testing.Datagrams;
import dev.batchudp.network.testing.ShapedBuffer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The buffer-shape contract of {@link Bind#send} and {@link ReceiveFunc}: whatever the shape of the
 * caller's buffers ({@link BufferShape}: heap or direct, at a position, limit below capacity,
 * slices, duplicates, read-only, mixed in one batch), each datagram goes out as exactly the bytes
 * from position to limit, lands at the position of the receiving buffer, and nothing outside
 * position..limit is read onto the wire or written (guard bytes around every region say so). Buffers
 * lent by {@link ReceiveFunc#receiveBorrowed} can be sent back as they are. Subclassed wherever
 * {@link AbstractBindContractTest} is; it tests {@link StdNetBind} with {@link #options()} unless
 * {@link #createBind} is overridden.
 *
 * @since 0.1
 */
@Timeout(30)
public abstract class AbstractBindBufferShapeContractTest {
    /** A datagram of every size class the batches mix: shape {@code i % 9} gets size {@code i}'s. */
    private static final int LARGE = 60_000;
    /** Room past the datagram in receive regions, which must stay untouched. */
    private static final int SLACK = 8;
    /** The largest datagram sent into the receive regions of {@link #receivesIntoBuffersOfEveryShape}. */
    private static final int SMALL_MAX = 600;

    /** The network of the running test, from {@link #newNetwork()}; closed after it. */
    protected Network network;
    /** The binds of the running test, closed after it. */
    protected final List<Bind> binds = new ArrayList<>();
    /** Runs blocking steps of the running test; shut down after it. */
    protected ExecutorService executor;
    /** The plain receive buffers of {@link #collect}, allocated once per test. */
    private ByteBuffer[] collectBuffers;

    /** Constructor for subclasses. */
    protected AbstractBindBufferShapeContractTest() {}

    /**
     * Returns a fresh network for one test; the test closes it.
     *
     * @return the network
     * @throws IOException if it cannot be opened
     */
    protected abstract Network newNetwork() throws IOException;

    /**
     * Returns the options of the {@link StdNetBind} under test (when {@link #createBind} is not
     * overridden).
     *
     * @return the options; {@link StdNetBindOptions#defaults()} unless overridden
     */
    protected StdNetBindOptions options() {
        return StdNetBindOptions.defaults();
    }

    /**
     * Creates a bind under test on a network. Override it to run the contract on another
     * {@link Bind} implementation.
     *
     * @param network the network
     * @return a new, unopened bind; {@code StdNetBind.create(network, options())} unless overridden
     */
    protected Bind createBind(Network network) {
        return StdNetBind.create(network, options());
    }

    /**
     * Names the implementation in failure messages (backend, offloads).
     *
     * @return the description; the network's provider name unless overridden
     */
    protected String describe() {
        return network.providerName() + " network";
    }

    /** How many datagrams a batch holds in a test case. */
    protected enum Batch {
        /** One datagram. */
        ONE,
        /** One datagram of every shape. */
        EVERY_SHAPE,
        /** The bind's batch size. */
        FULL;

        int count(Bind bind) {
            switch (this) {
                case ONE:
                    return 1;
                case EVERY_SHAPE:
                    return BufferShape.values().length;
                default:
                    return bind.batchSize();
            }
        }
    }

    /**
     * Opens the test's network and executor.
     *
     * @throws IOException if the network cannot be opened
     */
    @BeforeEach
    protected final void setUpShapeNetwork() throws IOException {
        network = newNetwork();
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "bind-shape-contract");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Closes the test's binds, waits for its helper threads to end and closes its network.
     *
     * @throws IOException if closing fails
     * @throws InterruptedException if interrupted while waiting
     */
    @AfterEach
    protected final void tearDownShapeNetwork() throws IOException, InterruptedException {
        for (Bind bind : binds) {
            bind.close();
        }
        executor.shutdownNow();
        assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).as("helper threads ended").isTrue();
        network.close();
    }

    static Stream<Arguments> batchesAndSizes() {
        return Stream.of(UdpFamily.UDP4, UdpFamily.UDP6).flatMap(f -> Arrays.stream(Batch.values())
                .flatMap(b -> Stream.of(Arguments.of(f, b, true), Arguments.of(f, b, false))));
    }

    static Stream<Arguments> familiesAndSizes() {
        return Stream.of(UdpFamily.UDP4, UdpFamily.UDP6)
                .flatMap(f -> Stream.of(Arguments.of(f, true), Arguments.of(f, false)));
    }

    static Stream<Arguments> familiesAndShapes() {
        return Stream.of(UdpFamily.UDP4, UdpFamily.UDP6)
                .flatMap(f -> Arrays.stream(BufferShape.values()).map(s -> Arguments.of(f, s)));
    }

    static Stream<Arguments> familiesAndWritableShapes() {
        return Stream.of(UdpFamily.UDP4, UdpFamily.UDP6)
                .flatMap(f -> BufferShape.writable().stream().map(s -> Arguments.of(f, s)));
    }

    static Stream<Arguments> familiesAndReadOnlyShapes() {
        return Stream.of(UdpFamily.UDP4, UdpFamily.UDP6)
                .flatMap(f -> BufferShape.readOnly().stream().map(s -> Arguments.of(f, s)));
    }

    // ---------------------------------------------------------------------------------------------

    /**
     * One {@code send} of buffers of every shape (sizes equal, so GSO may coalesce them, or mixed,
     * with an empty and a 60,000-byte one): each arrives byte-exact, in order, and the sent buffers'
     * positions, limits and bytes are unchanged.
     */
    @ParameterizedTest(name = "{0} batch {1} equal sizes {2}")
    @MethodSource("batchesAndSizes")
    void mixedShapesInOneSendArriveByteExact(UdpFamily family, Batch batch, boolean equalSizes) throws Exception {
        Peers p = peers(family);
        int n = batch.count(p.tx);
        ShapedBuffer[] shaped = new ShapedBuffer[n];
        byte[][] payloads = new byte[n][];
        for (int i = 0; i < n; i++) {
            payloads[i] = Datagrams.bytes(equalSizes ? 1200 : mixedSize(i), 1000 + i);
            shaped[i] = shapeFor(i).allocate(payloads[i].length).fill(payloads[i]);
        }
        sendAll(p.tx, shaped, p.toRx);
        for (int i = 0; i < n; i++) {
            String context = sendContext(family, i, n, shaped[i]);
            shaped[i].assertPositionAndLimit(shaped[i].position(), context + ": Bind.send must not move it");
            shaped[i].assertUnchanged(payloads[i], context);
        }
        List<Got> got = collect(p.rxFunc, p.rx, n, largest(payloads));
        for (int i = 0; i < n; i++) {
            String context = sendContext(family, i, n, shaped[i]);
            shaped[i].assertSent(payloads[i], got.get(i).bytes, context);
            assertThat(got.get(i).size).as("%s: size", context).isEqualTo(payloads[i].length);
            assertThat(got.get(i).from.dstToString()).as("%s: endpoint", context).isEqualTo(p.txAddress);
        }
    }

    /**
     * {@code receive} into buffers of every writable shape, slot after slot, including a direct
     * buffer of capacity 1,600 at position 1,000 (twice its position is past its capacity): each
     * datagram lands at its slot's position, sizes are reported, positions and limits stay, and no
     * byte outside position..limit (nor past the datagram) is written; slots not filled stay
     * untouched. The buffer objects move between slots from call to call.
     */
    @ParameterizedTest(name = "{0} equal sizes {1}")
    @MethodSource("familiesAndSizes")
    void receivesIntoBuffersOfEveryShape(UdpFamily family, boolean equalSizes) throws Exception {
        Peers p = peers(family);
        int batchSize = p.rx.batchSize();
        List<BufferShape> writable = BufferShape.writable();
        int poolSize = Math.max(batchSize, writable.size() + 1);
        ShapedBuffer[] pool = new ShapedBuffer[poolSize];
        for (int j = 0; j < poolSize; j++) {
            int kind = j % (writable.size() + 1);
            pool[j] = kind < writable.size() ? writable.get(kind).allocate(SMALL_MAX + SLACK)
                    : BufferShape.DIRECT_SLICE.allocate(1600).frame(1000, SMALL_MAX);
        }
        int n = Math.max(2 * batchSize, 2 * poolSize);
        byte[][] payloads = new byte[n][];
        ByteBuffer[] out = new ByteBuffer[n];
        for (int i = 0; i < n; i++) {
            payloads[i] = Datagrams.bytes(equalSizes ? SMALL_MAX : (i * 97) % (SMALL_MAX + 1), 2000 + i);
            out[i] = ByteBuffer.wrap(payloads[i]);
        }
        sendAll(p.tx, out, p.toRx);
        call(() -> {
            ByteBuffer[] packets = new ByteBuffer[batchSize];
            int[] sizes = new int[batchSize];
            Endpoint[] eps = new Endpoint[batchSize];
            int received = 0;
            for (int c = 0; received < n; c++) {
                for (int i = 0; i < batchSize; i++) {
                    packets[i] = pool[(c + i) % poolSize].reset().buffer();
                }
                int got = p.rxFunc.receive(packets, sizes, eps);
                assertThat(got).isBetween(1, batchSize);
                for (int i = 0; i < batchSize; i++) {
                    ShapedBuffer slot = pool[(c + i) % poolSize];
                    if (i >= got) {
                        slot.assertUntouched(receiveContext(family, -1, n, i, slot) + ": slot not filled");
                        continue;
                    }
                    int k = received++;
                    String context = receiveContext(family, k, n, i, slot);
                    assertThat(sizes[i]).as("%s: size", context).isEqualTo(payloads[k].length);
                    assertThat(eps[i].dstToString()).as("%s: endpoint", context).isEqualTo(p.txAddress);
                    slot.assertReceived(payloads[k], context);
                    slot.assertPositionAndLimit(slot.position(), context + ": receive must not move it");
                }
            }
            return null;
        });
    }

    /**
     * Lent buffers sent back as they are: {@code receiveBorrowed}, then {@code send} of the lent
     * buffers unchanged to the sender, which receives every datagram byte-exact. The lent buffers'
     * positions and limits survive the send. (The first leg is sent from plain heap buffers, so
     * that only the lent buffers' shapes are under test here.)
     */
    @ParameterizedTest(name = "{0} equal sizes {1}")
    @MethodSource("familiesAndSizes")
    void lentBuffersEchoedAsTheyAreArriveByteExact(UdpFamily family, boolean equalSizes) throws Exception {
        Peers p = peers(family);
        int n = Math.max(p.tx.batchSize(), BufferShape.values().length);
        for (int round = 0; round < 2; round++) {
            byte[][] payloads = new byte[n][];
            ByteBuffer[] out = new ByteBuffer[n];
            for (int i = 0; i < n; i++) {
                payloads[i] = Datagrams.bytes(equalSizes ? 1200 : mixedSize(i), 3000 + 100 * round + i);
                out[i] = ByteBuffer.wrap(payloads[i]);
            }
            sendAll(p.tx, out, p.toRx);
            int echoRound = round;
            call(() -> {
                int batchSize = p.rx.batchSize();
                ByteBuffer[] packets = new ByteBuffer[batchSize];
                int[] sizes = new int[batchSize];
                Endpoint[] eps = new Endpoint[batchSize];
                int[] positions = new int[batchSize];
                int[] limits = new int[batchSize];
                for (int echoed = 0; echoed < n;) {
                    int got = p.rxFunc.receiveBorrowed(packets, sizes, eps);
                    assertThat(got).isBetween(1, batchSize);
                    for (int i = 0; i < got; i++) {
                        String context = echoContext(family, echoRound, echoed + i, n, packets[i]);
                        assertThat(sizes[i]).as("%s: size", context).isEqualTo(payloads[echoed + i].length);
                        assertThat(eps[i].dstToString()).as("%s: endpoint", context).isEqualTo(p.txAddress);
                        byte[] lent = new byte[packets[i].remaining()];
                        packets[i].duplicate().get(lent);
                        Datagrams.assertSameBytes(payloads[echoed + i], lent, context + ": the lent bytes");
                        positions[i] = packets[i].position();
                        limits[i] = packets[i].limit();
                    }
                    p.rx.send(packets, 0, got, eps[0]);
                    for (int i = 0; i < got; i++) {
                        assertThat(packets[i].position()).as("%s: position after the echo",
                                echoContext(family, echoRound, echoed + i, n, packets[i])).isEqualTo(positions[i]);
                        assertThat(packets[i].limit()).as("limit after the echo").isEqualTo(limits[i]);
                    }
                    echoed += got;
                }
                return null;
            });
            List<Got> back = collect(p.txFunc, p.tx, n, largest(payloads));
            for (int i = 0; i < n; i++) {
                String context = String.format(Locale.ROOT, "%s echo round %d: datagram %d/%d (%d bytes) on %s", family,
                        round, i, n, payloads[i].length, describe());
                Datagrams.assertSameBytes(payloads[i], back.get(i).bytes, context + ": the echo");
                assertThat(back.get(i).from.dstToString()).as("%s: endpoint", context).isEqualTo(p.rxAddress);
            }
        }
    }

    /**
     * {@code receive} into buffers of every writable shape with room for any datagram (65,535
     * bytes, the usual receive buffers) in every slot: small and large datagrams land at their
     * slot's position, nothing else is written.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = UdpFamily.class, names = {"UDP4", "UDP6"})
    void receivesIntoRoomForAnyDatagramInEverySlot(UdpFamily family) throws Exception {
        Peers p = peers(family);
        int batchSize = p.rx.batchSize();
        List<BufferShape> writable = BufferShape.writable();
        ShapedBuffer[] slots = new ShapedBuffer[batchSize];
        ByteBuffer[] packets = new ByteBuffer[batchSize];
        for (int i = 0; i < batchSize; i++) {
            slots[i] = writable.get(i % writable.size()).allocate(AbstractBindContractTest.MAX_DATAGRAM);
            packets[i] = slots[i].buffer();
        }
        int n = Math.max(batchSize, 2 * writable.size());
        byte[][] payloads = new byte[n][];
        ByteBuffer[] out = new ByteBuffer[n];
        for (int i = 0; i < n; i++) {
            payloads[i] = Datagrams.bytes(mixedSize(i), 7000 + i);
            out[i] = ByteBuffer.wrap(payloads[i]);
        }
        sendAll(p.tx, out, p.toRx);
        call(() -> {
            int[] sizes = new int[batchSize];
            Endpoint[] eps = new Endpoint[batchSize];
            for (int received = 0; received < n;) {
                int got = p.rxFunc.receive(packets, sizes, eps);
                assertThat(got).isBetween(1, batchSize);
                for (int i = 0; i < got; i++) {
                    String context = receiveContext(family, received + i, n, i, slots[i]);
                    assertThat(sizes[i]).as("%s: size", context).isEqualTo(payloads[received + i].length);
                    slots[i].assertReceived(payloads[received + i], context);
                    slots[i].assertPositionAndLimit(slots[i].position(), context);
                    slots[i].reset();
                }
                received += got;
            }
            return null;
        });
    }

    /**
     * {@code receive} into a direct buffer of capacity 1,600 at position 1,000 (twice the position
     * is past the capacity) in every slot: each datagram lands at position 1,000 and nothing else
     * is written. The buffers are slices of larger blocks, so a misplaced write hits guard bytes.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = UdpFamily.class, names = {"UDP4", "UDP6"})
    void receivesIntoSmallDirectBuffersAtPosition1000(UdpFamily family) throws Exception {
        Peers p = peers(family);
        int batchSize = p.rx.batchSize();
        ShapedBuffer[] slots = new ShapedBuffer[batchSize];
        ByteBuffer[] packets = new ByteBuffer[batchSize];
        for (int i = 0; i < batchSize; i++) {
            slots[i] = BufferShape.DIRECT_SLICE.allocate(1600).frame(1000, SMALL_MAX);
            packets[i] = slots[i].buffer();
        }
        int n = Math.min(batchSize, 8);
        byte[][] payloads = new byte[n][];
        ByteBuffer[] out = new ByteBuffer[n];
        for (int i = 0; i < n; i++) {
            payloads[i] = Datagrams.bytes(100 + 50 * i, 6000 + i);
            out[i] = ByteBuffer.wrap(payloads[i]);
        }
        sendAll(p.tx, out, p.toRx);
        call(() -> {
            int[] sizes = new int[batchSize];
            Endpoint[] eps = new Endpoint[batchSize];
            for (int received = 0; received < n;) {
                int got = p.rxFunc.receive(packets, sizes, eps);
                for (int i = 0; i < batchSize; i++) {
                    String context = receiveContext(family, i < got ? received + i : -1, n, i, slots[i]);
                    if (i >= got) {
                        slots[i].assertUntouched(context + ": slot not filled");
                        continue;
                    }
                    assertThat(sizes[i]).as("%s: size", context).isEqualTo(payloads[received + i].length);
                    slots[i].assertReceived(payloads[received + i], context);
                    slots[i].assertPositionAndLimit(1000, context);
                }
                for (int i = 0; i < got; i++) {
                    slots[i].reset();
                }
                received += got;
            }
            return null;
        });
    }

    /**
     * One buffer object sent at one position and then at others sends each time what lies between
     * its position and limit then.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("familiesAndShapes")
    void oneBufferSentAgainAtOtherPositions(UdpFamily family, BufferShape shape) throws Exception {
        Peers p = peers(family);
        ShapedBuffer src = shape.allocate(4096);
        int[][] regions = {{100, 100}, {1000, 300}, {0, 50}, {3000, 1000}, {100, 100}};
        for (int round = 0; round < regions.length; round++) {
            byte[] payload = Datagrams.bytes(regions[round][1], 4000 + round);
            src.frame(regions[round][0], regions[round][1]).fill(payload);
            String context = String.format(Locale.ROOT, "%s send #%d of one buffer, %d bytes from %s on %s", family,
                    round + 1, payload.length, src, describe());
            p.tx.send(new ByteBuffer[] {src.buffer()}, p.toRx);
            src.assertPositionAndLimit(src.position(), context);
            src.assertUnchanged(payload, context);
            src.assertSent(payload, collect(p.rxFunc, p.rx, 1, payload.length).get(0).bytes, context);
        }
    }

    /**
     * One buffer object received into at one position and then at others stores each datagram at
     * its position then.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("familiesAndWritableShapes")
    void oneBufferReceivesAgainAtOtherPositions(UdpFamily family, BufferShape shape) throws Exception {
        Peers p = peers(family);
        ShapedBuffer dst = shape.allocate(4096);
        int batchSize = p.rx.batchSize();
        ByteBuffer[] packets = new ByteBuffer[batchSize];
        for (int i = 1; i < batchSize; i++) {
            packets[i] = ByteBuffer.allocateDirect(2048);
        }
        // Twice each position plus its length stays within the capacity (see BufferShape).
        int[][] regions = {{300, 200}, {1000, 500}, {0, 100}, {1500, 300}, {300, 200}};
        for (int round = 0; round < regions.length; round++) {
            int size = regions[round][1] - SLACK;
            byte[] payload = Datagrams.bytes(size, 5000 + round);
            dst.frame(regions[round][0], regions[round][1]);
            String context = String.format(Locale.ROOT, "%s receive #%d into one buffer, %d bytes into %s on %s",
                    family, round + 1, size, dst, describe());
            p.tx.send(new ByteBuffer[] {ByteBuffer.wrap(payload)}, p.toRx);
            packets[0] = dst.buffer();
            int[] sizes = new int[batchSize];
            int got = call(() -> p.rxFunc.receive(packets, sizes, new Endpoint[batchSize]));
            assertThat(got).as("%s: datagrams", context).isEqualTo(1);
            assertThat(sizes[0]).as("%s: size", context).isEqualTo(size);
            dst.assertReceived(payload, context);
            dst.assertPositionAndLimit(dst.position(), context);
        }
    }

    /**
     * A direct buffer of 4,096 bytes holding 200 {@code 'A'}s then {@code 'S'}s, at position 100
     * with limit 200, sends exactly 100 {@code 'A'}s.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = UdpFamily.class, names = {"UDP4", "UDP6"})
    void directBufferAtAPositionSendsOnlyItsRemainingBytes(UdpFamily family) throws Exception {
        Peers p = peers(family);
        ByteBuffer src = ByteBuffer.allocateDirect(4096);
        for (int i = 0; i < src.capacity(); i++) {
            src.put(i, (byte) (i < 200 ? 'A' : 'S'));
        }
        src.position(100).limit(200);
        p.tx.send(new ByteBuffer[] {src}, p.toRx);
        byte[] expected = new byte[100];
        Arrays.fill(expected, (byte) 'A');
        Datagrams.assertSameBytes(expected, collect(p.rxFunc, p.rx, 1, 4096).get(0).bytes,
                family + " Bind.send of a direct 4096-byte buffer at position 100, limit 200, on " + describe());
        assertThat(src.position()).isEqualTo(100);
        assertThat(src.limit()).isEqualTo(200);
    }

    /** A read-only receive buffer is refused with {@link ReadOnlyBufferException}, and not written. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("familiesAndReadOnlyShapes")
    void receiveIntoReadOnlyBufferIsRefused(UdpFamily family, BufferShape shape) throws Exception {
        Peers p = peers(family);
        int batchSize = p.rx.batchSize();
        ShapedBuffer dst = shape.allocate(300);
        ByteBuffer[] packets = new ByteBuffer[batchSize];
        packets[0] = dst.buffer();
        for (int i = 1; i < batchSize; i++) {
            packets[i] = ByteBuffer.allocateDirect(2048);
        }
        p.tx.send(new ByteBuffer[] {ByteBuffer.wrap(Datagrams.bytes(100, 6))}, p.toRx);
        String context = String.format(Locale.ROOT, "%s receive into %s on %s", family, dst, describe());
        assertThatThrownBy(() -> call(() -> p.rxFunc.receive(packets, new int[batchSize], new Endpoint[batchSize])))
                .as(context).isInstanceOf(ReadOnlyBufferException.class);
        dst.assertPositionAndLimit(dst.position(), context);
        dst.assertUntouched(context);
    }

    // ---------------------------------------------------------------------------------------------

    /** Two open binds: {@code tx} sends to {@code rx} on one family. */
    private record Peers(Bind tx, Bind rx, ReceiveFunc txFunc, ReceiveFunc rxFunc, Endpoint toRx,
            String txAddress, String rxAddress) {}

    private Peers peers(UdpFamily family) throws IOException {
        Bind tx = createBind(network);
        binds.add(tx);
        Bind rx = createBind(network);
        binds.add(rx);
        Bind.Opened txOpened = tx.open(0);
        Bind.Opened rxOpened = rx.open(0);
        boolean ipv6 = family == UdpFamily.UDP6;
        String host = ipv6 ? "[::1]" : "127.0.0.1";
        return new Peers(tx, rx, AbstractBindContractTest.func(txOpened, ipv6), AbstractBindContractTest.func(rxOpened, ipv6),
                tx.parseEndpoint(host + ":" + rxOpened.port()), host + ":" + txOpened.port(),
                host + ":" + rxOpened.port());
    }

    private static int largest(byte[][] payloads) {
        return Arrays.stream(payloads).mapToInt(p -> p.length).max().orElse(0);
    }

    /** Shape of datagram {@code i} in a mixed batch. */
    private static BufferShape shapeFor(int i) {
        return BufferShape.values()[i % BufferShape.values().length];
    }

    /** Size of datagram {@code i} in a batch of mixed sizes: 0 for the first, one large, the rest up to 1,399. */
    private static int mixedSize(int i) {
        return i == 4 ? LARGE : (i * 211) % 1400;
    }

    /** Sends the buffers in as many calls as the bind's batch size needs. */
    private static void sendAll(Bind bind, ShapedBuffer[] shaped, Endpoint to) throws IOException {
        ByteBuffer[] bufs = new ByteBuffer[shaped.length];
        for (int i = 0; i < shaped.length; i++) {
            bufs[i] = shaped[i].buffer();
        }
        sendAll(bind, bufs, to);
    }

    /** Sends the buffers in as many calls as the bind's batch size needs. */
    private static void sendAll(Bind bind, ByteBuffer[] bufs, Endpoint to) throws IOException {
        for (int off = 0; off < bufs.length; off += bind.batchSize()) {
            bind.send(bufs, off, Math.min(bind.batchSize(), bufs.length - off), to);
        }
    }

    private record Got(byte[] bytes, int size, Endpoint from) {}

    /**
     * Receives {@code count} datagrams with {@code receive} into plain direct buffers, in order. The
     * buffers hold one byte more than the largest datagram expected, so a longer one shows; they
     * stay small where the datagrams are, which keeps the bind's GRO windows (64 times the caller's
     * buffers) small too.
     */
    private List<Got> collect(ReceiveFunc f, Bind bind, int count, int largest) throws Exception {
        int batchSize = bind.batchSize();
        int size = Math.min(largest + 1, AbstractBindContractTest.MAX_DATAGRAM);
        if (collectBuffers == null || collectBuffers.length < batchSize || collectBuffers[0].capacity() < size) {
            collectBuffers = new ByteBuffer[batchSize];
            for (int i = 0; i < batchSize; i++) {
                collectBuffers[i] = ByteBuffer.allocateDirect(size);
            }
        }
        ByteBuffer[] packets = collectBuffers;
        return call(() -> {
            int[] sizes = new int[batchSize];
            Endpoint[] eps = new Endpoint[batchSize];
            List<Got> got = new ArrayList<>();
            while (got.size() < count) {
                int n = f.receive(packets, sizes, eps);
                for (int i = 0; i < n; i++) {
                    byte[] b = new byte[Math.min(sizes[i], packets[i].remaining())];
                    packets[i].duplicate().get(b);
                    got.add(new Got(b, sizes[i], eps[i]));
                }
            }
            assertThat(got).as("more datagrams than were sent").hasSize(count);
            return got;
        });
    }

    /** Runs a blocking step on a helper thread with a deadline, rethrowing what it threw. */
    private <T> T call(Callable<T> step) throws Exception {
        try {
            return executor.submit(step).get(15, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception) {
                throw (Exception) e.getCause();
            }
            if (e.getCause() instanceof Error) {
                throw (Error) e.getCause();
            }
            throw e;
        }
    }

    private String sendContext(UdpFamily family, int i, int n, ShapedBuffer shaped) {
        return String.format(Locale.ROOT, "%s Bind.send: datagram %d/%d (%d bytes) from %s on %s", family, i, n,
                shaped.length(), shaped, describe());
    }

    private String receiveContext(UdpFamily family, int k, int n, int slot, ShapedBuffer shaped) {
        return String.format(Locale.ROOT, "%s ReceiveFunc.receive: datagram %d/%d into slot %d, %s on %s", family, k,
                n, slot, shaped, describe());
    }

    private String echoContext(UdpFamily family, int round, int k, int n, ByteBuffer lent) {
        return String.format(Locale.ROOT, "%s echo round %d: lent datagram %d/%d in %s (direct %b) on %s", family,
                round, k, n, lent, lent.isDirect(), describe());
    }
}
