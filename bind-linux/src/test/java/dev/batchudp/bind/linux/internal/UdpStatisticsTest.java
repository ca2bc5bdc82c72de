package dev.batchudp.bind.linux.internal;

import static dev.batchudp.bind.linux.LinuxTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.batchudp.bind.linux.LinuxBatching;
import dev.batchudp.network.BatchFlags;
import dev.batchudp.network.ControlMessage;
import dev.batchudp.network.Message;
import dev.batchudp.network.UdpFamily;
import dev.batchudp.network.UdpSocketOptions;
import dev.batchudp.network.UdpStatistics;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link LinuxUdpSocket#statistics()}: each drop cause provoked and counted exactly. Receive-queue
 * overflow on a tiny {@code SO_RCVBUF} (the kernel's {@code sk_drops} from /proc, and the
 * {@code SO_RXQ_OVFL} count of the next read), {@code ECONNREFUSED} on a connected socket, and
 * {@code ENOBUFS} and GSO fallbacks injected through a {@link DelegatingLibC}.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(30)
class UdpStatisticsTest {
    @BeforeEach
    void gate() {
        assumeLinuxBatching();
    }

    private static Message[] messages(int n, int size) {
        Message[] m = new Message[n];
        for (int i = 0; i < n; i++) {
            m[i] = new Message(ByteBuffer.allocateDirect(size)).control(ByteBuffer.allocateDirect(ControlMessage.RECEIVE_SPACE));
        }
        return m;
    }

    @ParameterizedTest
    @EnumSource(value = UdpFamily.class, names = {"UDP4", "UDP6"})
    void receiveQueueOverflowIsTheKernelsDropCount(UdpFamily family) throws Exception {
        if (family == UdpFamily.UDP6) {
            assumeIpv6();
        }
        int sent = 200;
        try (LinuxUdpSocket tx = open(family); LinuxUdpSocket rx = open(family)) {
            rx.setOption(StandardSocketOptions.SO_RCVBUF, 1); // the kernel's minimum: a few datagrams
            rx.setOption(UdpSocketOptions.RECEIVE_QUEUE_OVERFLOW, true);
            assertThat(rx.statistics().receiveQueueDrops()).isZero();
            Message[] out = new Message[sent];
            for (int i = 0; i < sent; i++) {
                out[i] = new Message(ByteBuffer.allocateDirect(1000)).address(rx.localAddress());
            }
            for (int done = 0; done < sent;) {
                done += tx.writeBatch(out, done, sent - done, 0);
            }
            // Drain: every datagram was either queued (and is read now) or dropped by the kernel.
            Message[] in = messages(64, 2000);
            ControlMessage cm = new ControlMessage();
            long received = 0;
            long lastDropCount = 0;
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (received + rx.statistics().receiveQueueDrops() < sent) {
                assertThat(System.nanoTime()).as("all %d datagrams accounted for", sent).isLessThan(deadline);
                int n = rx.readBatch(in, 0, in.length, BatchFlags.DONTWAIT);
                for (int k = 0; k < n; k++) {
                    cm.parse(in[k]);
                    if (cm.dropCount() != ControlMessage.UNSET) {
                        lastDropCount = Math.max(lastDropCount, cm.dropCount());
                    }
                }
                received += n;
                if (n == 0) {
                    Thread.sleep(10);
                }
            }
            long drops = sent - received;
            assertThat(drops).as("a tiny receive buffer drops datagrams").isPositive();
            assertThat(rx.statistics().receiveQueueDrops()).isEqualTo(drops);
            assertThat(rx.statistics().datagramsReceived()).isEqualTo(received);
            assertThat(lastDropCount).isLessThanOrEqualTo(drops);

            // The next datagram carries the socket's drop count so far (socket(7), SO_RXQ_OVFL).
            tx.send(ByteBuffer.allocate(10), rx.localAddress());
            rx.setReadTimeout(Duration.ofSeconds(5));
            assertThat(rx.readBatch(in, 0, 1, 0)).isEqualTo(1);
            assertThat(cm.parse(in[0]).dropCount()).isEqualTo(drops);
            assertThat(tx.statistics().datagramsSent()).isEqualTo(sent + 1);
        }
    }

    @Test
    void portUnreachableOnAConnectedSocketIsCountedOnce() throws Exception {
        int deadPort;
        try (LinuxUdpSocket dead = open(UdpFamily.UDP4)) {
            deadPort = dead.localAddress().getPort();
        }
        try (LinuxUdpSocket tx = LinuxUdpSocket.open(Syscalls.system(), NETWORK, UdpFamily.UDP4, ipv4Loopback(0),
                ipv4Loopback(deadPort), null)) {
            Message[] out = {new Message(ByteBuffer.allocate(10))};
            assertThat(tx.writeBatch(out, 0, 1, 0)).isEqualTo(1);
            Message[] in = messages(4, 100);
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (tx.statistics().portUnreachable() == 0) {
                assertThat(System.nanoTime()).as("the ICMP error arrives").isLessThan(deadline);
                assertThat(tx.readBatch(in, 0, 4, BatchFlags.DONTWAIT)).isZero();
                Thread.sleep(5);
            }
            assertThat(tx.readBatch(in, 0, 4, BatchFlags.DONTWAIT)).isZero();
            UdpStatistics s = tx.statistics();
            assertThat(s.portUnreachable()).isEqualTo(1);
            assertThat(s.datagramsSent()).isEqualTo(1);
            assertThat(s.datagramsReceived()).isZero();
        }
    }

    /** A LibC whose {@code sendmmsg} fails once, on the call {@code failOn}, with {@code errno}. */
    private static Syscalls failingSendmmsgOnce(int failOn, int errno) {
        Syscalls real = Syscalls.system();
        AtomicInteger calls = new AtomicInteger();
        ThreadLocal<Integer> fake = ThreadLocal.withInitial(() -> 0);
        LibC libc = new DelegatingLibC(real.libc()) {
            @Override
            public int sendmmsg(int fd, long vec, int vlen, int flags) {
                if (calls.incrementAndGet() == failOn) {
                    fake.set(errno);
                    return -1;
                }
                fake.set(0);
                return delegate.sendmmsg(fd, vec, vlen, flags);
            }
        };
        return new Syscalls(libc, () -> {
            int f = fake.get();
            return f != 0 ? f : real.errnoSource().getAsInt();
        });
    }

    @Test
    void noBufferSpaceDropsTheMessageAndCountsIt() throws IOException {
        try (LinuxUdpSocket rx = open(UdpFamily.UDP4);
                LinuxUdpSocket tx = LinuxUdpSocket.open(failingSendmmsgOnce(1, LinuxConstants.ENOBUFS), NETWORK,
                        UdpFamily.UDP4, ipv4Loopback(0), null, null)) {
            rx.setReadTimeout(Duration.ofSeconds(5));
            Message[] out = new Message[3];
            for (int i = 0; i < 3; i++) {
                out[i] = new Message(ByteBuffer.wrap(new byte[] {(byte) i})).address(rx.localAddress());
            }
            assertThat(tx.writeBatch(out, 0, 3, 0)).as("a dropped datagram is handled, as UDP may").isEqualTo(3);
            UdpStatistics s = tx.statistics();
            assertThat(s.sendBufferDrops()).isEqualTo(1);
            assertThat(s.datagramsSent()).isEqualTo(2);
            Message[] in = messages(3, 10);
            int got = 0;
            while (got < 2) {
                got += rx.readBatch(in, got, 3 - got, 0);
            }
            assertThat(in[0].buffers()[0].get(0)).isEqualTo((byte) 1);
            assertThat(in[1].buffers()[0].get(0)).isEqualTo((byte) 2);
        }
    }

    @Test
    void aRefusedSegmentedSendIsOneGsoFallbackAndEveryDatagramCountsOnce() throws IOException {
        if (Boolean.getBoolean(REQUIRE_PROPERTY)) {
            assertThat(LinuxBatching.supportsGso()).as("UDP_SEGMENT").isTrue();
        } else {
            org.junit.jupiter.api.Assumptions.assumeTrue(LinuxBatching.supportsGso(), "kernel without UDP GSO");
        }
        LinuxUdpSocket txSocket = LinuxUdpSocket.open(failingSendmmsgOnce(1, LinuxConstants.EIO), NETWORK,
                UdpFamily.UDP4, ipv4Loopback(0), null, null);
        try (LinuxUdpSocket rx = open(UdpFamily.UDP4); LinuxBatchingConn tx = new LinuxBatchingConn(txSocket, 16, true, false)) {
            rx.setReadTimeout(Duration.ofSeconds(5));
            assertThat(tx.connection().statistics().transmitOffload()).isTrue();
            ByteBuffer[] bufs = new ByteBuffer[4];
            for (int i = 0; i < 4; i++) {
                bufs[i] = ByteBuffer.allocate(1000);
                bufs[i].put(0, (byte) i);
            }
            tx.writeBatch(bufs, 0, 4, rx.localAddress());
            UdpStatistics s = txSocket.statistics();
            assertThat(s.gsoFallbacks()).isEqualTo(1);
            assertThat(s.transmitOffload()).as("GSO off after EIO").isFalse();
            assertThat(s.datagramsSent()).isEqualTo(4);
            assertThat(s.bytesSent()).isEqualTo(4000);
            Message[] in = messages(4, 2000);
            int got = 0;
            while (got < 4) {
                got += rx.readBatch(in, got, 4 - got, 0);
            }
            for (int i = 0; i < 4; i++) {
                assertThat(in[i].buffers()[0].get(0)).isEqualTo((byte) i);
            }
            assertThat(rx.statistics().datagramsReceived()).isEqualTo(4);
        }
    }

    @Test
    void aClosedSocketReportsTheDropCountReadLast() throws IOException {
        LinuxUdpSocket s = open(UdpFamily.UDP4);
        assertThat(s.statistics().receiveQueueDrops()).isZero();
        s.close();
        assertThat(s.statistics().receiveQueueDrops()).as("the value read last").isZero();
        InetSocketAddress local = s.localAddress();
        assertThat(local.getPort()).isPositive();
    }
}
