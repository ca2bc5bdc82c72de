package dev.batchudp.bind.linux.internal;

import static dev.batchudp.bind.linux.LinuxTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.batchudp.bind.linux.LinuxBatching;
import dev.batchudp.bind.linux.NativeIoException;
import dev.batchudp.bind.linux.OffloadStatus;
import dev.batchudp.bind.linux.UdpGsoDisabledException;
import dev.batchudp.network.Message;
import dev.batchudp.bind.spi.MessageBatch;
import dev.batchudp.network.DatagramTooLargeException;
import dev.batchudp.network.DatagramTruncatedException;
import dev.batchudp.network.UdpFamily;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * UDP GSO on send and GRO on receive over real sockets on 127.0.0.1 and ::1, with fault injection
 * through the {@link Syscalls} facade. Every batch ends with a sentinel datagram sent without GSO,
 * and receivers read up to it: so "exactly once, in order" is checked without waiting for silence.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(30)
class GsoGroTest {
    private static final int BATCH = 128;
    private static final byte[] SENTINEL = "sentinel".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    @BeforeEach
    void gate() {
        assumeLinuxBatching();
        if (Boolean.getBoolean(REQUIRE_PROPERTY)) {
            assertThat(LinuxBatching.supportsGso()).as("UDP_SEGMENT").isTrue();
            assertThat(LinuxBatching.supportsGro()).as("UDP_GRO").isTrue();
        } else {
            org.junit.jupiter.api.Assumptions.assumeTrue(LinuxBatching.supportsGso() && LinuxBatching.supportsGro(),
                    "kernel without UDP GSO/GRO");
        }
    }

    /** Datagram {@code i} of {@code length} bytes: index in the first two bytes, then a pattern. */
    static byte[] payload(int i, int length) {
        byte[] b = new byte[length];
        for (int j = 0; j < length; j++) {
            b[j] = (byte) (i * 31 + j * 7 + 3);
        }
        if (length >= 2) {
            b[0] = (byte) (i >> 8);
            b[1] = (byte) i;
        }
        return b;
    }

    static ByteBuffer[] buffers(int[] lengths, boolean direct) {
        ByteBuffer[] bufs = new ByteBuffer[lengths.length];
        for (int i = 0; i < lengths.length; i++) {
            byte[] p = payload(i, lengths[i]);
            bufs[i] = (direct ? ByteBuffer.allocateDirect(p.length) : ByteBuffer.allocate(p.length)).put(p).flip();
        }
        return bufs;
    }

    static int[] repeat(int n, int len) {
        int[] a = new int[n];
        java.util.Arrays.fill(a, len);
        return a;
    }

    static LinuxBatchingConn conn(UdpFamily family, boolean gso, boolean gro) throws IOException {
        return conn(Syscalls.system(), family, gso, gro);
    }

    static LinuxBatchingConn conn(Syscalls sys, UdpFamily family, boolean gso, boolean gro) throws IOException {
        LinuxUdpSocket s = LinuxUdpSocket.open(sys, NETWORK, family, loopback(family, 0), null, null);
        LinuxBatchingConn c = new LinuxBatchingConn(s, BATCH, gso, gro);
        c.connection().setReadTimeout(Duration.ofSeconds(10)); // a safety net only: reads end at the sentinel
        c.connection().setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
        return c;
    }

    static void sendSentinel(LinuxBatchingConn tx, InetSocketAddress to) throws IOException {
        tx.connection().send(ByteBuffer.wrap(SENTINEL), to);
    }

    /** A received datagram. */
    record Got(byte[] bytes, int length, InetSocketAddress from, boolean truncated) {}

    /** Reads until the sentinel; returns what came before it. */
    static List<Got> readToSentinel(LinuxBatchingConn rx, int slots, int bufferSize) throws IOException {
        Message[] msgs = new Message[slots];
        for (int i = 0; i < slots; i++) {
            msgs[i] = new Message(ByteBuffer.allocateDirect(bufferSize));
        }
        List<Got> got = new ArrayList<>();
        for (;;) {
            int n = rx.connection().readBatch(msgs, 0, slots, 0);
            assertThat(n).isBetween(1, slots);
            for (int i = 0; i < n; i++) {
                Message m = msgs[i];
                ByteBuffer b = m.buffers()[0];
                byte[] a = new byte[Math.min(m.length(), b.remaining())];
                b.get(b.position(), a);
                if (java.util.Arrays.equals(a, SENTINEL)) {
                    assertThat(i).as("the sentinel is the last datagram").isEqualTo(n - 1);
                    return got;
                }
                got.add(new Got(a, m.length(), m.address(), m.isTruncated()));
            }
        }
    }

    static void assertExactly(List<Got> got, int[] lengths, InetSocketAddress from) {
        assertThat(got).hasSize(lengths.length);
        for (int i = 0; i < lengths.length; i++) {
            Got g = got.get(i);
            assertThat(g.length()).as("length of %d", i).isEqualTo(lengths[i]);
            assertThat(g.truncated()).isFalse();
            assertThat(g.bytes()).as("datagram %d", i).isEqualTo(payload(i, lengths[i]));
            assertThat(g.from()).isEqualTo(from);
        }
    }

    // ---- end to end ------------------------------------------------------------------------------

    @ParameterizedTest(name = "gso={0} gro={1}")
    @CsvSource({"true,true", "false,true", "true,false", "false,false"})
    void fullBatchOf1200ByteDatagramsArrivesByteExact(boolean gso, boolean gro) throws IOException {
        try (LinuxBatchingConn rx = conn(UdpFamily.UDP4, gso, gro); LinuxBatchingConn tx = conn(UdpFamily.UDP4, gso, gro)) {
            assertThat(tx.txOffload()).isEqualTo(gso);
            assertThat(rx.rxOffload()).isEqualTo(gro);
            int[] lengths = repeat(BATCH, 1200);
            ByteBuffer[] bufs = buffers(lengths, true);
            tx.writeBatch(bufs, 0, BATCH, rx.connection().localAddress());
            assertThat(bufs[0].position()).isZero();
            sendSentinel(tx, rx.connection().localAddress());
            List<Got> got = readToSentinel(rx, BATCH, 2048);
            assertExactly(got, lengths, tx.connection().localAddress());
            assertThat(tx.sendCalls()).isEqualTo(1);
            if (gso) {
                // 54 + 54 + 20 datagrams: 65,507 bytes hold 54 of 1,200.
                assertThat(tx.sentKernelMessages()).isEqualTo(3);
            } else {
                assertThat(tx.sentKernelMessages()).isEqualTo(BATCH);
            }
            long kernelMessages = rx.receivedKernelMessages() - 1; // minus the sentinel
            if (gso && gro) {
                // The kernel delivered the coalesced datagrams whole: far fewer than 128.
                assertThat(kernelMessages).isEqualTo(3);
                assertThat(rx.receiveCalls()).isLessThan(BATCH);
            } else {
                assertThat(kernelMessages).isEqualTo(BATCH);
            }
        }
    }

    @Test
    void propertiesTurnGsoAndGroOff() throws IOException {
        System.setProperty(LinuxBatching.GSO_DISABLED_PROPERTY, "true");
        try (LinuxBatchingConn c = new LinuxBatchingConn(open(UdpFamily.UDP4), 8)) {
            assertThat(c.txOffload()).isFalse();
            assertThat(c.rxOffload()).isTrue();
        } finally {
            System.clearProperty(LinuxBatching.GSO_DISABLED_PROPERTY);
        }
        System.setProperty(LinuxBatching.GRO_DISABLED_PROPERTY, "true");
        try (LinuxBatchingConn c = new LinuxBatchingConn(open(UdpFamily.UDP4), 8)) {
            assertThat(c.txOffload()).isTrue();
            assertThat(c.rxOffload()).isFalse();
            assertThat(c.connection().sys.getsockoptInt(c.connection().fd, LinuxConstants.SOL_UDP, LinuxConstants.UDP_GRO))
                    .isZero();
        } finally {
            System.clearProperty(LinuxBatching.GRO_DISABLED_PROPERTY);
        }
        try (LinuxBatchingConn c = new LinuxBatchingConn(open(UdpFamily.UDP4), 8)) {
            assertThat(c.connection().capability(OffloadStatus.class)).containsSame(c);
            assertThat(c.txOffload()).isTrue();
            assertThat(c.rxOffload()).isTrue();
        }
    }

    // ---- mixed batches ---------------------------------------------------------------------------

    static int[] mixed(String kind) {
        switch (kind) {
            case "different-sizes": {
                int[] a = new int[BATCH];
                for (int i = 0; i < BATCH; i++) {
                    a[i] = 20 + (i * 37) % 1400;
                }
                return a;
            }
            case "shorter-last": {
                int[] a = repeat(40, 1200);
                a[39] = 77;
                return a;
            }
            case "larger-than-first": {
                int[] a = repeat(30, 1000);
                for (int i = 10; i < 30; i++) {
                    a[i] = 1300;
                }
                return a;
            }
            case "over-64-segments":
                return repeat(BATCH, 500);
            case "runs-and-zero-length": {
                int[] a = repeat(BATCH, 900);
                a[5] = 0;
                a[6] = 0;
                a[70] = 300;
                a[100] = 0;
                a[127] = 1;
                return a;
            }
            default:
                throw new IllegalArgumentException(kind);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"different-sizes", "shorter-last", "larger-than-first", "over-64-segments",
        "runs-and-zero-length"})
    void mixedBatchesArriveByteExactIpv4(String kind) throws IOException {
        mixedBatch(UdpFamily.UDP4, mixed(kind), true);
        mixedBatch(UdpFamily.UDP4, mixed(kind), false);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"different-sizes", "shorter-last", "larger-than-first", "over-64-segments",
        "runs-and-zero-length"})
    void mixedBatchesArriveByteExactIpv6(String kind) throws IOException {
        assumeIpv6();
        mixedBatch(UdpFamily.UDP6, mixed(kind), true);
    }

    @Test
    void fullBatchIpv6() throws IOException {
        assumeIpv6();
        mixedBatch(UdpFamily.UDP6, repeat(BATCH, 1200), true);
    }

    private void mixedBatch(UdpFamily family, int[] lengths, boolean direct) throws IOException {
        try (LinuxBatchingConn rx = conn(family, true, true); LinuxBatchingConn tx = conn(family, true, true)) {
            tx.writeBatch(buffers(lengths, direct), 0, lengths.length, rx.connection().localAddress());
            sendSentinel(tx, rx.connection().localAddress());
            assertExactly(readToSentinel(rx, BATCH, 2048), lengths, tx.connection().localAddress());
            assertThat(tx.txOffload()).isTrue();
        }
    }

    // ---- lending reads ---------------------------------------------------------------------------

    /** Reads with {@code readBatchLending} until the sentinel; the lent buffers frame each datagram. */
    static List<Got> readToSentinelLending(LinuxBatchingConn rx, int slots, List<ByteBuffer> lentSeen)
            throws IOException {
        ByteBuffer[] lent = new ByteBuffer[slots];
        MessageBatch batch = new MessageBatch(slots).buffers(lent);
        List<Got> got = new ArrayList<>();
        for (;;) {
            java.util.Arrays.fill(lent, null);
            int n = rx.readBatchLending(batch.fill(), slots);
            assertThat(n).isBetween(1, slots);
            for (int i = 0; i < n; i++) {
                ByteBuffer b = lent[i];
                assertThat(b).as("slot %d lent", i).isNotNull();
                byte[] a = new byte[b.remaining()];
                b.get(b.position(), a);
                if (java.util.Arrays.equals(a, SENTINEL)) {
                    return got;
                }
                lentSeen.add(b);
                got.add(new Got(a, batch.length(i), batch.sender(i), batch.isTruncated(i)));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"different-sizes", "shorter-last", "larger-than-first", "over-64-segments",
        "runs-and-zero-length"})
    void lendingReadsFrameEveryDatagramInPlace(String kind) throws IOException {
        try (LinuxBatchingConn rx = conn(UdpFamily.UDP4, true, true); LinuxBatchingConn tx = conn(UdpFamily.UDP4, true, true)) {
            assertThat(rx.lendsBuffers()).isTrue();
            int[] lengths = mixed(kind);
            for (int slots : new int[] {BATCH, 5}) {
                tx.writeBatch(buffers(lengths, true), 0, lengths.length, rx.connection().localAddress());
                sendSentinel(tx, rx.connection().localAddress());
                List<ByteBuffer> lent = new ArrayList<>();
                assertExactly(readToSentinelLending(rx, slots, lent), lengths, tx.connection().localAddress());
                // One buffer object per slot, re-framed each time: nothing allocated per datagram.
                assertThat(new java.util.HashSet<>(lent.stream().map(System::identityHashCode).toList()))
                        .hasSizeLessThanOrEqualTo(slots);
            }
        }
    }

    @Test
    void lendingWithoutGroReadsOneWindowPerDatagram() throws IOException {
        try (LinuxBatchingConn rx = conn(UdpFamily.UDP4, true, false); LinuxBatchingConn tx = conn(UdpFamily.UDP4, true, false)) {
            assertThat(rx.lendsBuffers()).isTrue();
            assertThatThrownBy(() -> rx.readBatch(new MessageBatch(2).buffers(new ByteBuffer[2]).fill(), 3))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("capacity");
            int[] lengths = {0, 1, 1200, 65_507, 7, 1200, 1200, 3, 9000, 2, 1};
            tx.writeBatch(buffers(lengths, true), 0, lengths.length, rx.connection().localAddress());
            sendSentinel(tx, rx.connection().localAddress());
            List<ByteBuffer> lent = new ArrayList<>();
            List<Got> got = readToSentinelLending(rx, BATCH, lent);
            assertExactly(got, lengths, tx.connection().localAddress());
            // One window of the read region per datagram: at most READ_WINDOWS lent buffers in all.
            assertThat(new java.util.HashSet<>(lent.stream().map(System::identityHashCode).toList()))
                    .hasSizeLessThanOrEqualTo(BatchReader.READ_WINDOWS);
        }
    }

    @Test
    void lendingMixesWithCopyingReads() throws IOException {
        try (LinuxBatchingConn rx = conn(UdpFamily.UDP4, true, true); LinuxBatchingConn tx = conn(UdpFamily.UDP4, true, true)) {
            int[] lengths = repeat(BATCH, 1200);
            tx.writeBatch(buffers(lengths, true), 0, BATCH, rx.connection().localAddress());
            sendSentinel(tx, rx.connection().localAddress());
            // The first 60 lent, the rest (and the sentinel) copied: the split carries over.
            ByteBuffer[] lent = new ByteBuffer[60];
            MessageBatch batch = new MessageBatch(60).buffers(lent);
            int n = 0;
            List<Got> got = new ArrayList<>();
            while (n < 60) {
                int k = rx.readBatchLending(batch.fill(), 60 - n);
                for (int i = 0; i < k; i++) {
                    byte[] a = new byte[lent[i].remaining()];
                    lent[i].get(lent[i].position(), a);
                    got.add(new Got(a, batch.length(i), batch.sender(i), batch.isTruncated(i)));
                }
                n += k;
            }
            got.addAll(readToSentinel(rx, BATCH, 2048));
            assertExactly(got, lengths, tx.connection().localAddress());
        }
    }

    // ---- GRO read details ------------------------------------------------------------------------

    @Test
    void fewerSlotsThanCoalescedDatagramsKeepsTheRestForTheNextRead() throws IOException {
        try (LinuxBatchingConn rx = conn(UdpFamily.UDP4, true, true); LinuxBatchingConn tx = conn(UdpFamily.UDP4, true, true)) {
            int[] lengths = repeat(BATCH, 1200);
            tx.writeBatch(buffers(lengths, true), 0, BATCH, rx.connection().localAddress());
            sendSentinel(tx, rx.connection().localAddress());
            long callsBefore = rx.receiveCalls();
            assertExactly(readToSentinel(rx, 5, 1500), lengths, tx.connection().localAddress());
            // 3 coalesced datagrams + the sentinel, all queued before the first read: one recvmmsg
            // takes them all (the connection reads up to MIN_GRO_READ coalesced datagrams per call),
            // and the remainders come from the connection without system calls.
            assertThat(rx.receiveCalls() - callsBefore).isEqualTo(1);
        }
    }

    @Test
    void segmentsLargerThanTheCallersBufferAreFlaggedTruncated() throws IOException {
        try (LinuxBatchingConn rx = conn(UdpFamily.UDP4, true, true); LinuxBatchingConn tx = conn(UdpFamily.UDP4, true, true)) {
            int[] lengths = repeat(10, 1200);
            tx.writeBatch(buffers(lengths, true), 0, 10, rx.connection().localAddress());
            sendSentinel(tx, rx.connection().localAddress());
            List<Got> got = readToSentinel(rx, 16, 1000);
            assertThat(got).hasSize(10);
            assertThat(rx.connection().statistics().truncatedDatagrams()).isEqualTo(10);
            assertThat(rx.connection().statistics().bytesReceived()).isEqualTo(10 * 1200 + SENTINEL.length);
            for (int i = 0; i < 10; i++) {
                assertThat(got.get(i).truncated()).isTrue();
                assertThat(got.get(i).length()).as("what fitted").isEqualTo(1000);
                assertThat(got.get(i).bytes()).isEqualTo(java.util.Arrays.copyOf(payload(i, 1200), 1000));
            }
        }
    }

    @Test
    void singleReceivesOnAGroSocketAreSplit() throws IOException {
        try (LinuxBatchingConn rx = conn(UdpFamily.UDP4, true, true); LinuxBatchingConn tx = conn(UdpFamily.UDP4, true, true)) {
            int[] lengths = repeat(6, 700);
            tx.writeBatch(buffers(lengths, false), 0, 6, rx.connection().localAddress());
            for (int i = 0; i < 6; i++) {
                ByteBuffer dst = ByteBuffer.allocate(2048);
                assertThat(rx.connection().receive(dst)).isEqualTo(tx.connection().localAddress());
                dst.flip();
                byte[] a = new byte[dst.remaining()];
                dst.get(a);
                assertThat(a).isEqualTo(payload(i, 700));
            }
            tx.writeBatch(buffers(repeat(2, 700), true), 0, 2, rx.connection().localAddress());
            assertThatThrownBy(() -> rx.connection().receive(ByteBuffer.allocate(100)))
                    .isInstanceOfSatisfying(DatagramTruncatedException.class,
                            e -> assertThat(e.datagramLength()).isEqualTo(700));
        }
    }

    // ---- fault injection -------------------------------------------------------------------------

    /** Whether the first mmsghdr at {@code vec} carries control data (our UDP_SEGMENT). */
    static boolean segmented(long vec) {
        jnr.ffi.Pointer p = jnr.ffi.Runtime.getSystemRuntime().getMemoryManager().newPointer(vec);
        return p.getLong(Msghdr.MSG_CONTROLLEN) > 0;
    }

    /**
     * A socket whose sendmmsg lets {@code acceptFirst} entries through on the first segmented call
     * and then fails segmented calls {@code failures} times with {@code errno}; {@code unsegmentedErrno}
     * (if not 0) fails every unsegmented call after that.
     */
    static final class Faulty {
        final AtomicInteger segmentedFailures = new AtomicInteger();
        final AtomicInteger calls = new AtomicInteger();
        final ThreadLocal<Integer> fakeErrno = ThreadLocal.withInitial(() -> 0);
        final Syscalls sys;

        Faulty(int errno, int acceptFirst, int failures, int unsegmentedErrno) {
            Syscalls real = Syscalls.system();
            AtomicInteger accepted = new AtomicInteger(acceptFirst);
            LibC libc = new DelegatingLibC(real.libc()) {
                @Override
                public int sendmmsg(int fd, long vec, int vlen, int flags) {
                    calls.incrementAndGet();
                    if (segmented(vec)) {
                        if (accepted.get() > 0) {
                            int n = delegate.sendmmsg(fd, vec, Math.min(vlen, accepted.get()), flags);
                            accepted.addAndGet(-n);
                            fakeErrno.set(0);
                            return n;
                        }
                        if (segmentedFailures.get() < failures) {
                            segmentedFailures.incrementAndGet();
                            fakeErrno.set(errno);
                            return -1;
                        }
                    } else if (unsegmentedErrno != 0 && segmentedFailures.get() > 0) {
                        fakeErrno.set(unsegmentedErrno);
                        return -1;
                    }
                    fakeErrno.set(0);
                    return delegate.sendmmsg(fd, vec, vlen, flags);
                }
            };
            sys = new Syscalls(libc, () -> {
                int fake = fakeErrno.get();
                return fake != 0 ? fake : real.errnoSource().getAsInt();
            });
        }
    }

    @ParameterizedTest(name = "errno={0} acceptFirst={1}")
    @CsvSource({"5,0", "5,1", "22,0", "22,2"})
    void eioAndEinvalTurnGsoOffAndResendTheRestOnce(int errno, int acceptFirst) throws IOException {
        Faulty faulty = new Faulty(errno, acceptFirst, 1, 0);
        List<InetSocketAddress> events = new CopyOnWriteArrayList<>();
        LinuxBatching.setOffloadListener((local, cause) -> events.add(local));
        long globalBefore = LinuxBatching.gsoDisabledCount();
        try (LinuxBatchingConn rx = conn(UdpFamily.UDP4, true, true);
                LinuxBatchingConn tx = conn(faulty.sys, UdpFamily.UDP4, true, true)) {
            int[] lengths = repeat(BATCH, 1200);
            ByteBuffer[] bufs = buffers(lengths, true);
            tx.writeBatch(bufs, 0, BATCH, rx.connection().localAddress()); // no exception: the resend succeeded
            sendSentinel(tx, rx.connection().localAddress());
            assertExactly(readToSentinel(rx, BATCH, 2048), lengths, tx.connection().localAddress());
            assertThat(tx.txOffload()).isFalse();
            assertThat(tx.gsoDisabledCount()).isEqualTo(1);
            assertThat(tx.gsoFallbackCount()).isEqualTo(1);
            assertThat(tx.gsoDisabledCause()).get().isInstanceOfSatisfying(NativeIoException.class,
                    e -> assertThat(e.errno()).isEqualTo(errno));
            assertThat(events).contains(tx.connection().localAddress());
            assertThat(LinuxBatching.gsoDisabledCount()).isGreaterThan(globalBefore);
            // sent: the accepted entries (54 datagrams each) plus the rest one by one.
            assertThat(tx.sentKernelMessages()).isEqualTo(acceptFirst + (BATCH - 54L * acceptFirst));

            // GSO stays off for this socket: the next batch goes out unsegmented.
            long before = tx.sentKernelMessages();
            tx.writeBatch(bufs, 0, BATCH, rx.connection().localAddress());
            sendSentinel(tx, rx.connection().localAddress());
            assertExactly(readToSentinel(rx, BATCH, 2048), lengths, tx.connection().localAddress());
            assertThat(tx.sentKernelMessages() - before).isEqualTo(BATCH);
            assertThat(faulty.segmentedFailures).hasValue(1);
        } finally {
            LinuxBatching.setOffloadListener(null);
        }
    }

    /** Slices of one direct block, back to back: the sender merges them into one iovec per entry. */
    static ByteBuffer[] contiguousBuffers(int[] lengths) {
        ByteBuffer block = ByteBuffer.allocateDirect(java.util.Arrays.stream(lengths).sum());
        ByteBuffer[] bufs = new ByteBuffer[lengths.length];
        int at = 0;
        for (int i = 0; i < lengths.length; i++) {
            bufs[i] = block.slice(at, lengths[i]).put(payload(i, lengths[i])).flip();
            at += lengths[i];
        }
        return bufs;
    }

    @ParameterizedTest(name = "errno={0} acceptFirst={1}")
    @CsvSource({"5,0", "5,1", "22,2", "90,1"})
    void fallbackAfterMergedIovecsSendsEveryDatagramOnce(int errno, int acceptFirst) throws IOException {
        Faulty faulty = new Faulty(errno, acceptFirst, 1, 0);
        try (LinuxBatchingConn rx = conn(UdpFamily.UDP4, true, true);
                LinuxBatchingConn tx = conn(faulty.sys, UdpFamily.UDP4, true, true)) {
            int[] lengths = repeat(BATCH, 1200);
            lengths[BATCH - 1] = 700;
            tx.writeBatch(contiguousBuffers(lengths), 0, BATCH, rx.connection().localAddress());
            sendSentinel(tx, rx.connection().localAddress());
            assertExactly(readToSentinel(rx, BATCH, 2048), lengths, tx.connection().localAddress());
            assertThat(tx.gsoFallbackCount()).isEqualTo(1);
            assertThat(tx.sentKernelMessages()).isEqualTo(acceptFirst + (BATCH - 54L * acceptFirst));
        }
    }

    @ParameterizedTest(name = "acceptFirst={0}")
    @ValueSource(ints = {0, 1})
    void emsgsizeResendsThatBatchUnsegmentedAndKeepsGso(int acceptFirst) throws IOException {
        Faulty faulty = new Faulty(LinuxConstants.EMSGSIZE, acceptFirst, 1, 0);
        try (LinuxBatchingConn rx = conn(UdpFamily.UDP4, true, true);
                LinuxBatchingConn tx = conn(faulty.sys, UdpFamily.UDP4, true, true)) {
            int[] lengths = repeat(BATCH, 1200);
            ByteBuffer[] bufs = buffers(lengths, false);
            tx.writeBatch(bufs, 0, BATCH, rx.connection().localAddress());
            sendSentinel(tx, rx.connection().localAddress());
            assertExactly(readToSentinel(rx, BATCH, 2048), lengths, tx.connection().localAddress());
            assertThat(tx.txOffload()).isTrue();
            assertThat(tx.gsoDisabledCount()).isZero();
            assertThat(tx.gsoFallbackCount()).isEqualTo(1);

            long before = tx.sentKernelMessages();
            tx.writeBatch(bufs, 0, BATCH, rx.connection().localAddress());
            sendSentinel(tx, rx.connection().localAddress());
            assertExactly(readToSentinel(rx, BATCH, 2048), lengths, tx.connection().localAddress());
            assertThat(tx.sentKernelMessages() - before).isEqualTo(3); // segmented again
        }
    }

    @Test
    void aFailedResendSaysGsoWasDisabledAndWhy() throws IOException {
        Faulty faulty = new Faulty(LinuxConstants.EIO, 0, 1, LinuxConstants.EPERM);
        try (LinuxBatchingConn rx = conn(UdpFamily.UDP4, true, true);
                LinuxBatchingConn tx = conn(faulty.sys, UdpFamily.UDP4, true, true)) {
            ByteBuffer[] bufs = buffers(repeat(10, 1200), true);
            assertThatThrownBy(() -> tx.writeBatch(bufs, 0, 10, rx.connection().localAddress()))
                    .isInstanceOfSatisfying(UdpGsoDisabledException.class, e -> {
                        assertThat(e.getMessage()).startsWith("disabled UDP GSO on " + tx.connection().localAddress()
                                + ", NIC(s) may not support checksum offload").contains("EIO").contains("EPERM");
                        assertThat(e.localAddress()).isEqualTo(tx.connection().localAddress());
                        assertThat(((NativeIoException) e.gsoFailure()).errno()).isEqualTo(LinuxConstants.EIO);
                        assertThat(((NativeIoException) e.getCause()).errno()).isEqualTo(LinuxConstants.EPERM);
                    });
            assertThat(tx.txOffload()).isFalse();
        }
    }

    @Test
    void einvalOnAnUnsegmentedSendIsAnOrdinaryError() throws IOException {
        Syscalls real = Syscalls.system();
        AtomicInteger calls = new AtomicInteger();
        ThreadLocal<Integer> fake = ThreadLocal.withInitial(() -> 0);
        LibC libc = new DelegatingLibC(real.libc()) {
            @Override
            public int sendmmsg(int fd, long vec, int vlen, int flags) {
                calls.incrementAndGet();
                fake.set(LinuxConstants.EINVAL);
                return -1;
            }
        };
        Syscalls sys = new Syscalls(libc, () -> fake.get() != 0 ? fake.get() : real.errnoSource().getAsInt());
        try (LinuxBatchingConn tx = conn(sys, UdpFamily.UDP4, true, true)) {
            ByteBuffer[] bufs = buffers(new int[] {100, 200, 300}, true); // nothing coalesces
            assertThatThrownBy(() -> tx.writeBatch(bufs, 0, 3, ipv4Loopback(9)))
                    .isInstanceOfSatisfying(NativeIoException.class,
                            e -> assertThat(e.errno()).isEqualTo(LinuxConstants.EINVAL));
            assertThat(calls).hasValue(1);
            assertThat(tx.txOffload()).isTrue();
            assertThat(tx.gsoFallbackCount()).isZero();
        }
    }

    @Test
    void oversizeDatagramsAreStillRefusedBeforeAnySegmenting() throws IOException {
        try (LinuxBatchingConn rx = conn(UdpFamily.UDP4, true, true); LinuxBatchingConn tx = conn(UdpFamily.UDP4, true, true)) {
            ByteBuffer[] bufs = buffers(new int[] {1200, 1200, 1200, 70_000}, true);
            assertThatThrownBy(() -> tx.writeBatch(bufs, 0, 4, rx.connection().localAddress()))
                    .isInstanceOf(DatagramTooLargeException.class);
            sendSentinel(tx, rx.connection().localAddress());
            assertExactly(readToSentinel(rx, BATCH, 2048), repeat(3, 1200), tx.connection().localAddress());
        }
    }
}
