package dev.batchudp.network.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.batchudp.network.Network;
import dev.batchudp.network.UdpConnection;
import dev.batchudp.network.UdpFamily;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The buffer-shape contract of {@link UdpConnection#send} and {@link UdpConnection#receive}, as a
 * JUnit 5 suite every {@link Network} implementation subclasses (as it does
 * {@link AbstractNetworkContractTest}): every {@link BufferShape} as sender and as receiver, over
 * {@code 127.0.0.1} and {@code ::1}, with datagrams of 0, 1, 300 and 60,000 bytes.
 *
 * <ul>
 *   <li>{@code send} puts exactly the bytes from position to limit on the wire, advances the
 *       position to the limit, leaves the limit alone and writes nothing;</li>
 *   <li>{@code receive} stores the datagram from the position, advances the position by its length,
 *       leaves the limit alone and writes nothing else (guard bytes around and after the datagram
 *       prove it);</li>
 *   <li>one buffer object used again at another position behaves as a fresh one;</li>
 *   <li>receiving into a read-only buffer throws {@link ReadOnlyBufferException}, as
 *       {@link ByteBuffer#put} does, and writes nothing.</li>
 * </ul>
 *
 * <p>Each test gets a fresh network, closed after the test, and a {@link Timeout}. Failure messages
 * name the family, the shape with its position, limit and capacity, the size and the network.
 *
 * @since 0.1
 */
public abstract class AbstractBufferShapeContractTest extends AbstractNetworkFixture {
    /** Datagram sizes every shape is tried with: empty, one byte, a typical packet, a large one. */
    private static final int[] SIZES = {0, 1, 300, 60_000};
    /** Room left in receive regions past the datagram, which must stay untouched. */
    private static final int SLACK = 8;
    /** Capacity of the buffers used at several positions. */
    private static final int REUSED_CAPACITY = 4096;


    /** Constructor for subclasses. */
    protected AbstractBufferShapeContractTest() {}

    /**
     * Called with every connection the suite opens, before it is used; override to put the
     * connection in a state under test (for instance, to switch on receive offloads). The default
     * returns it unchanged.
     *
     * @param connection a connection just opened on {@link #network()}
     * @return the connection to use; the suite closes it
     * @throws IOException if preparing it fails
     */
    protected UdpConnection prepare(UdpConnection connection) throws IOException {
        return connection;
    }

    // ---------------------------------------------------------------------------------------------
    // Parameters

    /**
     * Every family, shape and size.
     *
     * @return arguments (family, shape, size)
     */
    protected static Stream<Arguments> everyShapeAndSize() {
        return shapesAndSizes(Arrays.asList(BufferShape.values()));
    }

    /**
     * Every family, writable shape and size.
     *
     * @return arguments (family, shape, size)
     */
    protected static Stream<Arguments> writableShapesAndSizes() {
        return shapesAndSizes(BufferShape.writable());
    }

    /**
     * Every family and shape.
     *
     * @return arguments (family, shape)
     */
    protected static Stream<Arguments> everyShape() {
        return families().flatMap(f -> Arrays.stream(BufferShape.values()).map(s -> Arguments.of(f, s)));
    }

    /**
     * Every family and writable shape.
     *
     * @return arguments (family, shape)
     */
    protected static Stream<Arguments> writableShapes() {
        return families().flatMap(f -> BufferShape.writable().stream().map(s -> Arguments.of(f, s)));
    }

    /**
     * Every family and read-only shape.
     *
     * @return arguments (family, shape)
     */
    protected static Stream<Arguments> readOnlyShapes() {
        return families().flatMap(f -> BufferShape.readOnly().stream().map(s -> Arguments.of(f, s)));
    }

    /**
     * The families tested: {@code udp4} on {@code 127.0.0.1} and {@code udp6} on {@code ::1}.
     *
     * @return the families
     */
    protected static Stream<UdpFamily> families() {
        return Stream.of(UdpFamily.UDP4, UdpFamily.UDP6);
    }

    private static Stream<Arguments> shapesAndSizes(java.util.List<BufferShape> shapes) {
        return families().flatMap(f -> shapes.stream().flatMap(
                s -> IntStream.of(SIZES).mapToObj(n -> Arguments.of(f, s, n))));
    }

    // ---------------------------------------------------------------------------------------------
    // Tests

    /**
     * {@code send} puts position to limit on the wire, byte-exact; the position moves to the limit,
     * the limit stays, and no byte of the buffer's memory changes.
     *
     * @param family the family
     * @param shape the sending buffer's shape
     * @param size the datagram's size
     * @throws IOException on failure
     */
    @ParameterizedTest(name = "{0} from {1}, {2} bytes")
    @MethodSource("everyShapeAndSize")
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    public void sendsPositionToLimitOfEveryShape(UdpFamily family, BufferShape shape, int size) throws IOException {
        assumeFamily(family);
        try (UdpConnection a = open(family); UdpConnection b = open(family)) {
            byte[] payload = Datagrams.bytes(size, size + shape.ordinal());
            ShapedBuffer src = shape.allocate(size).fill(payload);
            String context = context("send", family, size, src);
            a.send(src.buffer(), b.localAddress());
            src.assertPositionAndLimit(src.limit(), context);
            src.assertUnchanged(payload, context);
            ByteBuffer dst = ByteBuffer.allocate(size + 1); // room for one byte too many
            InetSocketAddress sender = b.receive(dst);
            assertThat(sender).as("%s: sender", context).isEqualTo(a.localAddress());
            src.assertSent(payload, Datagrams.received(dst, 0), context);
        }
    }

    /**
     * {@code receive} stores the datagram from the position, byte-exact; the position advances by
     * its length, the limit stays, and nothing past the datagram or outside the region is written.
     *
     * @param family the family
     * @param shape the receiving buffer's shape
     * @param size the datagram's size
     * @throws IOException on failure
     */
    @ParameterizedTest(name = "{0} into {1}, {2} bytes")
    @MethodSource("writableShapesAndSizes")
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    public void receivesAtThePositionOfEveryShape(UdpFamily family, BufferShape shape, int size) throws IOException {
        assumeFamily(family);
        try (UdpConnection a = open(family); UdpConnection b = open(family)) {
            byte[] payload = Datagrams.bytes(size, size + shape.ordinal());
            ShapedBuffer dst = shape.allocate(size + SLACK);
            String context = context("receive", family, size, dst);
            a.send(ByteBuffer.wrap(payload), b.localAddress());
            InetSocketAddress sender = b.receive(dst.buffer());
            assertThat(sender).as("%s: sender", context).isEqualTo(a.localAddress());
            dst.assertReceived(payload, context);
            dst.assertPositionAndLimit(dst.position() + size, context);
        }
    }

    /**
     * {@code receive} into a region with room for any datagram ({@value Datagrams#MAX_BUFFER} bytes,
     * the usual receive buffer): small and large datagrams land at the position, nothing else is
     * written.
     *
     * @param family the family
     * @param shape the receiving buffer's shape
     * @throws IOException on failure
     */
    @ParameterizedTest(name = "{0} into {1}")
    @MethodSource("writableShapes")
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    public void receivesIntoRoomForAnyDatagram(UdpFamily family, BufferShape shape) throws IOException {
        assumeFamily(family);
        try (UdpConnection a = open(family); UdpConnection b = open(family)) {
            ShapedBuffer dst = shape.allocate(Datagrams.MAX_BUFFER);
            for (int size : new int[] {300, 60_000, 0}) {
                byte[] payload = Datagrams.bytes(size, size + shape.ordinal());
                dst.reset();
                String context = context("receive", family, size, dst);
                a.send(ByteBuffer.wrap(payload), b.localAddress());
                b.receive(dst.buffer());
                dst.assertReceived(payload, context);
                dst.assertPositionAndLimit(dst.position() + size, context);
            }
        }
    }

    /**
     * Receiving into a read-only buffer throws {@link ReadOnlyBufferException} and writes nothing,
     * even with a datagram waiting.
     *
     * @param family the family
     * @param shape a read-only shape
     * @throws IOException on failure
     */
    @ParameterizedTest(name = "{0} into {1}")
    @MethodSource("readOnlyShapes")
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    public void receiveIntoReadOnlyBufferIsRefused(UdpFamily family, BufferShape shape) throws IOException {
        assumeFamily(family);
        try (UdpConnection a = open(family); UdpConnection b = open(family)) {
            ShapedBuffer dst = shape.allocate(300);
            String context = context("receive", family, 100, dst);
            a.send(ByteBuffer.wrap(Datagrams.bytes(100, 7)), b.localAddress());
            assertThrows(ReadOnlyBufferException.class, () -> b.receive(dst.buffer()), context);
            dst.assertPositionAndLimit(dst.position(), context);
            dst.assertUntouched(context);
        }
    }

    /**
     * One buffer object sent at one position, then at others, sends each time exactly what lies
     * between its position and limit then.
     *
     * @param family the family
     * @param shape the buffer's shape
     * @throws IOException on failure
     */
    @ParameterizedTest(name = "{0} from {1}")
    @MethodSource("everyShape")
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    public void oneBufferSentAgainAtOtherPositions(UdpFamily family, BufferShape shape) throws IOException {
        assumeFamily(family);
        try (UdpConnection a = open(family); UdpConnection b = open(family)) {
            ShapedBuffer src = shape.allocate(REUSED_CAPACITY);
            int[][] regions = {{100, 100}, {1000, 300}, {0, 50}, {3000, 1000}, {100, 100}};
            ByteBuffer dst = ByteBuffer.allocate(REUSED_CAPACITY + 1);
            for (int round = 0; round < regions.length; round++) {
                byte[] payload = Datagrams.bytes(regions[round][1], round);
                src.frame(regions[round][0], regions[round][1]).fill(payload);
                String context = context("send #" + (round + 1) + " of one buffer", family, payload.length, src);
                a.send(src.buffer(), b.localAddress());
                src.assertPositionAndLimit(src.limit(), context);
                src.assertUnchanged(payload, context);
                dst.clear();
                b.receive(dst);
                src.assertSent(payload, Datagrams.received(dst, 0), context);
            }
        }
    }

    /**
     * One buffer object received into at one position, then at others, stores each datagram at
     * its position then.
     *
     * @param family the family
     * @param shape the buffer's shape
     * @throws IOException on failure
     */
    @ParameterizedTest(name = "{0} into {1}")
    @MethodSource("writableShapes")
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    public void oneBufferReceivesAgainAtOtherPositions(UdpFamily family, BufferShape shape) throws IOException {
        assumeFamily(family);
        try (UdpConnection a = open(family); UdpConnection b = open(family)) {
            ShapedBuffer dst = shape.allocate(REUSED_CAPACITY);
            // Twice each position plus its length stays within the capacity: a position added twice
            // writes guard bytes of this buffer, not memory the test does not own.
            int[][] regions = {{300, 200}, {1000, 500}, {0, 100}, {1500, 300}, {300, 200}};
            for (int round = 0; round < regions.length; round++) {
                int size = regions[round][1] - SLACK;
                byte[] payload = Datagrams.bytes(size, round);
                dst.frame(regions[round][0], regions[round][1]);
                String context = context("receive #" + (round + 1) + " into one buffer", family, size, dst);
                a.send(ByteBuffer.wrap(payload), b.localAddress());
                b.receive(dst.buffer());
                dst.assertReceived(payload, context);
                dst.assertPositionAndLimit(dst.position() + size, context);
            }
        }
    }

    /**
     * A direct buffer of 4,096 bytes, 200 {@code 'A'}s then {@code 'S'}s, at position 100 with limit
     * 200, sends exactly 100 {@code 'A'}s.
     *
     * @param family the family
     * @throws IOException on failure
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    public void directBufferAtAPositionSendsOnlyItsRemainingBytes(UdpFamily family) throws IOException {
        assumeFamily(family);
        try (UdpConnection a = open(family); UdpConnection b = open(family)) {
            ByteBuffer src = ByteBuffer.allocateDirect(4096);
            for (int i = 0; i < src.capacity(); i++) {
                src.put(i, (byte) (i < 200 ? 'A' : 'S'));
            }
            src.position(100).limit(200);
            a.send(src, b.localAddress());
            ByteBuffer dst = ByteBuffer.allocate(REUSED_CAPACITY + 1);
            b.receive(dst);
            byte[] expected = new byte[100];
            Arrays.fill(expected, (byte) 'A');
            Datagrams.assertSameBytes(expected, Datagrams.received(dst, 0),
                    family + " send of a direct 4096-byte buffer at position 100, limit 200 on " + describeNetwork());
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Helpers

    private void assumeFamily(UdpFamily family) {
        assumeTrue(family != UdpFamily.UDP6 || supportsIpv6(), "IPv6 not supported here");
    }

    private UdpConnection open(UdpFamily family) throws IOException {
        UdpConnection c = network().openUdp(family, family == UdpFamily.UDP6 ? Datagrams.loopback6(0) : Datagrams.loopback4(0));
        try {
            return prepare(c);
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private String context(String what, UdpFamily family, int size, ShapedBuffer buffer) {
        return String.format(Locale.ROOT, "%s %s of %d bytes with %s on %s", family, what, size, buffer,
                describeNetwork());
    }
}
