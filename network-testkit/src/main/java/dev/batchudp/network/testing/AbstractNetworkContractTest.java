package dev.batchudp.network.testing;

import static dev.batchudp.network.testing.Datagrams.LOOPBACK4;
import static dev.batchudp.network.testing.Datagrams.LOOPBACK6;
import static dev.batchudp.network.testing.Datagrams.WILDCARD4;
import static dev.batchudp.network.testing.Datagrams.WILDCARD6;
import static dev.batchudp.network.testing.Datagrams.loopback4;
import static dev.batchudp.network.testing.Datagrams.loopback6;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.batchudp.network.ClosedNetworkException;
import dev.batchudp.network.DatagramTooLargeException;
import dev.batchudp.network.DatagramTruncatedException;
import dev.batchudp.network.Network;
import dev.batchudp.network.NetworkFeature;
import dev.batchudp.network.NetworkInterfaceInfo;
import dev.batchudp.network.UdpConnection;
import dev.batchudp.network.UdpFamily;
import java.io.IOException;
import java.net.BindException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour every {@link Network} implementation must have, as a JUnit 5 suite. Subclass it and
 * implement {@link #newNetwork()}:
 *
 * <pre>{@code
 * class SystemNetworkContractTest extends AbstractNetworkContractTest {
 *     @Override
 *     protected Network newNetwork() {
 *         return SystemNetwork.open();
 *     }
 * }
 * }</pre>
 *
 * <p>Each test gets a fresh network, closed after the test. Tests bind only {@code 127.0.0.1},
 * {@code ::1} and (where binding itself is the subject) the wildcard addresses, and send only to
 * loopback addresses. Every test has a {@link Timeout} that runs it on a separate thread, so an
 * implementation that never wakes a blocked receiver fails instead of hanging the build.
 *
 * <p>Feature-dependent tests consult {@link Network#features()}: with
 * {@link NetworkFeature#V6ONLY} a {@code udp4} and a {@code udp6} connection share a port; without
 * it {@code udp6} connections are dual-stack and the second bind fails. Size tests run only with
 * {@link NetworkFeature#STRICT_DATAGRAM_SIZES}.
 *
 * @since 0.1
 */
public abstract class AbstractNetworkContractTest extends AbstractNetworkFixture {
    /** How long a test waits for something that should happen promptly (a wake-up, a datagram). */
    protected static final Duration PROMPTLY = Duration.ofSeconds(3);

    private static final int RACE_ITERATIONS = 200;


    /** Constructor for subclasses. */
    protected AbstractNetworkContractTest() {}

    // ---------------------------------------------------------------------------------------------
    // Identity

    /** {@link Network#isNative()} agrees with the provider: {@code system} is native, {@code loopback} is not. */
    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    public void isNativeMatchesProviderName() {
        String name = network().providerName();
        assertThat(name).isNotBlank().isEqualTo(name.toLowerCase(java.util.Locale.ROOT));
        if (name.equals("system")) {
            assertThat(network().isNative()).as("system network is native").isTrue();
        } else if (name.equals("loopback")) {
            assertThat(network().isNative()).as("loopback network is not native").isFalse();
        }
        assertThat(network().isOpen()).isTrue();
        assertThat(network().features()).isNotNull();
    }

    /**
     * {@link Network#interfaces()} answers without failing, with plausible entries.
     *
     * @throws IOException if listing fails
     */
    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    public void interfacesAreListed() throws IOException {
        List<NetworkInterfaceInfo> interfaces = network().interfaces();
        assertThat(interfaces).isNotNull();
        for (NetworkInterfaceInfo info : interfaces) {
            assertThat(info.name()).isNotBlank();
            assertThat(info.addresses()).isNotNull();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Opening and binding

    /**
     * A {@code udp4} connection on {@code 127.0.0.1:0} gets an ephemeral port.
     *
     * @throws IOException on failure
     */
    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    public void udp4GetsEphemeralPort() throws IOException {
        try (UdpConnection c = network().openUdp(UdpFamily.UDP4, loopback4(0))) {
            assertThat(c.localAddress().getAddress()).isEqualTo(LOOPBACK4);
            assertThat(c.localAddress().getPort()).isBetween(1, 65_535);
            assertThat(c.family()).isEqualTo(UdpFamily.UDP4);
            assertThat(c.isDualStack()).isFalse();
            assertThat(c.remoteAddress()).isEmpty();
            assertThat(c.network()).isSameAs(network());
            assertThat(c.isOpen()).isTrue();
            assertThat(c.readTimeout()).isEqualTo(Duration.ZERO);
        }
    }

    /**
     * A {@code udp6} connection on {@code [::1]:0} gets an ephemeral port.
     *
     * @throws IOException on failure
     */
    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    public void udp6GetsEphemeralPort() throws IOException {
        assumeTrue(supportsIpv6(), "IPv6 not supported here");
        try (UdpConnection c = network().openUdp(UdpFamily.UDP6, loopback6(0))) {
            assertThat(c.localAddress().getAddress()).isEqualTo(LOOPBACK6);
            assertThat(c.localAddress().getPort()).isBetween(1, 65_535);
            assertThat(c.family()).isEqualTo(UdpFamily.UDP6);
        }
    }

    /**
     * A {@code udp} connection bound to an IPv4 literal talks to {@code udp4} connections.
     *
     * @throws IOException on failure
     */
    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    public void udpFamilyBindsIpv4Literal() throws IOException {
        try (UdpConnection a = network().openUdp(UdpFamily.UDP, loopback4(0));
                UdpConnection b = network().openUdp(UdpFamily.UDP4, loopback4(0))) {
            assertThat(a.family()).isEqualTo(UdpFamily.UDP);
            assertThat(a.localAddress().getAddress()).isEqualTo(LOOPBACK4);
            assertExchange(a, b, 64, 1);
            assertExchange(b, a, 64, 2);
        }
    }

    /**
     * Binding an explicit port that is taken fails with {@link BindException}, for both families.
     *
     * @throws IOException on failure
     */
    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    public void portInUseThrowsBindException() throws IOException {
        try (UdpConnection a = network().openUdp(UdpFamily.UDP4, loopback4(0))) {
            int port = a.localAddress().getPort();
            assertThatThrownBy(() -> network().openUdp(UdpFamily.UDP4, loopback4(port)))
                    .isInstanceOf(BindException.class);
        }
        if (supportsIpv6()) {
            try (UdpConnection a = network().openUdp(UdpFamily.UDP6, loopback6(0))) {
                int port = a.localAddress().getPort();
                assertThatThrownBy(() -> network().openUdp(UdpFamily.UDP6, loopback6(port)))
                        .isInstanceOf(BindException.class);
            }
        }
        assertThat(network().openConnections()).isEmpty();
    }

    /**
     * With {@link NetworkFeature#V6ONLY}, {@code 0.0.0.0:p} and {@code [::]:p} can both be bound and
     * the {@code udp6} connection is not dual-stack.
     *
     * @throws IOException on failure
     */
    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    public void v6OnlyLetsUdp4AndUdp6ShareAPort() throws IOException {
        assumeTrue(network().features().contains(NetworkFeature.V6ONLY), "network lacks V6ONLY");
        assumeTrue(supportsIpv6(), "IPv6 not supported here");
        try (UdpConnection v4 = network().openUdp(UdpFamily.UDP4, new InetSocketAddress(WILDCARD4, 0))) {
            int port = v4.localAddress().getPort();
            try (UdpConnection v6 = network().openUdp(UdpFamily.UDP6, new InetSocketAddress(WILDCARD6, port))) {
                assertThat(v6.localAddress().getPort()).isEqualTo(port);
                assertThat(v6.isDualStack()).isFalse();
                assertThat(v4.isDualStack()).isFalse();
            }
        }
    }

    /**
     * Without {@link NetworkFeature#V6ONLY}, {@code udp6} connections are dual-stack, so binding
     * {@code [::]:p} while a {@code udp4} connection holds {@code 0.0.0.0:p} fails with
     * {@link BindException}.
     *
     * @throws IOException on failure
     */
    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    public void withoutV6OnlyUdp6IsDualStackAndConflictsWithUdp4() throws IOException {
        assumeTrue(!network().features().contains(NetworkFeature.V6ONLY), "network has V6ONLY");
        assumeTrue(supportsIpv6(), "IPv6 not supported here");
        try (UdpConnection v4 = network().openUdp(UdpFamily.UDP4, new InetSocketAddress(WILDCARD4, 0))) {
            int port = v4.localAddress().getPort();
            assertThat(v4.isDualStack()).isFalse();
            assertThatThrownBy(() -> network().openUdp(UdpFamily.UDP6, new InetSocketAddress(WILDCARD6, port)))
                    .isInstanceOf(BindException.class);
        }
        try (UdpConnection v6 = network().openUdp(UdpFamily.UDP6, new InetSocketAddress(WILDCARD6, 0))) {
            assertThat(v6.isDualStack()).isTrue();
        }
    }

    /**
     * Without {@link NetworkFeature#V6ONLY}, a {@code udp6} connection on {@code [::]} exchanges
     * datagrams with a {@code udp4} peer, and sees it as an {@link Inet4Address}.
     *
     * @throws IOException on failure
     */
    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    public void dualStackUdp6ReachesIpv4Peers() throws IOException {
        assumeTrue(!network().features().contains(NetworkFeature.V6ONLY), "network has V6ONLY");
        assumeTrue(supportsIpv6(), "IPv6 not supported here");
        try (UdpConnection v6 = network().openUdp(UdpFamily.UDP6, new InetSocketAddress(WILDCARD6, 0));
                UdpConnection v4 = network().openUdp(UdpFamily.UDP4, loopback4(0))) {
            v6.send(Datagrams.payload(10, 1), v4.localAddress());
            ByteBuffer buf = ByteBuffer.allocate(100);
            InetSocketAddress from = v4.receive(buf);
            assertThat(from).isEqualTo(loopback4(v6.localAddress().getPort()));
            v4.send(Datagrams.payload(11, 2), from);
            buf.clear();
            InetSocketAddress back = v6.receive(buf);
            assertThat(back.getAddress()).isInstanceOf(Inet4Address.class);
            assertThat(back).isEqualTo(v4.localAddress());
            assertThat(Datagrams.received(buf, 0)).isEqualTo(Datagrams.bytes(11, 2));
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Send and receive

    /**
     * A datagram arrives byte for byte over IPv4, with the sender's address.
     *
     * @throws IOException on failure
     */
    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    public void sendReceiveIpv4() throws IOException {
        try (UdpConnection a = network().openUdp(UdpFamily.UDP4, loopback4(0));
                UdpConnection b = network().openUdp(UdpFamily.UDP4, loopback4(0))) {
            assertExchange(a, b, 1200, 7);
            assertExchange(b, a, 1, 8);
        }
    }

    /**
     * A datagram arrives byte for byte over IPv6, with the sender's address.
     *
     * @throws IOException on failure
     */
    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    public void sendReceiveIpv6() throws IOException {
        assumeTrue(supportsIpv6(), "IPv6 not supported here");
        try (UdpConnection a = network().openUdp(UdpFamily.UDP6, loopback6(0));
                UdpConnection b = network().openUdp(UdpFamily.UDP6, loopback6(0))) {
            assertExchange(a, b, 1200, 9);
            assertExchange(b, a, 1, 10);
        }
    }

    /**
     * Receive stores from the buffer's position (heap and direct buffers); send consumes the source.
     *
     * @throws IOException on failure
     */
    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    public void buffersArePositionedAsDocumented() throws IOException {
        try (UdpConnection a = network().openUdp(UdpFamily.UDP4, loopback4(0));
                UdpConnection b = network().openUdp(UdpFamily.UDP4, loopback4(0))) {
            for (ByteBuffer dst : List.of(ByteBuffer.allocate(400), ByteBuffer.allocateDirect(400),
                    ByteBuffer.allocate(Datagrams.MAX_BUFFER + 10), ByteBuffer.allocateDirect(Datagrams.MAX_BUFFER + 10))) {
                byte[] sent = Datagrams.bytes(300, dst.capacity());
                ByteBuffer src = ByteBuffer.allocate(310);
                src.position(5);
                src.put(sent);
                src.flip().position(5);
                a.send(src, b.localAddress());
                assertThat(src.position()).as("send advances position to limit").isEqualTo(src.limit());
                dst.position(7);
                InetSocketAddress from = b.receive(dst);
                assertThat(from).isEqualTo(a.localAddress());
                assertThat(dst.position()).isEqualTo(307);
                assertThat(Datagrams.received(dst, 7)).isEqualTo(sent);
            }
        }
    }

    /**
     * A zero-length datagram is delivered as such.
     *
     * @throws IOException on failure
     */
    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    public void zeroLengthDatagram() throws IOException {
        try (UdpConnection a = network().openUdp(UdpFamily.UDP4, loopback4(0));
                UdpConnection b = network().openUdp(UdpFamily.UDP4, loopback4(0))) {
            a.send(ByteBuffer.allocate(0), b.localAddress());
            ByteBuffer dst = ByteBuffer.allocate(100);
            assertThat(b.receive(dst)).isEqualTo(a.localAddress());
            assertThat(dst.position()).isZero();
            // and the next datagram is not affected
            assertExchange(a, b, 5, 3);
        }
    }

    /**
     * Several datagrams sent over loopback arrive in order.
     *
     * @throws IOException on failure
     */
    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    public void severalDatagramsArriveInOrder() throws IOException {
        try (UdpConnection a = network().openUdp(UdpFamily.UDP4, loopback4(0));
                UdpConnection b = network().openUdp(UdpFamily.UDP4, loopback4(0))) {
            int count = 32;
            for (int i = 0; i < count; i++) {
                a.send(Datagrams.payload(100 + i, i), b.localAddress());
            }
            ByteBuffer dst = ByteBuffer.allocate(2048);
            for (int i = 0; i < count; i++) {
                dst.clear();
                assertThat(b.receive(dst)).isEqualTo(a.localAddress());
                assertThat(Datagrams.received(dst, 0)).as("datagram %d", i).isEqualTo(Datagrams.bytes(100 + i, i));
            }
        }
    }

    /**
     * Sending to a port nobody listens on is silently dropped, and the connection keeps working.
     *
     * @throws IOException on failure
     */
    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    public void sendToUnboundPortDoesNotThrow() throws IOException {
        InetSocketAddress gone;
        try (UdpConnection tmp = network().openUdp(UdpFamily.UDP4, loopback4(0))) {
            gone = tmp.localAddress();
        }
        try (UdpConnection a = network().openUdp(UdpFamily.UDP4, loopback4(0));
                UdpConnection b = network().openUdp(UdpFamily.UDP4, loopback4(0))) {
            for (int i = 0; i < 3; i++) {
                a.send(Datagrams.payload(20, i), gone);
            }
            assertExchange(a, b, 20, 4);
            a.send(Datagrams.payload(20, 5), gone);
            assertExchange(b, a, 20, 6);
        }
    }

    /**
     * A connected connection sends without a target and hears only from its remote address.
     *
     * @throws IOException on failure
     */
    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    public void connectedConnection() throws IOException {
        try (UdpConnection peer = network().openUdp(UdpFamily.UDP4, loopback4(0));
                UdpConnection stranger = network().openUdp(UdpFamily.UDP4, loopback4(0));
                UdpConnection c = network().openUdp(UdpFamily.UDP4, loopback4(0), peer.localAddress())) {
            assertThat(c.remoteAddress()).contains(peer.localAddress());
            c.send(Datagrams.payload(30, 1), null);
            ByteBuffer dst = ByteBuffer.allocate(100);
            assertThat(peer.receive(dst)).isEqualTo(c.localAddress());
            assertThat(Datagrams.received(dst, 0)).isEqualTo(Datagrams.bytes(30, 1));

            stranger.send(Datagrams.payload(31, 2), c.localAddress());
            peer.send(Datagrams.payload(32, 3), c.localAddress());
            dst.clear();
            assertThat(c.receive(dst)).isEqualTo(peer.localAddress());
            assertThat(Datagrams.received(dst, 0)).isEqualTo(Datagrams.bytes(32, 3));

            c.setReadTimeout(Duration.ofMillis(150));
            dst.clear();
            assertThatThrownBy(() -> c.receive(dst))
                    .as("the stranger's datagram must not be received")
                    .isInstanceOf(SocketTimeoutException.class);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Sizes

    /**
     * A datagram over the IPv4 maximum (65,508 bytes) is refused with
     * {@link DatagramTooLargeException}, and the connection still works afterwards.
     *
     * @throws IOException on failure
     */
    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    public void oversizeIpv4DatagramIsRefused() throws IOException {
        assumeTrue(network().features().contains(NetworkFeature.STRICT_DATAGRAM_SIZES), "no STRICT_DATAGRAM_SIZES");
        try (UdpConnection a = network().openUdp(UdpFamily.UDP4, loopback4(0));
                UdpConnection b = network().openUdp(UdpFamily.UDP4, loopback4(0))) {
            assertThatThrownBy(() -> a.send(ByteBuffer.allocate(UdpFamily.MAX_IPV4_PAYLOAD + 1), b.localAddress()))
                    .isInstanceOf(DatagramTooLargeException.class)
                    .satisfies(e -> assertThat(((DatagramTooLargeException) e).size())
                            .isEqualTo(UdpFamily.MAX_IPV4_PAYLOAD + 1));
            assertExchange(a, b, 100, 1);
        }
    }

    /**
     * A datagram over the IPv6 maximum (65,528 bytes) is refused with
     * {@link DatagramTooLargeException}.
     *
     * @throws IOException on failure
     */
    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    public void oversizeIpv6DatagramIsRefused() throws IOException {
        assumeTrue(network().features().contains(NetworkFeature.STRICT_DATAGRAM_SIZES), "no STRICT_DATAGRAM_SIZES");
        assumeTrue(supportsIpv6(), "IPv6 not supported here");
        try (UdpConnection a = network().openUdp(UdpFamily.UDP6, loopback6(0));
                UdpConnection b = network().openUdp(UdpFamily.UDP6, loopback6(0))) {
            assertThatThrownBy(() -> a.send(ByteBuffer.allocate(UdpFamily.MAX_IPV6_PAYLOAD + 1), b.localAddress()))
                    .isInstanceOf(DatagramTooLargeException.class);
            assertExchange(a, b, 100, 2);
        }
    }

    /**
     * A datagram longer than the receive buffer is reported with {@link DatagramTruncatedException}
     * (sender, lengths, the buffer holding its first bytes), and the next receive gets the next one.
     *
     * @throws IOException on failure
     */
    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    public void truncatedDatagramIsReported() throws IOException {
        assumeTrue(network().features().contains(NetworkFeature.STRICT_DATAGRAM_SIZES), "no STRICT_DATAGRAM_SIZES");
        try (UdpConnection a = network().openUdp(UdpFamily.UDP4, loopback4(0));
                UdpConnection b = network().openUdp(UdpFamily.UDP4, loopback4(0))) {
            for (ByteBuffer small : List.of(ByteBuffer.allocate(16), ByteBuffer.allocateDirect(16))) {
                byte[] big = Datagrams.bytes(1000, 11);
                a.send(ByteBuffer.wrap(big), b.localAddress());
                a.send(Datagrams.payload(12, 12), b.localAddress());
                small.position(6);
                DatagramTruncatedException e = catchThrowableOfType(() -> b.receive(small),
                        DatagramTruncatedException.class);
                assertThat(e.sender()).isEqualTo(a.localAddress());
                assertThat(e.storedLength()).isEqualTo(10);
                assertThat(e.datagramLength()).isIn(1000, -1);
                assertThat(small.position()).isEqualTo(16);
                assertThat(Datagrams.received(small, 6)).isEqualTo(Datagrams.prefix(big, 10));

                ByteBuffer next = ByteBuffer.allocate(100);
                assertThat(b.receive(next)).isEqualTo(a.localAddress());
                assertThat(Datagrams.received(next, 0)).isEqualTo(Datagrams.bytes(12, 12));
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Timeouts and closing

    /**
     * A receive with a read timeout and nothing to read fails with {@link SocketTimeoutException}
     * after about that long, and the connection stays usable.
     *
     * @throws IOException on failure
     */
    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    public void readTimeoutExpires() throws IOException {
        try (UdpConnection a = network().openUdp(UdpFamily.UDP4, loopback4(0));
                UdpConnection b = network().openUdp(UdpFamily.UDP4, loopback4(0))) {
            assertThatThrownBy(() -> b.setReadTimeout(Duration.ofMillis(-1)))
                    .isInstanceOf(IllegalArgumentException.class);
            b.setReadTimeout(Duration.ofMillis(200));
            assertThat(b.readTimeout()).isEqualTo(Duration.ofMillis(200));
            long start = System.nanoTime();
            assertThatThrownBy(() -> b.receive(ByteBuffer.allocate(100))).isInstanceOf(SocketTimeoutException.class);
            long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(elapsedMillis).isBetween(150L, 3_000L);
            assertThat(b.isOpen()).isTrue();
            // the timed receive path delivers too, small and large buffers alike
            assertExchange(a, b, 100, 1);
            a.send(Datagrams.payload(50, 2), b.localAddress());
            ByteBuffer small = ByteBuffer.allocate(10);
            assertThatThrownBy(() -> b.receive(small)).isInstanceOf(DatagramTruncatedException.class);
            b.setReadTimeout(Duration.ZERO);
            assertThat(b.readTimeout()).isEqualTo(Duration.ZERO);
            assertExchange(a, b, 100, 3);
        }
    }

    /**
     * {@link UdpConnection#close()} wakes a thread blocked in an untimed receive promptly, with
     * {@link ClosedChannelException}.
     *
     * @throws Exception on failure
     */
    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    public void closeWakesBlockedReceiver() throws Exception {
        assertCloseWakesReceiver(Duration.ZERO);
    }

    /**
     * {@link UdpConnection#close()} wakes a thread blocked in a receive with a long read timeout.
     *
     * @throws Exception on failure
     */
    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    public void closeWakesTimedReceiver() throws Exception {
        assertCloseWakesReceiver(Duration.ofSeconds(60));
    }

    private void assertCloseWakesReceiver(Duration timeout) throws Exception {
        UdpConnection c = network().openUdp(UdpFamily.UDP4, loopback4(0));
        c.setReadTimeout(timeout);
        Future<?> receiver = blockedReceiver(c);
        long start = System.nanoTime();
        c.close();
        assertFailsWithClosedChannel(receiver);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(PROMPTLY);
        assertThat(c.isOpen()).isFalse();
    }

    /**
     * {@link UdpConnection#close()} is idempotent; receive and send afterwards fail with
     * {@link ClosedChannelException}; the network forgets the connection.
     *
     * @throws IOException on failure
     */
    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    public void closedConnectionRefusesIo() throws IOException {
        UdpConnection a = network().openUdp(UdpFamily.UDP4, loopback4(0));
        UdpConnection timed = network().openUdp(UdpFamily.UDP4, loopback4(0));
        timed.setReadTimeout(Duration.ofMillis(10));
        InetSocketAddress local = a.localAddress();
        a.close();
        a.close();
        timed.close();
        assertThat(a.isOpen()).isFalse();
        assertThat(network().openConnections()).doesNotContain(a, timed);
        assertThatThrownBy(() -> a.receive(ByteBuffer.allocate(10))).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(() -> a.send(ByteBuffer.allocate(10), local)).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(() -> timed.receive(ByteBuffer.allocate(10))).isInstanceOf(ClosedChannelException.class);
        // the port is free again
        network().openUdp(UdpFamily.UDP4, local).close();
    }

    /**
     * Closing the network closes every connection, wakes blocked receivers, and refuses new
     * connections with {@link ClosedNetworkException}.
     *
     * @throws Exception on failure
     */
    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    public void networkCloseClosesEverything() throws Exception {
        UdpConnection a = network().openUdp(UdpFamily.UDP4, loopback4(0));
        UdpConnection b = network().openUdp(UdpFamily.UDP4, loopback4(0));
        UdpConnection c = network().openUdp(UdpFamily.UDP4, loopback4(0));
        c.setReadTimeout(Duration.ofSeconds(60));
        Future<?> blocked = blockedReceiver(a);
        Future<?> blockedTimed = blockedReceiver(c);
        long start = System.nanoTime();
        network().close();
        assertFailsWithClosedChannel(blocked);
        assertFailsWithClosedChannel(blockedTimed);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(PROMPTLY);
        assertThat(network().isOpen()).isFalse();
        assertThat(a.isOpen()).isFalse();
        assertThat(b.isOpen()).isFalse();
        assertThat(c.isOpen()).isFalse();
        assertThat(network().openConnections()).isEmpty();
        assertThatThrownBy(() -> b.send(ByteBuffer.allocate(1), a.localAddress()))
                .isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(() -> network().openUdp(UdpFamily.UDP4, loopback4(0)))
                .isInstanceOf(ClosedNetworkException.class);
        assertThatThrownBy(() -> network().openUdp(UdpFamily.UDP4, loopback4(0), b.localAddress()))
                .isInstanceOf(ClosedNetworkException.class);
        network().close();
        assertThat(network().isOpen()).isFalse();
    }

    /**
     * {@link Network#openConnections()} lists open connections and drops closed ones.
     *
     * @throws IOException on failure
     */
    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    public void openConnectionsTracksOpenOnes() throws IOException {
        assertThat(network().openConnections()).isEmpty();
        UdpConnection a = network().openUdp(UdpFamily.UDP4, loopback4(0));
        UdpConnection b = network().openUdp(UdpFamily.UDP4, loopback4(0), a.localAddress());
        assertThat(network().openConnections()).containsExactlyInAnyOrder(a, b);
        List<UdpConnection> snapshot = network().openConnections();
        a.close();
        assertThat(network().openConnections()).containsExactly(b);
        assertThat(snapshot).as("a snapshot, not a live view").hasSize(2);
        b.close();
        assertThat(network().openConnections()).isEmpty();
        // a failed open leaves nothing behind
        try (UdpConnection c = network().openUdp(UdpFamily.UDP4, loopback4(0))) {
            assertThatThrownBy(() -> network().openUdp(UdpFamily.UDP4, c.localAddress()))
                    .isInstanceOf(BindException.class);
            assertThat(network().openConnections()).containsExactly(c);
        }
    }

    /**
     * Closing a connection while threads send and receive on it never hangs, and those threads see
     * nothing but {@link ClosedChannelException} (or a subclass).
     *
     * @throws Exception on failure
     */
    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    public void closeRacingSendersAndReceiver() throws Exception {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        AtomicInteger sent = new AtomicInteger();
        for (int i = 0; i < RACE_ITERATIONS; i++) {
            UdpConnection c = network().openUdp(UdpFamily.UDP4, loopback4(0));
            if (i % 2 == 1) {
                c.setReadTimeout(Duration.ofSeconds(30));
            }
            InetSocketAddress self = c.localAddress();
            CountDownLatch started = new CountDownLatch(3);
            List<Future<?>> tasks = new ArrayList<>();
            for (int s = 0; s < 2; s++) {
                tasks.add(executor().submit(() -> {
                    started.countDown();
                    ByteBuffer payload = Datagrams.payload(64, 1);
                    while (true) {
                        payload.clear();
                        c.send(payload, self);
                        sent.incrementAndGet();
                    }
                }));
            }
            tasks.add(executor().submit(() -> {
                started.countDown();
                ByteBuffer dst = ByteBuffer.allocate(128);
                while (true) {
                    dst.clear();
                    c.receive(dst);
                }
            }));
            started.await();
            long spin = random.nextLong(200_000);
            long until = System.nanoTime() + spin;
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            c.close();
            for (Future<?> task : tasks) {
                assertFailsWithClosedChannel(task);
            }
            assertThat(c.isOpen()).isFalse();
        }
        assertThat(sent.get()).isPositive();
        assertThat(network().openConnections()).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------
    // Argument validation

    /**
     * Unresolved addresses are refused with {@link IllegalArgumentException}, never looked up.
     *
     * @throws IOException on failure
     */
    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    public void unresolvedAddressesAreRefused() throws IOException {
        InetSocketAddress unresolved = InetSocketAddress.createUnresolved("127.0.0.1", 9);
        assertThatThrownBy(() -> network().openUdp(UdpFamily.UDP4, unresolved))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> network().openUdp(UdpFamily.UDP4, loopback4(0), unresolved))
                .isInstanceOf(IllegalArgumentException.class);
        try (UdpConnection a = network().openUdp(UdpFamily.UDP4, loopback4(0))) {
            assertThatThrownBy(() -> a.send(ByteBuffer.allocate(1), unresolved))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> a.send(ByteBuffer.allocate(1), InetSocketAddress.createUnresolved("localhost", 9)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(network().openConnections()).isEmpty();
    }

    /**
     * Addresses of the wrong family are refused with {@link IllegalArgumentException}.
     *
     * @throws IOException on failure
     */
    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    public void wrongFamilyIsRefused() throws IOException {
        assertThatThrownBy(() -> network().openUdp(UdpFamily.UDP4, loopback6(0)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> network().openUdp(UdpFamily.UDP6, loopback4(0)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> network().openUdp(UdpFamily.UDP4, loopback4(0), loopback6(9)))
                .isInstanceOf(IllegalArgumentException.class);
        try (UdpConnection a = network().openUdp(UdpFamily.UDP4, loopback4(0))) {
            assertThatThrownBy(() -> a.send(ByteBuffer.allocate(1), loopback6(9)))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> a.send(ByteBuffer.allocate(1), null))
                    .as("no target on an unconnected connection")
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(network().openConnections()).isEmpty();
    }

    /**
     * Socket options outside {@link UdpConnection#supportedOptions()} are refused with
     * {@link UnsupportedOperationException}.
     *
     * @throws IOException on failure
     */
    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    public void unsupportedOptionsAreRefused() throws IOException {
        SocketOption<Integer> bogus = new SocketOption<>() {
            @Override
            public String name() {
                return "BOGUS_CONTRACT_TEST_OPTION";
            }

            @Override
            public Class<Integer> type() {
                return Integer.class;
            }
        };
        try (UdpConnection a = network().openUdp(UdpFamily.UDP4, loopback4(0))) {
            assertThat(a.supportedOptions()).isNotNull().doesNotContain(bogus);
            assertThatThrownBy(() -> a.getOption(bogus)).isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> a.setOption(bogus, 1)).isInstanceOf(UnsupportedOperationException.class);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Helpers

    /**
     * Sends a datagram from {@code from} to {@code to} and checks it arrives intact, from the right
     * sender.
     *
     * @param from the sending connection
     * @param to the receiving connection
     * @param length the payload length
     * @param seed selects the payload
     * @throws IOException on failure
     */
    protected static void assertExchange(UdpConnection from, UdpConnection to, int length, int seed)
            throws IOException {
        byte[] payload = Datagrams.bytes(length, seed);
        InetSocketAddress target = to.localAddress();
        if (target.getAddress().isAnyLocalAddress()) {
            target = new InetSocketAddress(from.localAddress().getAddress() instanceof Inet4Address
                    ? LOOPBACK4 : LOOPBACK6, target.getPort());
        }
        from.send(ByteBuffer.wrap(payload), target);
        ByteBuffer dst = ByteBuffer.allocate(Datagrams.MAX_BUFFER);
        InetSocketAddress sender = to.receive(dst);
        assertThat(sender).as("sender").isEqualTo(from.localAddress());
        assertThat(Datagrams.received(dst, 0)).as("payload").isEqualTo(payload);
    }

    private Future<?> blockedReceiver(UdpConnection c) throws InterruptedException {
        CountDownLatch entering = new CountDownLatch(1);
        Future<?> f = executor().submit(() -> {
            entering.countDown();
            c.receive(ByteBuffer.allocate(100));
            return null;
        });
        entering.await();
        Thread.sleep(100); // let it block in receive
        assertThat(f.isDone()).as("receiver returned before close").isFalse();
        return f;
    }

    private static void assertFailsWithClosedChannel(Future<?> f) throws InterruptedException {
        try {
            f.get(PROMPTLY.toMillis(), TimeUnit.MILLISECONDS);
            fail("expected ClosedChannelException, but the task completed normally");
        } catch (TimeoutException e) {
            f.cancel(true);
            fail("thread still blocked " + PROMPTLY + " after close");
        } catch (ExecutionException e) {
            assertThat(e.getCause()).as("exception after close").isInstanceOf(ClosedChannelException.class);
        }
    }

    private static <T extends Throwable> T catchThrowableOfType(
            org.assertj.core.api.ThrowableAssert.ThrowingCallable call, Class<T> type) {
        try {
            call.call();
        } catch (Throwable t) {
            assertThat(t).isInstanceOf(type);
            return type.cast(t);
        }
        fail("expected " + type.getSimpleName());
        return null;
    }
}
