package dev.batchudp.network.system;

import static dev.batchudp.network.testing.Datagrams.loopback4;
import static dev.batchudp.network.testing.Datagrams.loopback6;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.batchudp.network.DatagramTruncatedException;
import dev.batchudp.network.NetworkInterfaceInfo;
import dev.batchudp.network.UdpConnection;
import dev.batchudp.network.UdpFamily;
import dev.batchudp.network.UdpSocketOptions;
import dev.batchudp.network.testing.Datagrams;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** What the {@code jdk} backend does beyond the contract: its size paths, families and ICMP handling. */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class JdkUdpConnectionTest {
    private final SystemNetwork network = SystemNetwork.open("jdk");

    @AfterEach
    void close() {
        network.close();
    }

    @Test
    void largestDatagramsRoundTripOnEveryReceivePath() throws IOException {
        try (UdpConnection a = network.openUdp(UdpFamily.UDP4, loopback4(0));
                UdpConnection b = network.openUdp(UdpFamily.UDP4, loopback4(0));
                UdpConnection c = network.openUdp(UdpFamily.UDP6, loopback6(0));
                UdpConnection d = network.openUdp(UdpFamily.UDP6, loopback6(0))) {
            for (Duration timeout : new Duration[] {Duration.ZERO, Duration.ofSeconds(5)}) {
                b.setReadTimeout(timeout);
                d.setReadTimeout(timeout);
                roundTrip(a, b, UdpFamily.MAX_IPV4_PAYLOAD, ByteBuffer.allocateDirect(65_536));
                roundTrip(a, b, UdpFamily.MAX_IPV4_PAYLOAD, ByteBuffer.allocate(65_535));
                roundTrip(a, b, 60_000, ByteBuffer.allocate(60_000)); // exactly fits the scratch path
                roundTrip(c, d, UdpFamily.MAX_IPV6_PAYLOAD, ByteBuffer.allocate(65_536));
                roundTrip(c, d, UdpFamily.MAX_IPV6_PAYLOAD, ByteBuffer.allocateDirect(UdpFamily.MAX_IPV6_PAYLOAD));

                a.send(Datagrams.payload(UdpFamily.MAX_IPV4_PAYLOAD, 3), b.localAddress());
                ByteBuffer small = ByteBuffer.allocate(65_000);
                assertThatThrownBy(() -> b.receive(small))
                        .isInstanceOfSatisfying(DatagramTruncatedException.class, e -> {
                            assertThat(e.datagramLength()).isEqualTo(UdpFamily.MAX_IPV4_PAYLOAD);
                            assertThat(e.storedLength()).isEqualTo(65_000);
                            assertThat(e.sender()).isEqualTo(a.localAddress());
                        });
            }
        }
    }

    private static void roundTrip(UdpConnection from, UdpConnection to, int size, ByteBuffer dst) throws IOException {
        byte[] payload = Datagrams.bytes(size, size ^ dst.capacity());
        from.send(ByteBuffer.wrap(payload), to.localAddress());
        assertThat(to.receive(dst)).isEqualTo(from.localAddress());
        assertThat(Datagrams.received(dst, 0)).isEqualTo(payload);
    }

    @Test
    void familiesMapToSocketsAsDocumented() throws IOException {
        try (UdpConnection v4 = network.openUdp(UdpFamily.UDP4, loopback4(0));
                UdpConnection v6 = network.openUdp(UdpFamily.UDP6, loopback6(0));
                UdpConnection anyWildcard = network.openUdp(UdpFamily.UDP, new InetSocketAddress(Datagrams.WILDCARD4, 0));
                UdpConnection anyV4 = network.openUdp(UdpFamily.UDP, loopback4(0));
                UdpConnection anyV6 = network.openUdp(UdpFamily.UDP, loopback6(0))) {
            assertThat(v4.isDualStack()).isFalse();
            assertThat(v6.isDualStack()).isTrue();
            assertThat(anyWildcard.isDualStack()).isTrue();
            assertThat(anyWildcard.localAddress().getAddress()).isEqualTo(Datagrams.WILDCARD6);
            assertThat(anyV4.isDualStack()).isFalse();
            assertThat(anyV6.isDualStack()).isTrue();
            // a dual-stack udp socket reaches both families and reports IPv4 peers as IPv4
            anyWildcard.send(Datagrams.payload(5, 1), v4.localAddress());
            anyWildcard.send(Datagrams.payload(5, 2), v6.localAddress());
            ByteBuffer dst = ByteBuffer.allocate(10);
            assertThat(v4.receive(dst).getAddress()).isEqualTo(Datagrams.LOOPBACK4);
            dst.clear();
            assertThat(v6.receive(dst).getAddress()).isEqualTo(Datagrams.LOOPBACK6);
            v4.send(Datagrams.payload(5, 3), loopback4(anyWildcard.localAddress().getPort()));
            dst.clear();
            assertThat(anyWildcard.receive(dst)).isEqualTo(v4.localAddress());
        }
    }

    @Test
    void udpFamilyRejectsMixedLocalAndRemote() {
        assertThatThrownBy(() -> network.openUdp(UdpFamily.UDP, loopback4(0), loopback6(9)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> network.openUdp(UdpFamily.UDP4, loopback4(0), loopback4(0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("port 0");
    }

    @Test
    void ipv4MappedAddressesAreTreatedAsIpv4() throws IOException {
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 127, 0, 0, 1};
        InetAddress raw = java.net.Inet6Address.getByAddress(null, mapped, -1);
        try (UdpConnection a = network.openUdp(UdpFamily.UDP4, new InetSocketAddress(raw, 0));
                UdpConnection b = network.openUdp(UdpFamily.UDP4, loopback4(0))) {
            assertThat(a.localAddress().getAddress()).isEqualTo(Datagrams.LOOPBACK4);
            a.send(Datagrams.payload(3, 1), new InetSocketAddress(raw, b.localAddress().getPort()));
            assertThat(b.receive(ByteBuffer.allocate(10))).isEqualTo(a.localAddress());
        }
    }

    @Test
    void optionsDelegateToTheChannel() throws IOException {
        UdpConnection a = network.openUdp(UdpFamily.UDP4, loopback4(0));
        assertThat(a.supportedOptions()).contains(StandardSocketOptions.SO_RCVBUF, StandardSocketOptions.SO_SNDBUF);
        // Until the native backends set IP_MTU_DISCOVER/IPV6_DONTFRAG, they must not claim it.
        assertThat(a.supportedOptions()).doesNotContain(UdpSocketOptions.IP_DONTFRAG);
        assertThatThrownBy(() -> a.getOption(UdpSocketOptions.IP_DONTFRAG))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(a.setOption(StandardSocketOptions.SO_RCVBUF, 256 * 1024)).isSameAs(a);
        assertThat(a.getOption(StandardSocketOptions.SO_RCVBUF)).isPositive();
        a.close();
        assertThatThrownBy(() -> a.getOption(StandardSocketOptions.SO_RCVBUF))
                .isInstanceOf(ClosedChannelException.class);
    }

    @Test
    void interruptingAReceiverClosesAndUntracksTheConnection() throws Exception {
        UdpConnection a = network.openUdp(UdpFamily.UDP4, loopback4(0));
        CountDownLatch entering = new CountDownLatch(1);
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            entering.countDown();
            try {
                a.receive(ByteBuffer.allocate(100));
                outcome.complete(null);
            } catch (Throwable e) {
                outcome.complete(e);
            }
        });
        t.start();
        entering.await();
        Thread.sleep(100);
        t.interrupt();
        assertThat(outcome.get(3, TimeUnit.SECONDS)).isInstanceOf(ClosedChannelException.class);
        assertThat(a.isOpen()).isFalse();
        assertThat(network.openConnections()).isEmpty();
    }

    @Test
    void interfacesIncludeLoopback() throws IOException {
        assertThat(network.interfaces())
                .anySatisfy(i -> {
                    assertThat(i.loopback()).isTrue();
                    assertThat(i.up()).isTrue();
                    assertThat(i.index()).isPositive();
                    assertThat(i.addresses()).contains(Datagrams.LOOPBACK4);
                })
                .isSortedAccordingTo(java.util.Comparator.comparingInt(NetworkInterfaceInfo::index));
    }

    /**
     * Linux reports an ICMP port-unreachable to a connected socket: receive surfaces it once, send
     * swallows it, and the connection stays usable.
     */
    @Test
    @EnabledOnOs(OS.LINUX)
    void portUnreachableOnConnectedConnections() throws IOException {
        InetSocketAddress gone;
        try (UdpConnection tmp = network.openUdp(UdpFamily.UDP4, loopback4(0))) {
            gone = tmp.localAddress();
        }
        try (UdpConnection c = network.openUdp(UdpFamily.UDP4, loopback4(0), gone)) {
            c.send(Datagrams.payload(4, 1), null);
            c.setReadTimeout(Duration.ofMillis(500));
            assertThatThrownBy(() -> c.receive(ByteBuffer.allocate(10))).isInstanceOf(PortUnreachableException.class);
            assertThat(c.isOpen()).isTrue();
            assertThatThrownBy(() -> c.receive(ByteBuffer.allocate(10))).isInstanceOf(SocketTimeoutException.class);
            // each send may find the ICMP error of the previous one pending: it is swallowed
            for (int i = 0; i < 5; i++) {
                c.send(Datagrams.payload(4, 2 + i), i % 2 == 0 ? null : gone);
                Thread.onSpinWait();
            }
            assertThat(c.isOpen()).isTrue();
        }
    }
}
