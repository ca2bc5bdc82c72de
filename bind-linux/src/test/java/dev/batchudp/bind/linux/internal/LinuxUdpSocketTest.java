package dev.batchudp.bind.linux.internal;

import static dev.batchudp.bind.linux.LinuxTestSupport.*;
import static dev.batchudp.bind.linux.internal.LinuxConstants.*;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.batchudp.network.DatagramTooLargeException;
import dev.batchudp.network.DatagramTruncatedException;
import dev.batchudp.network.UdpFamily;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** Real sockets over 127.0.0.1 and ::1. */
@EnabledOnOs(OS.LINUX)
@Timeout(60)
class LinuxUdpSocketTest {

    @BeforeEach
    void gate() {
        assumeLinuxBatching();
    }

    private static ByteBuffer text(String s, boolean direct) {
        byte[] b = s.getBytes(UTF_8);
        ByteBuffer buf = direct ? ByteBuffer.allocateDirect(b.length) : ByteBuffer.allocate(b.length);
        return buf.put(b).flip();
    }

    private static String text(ByteBuffer b) {
        b.flip();
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return new String(a, UTF_8);
    }

    private void roundTrip(UdpFamily family, boolean direct) throws IOException {
        try (LinuxUdpSocket a = open(family); LinuxUdpSocket b = open(family)) {
            a.setReadTimeout(Duration.ofSeconds(5));
            b.send(text("hello " + family, direct), a.localAddress());
            ByteBuffer dst = direct ? ByteBuffer.allocateDirect(100) : ByteBuffer.allocate(100);
            InetSocketAddress from = a.receive(dst);
            assertThat(text(dst)).isEqualTo("hello " + family);
            assertThat(from).isEqualTo(b.localAddress());
        }
    }

    @Test
    void sendAndReceiveIpv4() throws IOException {
        roundTrip(UdpFamily.UDP4, true);
        roundTrip(UdpFamily.UDP4, false);
    }

    @Test
    void sendAndReceiveIpv6() throws IOException {
        assumeIpv6();
        roundTrip(UdpFamily.UDP6, true);
        roundTrip(UdpFamily.UDP6, false);
    }

    @Test
    void socketsAreBlockingCloseOnExecAndReportTheirFamily() throws IOException {
        try (LinuxUdpSocket s = open(UdpFamily.UDP4)) {
            // Blocking by design: receives without timeout block in recvmmsg; everything else passes
            // MSG_DONTWAIT.
            assertThat(s.sys.fcntl(s.fd(), F_GETFL, 0) & O_NONBLOCK).isZero();
            assertThat(s.sys.fcntl(s.fd(), F_GETFD, 0) & FD_CLOEXEC).isNotZero();
            assertThat(s.family()).isEqualTo(UdpFamily.UDP4);
            assertThat(s.isDualStack()).isFalse();
            assertThat(s.localAddress().getPort()).isPositive();
            assertThat(s.network()).isSameAs(NETWORK);
            assertThat(s.capability(dev.batchudp.bind.spi.SocketControl.class)).get().extracting(dev.batchudp.bind.spi.SocketControl::fd).isEqualTo(s.fd());
        }
    }

    @Test
    void udp4AndUdp6ShareAPort() throws IOException {
        assumeIpv6();
        try (LinuxUdpSocket v4 = open(UdpFamily.UDP4, new InetSocketAddress(Inet4Address.getByAddress(new byte[4]), 0))) {
            int port = v4.localAddress().getPort();
            try (LinuxUdpSocket v6 = open(UdpFamily.UDP6, new InetSocketAddress(java.net.InetAddress.getByAddress(new byte[16]), port))) {
                assertThat(v6.localAddress().getPort()).isEqualTo(port);
                assertThat(v6.sys.getsockoptInt(v6.fd(), IPPROTO_IPV6, IPV6_V6ONLY)).isEqualTo(1);
                assertThat(v6.isDualStack()).isFalse();
            }
        }
    }

    @Test
    void dualStackSocketSeesIpv4PeersUnmapped() throws IOException {
        assumeIpv6();
        try (LinuxUdpSocket dual = open(UdpFamily.UDP, new InetSocketAddress(Inet4Address.getByAddress(new byte[4]), 0));
                LinuxUdpSocket v4 = open(UdpFamily.UDP4)) {
            assertThat(dual.isDualStack()).isTrue();
            assertThat(dual.sys.getsockoptInt(dual.fd(), IPPROTO_IPV6, IPV6_V6ONLY)).isZero();
            dual.setReadTimeout(Duration.ofSeconds(5));
            v4.send(text("mapped", true), ipv4Loopback(dual.localAddress().getPort()));
            ByteBuffer dst = ByteBuffer.allocate(64);
            InetSocketAddress from = dual.receive(dst);
            assertThat(from.getAddress()).isInstanceOf(Inet4Address.class);
            assertThat(from).isEqualTo(v4.localAddress());
            dual.send(text("back", false), from);
            v4.setReadTimeout(Duration.ofSeconds(5));
            ByteBuffer back = ByteBuffer.allocateDirect(64);
            v4.receive(back);
            assertThat(text(back)).isEqualTo("back");
        }
    }

    @Test
    void wrongFamilyTargetsAreRejected() throws IOException {
        try (LinuxUdpSocket v4 = open(UdpFamily.UDP4)) {
            assertThatThrownBy(() -> v4.send(text("x", true), ipv6Loopback(9)))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> v4.send(text("x", true), null)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> v4.send(text("x", true), InetSocketAddress.createUnresolved("example.org", 9)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void truncationIsReported() throws IOException {
        for (boolean direct : new boolean[] {true, false}) {
            try (LinuxUdpSocket a = open(UdpFamily.UDP4); LinuxUdpSocket b = open(UdpFamily.UDP4)) {
                a.setReadTimeout(Duration.ofSeconds(5));
                b.send(ByteBuffer.wrap(new byte[1000]), a.localAddress());
                b.send(text("next", direct), a.localAddress());
                ByteBuffer small = direct ? ByteBuffer.allocateDirect(100) : ByteBuffer.allocate(100);
                assertThatThrownBy(() -> a.receive(small))
                        .isInstanceOfSatisfying(DatagramTruncatedException.class, e -> {
                            assertThat(e.datagramLength()).isEqualTo(1000);
                            assertThat(e.storedLength()).isEqualTo(100);
                            assertThat(e.sender()).isEqualTo(b.localAddress());
                        });
                assertThat(small.position()).isEqualTo(100);
                ByteBuffer next = ByteBuffer.allocate(100);
                a.receive(next);
                assertThat(text(next)).isEqualTo("next");
            }
        }
    }

    @Test
    void zeroLengthDatagramsAreDatagrams() throws IOException {
        try (LinuxUdpSocket a = open(UdpFamily.UDP4); LinuxUdpSocket b = open(UdpFamily.UDP4)) {
            a.setReadTimeout(Duration.ofSeconds(5));
            b.send(ByteBuffer.allocate(0), a.localAddress());
            ByteBuffer dst = ByteBuffer.allocate(10);
            assertThat(a.receive(dst)).isEqualTo(b.localAddress());
            assertThat(dst.position()).isZero();
        }
    }

    @Test
    void oversizeIsRefused() throws IOException {
        try (LinuxUdpSocket a = open(UdpFamily.UDP4)) {
            ByteBuffer big = ByteBuffer.allocateDirect(UdpFamily.MAX_IPV4_PAYLOAD + 1);
            assertThatThrownBy(() -> a.send(big, a.localAddress()))
                    .isInstanceOfSatisfying(DatagramTooLargeException.class, e -> {
                        assertThat(e.size()).isEqualTo(UdpFamily.MAX_IPV4_PAYLOAD + 1);
                        assertThat(e.limit()).isEqualTo(UdpFamily.MAX_IPV4_PAYLOAD);
                    });
            assertThat(big.position()).isZero();
            // the largest IPv4 datagram goes through
            a.setReadTimeout(Duration.ofSeconds(5));
            a.send(ByteBuffer.allocateDirect(UdpFamily.MAX_IPV4_PAYLOAD), a.localAddress());
            ByteBuffer dst = ByteBuffer.allocateDirect(70_000);
            a.receive(dst);
            assertThat(dst.position()).isEqualTo(UdpFamily.MAX_IPV4_PAYLOAD);
        }
    }

    @Test
    void readTimeoutExpires() throws IOException {
        try (LinuxUdpSocket a = open(UdpFamily.UDP4)) {
            a.setReadTimeout(Duration.ofMillis(100));
            long start = System.nanoTime();
            assertThatThrownBy(() -> a.receive(ByteBuffer.allocate(10))).isInstanceOf(SocketTimeoutException.class);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(90L, 3_000L);
            assertThat(a.isOpen()).isTrue();
        }
    }

    @Test
    @Timeout(10)
    void closeWakesABlockedReceiverPromptly() throws Exception {
        LinuxUdpSocket a = open(UdpFamily.UDP4);
        CountDownLatch entered = new CountDownLatch(1);
        CompletableFuture<Throwable> result = CompletableFuture.supplyAsync(() -> {
            entered.countDown();
            try {
                a.receive(ByteBuffer.allocateDirect(10));
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        entered.await();
        Thread.sleep(200); // let it reach poll
        assertThat(result).isNotDone();
        long start = System.nanoTime();
        a.close();
        Throwable t = result.get(2, TimeUnit.SECONDS);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(1_000);
        assertThat(t).isInstanceOf(AsynchronousCloseException.class);
        assertThat(a.isOpen()).isFalse();
        assertThat(a.isReleased()).isTrue();
        assertThatThrownBy(() -> a.receive(ByteBuffer.allocate(1))).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(() -> a.send(ByteBuffer.allocate(1), a.localAddress()))
                .isInstanceOf(ClosedChannelException.class);
        a.close(); // idempotent
    }

    @Test
    void closeRunsTheCallbackOnce() throws IOException {
        AtomicInteger calls = new AtomicInteger();
        LinuxUdpSocket s = LinuxUdpSocket.open(Syscalls.system(), NETWORK, UdpFamily.UDP4, ipv4Loopback(0), null,
                calls::incrementAndGet);
        s.close();
        s.close();
        assertThat(calls).hasValue(1);
    }

    @Test
    void options() throws IOException {
        try (LinuxUdpSocket s = open(UdpFamily.UDP4)) {
            assertThat(s.supportedOptions()).contains(StandardSocketOptions.SO_RCVBUF, StandardSocketOptions.SO_SNDBUF,
                    StandardSocketOptions.SO_REUSEADDR);
            s.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            assertThat(s.getOption(StandardSocketOptions.SO_REUSEADDR)).isTrue();
            s.setOption(StandardSocketOptions.SO_RCVBUF, 65_536);
            assertThat(s.getOption(StandardSocketOptions.SO_RCVBUF)).isGreaterThanOrEqualTo(65_536);
            assertThat(s.getOption(StandardSocketOptions.SO_SNDBUF)).isPositive();
            assertThatThrownBy(() -> s.getOption(StandardSocketOptions.IP_MULTICAST_TTL))
                    .isInstanceOf(UnsupportedOperationException.class);
        }
    }

    @Test
    void bindingATakenAddressIsABindException() throws IOException {
        try (LinuxUdpSocket a = open(UdpFamily.UDP4)) {
            assertThatThrownBy(() -> open(UdpFamily.UDP4, a.localAddress())).isInstanceOf(java.net.BindException.class)
                    .hasMessageContaining("Address already in use");
        }
    }

    @Test
    void connectedSocketSendsWithoutTarget() throws IOException {
        try (LinuxUdpSocket server = open(UdpFamily.UDP4);
                LinuxUdpSocket client = LinuxUdpSocket.open(Syscalls.system(), NETWORK, UdpFamily.UDP4, ipv4Loopback(0),
                        server.localAddress(), null)) {
            assertThat(client.remoteAddress()).contains(server.localAddress());
            client.send(text("connected", true), null);
            server.setReadTimeout(Duration.ofSeconds(5));
            ByteBuffer dst = ByteBuffer.allocate(20);
            assertThat(server.receive(dst)).isEqualTo(client.localAddress());
            assertThat(text(dst)).isEqualTo("connected");
        }
    }

    private void interop(UdpFamily family) throws IOException {
        StandardProtocolFamily pf = family == UdpFamily.UDP6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
        try (LinuxUdpSocket ours = open(family); DatagramChannel jdk = DatagramChannel.open(pf)) {
            jdk.bind(loopback(family, 0));
            InetSocketAddress jdkAddress = (InetSocketAddress) jdk.getLocalAddress();
            // ours → JDK
            ours.send(text("to jdk", true), jdkAddress);
            ByteBuffer got = ByteBuffer.allocate(64);
            jdk.configureBlocking(true);
            jdk.socket().setSoTimeout(5000);
            InetSocketAddress sender = (InetSocketAddress) jdk.receive(got);
            assertThat(text(got)).isEqualTo("to jdk");
            assertThat(sender.getPort()).isEqualTo(ours.localAddress().getPort());
            // JDK → ours
            jdk.send(text("from jdk", false), ours.localAddress());
            ours.setReadTimeout(Duration.ofSeconds(5));
            ByteBuffer dst = ByteBuffer.allocateDirect(64);
            assertThat(ours.receive(dst)).isEqualTo(jdkAddress);
            assertThat(text(dst)).isEqualTo("from jdk");
        }
    }

    @Test
    void interopWithJdkDatagramChannelIpv4() throws IOException {
        interop(UdpFamily.UDP4);
    }

    @Test
    void interopWithJdkDatagramChannelIpv6() throws IOException {
        assumeIpv6();
        interop(UdpFamily.UDP6);
    }

    @Test
    @Timeout(120)
    void openCloseCyclesLeaveNoFdBehind() throws IOException {
        for (int i = 0; i < 50; i++) { // warm up class loading and JIT threads
            open(UdpFamily.UDP4).close();
        }
        long before = openFds();
        for (int i = 0; i < 1000; i++) {
            LinuxUdpSocket s = open(UdpFamily.UDP4);
            s.close();
            assertThat(s.isReleased()).isTrue();
        }
        // Not above the start: descriptors of other tests' threads may close meanwhile, never open.
            assertThat(openFds()).isLessThanOrEqualTo(before);
    }

    @Test
    @Timeout(180)
    void closeRacingASenderAndAReceiverNeverLeaksNorCrashes() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < 20; i++) {
                raceOnce(pool);
            }
            long before = openFds();
            for (int i = 0; i < 1000; i++) {
                raceOnce(pool);
            }
            // Not above the start: descriptors of other tests' threads may close meanwhile, never open.
            assertThat(openFds()).isLessThanOrEqualTo(before);
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    private static void raceOnce(ExecutorService pool) throws Exception {
        LinuxUdpSocket s = open(UdpFamily.UDP4);
        InetSocketAddress self = s.localAddress();
        CountDownLatch started = new CountDownLatch(2);
        Future<Throwable> receiver = pool.submit(() -> {
            started.countDown();
            ByteBuffer b = ByteBuffer.allocateDirect(64);
            try {
                for (;;) {
                    b.clear();
                    s.receive(b);
                }
            } catch (Throwable t) {
                return t;
            }
        });
        Future<Throwable> sender = pool.submit(() -> {
            started.countDown();
            ByteBuffer b = ByteBuffer.allocateDirect(8);
            try {
                for (;;) {
                    b.clear();
                    s.send(b, self);
                }
            } catch (Throwable t) {
                return t;
            }
        });
        started.await();
        int spins = ThreadLocalRandom.current().nextInt(2000);
        for (int j = 0; j < spins; j++) {
            Thread.onSpinWait();
        }
        s.close();
        assertThat(receiver.get(5, TimeUnit.SECONDS)).isInstanceOf(ClosedChannelException.class);
        assertThat(sender.get(5, TimeUnit.SECONDS)).isInstanceOf(ClosedChannelException.class);
        assertThat(s.isReleased()).isTrue();
    }
}
