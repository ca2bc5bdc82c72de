package dev.batchudp.bind.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.batchudp.bind.Bind;
import dev.batchudp.bind.Endpoint;
import dev.batchudp.bind.ReceiveFunc;
import dev.batchudp.bind.StdNetBind;
import dev.batchudp.bind.StdNetBindOptions;
import dev.batchudp.network.DatagramTooLargeException;
import dev.batchudp.network.Network;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every {@link Bind} must keep on every network, as wireguard-go's binds do: receive
 * functions named {@code v4}/{@code v6} (or {@code v4v6} for one dual-stack socket), round trips and
 * full batches byte-exact, zero-length and truncated datagrams, lending receives, close that wakes
 * blocked receivers and leaves the bind reopenable, and misuse refused with the documented
 * exceptions. Subclass it with a network factory and the batch size expected there; it tests
 * {@link StdNetBind} with {@link #options()} unless {@link #createBind} is overridden. Runs over
 * 127.0.0.1 and ::1 only, every test with a timeout.
 *
 * @since 0.1
 */
@Timeout(30)
public abstract class AbstractBindContractTest {
    /** Receive buffers large enough for any UDP datagram. */
    protected static final int MAX_DATAGRAM = 65_535;

    /** The network of the running test, from {@link #newNetwork()}; closed after it. */
    protected Network network;
    /** The binds of the running test, closed after it. */
    protected final List<Bind> binds = new ArrayList<>();
    /** Runs blocking receives of the running test; shut down after it. */
    protected ExecutorService executor;

    /** Constructor for subclasses. */
    protected AbstractBindContractTest() {}

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
     * Returns the batch size the bind is expected to have on this network.
     *
     * @return the expected {@link Bind#batchSize()}
     */
    protected abstract int expectedBatchSize();

    /**
     * Opens the test's network and executor.
     *
     * @throws IOException if the network cannot be opened
     */
    @BeforeEach
    protected final void setUpNetwork() throws IOException {
        network = newNetwork();
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "bind-contract-receiver");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Closes the test's binds, waits for its receivers to end and closes its network.
     *
     * @throws IOException if closing fails
     * @throws InterruptedException if interrupted while waiting
     */
    @AfterEach
    protected final void tearDownNetwork() throws IOException, InterruptedException {
        for (Bind bind : binds) {
            bind.close();
        }
        executor.shutdownNow();
        // Receivers end once their bind is closed; wait, so no test leaves sockets closing behind it.
        assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).as("receiver threads ended").isTrue();
        network.close();
    }

    /**
     * Creates a bind with {@link #createBind} on the test's network, closed after the test.
     *
     * @return the bind, not yet open
     */
    protected Bind newBind() {
        Bind bind = createBind(network);
        binds.add(bind);
        return bind;
    }

    /** A receiver's slots, sized to the bind's batch size. */
    protected static final class Slots {
        /** The receive buffers, direct, one per slot. */
        public final ByteBuffer[] packets;
        /** The sizes a receive reports. */
        public final int[] sizes;
        /** The endpoints a receive reports. */
        public final Endpoint[] eps;

        /**
         * Allocates the slots.
         *
         * @param batchSize how many
         * @param bufferSize the capacity of each buffer
         */
        public Slots(int batchSize, int bufferSize) {
            packets = new ByteBuffer[batchSize];
            sizes = new int[batchSize];
            eps = new Endpoint[batchSize];
            for (int i = 0; i < batchSize; i++) {
                packets[i] = ByteBuffer.allocateDirect(bufferSize);
            }
        }

        /**
         * Returns the bytes slot {@code i} received.
         *
         * @param i the slot
         * @return a copy of its datagram (as much as the buffer held)
         */
        public byte[] payload(int i) {
            byte[] out = new byte[Math.min(sizes[i], packets[i].remaining())];
            packets[i].duplicate().get(out);
            return out;
        }
    }

    /**
     * Returns the receive function that serves a family: "v4"/"v6", or the dual-stack "v4v6".
     *
     * @param opened what {@link Bind#open} returned
     * @param ipv6 which family
     * @return the function
     * @throws AssertionError if there is none
     */
    protected static ReceiveFunc func(Bind.Opened opened, boolean ipv6) {
        for (ReceiveFunc f : opened.receiveFuncs()) {
            if (f.name().equals(ipv6 ? "v6" : "v4") || f.name().equals("v4v6")) {
                return f;
            }
        }
        throw new AssertionError("no receive function for " + (ipv6 ? "IPv6" : "IPv4") + " in "
                + opened.receiveFuncs());
    }

    /**
     * Receives until {@code count} datagrams arrived, with a deadline.
     *
     * @param f the receive function
     * @param batchSize its bind's batch size
     * @param count how many datagrams to wait for
     * @return the datagrams, in order
     * @throws Exception if receiving fails or the deadline passes
     */
    protected List<Received> receive(ReceiveFunc f, int batchSize, int count) throws Exception {
        Future<List<Received>> result = executor.submit(() -> {
            Slots slots = new Slots(batchSize, MAX_DATAGRAM);
            List<Received> got = new ArrayList<>();
            while (got.size() < count) {
                int n = f.receive(slots.packets, slots.sizes, slots.eps);
                assertThat(n).isBetween(1, batchSize);
                for (int i = 0; i < n; i++) {
                    if (slots.eps[i] != null) {
                        got.add(new Received(slots.payload(i), slots.sizes[i], slots.eps[i]));
                    }
                }
            }
            return got;
        });
        return result.get(15, TimeUnit.SECONDS);
    }

    /**
     * Receives with {@link ReceiveFunc#receiveBorrowed} until {@code count} datagrams arrived, with
     * a deadline, checking every lent buffer's shape and that the caller's array elements are only
     * written. Between calls the lent buffers are disturbed, as a careless caller might.
     *
     * @param f the receive function
     * @param batchSize its bind's batch size
     * @param count how many datagrams to wait for
     * @return the datagrams, in order
     * @throws Exception if receiving fails, a check fails or the deadline passes
     */
    protected List<Received> receiveBorrowed(ReceiveFunc f, int batchSize, int count) throws Exception {
        Future<List<Received>> result = executor.submit(() -> {
            ByteBuffer sentinel = ByteBuffer.allocate(1);
            ByteBuffer[] packets = new ByteBuffer[batchSize];
            int[] sizes = new int[batchSize];
            Endpoint[] eps = new Endpoint[batchSize];
            List<Received> got = new ArrayList<>();
            while (got.size() < count) {
                java.util.Arrays.fill(packets, sentinel);
                int n = f.receiveBorrowed(packets, sizes, eps);
                assertThat(n).isBetween(1, batchSize);
                for (int i = 0; i < n; i++) {
                    ByteBuffer p = packets[i];
                    assertThat(p).as("slot %d is lent", i).isNotSameAs(sentinel);
                    assertThat(p.remaining()).as("slot %d holds its datagram, position to limit", i)
                            .isEqualTo(sizes[i]);
                    byte[] out = new byte[p.remaining()];
                    p.duplicate().get(out);
                    got.add(new Received(out, sizes[i], eps[i]));
                    // Lent buffers are the caller's until the next call: scribble on their bounds.
                    p.position(p.limit());
                }
            }
            return got;
        });
        return result.get(15, TimeUnit.SECONDS);
    }

    /**
     * A received datagram.
     *
     * @param payload the bytes the buffer held
     * @param size the size the receive function reported
     * @param from the endpoint it reported
     */
    protected record Received(byte[] payload, int size, Endpoint from) {}

    /**
     * Returns one heap buffer per text, holding its UTF-8 bytes.
     *
     * @param texts the payloads
     * @return the buffers
     */
    protected static ByteBuffer[] datagrams(String... texts) {
        ByteBuffer[] out = new ByteBuffer[texts.length];
        for (int i = 0; i < texts.length; i++) {
            out[i] = ByteBuffer.wrap(texts[i].getBytes(UTF_8));
        }
        return out;
    }

    @Test
    void openReturnsFunctionsInV4V6OrderAndTheBoundPort() throws IOException {
        Bind bind = newBind();
        Bind.Opened opened = bind.open(0);
        assertThat(opened.port()).isBetween(1, 65_535);
        List<String> names = opened.receiveFuncs().stream().map(ReceiveFunc::name).toList();
        assertThat(names).isNotEmpty().isSubsetOf("v4", "v6", "v4v6");
        assertThat(names).isIn(List.of("v4", "v6"), List.of("v4v6"), List.of("v4"), List.of("v6"));
        assertThat(bind.batchSize()).isEqualTo(expectedBatchSize());
    }

    @Test
    void roundTripOverIpv4AndIpv6() throws Exception {
        Bind a = newBind();
        Bind b = newBind();
        Bind.Opened oa = a.open(0);
        Bind.Opened ob = b.open(0);
        for (boolean ipv6 : new boolean[] {false, true}) {
            String host = ipv6 ? "[::1]" : "127.0.0.1";
            b.send(datagrams("hello " + host), a.parseEndpoint(host + ":" + oa.port()));
            List<Received> got = receive(func(oa, ipv6), a.batchSize(), 1);
            assertThat(new String(got.get(0).payload(), UTF_8)).isEqualTo("hello " + host);
            assertThat(got.get(0).from().dstToString()).isEqualTo(host + ":" + ob.port());

            // Reply to the endpoint the receive function produced.
            a.send(datagrams("reply"), got.get(0).from());
            List<Received> reply = receive(func(ob, ipv6), b.batchSize(), 1);
            assertThat(new String(reply.get(0).payload(), UTF_8)).isEqualTo("reply");
            assertThat(reply.get(0).from().dstToString()).isEqualTo(host + ":" + oa.port());
        }
    }

    @Test
    void aFullBatchArrivesByteExact() throws Exception {
        Bind a = newBind();
        Bind b = newBind();
        Bind.Opened oa = a.open(0);
        Bind.Opened ob = b.open(0);
        int count = b.batchSize();
        ByteBuffer[] bufs = distinctDatagrams(count, 0);
        b.send(bufs, a.parseEndpoint("127.0.0.1:" + oa.port()));
        for (ByteBuffer buf : bufs) {
            assertThat(buf.position()).as("send leaves buffers untouched").isZero();
        }
        assertEachOnce(receive(func(oa, false), a.batchSize(), count), bufs, "127.0.0.1:" + ob.port());
    }

    /** {@code count} datagrams of 100, 101, ... bytes, so a length names its datagram. */
    private static ByteBuffer[] distinctDatagrams(int count, int seed) {
        ByteBuffer[] bufs = new ByteBuffer[count];
        for (int i = 0; i < count; i++) {
            byte[] payload = new byte[100 + i];
            for (int j = 0; j < payload.length; j++) {
                payload[j] = (byte) (i * 31 + j + seed);
            }
            bufs[i] = ByteBuffer.wrap(payload);
        }
        return bufs;
    }

    /** Every one of {@link #distinctDatagrams} arrived once, byte-exact, from {@code from}. */
    private static void assertEachOnce(List<Received> got, ByteBuffer[] sent, String from) {
        Set<Integer> seen = new HashSet<>();
        for (Received r : got) {
            int i = r.size() - 100;
            assertThat(seen.add(i)).as("datagram %d delivered once", i).isTrue();
            assertThat(r.payload()).isEqualTo(sent[i].array());
            assertThat(r.from().dstToString()).isEqualTo(from);
        }
        assertThat(seen).hasSize(sent.length);
    }

    @Test
    void borrowedReceiveLendsEachDatagramByteExact() throws Exception {
        Bind a = newBind();
        Bind b = newBind();
        Bind.Opened oa = a.open(0);
        Bind.Opened ob = b.open(0);
        for (boolean ipv6 : new boolean[] {false, true}) {
            String host = ipv6 ? "[::1]" : "127.0.0.1";
            int count = b.batchSize();
            for (int round = 0; round < 3; round++) {
                ByteBuffer[] bufs = distinctDatagrams(count, round);
                b.send(bufs, a.parseEndpoint(host + ":" + oa.port()));
                assertEachOnce(receiveBorrowed(func(oa, ipv6), a.batchSize(), count), bufs, host + ":" + ob.port());
            }
        }
    }

    @Test
    void borrowedAndCopyingReceivesMix() throws Exception {
        Bind a = newBind();
        Bind b = newBind();
        Bind.Opened oa = a.open(0);
        b.open(0);
        Endpoint to = a.parseEndpoint("127.0.0.1:" + oa.port());
        b.send(datagrams(""), to);
        b.send(datagrams("first"), to);
        List<Received> lent = receiveBorrowed(func(oa, false), a.batchSize(), 2);
        assertThat(lent).extracting(r -> new String(r.payload(), UTF_8)).containsExactly("", "first");
        assertThat(lent.get(0).from()).as("a zero-length datagram has its endpoint").isNotNull();
        b.send(datagrams("second"), to);
        List<Received> copied = receive(func(oa, false), a.batchSize(), 1);
        assertThat(new String(copied.get(0).payload(), UTF_8)).isEqualTo("second");
        b.send(datagrams("third"), to);
        assertThat(new String(receiveBorrowed(func(oa, false), a.batchSize(), 1).get(0).payload(), UTF_8))
                .isEqualTo("third");
    }

    @Test
    void closeWakesBlockedBorrowedReceivers() throws Exception {
        Bind bind = newBind();
        Bind.Opened opened = bind.open(0);
        List<Future<Integer>> blocked = new ArrayList<>();
        for (ReceiveFunc f : opened.receiveFuncs()) {
            blocked.add(executor.submit(() -> f.receiveBorrowed(new ByteBuffer[bind.batchSize()],
                    new int[bind.batchSize()], new Endpoint[bind.batchSize()])));
        }
        Thread.sleep(100);
        bind.close();
        for (Future<Integer> f : blocked) {
            assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(ClosedChannelException.class);
        }
        ReceiveFunc first = opened.receiveFuncs().get(0);
        assertThatThrownBy(() -> first.receiveBorrowed(new ByteBuffer[bind.batchSize()],
                new int[bind.batchSize()], new Endpoint[bind.batchSize()]))
                .isInstanceOf(ClosedChannelException.class);
    }

    @Test
    void zeroLengthDatagramIsDeliveredWithItsEndpoint() throws Exception {
        Bind a = newBind();
        Bind b = newBind();
        Bind.Opened oa = a.open(0);
        b.open(0);
        b.send(new ByteBuffer[] {ByteBuffer.allocate(0)}, a.parseEndpoint("127.0.0.1:" + oa.port()));
        List<Received> got = receive(func(oa, false), a.batchSize(), 1);
        assertThat(got.get(0).size()).isZero();
        assertThat(got.get(0).from()).isNotNull();
    }

    @Test
    void truncatedDatagramIsReportedWithItsFullLength() throws Exception {
        Bind a = newBind();
        Bind b = newBind();
        Bind.Opened oa = a.open(0);
        b.open(0);
        b.send(new ByteBuffer[] {ByteBuffer.allocate(1000)}, a.parseEndpoint("127.0.0.1:" + oa.port()));
        Future<Integer> size = executor.submit(() -> {
            Slots slots = new Slots(a.batchSize(), 100);
            int n = func(oa, false).receive(slots.packets, slots.sizes, slots.eps);
            assertThat(n).isEqualTo(1);
            assertThat(ReceiveFunc.isTruncated(slots.packets[0], slots.sizes[0])).isTrue();
            return slots.sizes[0];
        });
        assertThat(size.get(10, TimeUnit.SECONDS)).isEqualTo(1000);
    }

    @Test
    void oversizeDatagramIsRefused() throws IOException {
        Bind a = newBind();
        Bind.Opened oa = a.open(0);
        ByteBuffer[] big = {ByteBuffer.allocate(65_508)};
        assertThatThrownBy(() -> a.send(big, a.parseEndpoint("127.0.0.1:" + oa.port())))
                .isInstanceOf(DatagramTooLargeException.class);
    }

    @Test
    void openingTwiceFails() throws IOException {
        Bind bind = newBind();
        bind.open(0);
        assertThatThrownBy(() -> bind.open(0))
                .isInstanceOf(IllegalStateException.class).hasMessage("bind is already open");
    }

    @Test
    void closeWakesBlockedReceivers() throws Exception {
        Bind bind = newBind();
        Bind.Opened opened = bind.open(0);
        List<Future<Integer>> blocked = new ArrayList<>();
        for (ReceiveFunc f : opened.receiveFuncs()) {
            blocked.add(executor.submit(() -> {
                Slots slots = new Slots(bind.batchSize(), 2048);
                return f.receive(slots.packets, slots.sizes, slots.eps);
            }));
        }
        // Give the receivers a moment to block; correctness does not depend on it.
        Thread.sleep(100);
        bind.close();
        for (Future<Integer> f : blocked) {
            assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(ClosedChannelException.class);
        }
    }

    @Test
    void closeIsIdempotentAndTheBindReopensOnTheSamePort() throws Exception {
        Bind bind = newBind();
        Bind.Opened first = bind.open(0);
        bind.close();
        bind.close();
        Bind.Opened second = bind.open(first.port());
        assertThat(second.port()).isEqualTo(first.port());
        // Functions of the first opening stay closed.
        Slots slots = new Slots(bind.batchSize(), 2048);
        for (ReceiveFunc f : first.receiveFuncs()) {
            assertThatThrownBy(() -> f.receive(slots.packets, slots.sizes, slots.eps))
                    .isInstanceOf(ClosedChannelException.class);
        }
        // The second opening works.
        Bind peer = newBind();
        peer.open(0);
        peer.send(datagrams("again"), bind.parseEndpoint("127.0.0.1:" + second.port()));
        assertThat(receive(func(second, false), bind.batchSize(), 1).get(0).payload())
                .isEqualTo("again".getBytes(UTF_8));
    }

    @Test
    void takingTheNetworkDownClosesTheBindsReceiveFunctions() throws Exception {
        Bind bind = newBind();
        Bind.Opened opened = bind.open(0);
        Future<Integer> blocked = executor.submit(() -> {
            Slots slots = new Slots(bind.batchSize(), 2048);
            return opened.receiveFuncs().get(0).receive(slots.packets, slots.sizes, slots.eps);
        });
        network.close();
        assertThatThrownBy(() -> blocked.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(ClosedChannelException.class);
        Slots slots = new Slots(bind.batchSize(), 16);
        for (ReceiveFunc f : opened.receiveFuncs()) {
            assertThatThrownBy(() -> f.receive(slots.packets, slots.sizes, slots.eps))
                    .isInstanceOf(ClosedChannelException.class);
        }
        assertThatThrownBy(() -> bind.send(datagrams("x"), bind.parseEndpoint("127.0.0.1:9")))
                .isInstanceOf(ClosedChannelException.class);
        bind.close();
        assertThatThrownBy(() -> bind.open(0)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void receiveAfterCloseFailsWithClosedChannel() throws IOException {
        Bind bind = newBind();
        Bind.Opened opened = bind.open(0);
        bind.close();
        Slots slots = new Slots(Math.max(1, bind.batchSize()), 16);
        for (ReceiveFunc f : opened.receiveFuncs()) {
            assertThatThrownBy(() -> f.receive(slots.packets, slots.sizes, slots.eps))
                    .isInstanceOf(ClosedChannelException.class);
        }
    }

    @Test
    void shortReceiveArraysAreRejected() throws IOException {
        Bind bind = newBind();
        Bind.Opened opened = bind.open(0);
        int short1 = bind.batchSize() - 1;
        for (ReceiveFunc f : opened.receiveFuncs()) {
            assertThatThrownBy(() -> f.receive(new ByteBuffer[short1], new int[bind.batchSize()],
                    new Endpoint[bind.batchSize()]))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("receive buffers list shorter than bind batch size");
            assertThatThrownBy(() -> f.receive(new Slots(bind.batchSize(), 1).packets, new int[short1],
                    new Endpoint[bind.batchSize()]))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> f.receive(new Slots(bind.batchSize(), 1).packets,
                    new int[bind.batchSize()], new Endpoint[short1]))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> f.receiveBorrowed(new ByteBuffer[short1], new int[bind.batchSize()],
                    new Endpoint[bind.batchSize()]))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("receive buffers list shorter than bind batch size");
        }
    }

    @Test
    void sendingOnAClosedBindFails() throws IOException {
        Bind bind = newBind();
        Endpoint ep = bind.parseEndpoint("127.0.0.1:9");
        assertThatThrownBy(() -> bind.send(datagrams("x"), ep)).isInstanceOf(ClosedChannelException.class);
        bind.open(0);
        bind.close();
        assertThatThrownBy(() -> bind.send(datagrams("x"), ep)).isInstanceOf(ClosedChannelException.class);
    }

    @Test
    void sendingMoreThanTheBatchSizeFails() throws IOException {
        Bind bind = newBind();
        bind.open(0);
        ByteBuffer[] tooMany = new ByteBuffer[bind.batchSize() + 1];
        for (int i = 0; i < tooMany.length; i++) {
            tooMany[i] = ByteBuffer.allocate(1);
        }
        assertThatThrownBy(() -> bind.send(tooMany, bind.parseEndpoint("127.0.0.1:9")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batch size");
    }

    @Test
    void foreignEndpointsAreRejected() throws IOException {
        Bind bind = newBind();
        bind.open(0);
        Endpoint foreign = new Endpoint() {
            @Override public void clearSrc() {}
            @Override public String srcToString() { return ""; }
            @Override public String dstToString() { return "127.0.0.1:9"; }
            @Override public byte[] dstToBytes() { return new byte[0]; }
            @Override public java.net.InetAddress dstIp() { return dst().getAddress(); }
            @Override public InetSocketAddress dst() { return new InetSocketAddress("127.0.0.1", 9); }
            @Override public java.util.Optional<java.net.InetAddress> srcIp() { return java.util.Optional.empty(); }
        };
        assertThatThrownBy(() -> bind.send(datagrams("x"), foreign))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("endpoint type does not correspond with bind type");
    }

    @Test
    void malformedEndpointsAreRejectedWithoutDns() {
        Bind bind = newBind();
        for (String bad : List.of("", "1.2.3.4", "1.2.3.4:", "1.2.3.4:65536", "1.2.3.4:-1", "1.2.3.4:x",
                "localhost:5", "example.invalid:5", "::1:5", "[::1]", "[::1]5", "[1.2.3.4]:5", "1.2.3:5")) {
            assertThatThrownBy(() -> bind.parseEndpoint(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(bad.isEmpty() ? "" : bad);
        }
        assertThat(bind.parseEndpoint("1.2.3.4:5").dstToString()).isEqualTo("1.2.3.4:5");
        assertThat(bind.parseEndpoint("[::1]:5").dstToString()).isEqualTo("[::1]:5");
        assertThat(bind.parseEndpoint("[::ffff:1.2.3.4]:5").dstToString()).isEqualTo("1.2.3.4:5");
    }

    @Test
    void setMarkDoesNotFailOnAnOpenOrClosedBind() throws IOException {
        Bind bind = newBind();
        bind.setMark(42);
        bind.open(0);
        bind.setMark(42);
    }

    @Test
    void closeRacingSendersAndReceiversIsSafe() throws Exception {
        Bind target = newBind();
        Bind.Opened ot = target.open(0);
        Endpoint ep = target.parseEndpoint("127.0.0.1:" + ot.port());
        for (int round = 0; round < 20; round++) {
            Bind bind = createBind(network);
            Bind.Opened opened = bind.open(0);
            List<Future<?>> tasks = new ArrayList<>();
            tasks.add(executor.submit(() -> {
                ByteBuffer[] one = datagrams("race");
                try {
                    while (true) {
                        bind.send(one, ep);
                    }
                } catch (ClosedChannelException expected) {
                    return null;
                }
            }));
            for (ReceiveFunc f : opened.receiveFuncs()) {
                tasks.add(executor.submit(() -> {
                    Slots slots = new Slots(bind.batchSize(), 64);
                    try {
                        while (true) {
                            f.receive(slots.packets, slots.sizes, slots.eps);
                        }
                    } catch (ClosedChannelException expected) {
                        return null;
                    }
                }));
            }
            Thread.sleep(5);
            bind.close();
            for (Future<?> t : tasks) {
                try {
                    t.get(10, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    throw new AssertionError("a sender or receiver did not stop after close", e);
                }
            }
        }
    }
}
