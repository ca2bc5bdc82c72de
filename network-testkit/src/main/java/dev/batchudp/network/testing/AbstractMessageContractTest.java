package dev.batchudp.network.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.batchudp.network.BatchFlags;
import dev.batchudp.network.ControlMessage;
import dev.batchudp.network.DatagramTooLargeException;
import dev.batchudp.network.Ecn;
import dev.batchudp.network.Message;
import dev.batchudp.network.Network;
import dev.batchudp.network.UdpConnection;
import dev.batchudp.network.UdpFamily;
import dev.batchudp.network.UdpSocketOptions;
import dev.batchudp.network.UdpStatistics;
import dev.batchudp.network.testing.Batches.Datagram;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract of {@link UdpConnection#readBatch}, {@link UdpConnection#writeBatch} and
 * {@link UdpConnection#statistics()}, as a JUnit 5 suite every {@link Network} implementation
 * subclasses (as it does {@link AbstractNetworkContractTest}), over a real pair of connections on
 * {@code 127.0.0.1} and on {@code ::1}:
 *
 * <ul>
 *   <li>vectored buffers of every {@link BufferShape} in both directions, datagrams of 0 bytes to
 *       the family's maximum; no position or limit moves and no byte outside position..limit is
 *       written;</li>
 *   <li>counts: a read returns between 1 and {@code count} messages without waiting for more than
 *       the first, leaves the others alone; {@link BatchFlags#DONTWAIT} returns 0 when nothing is
 *       queued; {@link BatchFlags#PEEK} leaves the datagram queued;</li>
 *   <li>truncation ({@link Message#TRUNCATED}) and control truncation
 *       ({@link Message#CONTROL_TRUNCATED}) per message;</li>
 *   <li>control messages: ECN codepoints per datagram, {@code UDP_SEGMENT} on send, packet info on
 *       receive, each where the connection lists the receive option in
 *       {@link UdpConnection#supportedOptions()} (and refused with
 *       {@link UnsupportedOperationException} otherwise);</li>
 *   <li>a write failing at message {@code k > 0} returns {@code k} and the next call throws; bad
 *       arguments fail fast with a clear exception; close wakes a blocked read;</li>
 *   <li>counters, where kept, match exactly what was sent and received.</li>
 * </ul>
 *
 * <p>Each test gets a fresh network, closed after the test, and a {@link Timeout}. Failure messages
 * name the family and the network.
 *
 * @since 0.2
 */
public abstract class AbstractMessageContractTest extends AbstractNetworkFixture {
    /** How long a test waits for something that should happen promptly (a wake-up). */
    protected static final Duration PROMPTLY = Duration.ofSeconds(3);
    /** Room left in receive regions past the datagram, which must stay untouched. */
    private static final int SLACK = 8;
    /** A datagram no network sends: larger than any UDP payload. */
    private static final int OVERSIZE = 70_000;


    /** Constructor for subclasses. */
    protected AbstractMessageContractTest() {}

    /**
     * Returns whether reads honour {@link BatchFlags#PEEK}. When they do not, the suite checks that a
     * read with it is refused with {@link UnsupportedOperationException} and skips the rest.
     *
     * @return {@code true} by default
     */
    protected boolean supportsPeek() {
        return true;
    }

    /**
     * Returns whether reads honour {@link BatchFlags#DONTWAIT}. When they do not, the suite checks
     * that a read with it is refused with {@link UnsupportedOperationException} and skips the rest.
     *
     * @return {@code true} by default
     */
    protected boolean supportsDontwait() {
        return true;
    }

    /**
     * Returns whether writes honour {@link ControlMessage#segmentSize()} ({@code UDP_SEGMENT}). When
     * they do not, the suite checks that such a write is refused with
     * {@link UnsupportedOperationException} and sends nothing.
     *
     * @return {@code true} by default
     */
    protected boolean supportsSegmentationOnSend() {
        return true;
    }

    /**
     * Returns whether the network delivers control messages on reads: then the receive options
     * {@link UdpSocketOptions#RECEIVE_TRAFFIC_CLASS}, {@link UdpSocketOptions#RECEIVE_HOP_LIMIT} and
     * {@link UdpSocketOptions#RECEIVE_PACKET_INFO} must be supported, and a test that needs one fails
     * rather than skips when it is missing. Networks that deliver none override this with
     * {@code false}; their tests of received control data are skipped after checking that the options
     * are refused.
     *
     * @return {@code true} by default
     */
    protected boolean deliversControlMessages() {
        return true;
    }

    /**
     * Returns whether {@link UdpConnection#statistics()} must keep the datagram and byte counts: then a
     * count that is {@link UdpStatistics#UNAVAILABLE} fails the statistics test.
     *
     * @return {@code true} by default
     */
    protected boolean keepsCounters() {
        return true;
    }

    /**
     * Returns whether one read returns every datagram already queued (up to its count), as
     * {@code recvmmsg} does, rather than one datagram per call.
     *
     * @return {@code true} by default
     */
    protected boolean readsEveryQueuedDatagram() {
        return true;
    }

    /**
     * Called with every connection the suite opens, before it is used; override to put it in a state
     * under test (for instance to switch on {@link UdpSocketOptions#UDP_GRO}). The default returns it
     * unchanged.
     *
     * @param connection a connection just opened on {@link #network()}
     * @return the connection to use; the suite closes it
     * @throws IOException if preparing it fails
     */
    protected UdpConnection prepare(UdpConnection connection) throws IOException {
        return connection;
    }

    /**
     * The families tested: {@code udp4} on {@code 127.0.0.1} and {@code udp6} on {@code ::1}.
     *
     * @return the families
     */
    protected static Stream<UdpFamily> families() {
        return Stream.of(UdpFamily.UDP4, UdpFamily.UDP6);
    }

    // ---------------------------------------------------------------------------------------------
    // Vectored buffers

    /**
     * {@code writeBatch} sends each message's buffers, of every shape (read-only ones included), as
     * one datagram of 0 bytes to the family's maximum; it returns the count, sets each length, and
     * moves no position and writes no byte.
     *
     * @param family the family
     * @throws IOException on failure
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    public void writeBatchSendsVectoredBuffersOfEveryShape(UdpFamily family) throws IOException {
        assumeFamily(family);
        try (UdpConnection a = open(family); UdpConnection b = open(family)) {
            BufferShape[] shapes = BufferShape.values();
            int[] sizes = sizes(family);
            for (int round = 0; round < 2; round++) {
                Message[] msgs = new Message[sizes.length];
                ShapedBuffer[][] parts = new ShapedBuffer[sizes.length][];
                byte[][] payloads = new byte[sizes.length][];
                for (int m = 0; m < sizes.length; m++) {
                    payloads[m] = Datagrams.bytes(sizes[m], 100 * round + m);
                    int[] lengths = thirds(sizes[m], 0);
                    parts[m] = new ShapedBuffer[lengths.length];
                    ByteBuffer[] buffers = new ByteBuffer[lengths.length];
                    for (int j = 0, at = 0; j < lengths.length; at += lengths[j], j++) {
                        BufferShape shape = shapes[(3 * m + j + 4 * round) % shapes.length];
                        parts[m][j] = shape.allocate(lengths[j]).fill(Arrays.copyOfRange(payloads[m], at, at + lengths[j]));
                        buffers[j] = parts[m][j].buffer();
                    }
                    msgs[m] = new Message(buffers).address(b.localAddress());
                }
                String context = context("writeBatch round " + round, family);
                assertThat(a.writeBatch(msgs, 0, msgs.length, 0)).as(context).isEqualTo(msgs.length);
                for (int m = 0; m < sizes.length; m++) {
                    assertThat(msgs[m].length()).as("%s: length of message %d", context, m).isEqualTo(sizes[m]);
                    for (int j = 0, at = 0; j < parts[m].length; at += parts[m][j].length(), j++) {
                        String where = context + ", message " + m + " buffer " + j;
                        parts[m][j].assertPositionAndLimit(parts[m][j].position(), where);
                        parts[m][j].assertUnchanged(Arrays.copyOfRange(payloads[m], at, at + parts[m][j].length()), where);
                    }
                }
                for (int m = 0; m < sizes.length; m++) {
                    ByteBuffer dst = ByteBuffer.allocate(Datagrams.MAX_BUFFER);
                    assertThat(b.receive(dst)).as(context).isEqualTo(a.localAddress());
                    Datagrams.assertSameBytes(payloads[m], Datagrams.received(dst, 0), context + ", datagram " + m);
                }
            }
        }
    }

    /**
     * {@code readBatch} stores each datagram across its message's buffers of every writable shape,
     * filling each to its limit before the next, and sets length, sender and flags; no position or
     * limit moves and nothing outside position..limit (or past the datagram) is written.
     *
     * @param family the family
     * @throws IOException on failure
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    public void readBatchScattersIntoVectoredBuffersOfEveryShape(UdpFamily family) throws IOException {
        assumeFamily(family);
        try (UdpConnection a = open(family); UdpConnection b = open(family)) {
            List<BufferShape> shapes = BufferShape.writable();
            int[] sizes = sizes(family);
            for (int round = 0; round < 2; round++) {
                Message[] msgs = new Message[sizes.length];
                ShapedBuffer[][] parts = new ShapedBuffer[sizes.length][];
                byte[][] payloads = new byte[sizes.length][];
                for (int m = 0; m < sizes.length; m++) {
                    payloads[m] = Datagrams.bytes(sizes[m], 200 * round + m);
                    int[] lengths = thirds(sizes[m], SLACK);
                    parts[m] = new ShapedBuffer[lengths.length];
                    ByteBuffer[] buffers = new ByteBuffer[lengths.length];
                    for (int j = 0; j < lengths.length; j++) {
                        parts[m][j] = shapes.get((3 * m + j + 2 * round) % shapes.size()).allocate(lengths[j]);
                        buffers[j] = parts[m][j].buffer();
                    }
                    msgs[m] = new Message(buffers);
                    a.send(ByteBuffer.wrap(payloads[m]), b.localAddress());
                }
                String context = context("readBatch round " + round, family);
                for (int got = 0; got < msgs.length; ) {
                    int n = b.readBatch(msgs, got, msgs.length - got, 0);
                    assertThat(n).as("%s: readBatch(msgs, %d, %d)", context, got, msgs.length - got)
                            .isBetween(1, msgs.length - got);
                    got += n;
                }
                for (int m = 0; m < sizes.length; m++) {
                    String where = context + ", message " + m + " of " + sizes[m] + " bytes";
                    assertThat(msgs[m].length()).as("%s: length", where).isEqualTo(sizes[m]);
                    assertThat(msgs[m].flags()).as("%s: flags", where).isZero();
                    assertThat(msgs[m].address()).as("%s: sender", where).isEqualTo(a.localAddress());
                    for (int j = 0, at = 0; j < parts[m].length; j++) {
                        int stored = Math.min(parts[m][j].length(), sizes[m] - at);
                        parts[m][j].assertReceived(Arrays.copyOfRange(payloads[m], at, at + stored), where + " buffer " + j);
                        parts[m][j].assertPositionAndLimit(parts[m][j].position(), where + " buffer " + j);
                        at += stored;
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Counts and flags

    /**
     * With fewer datagrams queued than asked for, {@code readBatch} returns those there (at least the
     * first) without waiting for more, and leaves the other messages alone.
     *
     * @param family the family
     * @throws IOException on failure
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    public void readBatchReturnsFewerThanCountWithoutWaiting(UdpFamily family) throws IOException {
        assumeFamily(family);
        try (UdpConnection a = open(family); UdpConnection b = open(family)) {
            a.send(Datagrams.payload(10, 1), b.localAddress());
            a.send(Datagrams.payload(20, 2), b.localAddress());
            Message[] msgs = Batches.roomy(9);
            Batches.markUnfilled(msgs);
            int got = b.readBatch(msgs, 1, 8, 0);
            String context = context("readBatch(msgs, 1, 8) with 2 queued", family);
            assertThat(got).as(context).isBetween(readsEveryQueuedDatagram() ? 2 : 1, 2);
            Batches.assertUnfilled(new Message[] {msgs[0]}, 0, context);
            Batches.assertUnfilled(msgs, 1 + got, context);
            List<byte[]> payloads = new ArrayList<>();
            for (int i = 1; i <= got; i++) {
                payloads.add(Batches.split(msgs[i]).get(0).payload());
            }
            if (got == 1) {
                payloads.add(Batches.read(b, 1, 8).get(0).payload());
            }
            assertThat(payloads).as(context).containsExactly(Datagrams.bytes(10, 1), Datagrams.bytes(20, 2));
        }
    }

    /**
     * With more datagrams queued than asked for, {@code readBatch} fills at most {@code count}
     * messages from {@code offset}; the rest stay queued, in order.
     *
     * @param family the family
     * @throws IOException on failure
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    public void readBatchFillsAtMostCount(UdpFamily family) throws IOException {
        assumeFamily(family);
        try (UdpConnection a = open(family); UdpConnection b = open(family)) {
            List<byte[]> sent = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                sent.add(Datagrams.bytes(30 + i, i));
                a.send(ByteBuffer.wrap(sent.get(i)), b.localAddress());
            }
            Message[] msgs = Batches.roomy(6);
            Batches.markUnfilled(msgs);
            String context = context("readBatch(msgs, 1, 3) with 6 queued", family);
            int got = b.readBatch(msgs, 1, 3, 0);
            assertThat(got).as(context).isBetween(1, 3);
            Batches.assertUnfilled(new Message[] {msgs[0]}, 0, context);
            Batches.assertUnfilled(msgs, 1 + got, context);
            List<byte[]> received = new ArrayList<>();
            for (int i = 1; i <= got; i++) {
                assertThat(msgs[i].address()).as(context).isEqualTo(a.localAddress());
                received.add(Batches.split(msgs[i]).get(0).payload());
            }
            for (Datagram d : Batches.read(b, 6 - got, 4)) {
                received.add(d.payload());
            }
            assertThat(received).as(context).containsExactlyElementsOf(sent);
        }
    }

    /**
     * A count of 0 returns 0 at once, for reads and writes.
     *
     * @throws IOException on failure
     */
    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    public void aCountOfZeroReturnsZeroAtOnce() throws IOException {
        try (UdpConnection a = open(UdpFamily.UDP4)) {
            Message[] msgs = Batches.roomy(2);
            assertThat(a.readBatch(msgs, 2, 0, 0)).as(context("readBatch of 0", UdpFamily.UDP4)).isZero();
            assertThat(a.writeBatch(msgs, 0, 0, 0)).as(context("writeBatch of 0", UdpFamily.UDP4)).isZero();
        }
    }

    /**
     * {@link BatchFlags#DONTWAIT}: a read with nothing queued returns 0 and touches no message; with a
     * datagram queued it returns it.
     *
     * @param family the family
     * @throws Exception on failure
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    public void dontwaitReturnsZeroWhenNothingIsQueued(UdpFamily family) throws Exception {
        assumeFamily(family);
        try (UdpConnection a = open(family); UdpConnection b = open(family)) {
            assumeFlag(a, b, BatchFlags.DONTWAIT, supportsDontwait());
            Message[] msgs = Batches.roomy(4);
            Batches.markUnfilled(msgs);
            String context = context("readBatch(DONTWAIT) of an empty socket", family);
            assertThat(b.readBatch(msgs, 0, 4, BatchFlags.DONTWAIT)).as(context).isZero();
            Batches.assertUnfilled(msgs, 0, context);

            a.send(Datagrams.payload(40, 3), b.localAddress());
            int got;
            do { // the datagram is on its way: poll until it is there (the test's timeout bounds this)
                Thread.sleep(1);
                got = b.readBatch(msgs, 0, 4, BatchFlags.DONTWAIT);
            } while (got == 0);
            assertThat(got).as(context("readBatch(DONTWAIT) with one queued", family)).isEqualTo(1);
            assertThat(Batches.split(msgs[0]).get(0).payload()).isEqualTo(Datagrams.bytes(40, 3));
            assertThat(b.readBatch(msgs, 0, 4, BatchFlags.DONTWAIT)).as(context).isZero();
        }
    }

    /**
     * {@link BatchFlags#PEEK} fills at most one message, even with more queued and room for them,
     * and leaves the datagram queued: the next read returns it again, then the next datagram.
     *
     * @param family the family
     * @throws IOException on failure
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    public void peekLeavesTheDatagramQueued(UdpFamily family) throws IOException {
        assumeFamily(family);
        try (UdpConnection a = open(family); UdpConnection b = open(family)) {
            assumeFlag(a, b, BatchFlags.PEEK, supportsPeek());
            a.send(Datagrams.payload(100, 1), b.localAddress());
            a.send(Datagrams.payload(200, 2), b.localAddress());
            String context = context("readBatch(PEEK)", family);
            for (int i = 0; i < 2; i++) {
                Message[] msgs = Batches.roomy(4);
                Batches.markUnfilled(msgs);
                assertThat(b.readBatch(msgs, 0, 4, BatchFlags.PEEK)).as(context).isEqualTo(1);
                Batches.assertUnfilled(msgs, 1, context);
                assertThat(msgs[0].address()).as(context).isEqualTo(a.localAddress());
                assertThat(Batches.split(msgs[0]).get(0).payload()).as(context).isEqualTo(Datagrams.bytes(100, 1));
            }
            Message small = new Message(ByteBuffer.allocate(10));
            assertThat(b.readBatch(new Message[] {small}, 0, 1, BatchFlags.PEEK)).as(context).isEqualTo(1);
            assertThat(small.flags()).as("%s into 10 bytes: flags", context).isEqualTo(Message.TRUNCATED);
            assertThat(small.length()).as("%s into 10 bytes: length", context).isEqualTo(10);

            List<Datagram> both = Batches.read(b, 2, 4);
            assertThat(both.get(0).payload()).as("after PEEK").isEqualTo(Datagrams.bytes(100, 1));
            assertThat(both.get(0).flags()).as("after PEEK").isZero();
            assertThat(both.get(1).payload()).as("after PEEK").isEqualTo(Datagrams.bytes(200, 2));
        }
    }

    /**
     * A datagram longer than its message's buffers is stored up to their limits and flagged
     * {@link Message#TRUNCATED}, with the length stored; the other messages of the same read are
     * not.
     *
     * @param family the family
     * @throws IOException on failure
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    public void truncationIsFlaggedPerMessage(UdpFamily family) throws IOException {
        assumeFamily(family);
        try (UdpConnection a = open(family); UdpConnection b = open(family)) {
            int[] sizes = {100, 10, 200, 50, 5};
            ShapedBuffer single = BufferShape.HEAP_OFFSET.allocate(50);
            ShapedBuffer fits = BufferShape.DIRECT.allocate(50);
            ShapedBuffer first = BufferShape.DIRECT_SLICE.allocate(20);
            ShapedBuffer second = BufferShape.HEAP_ARRAY_OFFSET.allocate(30);
            ShapedBuffer exact = BufferShape.DIRECT_OFFSET.allocate(50);
            Message[] msgs = {new Message(single.buffer()), new Message(fits.buffer()),
                new Message(first.buffer(), second.buffer()), new Message(exact.buffer()), new Message()};
            for (int i = 0; i < sizes.length; i++) {
                a.send(Datagrams.payload(sizes[i], i), b.localAddress());
            }
            for (int got = 0; got < msgs.length; ) {
                got += b.readBatch(msgs, got, msgs.length - got, 0);
            }
            String context = context("readBatch of 100, 10, 200, 50 and 5 bytes into 50, 50, 20+30, 50 and none", family);
            int[] lengths = {50, 10, 50, 50, 0};
            int[] flags = {Message.TRUNCATED, 0, Message.TRUNCATED, 0, Message.TRUNCATED};
            for (int i = 0; i < msgs.length; i++) {
                assertThat(msgs[i].length()).as("%s: length of message %d", context, i).isEqualTo(lengths[i]);
                assertThat(msgs[i].flags()).as("%s: flags of message %d", context, i).isEqualTo(flags[i]);
                assertThat(msgs[i].address()).as("%s: sender of message %d", context, i).isEqualTo(a.localAddress());
            }
            single.assertReceived(Datagrams.bytes(50, 0), context);
            fits.assertReceived(Datagrams.bytes(10, 1), context);
            first.assertReceived(Datagrams.bytes(20, 2), context);
            second.assertReceived(Arrays.copyOfRange(Datagrams.bytes(50, 2), 20, 50), context);
            exact.assertReceived(Datagrams.bytes(50, 3), context);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Control messages

    /**
     * With {@link UdpSocketOptions#RECEIVE_TRAFFIC_CLASS} on, a message whose control buffer is too
     * small for the record (or that has none) is flagged {@link Message#CONTROL_TRUNCATED}; a message
     * of the same read with room gets the record and no flag.
     *
     * @param family the family
     * @throws IOException on failure
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    public void controlTruncationIsFlaggedPerMessage(UdpFamily family) throws IOException {
        assumeFamily(family);
        try (UdpConnection a = open(family); UdpConnection b = open(family)) {
            assumeOption(b, UdpSocketOptions.RECEIVE_TRAFFIC_CLASS);
            b.setOption(UdpSocketOptions.RECEIVE_TRAFFIC_CLASS, true);
            assertThat(b.getOption(UdpSocketOptions.RECEIVE_TRAFFIC_CLASS)).isTrue();
            Message tooSmall = new Message(ByteBuffer.allocate(100)).control(ByteBuffer.allocate(8));
            Message room = new Message(ByteBuffer.allocate(100)).control(ByteBuffer.allocateDirect(ControlMessage.RECEIVE_SPACE));
            Message none = new Message(ByteBuffer.allocate(100));
            Message[] msgs = {tooSmall, room, none};
            for (int i = 0; i < msgs.length; i++) {
                a.send(Datagrams.payload(60, i), b.localAddress());
            }
            for (int got = 0; got < msgs.length; ) {
                got += b.readBatch(msgs, got, msgs.length - got, 0);
            }
            String context = context("readBatch with RECEIVE_TRAFFIC_CLASS into control buffers of 8, "
                    + ControlMessage.RECEIVE_SPACE + " and no bytes", family);
            assertThat(tooSmall.flags()).as("%s: flags of the first", context).isEqualTo(Message.CONTROL_TRUNCATED);
            assertThat(tooSmall.controlLength()).as(context).isBetween(0, 8);
            assertThat(room.flags()).as("%s: flags of the second", context).isZero();
            assertThat(room.controlLength()).as(context).isPositive();
            assertThat(new ControlMessage().parse(room).trafficClass()).as(context).isEqualTo(0);
            assertThat(none.flags()).as("%s: flags of the third", context).isEqualTo(Message.CONTROL_TRUNCATED);
            assertThat(none.controlLength()).as(context).isZero();
            for (Message m : msgs) {
                assertThat(m.length()).as(context).isEqualTo(60);
            }
        }
    }

    /**
     * A message the network refuses before sending (malformed control data) ends a batch when it is
     * not the first: the messages before it are sent and their count returned; the next call, which
     * starts with it, throws {@link IllegalArgumentException}.
     *
     * @param family the family
     * @throws IOException on failure
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    public void aMalformedMessageAfterTheFirstEndsTheBatchThere(UdpFamily family) throws IOException {
        assumeFamily(family);
        try (UdpConnection a = open(family); UdpConnection b = open(family)) {
            ByteBuffer bad = ByteBuffer.allocate(16).order(java.nio.ByteOrder.nativeOrder()).putLong(0, 4096); // cmsg_len past the end
            Message[] msgs = {
                new Message(Datagrams.payload(10, 1)).address(b.localAddress()),
                new Message(Datagrams.payload(10, 2)).control(bad).address(b.localAddress()),
                new Message(Datagrams.payload(10, 3)).address(b.localAddress()),
            };
            String context = context("writeBatch with malformed control data in message 1", family);
            assertThat(a.writeBatch(msgs, 0, 3, 0)).as(context).isEqualTo(1);
            assertThatThrownBy(() -> a.writeBatch(msgs, 1, 2, 0)).as(context).isInstanceOf(IllegalArgumentException.class);
            assertThat(a.writeBatch(msgs, 2, 1, 0)).as(context).isEqualTo(1);
            List<Batches.Datagram> got = Batches.read(b, 2, 4);
            assertThat(got).extracting(Batches.Datagram::payload).as(context)
                    .containsExactly(Datagrams.bytes(10, 1), Datagrams.bytes(10, 3));
        }
    }

    /**
     * A control buffer with room for one record and part of the next (40 bytes: a 24-byte hop-limit
     * record, then 16 bytes) is cut as Linux's {@code put_cmsg} cuts it: the read is flagged
     * {@link Message#CONTROL_TRUNCATED}, and {@link ControlMessage#parse(Message)} returns the whole
     * record and skips the cut one instead of failing.
     *
     * @param family the family
     * @throws IOException on failure
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    public void aCutControlRecordIsFlaggedAndSkippedByParse(UdpFamily family) throws IOException {
        assumeFamily(family);
        try (UdpConnection a = open(family); UdpConnection b = open(family)) {
            assumeOption(b, UdpSocketOptions.RECEIVE_HOP_LIMIT);
            assumeOption(b, UdpSocketOptions.RECEIVE_TRAFFIC_CLASS);
            b.setOption(UdpSocketOptions.RECEIVE_HOP_LIMIT, true);
            b.setOption(UdpSocketOptions.RECEIVE_TRAFFIC_CLASS, true);
            Message m = new Message(ByteBuffer.allocate(100)).control(ByteBuffer.allocateDirect(40));
            a.send(Datagrams.payload(30, 7), b.localAddress());
            assertThat(b.readBatch(new Message[] {m}, 0, 1, 0)).isEqualTo(1);
            String context = context("readBatch with hop limit and traffic class into 40 control bytes", family);
            assertThat(m.flags()).as(context).isEqualTo(Message.CONTROL_TRUNCATED);
            assertThat(m.controlLength()).as(context).isBetween(24, 40);
            ControlMessage parsed = new ControlMessage().parse(m);
            assertThat(parsed.hopLimit()).as(context + ": the whole record").isBetween(1, 255);
            assertThat(parsed.trafficClass()).as(context + ": the cut record").isEqualTo(ControlMessage.UNSET);
            assertThat(m.length()).as(context).isEqualTo(30);
        }
    }

    /**
     * Each ECN codepoint set per datagram with {@link ControlMessage#ecn(Ecn)} arrives with that
     * datagram ({@link UdpSocketOptions#RECEIVE_TRAFFIC_CLASS}): one per write, then a batch of mixed
     * codepoints with a DSCP.
     *
     * @param family the family
     * @throws IOException on failure
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    public void ecnCodepointsArriveWithEachDatagram(UdpFamily family) throws IOException {
        assumeFamily(family);
        try (UdpConnection a = open(family); UdpConnection b = open(family)) {
            assumeOption(b, UdpSocketOptions.RECEIVE_TRAFFIC_CLASS);
            b.setOption(UdpSocketOptions.RECEIVE_TRAFFIC_CLASS, true);
            Map<String, Integer> expected = new HashMap<>();
            Ecn[] codepoints = Ecn.values();
            for (int i = 0; i < codepoints.length; i++) { // one datagram per write, no DSCP
                Message m = withTrafficClass(Datagrams.bytes(16, i), codepoints[i].codepoint(), family, b, i % 2 == 0);
                expected.put(Arrays.toString(Datagrams.bytes(16, i)), codepoints[i].codepoint());
                assertThat(a.writeBatch(new Message[] {m}, 0, 1, 0)).as(context("writeBatch with " + codepoints[i], family))
                        .isEqualTo(1);
            }
            Ecn[] mixed = {Ecn.CE, Ecn.NOT_ECT, Ecn.ECT1, Ecn.ECT0, Ecn.CE, Ecn.ECT0};
            Message[] batch = new Message[mixed.length];
            for (int i = 0; i < mixed.length; i++) { // DSCP AF11 (0x28): the ECN bits must not disturb it
                int trafficClass = mixed[i].applyTo(0x28);
                batch[i] = withTrafficClass(Datagrams.bytes(16, 10 + i), trafficClass, family, b, i % 2 == 1);
                expected.put(Arrays.toString(Datagrams.bytes(16, 10 + i)), trafficClass);
            }
            assertThat(a.writeBatch(batch, 0, batch.length, 0)).as(context("writeBatch of mixed ECN", family))
                    .isEqualTo(batch.length);
            for (Datagram d : Batches.read(b, codepoints.length + mixed.length, 4)) {
                Integer want = expected.get(Arrays.toString(d.payload()));
                assertThat(want).as("an unexpected datagram arrived").isNotNull();
                String context = context("datagram sent with traffic class 0x" + Integer.toHexString(want), family);
                assertThat(d.flags()).as("%s: flags", context).isZero();
                assertThat(d.control().ecn()).as(context).isEqualTo(Ecn.ofTrafficClass(want));
                assertThat(d.control().trafficClass()).as(context).isEqualTo(want);
            }
        }
    }

    /**
     * A message with {@link ControlMessage#segmentSize()} arrives as separate datagrams of that size
     * (the last shorter), between the plain datagrams of the same batch; a network that cannot
     * segment refuses the message with {@link UnsupportedOperationException} and sends nothing.
     *
     * @param family the family
     * @throws IOException on failure
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    public void segmentSizeSplitsASendIntoDatagrams(UdpFamily family) throws IOException {
        assumeFamily(family);
        try (UdpConnection a = open(family); UdpConnection b = open(family)) {
            byte[] payload = Datagrams.bytes(3500, 7);
            ByteBuffer head = ByteBuffer.allocate(1800).put(100, payload, 0, 1700).position(100);
            ByteBuffer tail = ByteBuffer.allocateDirect(1800).put(0, payload, 1700, 1800);
            ByteBuffer control = ByteBuffer.allocate(ControlMessage.SEND_SPACE);
            new ControlMessage().segmentSize(1000).marshal(control, family);
            Message segmented = new Message(head, tail).control(control.flip()).address(b.localAddress());
            Message before = new Message(Datagrams.payload(100, 1)).address(b.localAddress());
            Message after = new Message(Datagrams.payload(50, 2)).address(b.localAddress());
            Message[] msgs = {before, segmented, after};
            String context = context("writeBatch of 100 bytes, 3500 in segments of 1000, 50 bytes", family);
            if (!supportsSegmentationOnSend()) {
                assertThatThrownBy(() -> a.writeBatch(msgs, 1, 2, 0)).as(context)
                        .isInstanceOf(UnsupportedOperationException.class);
                assertThat(a.writeBatch(msgs, 2, 1, 0)).isEqualTo(1);
                assertThat(Batches.read(b, 1, 4).get(0).payload()).as("%s: nothing sent before", context)
                        .isEqualTo(Datagrams.bytes(50, 2));
                return;
            }
            assertThat(a.writeBatch(msgs, 0, 3, 0)).as(context).isEqualTo(3);
            assertThat(segmented.length()).as("%s: length of the segmented message", context).isEqualTo(3500);
            List<byte[]> want = List.of(Datagrams.bytes(100, 1), Arrays.copyOfRange(payload, 0, 1000),
                    Arrays.copyOfRange(payload, 1000, 2000), Arrays.copyOfRange(payload, 2000, 3000),
                    Arrays.copyOfRange(payload, 3000, 3500), Datagrams.bytes(50, 2));
            List<Datagram> got = Batches.read(b, want.size(), 8);
            for (int i = 0; i < want.size(); i++) {
                assertThat(got.get(i).sender()).as(context).isEqualTo(a.localAddress());
                Datagrams.assertSameBytes(want.get(i), got.get(i).payload(), context + ", datagram " + i);
            }
            assertThat(head.position()).isEqualTo(100);
            assertThat(control.position()).isZero();
        }
    }

    /**
     * With {@link UdpSocketOptions#RECEIVE_PACKET_INFO} on, a connection bound to the wildcard
     * address learns from each datagram the address it was sent to.
     *
     * @param family the family
     * @throws IOException on failure
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    public void packetInfoNamesTheAddressSentTo(UdpFamily family) throws IOException {
        assumeFamily(family);
        InetAddress loopback = family == UdpFamily.UDP6 ? Datagrams.LOOPBACK6 : Datagrams.LOOPBACK4;
        InetAddress wildcard = family == UdpFamily.UDP6 ? Datagrams.WILDCARD6 : Datagrams.WILDCARD4;
        try (UdpConnection a = open(family); UdpConnection b = open(family, new InetSocketAddress(wildcard, 0))) {
            assumeOption(b, UdpSocketOptions.RECEIVE_PACKET_INFO);
            b.setOption(UdpSocketOptions.RECEIVE_PACKET_INFO, true);
            InetSocketAddress target = new InetSocketAddress(loopback, b.localAddress().getPort());
            a.send(Datagrams.payload(30, 1), target);
            Datagram d = Batches.read(b, 1, 2).get(0);
            String context = context("readBatch with RECEIVE_PACKET_INFO on " + b.localAddress(), family);
            assertThat(d.flags()).as("%s: flags", context).isZero();
            assertThat(d.control().destination()).as(context).isEqualTo(loopback);
            assertThat(d.sender()).as(context).isEqualTo(a.localAddress());
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Failures

    /**
     * When message {@code k > 0} of a write cannot be sent (too large for any network), the first
     * {@code k} are sent and {@code k} is returned; the next call, which starts with that message,
     * throws {@link DatagramTooLargeException}; the messages after it can then be sent.
     *
     * @param family the family
     * @throws IOException on failure
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    public void aFailedMessageEndsTheBatchAndIsReportedByTheNextCall(UdpFamily family) throws IOException {
        assumeFamily(family);
        try (UdpConnection a = open(family); UdpConnection b = open(family)) {
            Message oversize = new Message(ByteBuffer.allocate(OVERSIZE / 2), ByteBuffer.allocateDirect(OVERSIZE / 2));
            Message[] msgs = {new Message(Datagrams.payload(10, 1)), new Message(Datagrams.payload(20, 2)), oversize,
                new Message(Datagrams.payload(30, 3))};
            for (Message m : msgs) {
                m.address(b.localAddress());
            }
            String context = context("writeBatch of 10, 20, " + OVERSIZE + " and 30 bytes", family);
            assertThat(a.writeBatch(msgs, 0, 4, 0)).as(context).isEqualTo(2);
            assertThat(msgs[0].length()).as(context).isEqualTo(10);
            assertThat(msgs[1].length()).as(context).isEqualTo(20);
            assertThatThrownBy(() -> a.writeBatch(msgs, 2, 2, 0)).as(context + ", then from the third")
                    .isInstanceOf(DatagramTooLargeException.class);
            assertThat(a.writeBatch(msgs, 3, 1, 0)).as(context + ", then the fourth").isEqualTo(1);
            List<Datagram> got = Batches.read(b, 3, 4);
            assertThat(got).extracting(Datagram::payload).as(context)
                    .containsExactly(Datagrams.bytes(10, 1), Datagrams.bytes(20, 2), Datagrams.bytes(30, 3));
        }
    }

    /**
     * Bad arguments fail before anything is sent or received, with the exception the javadoc names:
     * {@link NullPointerException}, {@link IndexOutOfBoundsException}, {@link IllegalArgumentException}
     * (unknown flags, a destination that is missing, unresolved or of the other family),
     * {@link ReadOnlyBufferException}.
     *
     * @throws IOException on failure
     */
    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    public void badArgumentsAreRefusedBeforeAnyIo() throws IOException {
        try (UdpConnection a = open(UdpFamily.UDP4); UdpConnection b = open(UdpFamily.UDP4)) {
            a.send(Datagrams.payload(12, 1), b.localAddress()); // queued: a refused read must not take it
            Message[] two = Batches.roomy(2);
            for (Message m : two) {
                m.address(b.localAddress());
            }
            assertThatThrownBy(() -> b.readBatch(null, 0, 1, 0)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> a.writeBatch(null, 0, 1, 0)).isInstanceOf(NullPointerException.class);
            for (int[] range : new int[][] {{1, 2}, {-1, 1}, {0, -1}, {3, 0}, {0, 3}}) {
                assertThatThrownBy(() -> b.readBatch(two, range[0], range[1], 0)).as("read offset %d count %d", range[0], range[1])
                        .isInstanceOf(IndexOutOfBoundsException.class);
                assertThatThrownBy(() -> a.writeBatch(two, range[0], range[1], 0)).as("write offset %d count %d", range[0], range[1])
                        .isInstanceOf(IndexOutOfBoundsException.class);
            }
            assertThatThrownBy(() -> b.readBatch(two, 0, 1, 0x10000)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> a.writeBatch(two, 0, 1, 0x10000)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> a.writeBatch(two, 0, 1, BatchFlags.PEEK)).as("PEEK is a read flag")
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> b.readBatch(new Message[] {null}, 0, 1, 0)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> a.writeBatch(new Message[] {null}, 0, 1, 0)).isInstanceOf(NullPointerException.class);
            Message nullBuffer = new Message(ByteBuffer.allocate(10)).address(b.localAddress());
            nullBuffer.buffers()[0] = null;
            assertThatThrownBy(() -> b.readBatch(new Message[] {nullBuffer}, 0, 1, 0)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> a.writeBatch(new Message[] {nullBuffer}, 0, 1, 0)).isInstanceOf(NullPointerException.class);
            Message readOnly = new Message(ByteBuffer.allocate(10), ByteBuffer.allocate(10).asReadOnlyBuffer());
            assertThatThrownBy(() -> b.readBatch(new Message[] {readOnly}, 0, 1, 0)).isInstanceOf(ReadOnlyBufferException.class);
            Message readOnlyControl = new Message(ByteBuffer.allocate(10)).control(ByteBuffer.allocate(64).asReadOnlyBuffer());
            assertThatThrownBy(() -> b.readBatch(new Message[] {readOnlyControl}, 0, 1, 0))
                    .isInstanceOf(ReadOnlyBufferException.class);
            for (InetSocketAddress bad : new InetSocketAddress[] {null, InetSocketAddress.createUnresolved("127.0.0.1", 9),
                Datagrams.loopback6(b.localAddress().getPort())}) {
                Message m = new Message(Datagrams.payload(5, 5)).address(bad);
                assertThatThrownBy(() -> a.writeBatch(new Message[] {m}, 0, 1, 0)).as("destination %s", bad)
                        .isInstanceOf(IllegalArgumentException.class);
            }
            a.send(Datagrams.payload(13, 2), b.localAddress());
            assertThat(Batches.read(b, 2, 4)).extracting(Datagram::payload).as("nothing sent or taken by a refused call")
                    .containsExactly(Datagrams.bytes(12, 1), Datagrams.bytes(13, 2));
        }
    }

    /**
     * {@code readBatch} with a read timeout and nothing to read fails with
     * {@link SocketTimeoutException}.
     *
     * @throws IOException on failure
     */
    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    public void readTimeoutExpires() throws IOException {
        try (UdpConnection b = open(UdpFamily.UDP4)) {
            b.setReadTimeout(Duration.ofMillis(100));
            assertThatThrownBy(() -> b.readBatch(Batches.roomy(2), 0, 2, 0)).isInstanceOf(SocketTimeoutException.class);
        }
    }

    /**
     * Closing a connection wakes a thread blocked in {@code readBatch} (without and with a read
     * timeout) promptly with {@link ClosedChannelException}; reads and writes afterwards fail with it.
     *
     * @throws Exception on failure
     */
    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    public void closeWakesABlockedReadBatch() throws Exception {
        for (Duration timeout : new Duration[] {Duration.ZERO, Duration.ofSeconds(60)}) {
            UdpConnection c = open(UdpFamily.UDP4);
            c.setReadTimeout(timeout);
            CountDownLatch entering = new CountDownLatch(1);
            Future<Integer> reader = executor().submit(() -> {
                entering.countDown();
                return c.readBatch(Batches.roomy(4), 0, 4, 0);
            });
            entering.await();
            Thread.sleep(100); // let it block
            assertThat(reader.isDone()).as("readBatch returned before close").isFalse();
            c.close();
            try {
                reader.get(PROMPTLY.toMillis(), TimeUnit.MILLISECONDS);
                fail("readBatch returned normally after close");
            } catch (TimeoutException e) {
                reader.cancel(true);
                fail("readBatch still blocked " + PROMPTLY + " after close on " + describeNetwork());
            } catch (ExecutionException e) {
                assertThat(e.getCause()).as("exception after close").isInstanceOf(ClosedChannelException.class);
            }
            assertThatThrownBy(() -> c.readBatch(Batches.roomy(1), 0, 1, 0)).isInstanceOf(ClosedChannelException.class);
            Message m = new Message(ByteBuffer.allocate(1)).address(Datagrams.loopback4(9));
            assertThatThrownBy(() -> c.writeBatch(new Message[] {m}, 0, 1, 0)).isInstanceOf(ClosedChannelException.class);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Statistics

    /**
     * The counters a connection keeps match exactly what was sent and received, through
     * {@code writeBatch}, {@code send}, {@code readBatch} and {@code receive} alike.
     *
     * @param family the family
     * @throws IOException on failure
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    public void statisticsCountWhatWasSentAndReceived(UdpFamily family) throws IOException {
        assumeFamily(family);
        try (UdpConnection a = open(family); UdpConnection b = open(family)) {
            UdpStatistics sentBefore = a.statistics();
            UdpStatistics receivedBefore = b.statistics();
            assertThat(sentBefore).isNotNull();
            int[] sizes = {10, 0, 300, 1200};
            Message[] msgs = new Message[3];
            for (int i = 0; i < 3; i++) {
                msgs[i] = new Message(Datagrams.payload(sizes[i], i)).address(b.localAddress());
            }
            assertThat(a.writeBatch(msgs, 0, 3, 0)).isEqualTo(3);
            a.send(Datagrams.payload(sizes[3], 3), b.localAddress());
            Batches.read(b, 3, 4);
            b.receive(ByteBuffer.allocate(Datagrams.MAX_BUFFER));
            UdpStatistics sent = a.statistics();
            UdpStatistics received = b.statistics();
            String context = context("statistics after 4 datagrams of 1510 bytes", family);
            assertCount(sentBefore.datagramsSent(), sent.datagramsSent(), 4, context + ": datagramsSent");
            assertCount(sentBefore.bytesSent(), sent.bytesSent(), 1510, context + ": bytesSent");
            assertCount(receivedBefore.datagramsReceived(), received.datagramsReceived(), 4, context + ": datagramsReceived");
            assertCount(receivedBefore.bytesReceived(), received.bytesReceived(), 1510, context + ": bytesReceived");
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Helpers

    private void assertCount(long before, long after, long delta, String context) {
        if (after == UdpStatistics.UNAVAILABLE && !keepsCounters()) {
            assertThat(before).as(context + " was kept before").isEqualTo(UdpStatistics.UNAVAILABLE);
            return;
        }
        assertThat(before).as(context + " before").isEqualTo(0);
        assertThat(after).as(context).isEqualTo(delta);
    }

    private static Message withTrafficClass(byte[] payload, int trafficClass, UdpFamily family, UdpConnection to,
            boolean direct) {
        ByteBuffer control = direct ? ByteBuffer.allocateDirect(ControlMessage.SEND_SPACE)
                : ByteBuffer.allocate(ControlMessage.SEND_SPACE + 5).position(5);
        int start = control.position();
        new ControlMessage().trafficClass(trafficClass).marshal(control, family);
        control.limit(control.position()).position(start);
        return new Message(ByteBuffer.wrap(payload)).control(control).address(to.localAddress());
    }

    /** Splits {@code size} into three lengths, the last with {@code extra} more. */
    private static int[] thirds(int size, int extra) {
        return new int[] {size / 3, size / 3, size - 2 * (size / 3) + extra};
    }

    /** Datagram sizes: empty, one byte, small, a typical packet, the family's largest. */
    private static int[] sizes(UdpFamily family) {
        return new int[] {0, 1, 300, 1472, family == UdpFamily.UDP6 ? UdpFamily.MAX_IPV6_PAYLOAD : UdpFamily.MAX_IPV4_PAYLOAD};
    }

    /**
     * Skips the test unless {@code c} lists {@code option}; when it does not, checks first that
     * setting it is refused as {@link UdpConnection#setOption} says.
     */
    private void assumeOption(UdpConnection c, SocketOption<Boolean> option) {
        if (deliversControlMessages() && option != UdpSocketOptions.UDP_GRO) {
            assertThat(c.supportedOptions()).as("options of %s, which delivers control messages", describeNetwork())
                    .contains(option);
        }
        if (!c.supportedOptions().contains(option)) {
            assertThatThrownBy(() -> c.setOption(option, true)).as("%s of %s", option, describeNetwork())
                    .isInstanceOf(UnsupportedOperationException.class);
            assumeTrue(false, () -> describeNetwork() + " does not support " + option);
        }
    }

    /**
     * Skips the test unless reads honour {@code flag}; when they do not, checks first that a read
     * with it is refused with {@link UnsupportedOperationException} and takes no datagram.
     */
    private void assumeFlag(UdpConnection a, UdpConnection b, int flag, boolean supported) throws IOException {
        if (supported) {
            return;
        }
        a.send(Datagrams.payload(8, 99), b.localAddress());
        Message[] msgs = Batches.roomy(1);
        assertThatThrownBy(() -> b.readBatch(msgs, 0, 1, flag)).as("read flag 0x%x on %s", flag, describeNetwork())
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(Batches.read(b, 1, 1).get(0).payload()).as("the refused read took nothing")
                .isEqualTo(Datagrams.bytes(8, 99));
        assumeTrue(false, () -> describeNetwork() + " does not support read flag 0x" + Integer.toHexString(flag));
    }

    private void assumeFamily(UdpFamily family) {
        assumeTrue(family != UdpFamily.UDP6 || supportsIpv6(), "IPv6 not supported here");
    }

    private UdpConnection open(UdpFamily family) throws IOException {
        return open(family, family == UdpFamily.UDP6 ? Datagrams.loopback6(0) : Datagrams.loopback4(0));
    }

    private UdpConnection open(UdpFamily family, InetSocketAddress local) throws IOException {
        UdpConnection c = network().openUdp(family, local);
        try {
            return prepare(c);
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private String context(String what, UdpFamily family) {
        return String.format(Locale.ROOT, "%s %s on %s", family, what, describeNetwork());
    }
}
