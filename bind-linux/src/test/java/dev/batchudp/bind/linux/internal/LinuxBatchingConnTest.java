package dev.batchudp.bind.linux.internal;

import static dev.batchudp.bind.linux.LinuxTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.batchudp.bind.linux.LinuxBatching;
import dev.batchudp.bind.linux.OffloadStatus;
import dev.batchudp.bind.spi.BatchingConn;
import dev.batchudp.bind.spi.MessageBatch;
import dev.batchudp.network.Message;
import dev.batchudp.bind.spi.SocketControl;
import dev.batchudp.network.DatagramTooLargeException;
import dev.batchudp.network.UdpFamily;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** recvmmsg/sendmmsg batches over real sockets on 127.0.0.1 and ::1. */
@EnabledOnOs(OS.LINUX)
@Timeout(60)
class LinuxBatchingConnTest {
    private static final int BATCH = 128;

    @BeforeEach
    void gate() {
        assumeLinuxBatching();
    }

    private static LinuxBatchingConn upgrade(LinuxUdpSocket s, int batch) {
        return (LinuxBatchingConn) LinuxBatching.tryUpgradeToBatchingConn(s, s.family(), batch).orElseThrow();
    }

    private static byte[] payload(int i) {
        byte[] b = new byte[20 + (i * 37) % 1400];
        for (int j = 0; j < b.length; j++) {
            b[j] = (byte) (i * 31 + j * 7);
        }
        return b;
    }

    private static Message[] messages(int n, boolean direct) {
        Message[] msgs = new Message[n];
        for (int i = 0; i < n; i++) {
            msgs[i] = new Message(direct ? ByteBuffer.allocateDirect(2048) : ByteBuffer.allocate(2048))
                    .control(ByteBuffer.allocateDirect(LinuxBatching.MIN_CONTROL_MESSAGE_SIZE));
        }
        return msgs;
    }

    /** Reads until {@code expected} datagrams arrived; returns their payloads in order. */
    private static List<byte[]> readAll(LinuxBatchingConn conn, Message[] msgs, int expected, InetSocketAddress from)
            throws IOException {
        List<byte[]> got = new ArrayList<>();
        while (got.size() < expected) {
            int n = conn.connection().readBatch(msgs, 0, msgs.length, 0);
            assertThat(n).isBetween(1, msgs.length);
            for (int i = 0; i < n; i++) {
                Message m = msgs[i];
                assertThat(m.isTruncated()).isFalse();
                assertThat(m.address()).isEqualTo(from);
                ByteBuffer b = m.buffers()[0];
                byte[] a = new byte[m.length()];
                b.get(b.position(), a);
                got.add(a);
            }
        }
        return got;
    }

    private void fullBatch(UdpFamily family, boolean direct) throws IOException {
        try (LinuxBatchingConn rx = upgrade(open(family), BATCH); LinuxBatchingConn tx = upgrade(open(family), BATCH)) {
            rx.connection().setOption(java.net.StandardSocketOptions.SO_RCVBUF, 4 << 20);
            rx.connection().setReadTimeout(Duration.ofSeconds(5));
            ByteBuffer[] bufs = new ByteBuffer[BATCH];
            for (int i = 0; i < BATCH; i++) {
                byte[] p = payload(i);
                bufs[i] = (direct ? ByteBuffer.allocateDirect(p.length) : ByteBuffer.allocate(p.length)).put(p).flip();
            }
            tx.writeBatch(bufs, 0, BATCH, rx.connection().localAddress());
            for (ByteBuffer b : bufs) {
                assertThat(b.position()).isZero(); // not modified
            }
            List<byte[]> got = readAll(rx, messages(BATCH, direct), BATCH, tx.connection().localAddress());
            for (int i = 0; i < BATCH; i++) {
                assertThat(got.get(i)).as("datagram %d", i).isEqualTo(payload(i));
            }
        }
    }

    @Test
    void fullBatchArrivesByteExactIpv4() throws IOException {
        fullBatch(UdpFamily.UDP4, true);
        fullBatch(UdpFamily.UDP4, false);
    }

    @Test
    void fullBatchArrivesByteExactIpv6() throws IOException {
        assumeIpv6();
        fullBatch(UdpFamily.UDP6, true);
        fullBatch(UdpFamily.UDP6, false);
    }

    @Test
    void batchedIoIsACapabilityOfTheSocket() throws IOException {
        LinuxUdpSocket s = open(UdpFamily.UDP4);
        assertThat(s.capability(BatchingConn.class)).isEmpty();
        assertThat(s.capability(OffloadStatus.class)).isEmpty();
        LinuxBatchingConn c = upgrade(s, 0);
        assertThat(c.batchSize()).isEqualTo(LinuxBatching.DEFAULT_BATCH_SIZE);
        assertThat(c.connection()).isSameAs(s);
        assertThat(s.capability(BatchingConn.class)).containsSame(c);
        assertThat(s.capability(OffloadStatus.class)).containsSame(c);
        assertThat(s.capability(LinuxBatchingConn.class)).containsSame(c);
        assertThat(s.capability(SocketControl.class)).containsSame(s);
        assertThat(LinuxBatching.tryUpgradeToBatchingConn(s, UdpFamily.UDP4, 5)).as("upgraded once")
                .containsSame(c);
        assertThatThrownBy(() -> new LinuxBatchingConn(s, 8)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already has a batching view");
        c.close();
        assertThat(s.isOpen()).isFalse();
        assertThat(s.isReleased()).isTrue();
    }

    @Test
    void tooManyMessagesAreRefused() throws IOException {
        try (LinuxBatchingConn c = upgrade(open(UdpFamily.UDP4), 4)) {
            ByteBuffer[] bufs = new ByteBuffer[5];
            Arrays.setAll(bufs, i -> ByteBuffer.allocate(1));
            assertThatThrownBy(() -> c.writeBatch(bufs, 0, 5, c.connection().localAddress()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("batch size exceeds batching connection capacity");
            ByteBuffer[] five = new ByteBuffer[5];
            Arrays.setAll(five, i -> ByteBuffer.allocateDirect(64));
            assertThatThrownBy(() -> c.readBatch(new MessageBatch(5).buffers(five).fill(), 5))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void truncationIsFlaggedWithTheStoredLength() throws IOException {
        try (LinuxBatchingConn rx = upgrade(open(UdpFamily.UDP4), 4); LinuxUdpSocket tx = open(UdpFamily.UDP4)) {
            rx.connection().setReadTimeout(Duration.ofSeconds(5));
            tx.send(ByteBuffer.allocate(3000), rx.connection().localAddress());
            Message[] msgs = messages(4, true);
            int n = rx.connection().readBatch(msgs, 0, 4, 0);
            assertThat(n).isEqualTo(1);
            assertThat(msgs[0].isTruncated()).isTrue();
            assertThat(msgs[0].length()).as("what fitted, as the message API reports it").isEqualTo(2048);
            assertThat(rx.connection().statistics().truncatedDatagrams()).isEqualTo(1);
            assertThat(rx.connection().statistics().bytesReceived()).isEqualTo(3000);
            assertThat(msgs[0].address()).isEqualTo(tx.localAddress());
        }
    }

    @Test
    void oversizeStopsTheBatchAfterSendingThePrefix() throws IOException {
        try (LinuxBatchingConn rx = upgrade(open(UdpFamily.UDP4), 4); LinuxBatchingConn tx = upgrade(open(UdpFamily.UDP4), 4)) {
            rx.connection().setReadTimeout(Duration.ofSeconds(5));
            ByteBuffer[] bufs = {ByteBuffer.wrap(payload(1)), ByteBuffer.allocateDirect(70_000), ByteBuffer.wrap(payload(2))};
            assertThatThrownBy(() -> tx.writeBatch(bufs, 0, 3, rx.connection().localAddress()))
                    .isInstanceOfSatisfying(DatagramTooLargeException.class,
                            e -> assertThat(e.size()).isEqualTo(70_000));
            List<byte[]> got = readAll(rx, messages(4, true), 1, tx.connection().localAddress());
            assertThat(got).hasSize(1);
            assertThat(got.get(0)).isEqualTo(payload(1));
        }
    }

    @Test
    void writeMessagesSendsEachToItsAddress() throws IOException {
        try (LinuxBatchingConn a = upgrade(open(UdpFamily.UDP4), 8); LinuxBatchingConn b = upgrade(open(UdpFamily.UDP4), 8);
                LinuxBatchingConn tx = upgrade(open(UdpFamily.UDP4), 8)) {
            a.connection().setReadTimeout(Duration.ofSeconds(5));
            b.connection().setReadTimeout(Duration.ofSeconds(5));
            Message[] out = new Message[4];
            for (int i = 0; i < 4; i++) {
                out[i] = new Message(ByteBuffer.wrap(payload(i))).address(i % 2 == 0 ? a.connection().localAddress() : b.connection().localAddress());
            }
            tx.connection().writeBatch(out, 0, 4, 0);
            List<byte[]> atA = readAll(a, messages(8, false), 2, tx.connection().localAddress());
            List<byte[]> atB = readAll(b, messages(8, true), 2, tx.connection().localAddress());
            assertThat(atA).containsExactly(payload(0), payload(2));
            assertThat(atB).containsExactly(payload(1), payload(3));
        }
    }

    @Test
    void partialSendmmsgIsContinued() throws IOException {
        Syscalls real = Syscalls.system();
        AtomicInteger calls = new AtomicInteger();
        LibC capped = new DelegatingLibC(real.libc()) {
            @Override
            public int sendmmsg(int fd, long vec, int vlen, int flags) {
                calls.incrementAndGet();
                return delegate.sendmmsg(fd, vec, Math.min(vlen, 3), flags); // the kernel takes 3 at most
            }
        };
        Syscalls faulty = new Syscalls(capped, real.errnoSource());
        try (LinuxBatchingConn rx = upgrade(open(UdpFamily.UDP4), BATCH);
                LinuxBatchingConn tx = new LinuxBatchingConn(
                        LinuxUdpSocket.open(faulty, NETWORK, UdpFamily.UDP4, ipv4Loopback(0), null, null), 20)) {
            rx.connection().setReadTimeout(Duration.ofSeconds(5));
            ByteBuffer[] bufs = new ByteBuffer[20];
            Arrays.setAll(bufs, i -> ByteBuffer.wrap(payload(i)));
            tx.writeBatch(bufs, 0, 20, rx.connection().localAddress());
            assertThat(calls).hasValue(7); // 3+3+3+3+3+3+2
            List<byte[]> got = readAll(rx, messages(BATCH, true), 20, tx.connection().localAddress());
            for (int i = 0; i < 20; i++) {
                assertThat(got.get(i)).isEqualTo(payload(i));
            }
        }
    }

    @Test
    @Timeout(10)
    void enobufsDropsAndCountsOneDatagramAndTheRestAreSent() throws IOException {
        Syscalls real = Syscalls.system();
        AtomicInteger calls = new AtomicInteger();
        ThreadLocal<Integer> fakeErrno = ThreadLocal.withInitial(() -> 0);
        LibC failing = new DelegatingLibC(real.libc()) {
            @Override
            public int sendmmsg(int fd, long vec, int vlen, int flags) {
                if (calls.incrementAndGet() == 2) {
                    fakeErrno.set(LinuxConstants.ENOBUFS); // the interface queue is full for message 3
                    return -1;
                }
                fakeErrno.set(0);
                return delegate.sendmmsg(fd, vec, Math.min(vlen, 3), flags);
            }
        };
        Syscalls faulty = new Syscalls(failing, () -> {
            int fake = fakeErrno.get();
            return fake != 0 ? fake : real.errnoSource().getAsInt();
        });
        LinuxUdpSocket txSocket = LinuxUdpSocket.open(faulty, NETWORK, UdpFamily.UDP4, ipv4Loopback(0), null, null);
        try (LinuxBatchingConn rx = upgrade(open(UdpFamily.UDP4), BATCH); LinuxBatchingConn tx = new LinuxBatchingConn(txSocket, 20)) {
            rx.connection().setReadTimeout(Duration.ofSeconds(5));
            ByteBuffer[] bufs = new ByteBuffer[20];
            Arrays.setAll(bufs, i -> ByteBuffer.wrap(payload(i)));
            tx.writeBatch(bufs, 0, 20, rx.connection().localAddress());
            assertThat(txSocket.noBufferDropCount()).isEqualTo(1);
            List<byte[]> got = readAll(rx, messages(BATCH, true), 19, tx.connection().localAddress());
            for (int i = 0; i < 19; i++) {
                assertThat(got.get(i)).isEqualTo(payload(i < 3 ? i : i + 1));
            }
        }
    }

    @Test
    @Timeout(10)
    void closeWakesABlockedBatchReader() throws Exception {
        LinuxBatchingConn c = upgrade(open(UdpFamily.UDP4), 8);
        Message[] msgs = messages(8, true);
        CompletableFuture<Throwable> result = CompletableFuture.supplyAsync(() -> {
            try {
                c.connection().readBatch(msgs, 0, 8, 0);
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        Thread.sleep(200);
        assertThat(result).isNotDone();
        c.close();
        assertThat(result.get(2, TimeUnit.SECONDS)).isInstanceOf(AsynchronousCloseException.class);
        assertThatThrownBy(() -> c.connection().readBatch(msgs, 0, 8, 0)).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(() -> c.writeBatch(new ByteBuffer[] {ByteBuffer.allocate(1)}, 0, 1, c.connection().localAddress()))
                .isInstanceOf(ClosedChannelException.class);
    }

    @Test
    void dualStackBatchReportsIpv4SendersUnmapped() throws IOException {
        assumeIpv6();
        try (LinuxBatchingConn rx = upgrade(open(UdpFamily.UDP, new InetSocketAddress(java.net.InetAddress.getByAddress(new byte[16]), 0)), 8);
                LinuxBatchingConn v4 = upgrade(open(UdpFamily.UDP4), 8);
                LinuxBatchingConn v6 = upgrade(open(UdpFamily.UDP6), 8)) {
            rx.connection().setReadTimeout(Duration.ofSeconds(5));
            int port = rx.connection().localAddress().getPort();
            v4.writeBatch(new ByteBuffer[] {ByteBuffer.wrap(payload(4))}, 0, 1, ipv4Loopback(port));
            assertThat(readAll(rx, messages(8, true), 1, v4.connection().localAddress())).containsExactly(payload(4));
            v6.writeBatch(new ByteBuffer[] {ByteBuffer.wrap(payload(6))}, 0, 1, ipv6Loopback(port));
            assertThat(readAll(rx, messages(8, true), 1, v6.connection().localAddress())).containsExactly(payload(6));
        }
    }
}
