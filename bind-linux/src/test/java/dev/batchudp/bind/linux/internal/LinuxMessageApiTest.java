package dev.batchudp.bind.linux.internal;

import static dev.batchudp.bind.linux.LinuxTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.batchudp.network.BatchFlags;
import dev.batchudp.network.ControlMessage;
import dev.batchudp.network.DatagramTooLargeException;
import dev.batchudp.network.Message;
import dev.batchudp.network.UdpFamily;
import dev.batchudp.network.UdpSocketOptions;
import dev.batchudp.network.UdpStatistics;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The message API of {@link LinuxUdpSocket} ({@code readBatch}/{@code writeBatch}) on real loopback
 * sockets: vectored heap and direct buffers at any position, control buffers from their position,
 * flags, partial results, the socket options it depends on, and the counters it feeds.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(20)
class LinuxMessageApiTest {
    @BeforeEach
    void gate() {
        assumeLinuxBatching();
    }

    private static LinuxUdpSocket socket(UdpFamily family) throws IOException {
        if (family == UdpFamily.UDP6) {
            assumeIpv6();
        }
        LinuxUdpSocket s = open(family);
        s.setReadTimeout(Duration.ofSeconds(5));
        return s;
    }

    private static byte[] payload(int i, int length) {
        byte[] b = new byte[length];
        for (int j = 0; j < length; j++) {
            b[j] = (byte) (i * 37 + j * 11 + 1);
        }
        return b;
    }

    /** A buffer of {@code kind} holding {@code bytes} between position 3 and its limit, with guards around. */
    private static ByteBuffer positioned(boolean direct, byte[] bytes) {
        ByteBuffer b = direct ? ByteBuffer.allocateDirect(bytes.length + 8) : ByteBuffer.allocate(bytes.length + 8);
        for (int i = 0; i < b.capacity(); i++) {
            b.put(i, (byte) 0x5a);
        }
        b.put(3, bytes);
        return b.position(3).limit(3 + bytes.length);
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        ByteBuffer all = ByteBuffer.allocate(n);
        for (byte[] p : parts) {
            all.put(p);
        }
        return all.array();
    }

    private static byte[] stored(Message m) {
        ByteBuffer out = ByteBuffer.allocate(m.length());
        for (ByteBuffer b : m.buffers()) {
            int n = Math.min(b.remaining(), out.remaining());
            out.put(b.duplicate().limit(b.position() + n));
        }
        return out.array();
    }

    @ParameterizedTest
    @EnumSource(value = UdpFamily.class, names = {"UDP4", "UDP6"})
    void vectoredHeapAndDirectBuffersRoundTrip(UdpFamily family) throws IOException {
        try (LinuxUdpSocket tx = socket(family); LinuxUdpSocket rx = socket(family)) {
            int n = 6;
            Message[] out = new Message[n];
            byte[][] whole = new byte[n][];
            for (int i = 0; i < n; i++) {
                byte[] header = payload(i, 5 + i);
                byte[] body = payload(100 + i, 200 * i);
                whole[i] = concat(header, body);
                out[i] = new Message(positioned(i % 2 == 0, header), positioned(i % 3 == 0, body))
                        .address(rx.localAddress());
            }
            assertThat(tx.writeBatch(out, 0, n, 0)).isEqualTo(n);
            for (int i = 0; i < n; i++) {
                assertThat(out[i].length()).isEqualTo(whole[i].length);
                assertThat(out[i].buffers()[0].position()).isEqualTo(3);
            }
            Message[] in = new Message[n];
            for (int i = 0; i < n; i++) {
                // A small first buffer at a position, then a large one: the datagram is scattered.
                in[i] = new Message(positioned(i % 2 == 1, new byte[7]), positioned(i % 3 != 0, new byte[2000]));
            }
            int got = 0;
            while (got < n) {
                got += rx.readBatch(in, got, n - got, 0);
            }
            for (int i = 0; i < n; i++) {
                assertThat(in[i].length()).isEqualTo(whole[i].length);
                assertThat(in[i].isTruncated()).isFalse();
                assertThat(in[i].address()).isEqualTo(tx.localAddress());
                assertThat(stored(in[i])).isEqualTo(whole[i]);
                assertThat(in[i].buffers()[0].position()).isEqualTo(3);
                assertThat(in[i].buffers()[0].get(2)).as("guard before the position").isEqualTo((byte) 0x5a);
            }
            UdpStatistics txs = tx.statistics();
            UdpStatistics rxs = rx.statistics();
            long bytes = 0;
            for (byte[] w : whole) {
                bytes += w.length;
            }
            assertThat(txs.datagramsSent()).isEqualTo(n);
            assertThat(txs.bytesSent()).isEqualTo(bytes);
            assertThat(rxs.datagramsReceived()).isEqualTo(n);
            assertThat(rxs.bytesReceived()).isEqualTo(bytes);
            assertThat(rxs.truncatedDatagrams()).isZero();
            assertThat(rxs.receiveQueueDrops()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(value = UdpFamily.class, names = {"UDP4", "UDP6", "UDP"})
    void controlDataIsStoredFromThePositionOfHeapAndDirectBuffers(UdpFamily family) throws IOException {
        try (LinuxUdpSocket tx = socket(family == UdpFamily.UDP ? UdpFamily.UDP4 : family); LinuxUdpSocket rx = socket(family)) {
            rx.setOption(UdpSocketOptions.RECEIVE_PACKET_INFO, true);
            rx.setOption(UdpSocketOptions.RECEIVE_HOP_LIMIT, true);
            InetSocketAddress to = family == UdpFamily.UDP ? ipv4Loopback(rx.localAddress().getPort()) : rx.localAddress();
            for (int i = 0; i < 2; i++) {
                tx.send(ByteBuffer.wrap(payload(i, 10)), to);
            }
            ByteBuffer heap = ByteBuffer.allocate(ControlMessage.RECEIVE_SPACE + 16).position(16);
            ByteBuffer direct = ByteBuffer.allocateDirect(ControlMessage.RECEIVE_SPACE + 16).position(8);
            Message[] in = {new Message(ByteBuffer.allocate(64)).control(heap),
                new Message(ByteBuffer.allocateDirect(64)).control(direct)};
            int got = 0;
            while (got < 2) {
                got += rx.readBatch(in, got, 2 - got, 0);
            }
            ControlMessage cm = new ControlMessage();
            for (Message m : in) {
                assertThat(m.controlLength()).isPositive();
                assertThat(m.isControlTruncated()).isFalse();
                cm.parse(m);
                assertThat(cm.destination()).isEqualTo(to.getAddress());
                assertThat(cm.hopLimit()).isEqualTo(64);
            }
            assertThat(heap.position()).isEqualTo(16);
            assertThat(direct.position()).isEqualTo(8);
        }
    }

    @Test
    void tooSmallControlBufferIsReportedAsControlTruncated() throws IOException {
        try (LinuxUdpSocket tx = socket(UdpFamily.UDP4); LinuxUdpSocket rx = socket(UdpFamily.UDP4)) {
            rx.setOption(UdpSocketOptions.RECEIVE_PACKET_INFO, true);
            tx.send(ByteBuffer.wrap(payload(1, 10)), rx.localAddress());
            Message[] in = {new Message(ByteBuffer.allocate(64)).control(ByteBuffer.allocate(8))};
            assertThat(rx.readBatch(in, 0, 1, 0)).isEqualTo(1);
            assertThat(in[0].isControlTruncated()).isTrue();
            assertThat(in[0].length()).isEqualTo(10);
        }
    }

    @Test
    void truncationIsReportedInTheFlagsAndCounted() throws IOException {
        try (LinuxUdpSocket tx = socket(UdpFamily.UDP4); LinuxUdpSocket rx = socket(UdpFamily.UDP4)) {
            tx.send(ByteBuffer.wrap(payload(1, 100)), rx.localAddress());
            Message[] in = {new Message(ByteBuffer.allocate(6), ByteBuffer.allocateDirect(4))};
            assertThat(rx.readBatch(in, 0, 1, 0)).isEqualTo(1);
            assertThat(in[0].isTruncated()).isTrue();
            assertThat(in[0].length()).isEqualTo(10);
            assertThat(stored(in[0])).isEqualTo(java.util.Arrays.copyOf(payload(1, 100), 10));
            assertThat(rx.statistics().truncatedDatagrams()).isEqualTo(1);
            assertThat(rx.statistics().bytesReceived()).isEqualTo(100);
        }
    }

    @Test
    void dontWaitReturnsZeroAndPeekLeavesTheDatagramQueued() throws IOException {
        try (LinuxUdpSocket tx = socket(UdpFamily.UDP4); LinuxUdpSocket rx = socket(UdpFamily.UDP4)) {
            Message[] in = {new Message(ByteBuffer.allocate(64)), new Message(ByteBuffer.allocate(64))};
            assertThat(rx.readBatch(in, 0, 2, BatchFlags.DONTWAIT)).isZero();
            tx.send(ByteBuffer.wrap(payload(1, 10)), rx.localAddress());
            tx.send(ByteBuffer.wrap(payload(2, 20)), rx.localAddress());
            assertThat(rx.readBatch(in, 0, 2, BatchFlags.PEEK)).as("PEEK fills one").isEqualTo(1);
            assertThat(stored(in[0])).isEqualTo(payload(1, 10));
            int n = rx.readBatch(in, 0, 2, BatchFlags.DONTWAIT);
            assertThat(n).isEqualTo(2);
            assertThat(stored(in[0])).as("peeked datagram read again").isEqualTo(payload(1, 10));
            assertThat(stored(in[1])).isEqualTo(payload(2, 20));
            assertThat(rx.readBatch(in, 0, 2, BatchFlags.DONTWAIT | BatchFlags.PEEK)).isZero();
            assertThat(rx.statistics().datagramsReceived()).as("a peek is not a delivery").isEqualTo(2);
        }
    }

    @Test
    void readOnlyBuffersAndUnknownFlagsAreRefusedBeforeReading() throws IOException {
        try (LinuxUdpSocket tx = socket(UdpFamily.UDP4); LinuxUdpSocket rx = socket(UdpFamily.UDP4)) {
            tx.send(ByteBuffer.wrap(payload(1, 10)), rx.localAddress());
            Message[] bad = {new Message(ByteBuffer.allocate(64)),
                new Message(ByteBuffer.allocate(64)).control(ByteBuffer.allocate(64).asReadOnlyBuffer())};
            assertThatThrownBy(() -> rx.readBatch(bad, 0, 2, 0)).isInstanceOf(ReadOnlyBufferException.class);
            assertThatThrownBy(() -> rx.readBatch(bad, 0, 1, 0x100)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> rx.readBatch(bad, 1, 2, 0)).isInstanceOf(IndexOutOfBoundsException.class);
            Message[] in = {new Message(ByteBuffer.allocate(64))};
            assertThat(rx.readBatch(in, 0, 1, 0)).isEqualTo(1);
            assertThat(stored(in[0])).isEqualTo(payload(1, 10));
        }
    }

    @Test
    void anOversizeMessageAfterTheFirstEndsTheCallAndTheNextCallThrows() throws IOException {
        try (LinuxUdpSocket tx = socket(UdpFamily.UDP4); LinuxUdpSocket rx = socket(UdpFamily.UDP4)) {
            Message[] out = {new Message(ByteBuffer.wrap(payload(1, 10))).address(rx.localAddress()),
                new Message(ByteBuffer.allocate(40_000), ByteBuffer.allocateDirect(30_000)).address(rx.localAddress()),
                new Message(ByteBuffer.wrap(payload(3, 10))).address(rx.localAddress())};
            assertThat(tx.writeBatch(out, 0, 3, 0)).isEqualTo(1);
            assertThatThrownBy(() -> tx.writeBatch(out, 1, 2, 0)).isInstanceOfSatisfying(DatagramTooLargeException.class,
                    e -> assertThat(e.size()).isEqualTo(70_000));
            assertThat(tx.writeBatch(out, 2, 1, 0)).isEqualTo(1);
            Message[] in = {new Message(ByteBuffer.allocate(64)), new Message(ByteBuffer.allocate(64))};
            int got = 0;
            while (got < 2) {
                got += rx.readBatch(in, got, 2 - got, 0);
            }
            assertThat(stored(in[0])).isEqualTo(payload(1, 10));
            assertThat(stored(in[1])).isEqualTo(payload(3, 10));
        }
    }

    @Test
    void aWriteThatWouldBlockWithDontWaitReturnsWhatWasSent() throws IOException {
        Syscalls real = Syscalls.system();
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        ThreadLocal<Integer> fake = ThreadLocal.withInitial(() -> 0);
        LibC libc = new DelegatingLibC(real.libc()) {
            @Override
            public int sendmmsg(int fd, long vec, int vlen, int flags) {
                if (calls.incrementAndGet() <= 2) {
                    // First call: one message accepted; second: the send buffer is full.
                    fake.set(calls.get() == 2 ? LinuxConstants.EAGAIN : 0);
                    return calls.get() == 2 ? -1 : delegate.sendmmsg(fd, vec, 1, flags);
                }
                fake.set(0);
                return delegate.sendmmsg(fd, vec, vlen, flags);
            }
        };
        Syscalls sys = new Syscalls(libc, () -> {
            int f = fake.get();
            return f != 0 ? f : real.errnoSource().getAsInt();
        });
        try (LinuxUdpSocket rx = socket(UdpFamily.UDP4);
                LinuxUdpSocket tx = LinuxUdpSocket.open(sys, NETWORK, UdpFamily.UDP4, ipv4Loopback(0), null, null)) {
            Message[] out = new Message[3];
            for (int i = 0; i < 3; i++) {
                out[i] = new Message(ByteBuffer.wrap(payload(i, 10))).address(rx.localAddress());
            }
            assertThat(tx.writeBatch(out, 0, 3, BatchFlags.DONTWAIT)).isEqualTo(1);
            assertThat(tx.writeBatch(out, 1, 2, BatchFlags.DONTWAIT)).isEqualTo(2);
            assertThat(tx.statistics().datagramsSent()).isEqualTo(3);
            Message[] in = {new Message(ByteBuffer.allocate(64)), new Message(ByteBuffer.allocate(64)),
                new Message(ByteBuffer.allocate(64))};
            int got = 0;
            while (got < 3) {
                got += rx.readBatch(in, got, 3 - got, 0);
            }
            for (int i = 0; i < 3; i++) {
                assertThat(stored(in[i])).isEqualTo(payload(i, 10));
            }
        }
    }

    @Test
    void aConnectedSocketSendsMessagesWithoutAddress() throws IOException {
        try (LinuxUdpSocket rx = socket(UdpFamily.UDP4);
                LinuxUdpSocket tx = LinuxUdpSocket.open(Syscalls.system(), NETWORK, UdpFamily.UDP4, ipv4Loopback(0),
                        rx.localAddress(), null)) {
            Message[] out = {new Message(ByteBuffer.wrap(payload(1, 10)))};
            assertThat(tx.writeBatch(out, 0, 1, 0)).isEqualTo(1);
            Message[] in = {new Message(ByteBuffer.allocate(64))};
            assertThat(rx.readBatch(in, 0, 1, 0)).isEqualTo(1);
            assertThat(in[0].address()).isEqualTo(tx.localAddress());
            Message[] unaddressed = {new Message(ByteBuffer.wrap(payload(1, 10)))};
            assertThatThrownBy(() -> rx.writeBatch(unaddressed, 0, 1, 0)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    @Timeout(10)
    void closeWakesABlockedReadBatch() throws Exception {
        LinuxUdpSocket rx = open(UdpFamily.UDP4);
        Message[] in = {new Message(ByteBuffer.allocateDirect(64))};
        CompletableFuture<Throwable> result = CompletableFuture.supplyAsync(() -> {
            try {
                rx.readBatch(in, 0, 1, 0);
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        Thread.sleep(200);
        assertThat(result).isNotDone();
        rx.close();
        assertThat(result.get(5, TimeUnit.SECONDS)).isInstanceOf(AsynchronousCloseException.class);
        assertThatThrownBy(() -> rx.readBatch(in, 0, 1, 0)).isInstanceOf(ClosedChannelException.class);
        Message[] out = {new Message(ByteBuffer.allocate(1)).address(ipv4Loopback(9))};
        assertThatThrownBy(() -> rx.writeBatch(out, 0, 1, 0)).isInstanceOf(ClosedChannelException.class);
    }

    @ParameterizedTest
    @EnumSource(value = UdpFamily.class, names = {"UDP4", "UDP6", "UDP"})
    void everyListedOptionCanBeSetAndReadBack(UdpFamily family) throws IOException {
        try (LinuxUdpSocket s = socket(family)) {
            List<SocketOption<Boolean>> flags = List.of(UdpSocketOptions.IP_DONTFRAG,
                    UdpSocketOptions.RECEIVE_TRAFFIC_CLASS, UdpSocketOptions.RECEIVE_PACKET_INFO,
                    UdpSocketOptions.RECEIVE_HOP_LIMIT, UdpSocketOptions.RECEIVE_QUEUE_OVERFLOW,
                    StandardSocketOptions.SO_REUSEADDR, StandardSocketOptions.SO_BROADCAST);
            assertThat(s.supportedOptions()).containsAll(flags).contains(UdpSocketOptions.UDP_GRO,
                    StandardSocketOptions.SO_RCVBUF, StandardSocketOptions.SO_SNDBUF);
            for (SocketOption<Boolean> o : flags) {
                assertThat(s.getOption(o)).as(o.name() + " default").isFalse();
                s.setOption(o, true);
                assertThat(s.getOption(o)).as(o.name()).isTrue();
                s.setOption(o, false);
                assertThat(s.getOption(o)).as(o.name() + " off").isFalse();
            }
            if (dev.batchudp.bind.linux.LinuxBatching.supportsGro()) {
                s.setOption(UdpSocketOptions.UDP_GRO, true);
                assertThat(s.getOption(UdpSocketOptions.UDP_GRO)).isTrue();
                assertThat(s.statistics().receiveOffload()).isTrue();
                s.setOption(UdpSocketOptions.UDP_GRO, false);
                assertThat(s.getOption(UdpSocketOptions.UDP_GRO)).isFalse();
            }
        }
    }

    @Test
    void dontFragmentOnADualStackSocketSetsBothFamiliesAndOffRestoresTheDefaults() throws IOException {
        try (LinuxUdpSocket s = socket(UdpFamily.UDP)) {
            assumeIpv6();
            assertThat(s.isInet6()).isTrue();
            assertThat(ipMtuDiscover(s)).isEqualTo(LinuxConstants.IP_PMTUDISC_WANT);
            s.setOption(UdpSocketOptions.IP_DONTFRAG, true);
            assertThat(ipMtuDiscover(s)).isEqualTo(LinuxConstants.IP_PMTUDISC_PROBE);
            assertThat(s.sys.getsockoptInt(s.fd, LinuxConstants.IPPROTO_IPV6, LinuxConstants.IPV6_DONTFRAG)).isEqualTo(1);
            s.setOption(UdpSocketOptions.IP_DONTFRAG, false);
            assertThat(ipMtuDiscover(s)).isEqualTo(LinuxConstants.IP_PMTUDISC_WANT);
            assertThat(s.sys.getsockoptInt(s.fd, LinuxConstants.IPPROTO_IPV6, LinuxConstants.IPV6_DONTFRAG)).isZero();
        }
    }

    private static int ipMtuDiscover(LinuxUdpSocket s) throws IOException {
        return s.sys.getsockoptInt(s.fd, LinuxConstants.IPPROTO_IP, LinuxConstants.IP_MTU_DISCOVER);
    }

    @Test
    void aBigEndianControlBufferStillCountsItsSegments() throws IOException {
        // The records are native order whatever the buffer says: the segment count must not depend on it.
        assertThat(ByteOrder.nativeOrder()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer control = ByteBuffer.allocateDirect(ControlMessage.SEND_SPACE).order(ByteOrder.BIG_ENDIAN);
        int n = new ControlMessage().segmentSize(1000).marshal(control, UdpFamily.UDP4);
        assertThat(UdpCmsgs.sendSegmentSize(control, 0, n)).isEqualTo(1000);
    }
}
