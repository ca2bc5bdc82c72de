package dev.batchudp.network.loopback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.batchudp.network.ClosedNetworkException;
import dev.batchudp.network.NetworkFeature;
import dev.batchudp.network.NetworkInterfaceInfo;
import dev.batchudp.network.SocketAddresses;
import dev.batchudp.network.UdpConnection;
import dev.batchudp.network.UdpFamily;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class LoopbackAddressingTest {
    private final LoopbackNetwork network = LoopbackNetwork.create();

    @AfterEach
    void closeNetwork() {
        network.close();
    }

    static InetSocketAddress at(String endpoint) {
        return SocketAddresses.parse(endpoint);
    }

    static void send(UdpConnection from, String text, InetSocketAddress to) throws Exception {
        from.send(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), to);
    }

    static String receive(UdpConnection c) throws Exception {
        ByteBuffer buf = ByteBuffer.allocate(2048);
        c.receive(buf);
        return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
    }

    @Test
    void describesItself() throws Exception {
        assertThat(network.providerName()).isEqualTo("loopback");
        assertThat(network.isNative()).isFalse();
        assertThat(network.isOpen()).isTrue();
        assertThat(network.features()).containsExactlyInAnyOrder(
                NetworkFeature.V6ONLY, NetworkFeature.STRICT_DATAGRAM_SIZES);
        assertThat(network.configuration()).isEqualTo(LoopbackConfiguration.defaults());
        assertThat(network.interfaces()).containsExactly(new NetworkInterfaceInfo("lo", 1, 65_536, true, true,
                java.util.List.of(SocketAddresses.parseAddress("127.0.0.1"), SocketAddresses.parseAddress("::1"))));
    }

    @Test
    void interfaceMtuFollowsConfiguration() throws Exception {
        try (LoopbackNetwork small = LoopbackNetwork.create(LoopbackConfiguration.builder().mtu(1500).build())) {
            assertThat(small.interfaces().get(0).mtu()).isEqualTo(1500);
        }
    }

    @Test
    void networksAreIsolated() throws Exception {
        try (LoopbackNetwork other = LoopbackNetwork.create()) {
            UdpConnection a = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:5000"));
            UdpConnection b = other.openUdp(UdpFamily.UDP4, at("127.0.0.1:5000"));
            UdpConnection senderA = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
            send(senderA, "only for a", at("127.0.0.1:5000"));
            assertThat(receive(a)).isEqualTo("only for a");
            assertThat(b.capability(LoopbackConnection.class).orElseThrow().stats().delivered()).isZero();
            assertThat(other.stats()).isEqualTo(new LoopbackStats(0, 0, 0, 0));
            assertThat(network.stats()).isEqualTo(new LoopbackStats(1, 1, 0, 0));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.0.0.2", "127.1.2.3", "127.255.255.254", "::1"})
    void everyLoopbackAddressIsReachable(String ip) throws Exception {
        InetSocketAddress local = new InetSocketAddress(SocketAddresses.parseAddress(ip), 7000);
        UdpFamily family = UdpFamily.of(local.getAddress());
        LoopbackConnection receiver = network.openUdp(family, local);
        LoopbackConnection sender = network.openUdp(family, new InetSocketAddress(local.getAddress(), 0));
        assertThat(receiver.localAddress()).isEqualTo(local);
        send(sender, "hi " + ip, local);
        ByteBuffer buf = ByteBuffer.allocate(64);
        assertThat(receiver.receive(buf)).isEqualTo(sender.localAddress());
        assertThat(new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8)).isEqualTo("hi " + ip);
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.1", "192.168.1.1", "1.1.1.1", "2001:db8::1", "fe80::1", "::2"})
    void nonLocalAddressesAreRefusedAtBind(String ip) {
        InetSocketAddress local = new InetSocketAddress(SocketAddresses.parseAddress(ip), 7000);
        assertThatThrownBy(() -> network.openUdp(UdpFamily.UDP, local))
                .isInstanceOf(BindException.class)
                .hasMessageContaining("Cannot assign requested address");
        assertThat(network.openConnections()).isEmpty();
    }

    @Test
    void wildcardReceivesForEveryLocalAddressAndSendsFrom127001() throws Exception {
        UdpConnection any = network.openUdp(UdpFamily.UDP4, at("0.0.0.0:6000"));
        UdpConnection sender = network.openUdp(UdpFamily.UDP4, at("127.0.0.9:6001"));
        send(sender, "to .2", at("127.0.0.2:6000"));
        send(sender, "to .1", at("127.0.0.1:6000"));
        ByteBuffer buf = ByteBuffer.allocate(16);
        assertThat(any.receive(buf)).isEqualTo(at("127.0.0.9:6001"));
        assertThat(any.receive(buf.clear())).isEqualTo(at("127.0.0.9:6001"));

        send(any, "reply", at("127.0.0.9:6001"));
        assertThat(sender.receive(buf.clear())).isEqualTo(at("127.0.0.1:6000"));
        assertThat(any.localAddress()).isEqualTo(at("0.0.0.0:6000"));
    }

    @Test
    void ipv6WildcardSendsFromLoopback() throws Exception {
        UdpConnection any = network.openUdp(UdpFamily.UDP6, at("[::]:6000"));
        UdpConnection peer = network.openUdp(UdpFamily.UDP6, at("[::1]:0"));
        send(any, "x", peer.localAddress());
        assertThat(peer.receive(ByteBuffer.allocate(8))).isEqualTo(at("[::1]:6000"));
    }

    @Test
    void sendingToTheWildcardReachesTheLocalHost() throws Exception {
        UdpConnection receiver = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:6100"));
        UdpConnection sender = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
        send(sender, "via any", at("0.0.0.0:6100"));
        assertThat(receive(receiver)).isEqualTo("via any");
    }

    @Test
    void specificBindingsDoNotReceiveForOtherAddresses() throws Exception {
        UdpConnection one = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:6200"));
        UdpConnection two = network.openUdp(UdpFamily.UDP4, at("127.0.0.2:6200"));
        UdpConnection sender = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
        send(sender, "for two", at("127.0.0.2:6200"));
        send(sender, "for three", at("127.0.0.3:6200"));
        assertThat(receive(two)).isEqualTo("for two");
        assertThat(((LoopbackConnection) one).stats().delivered()).isZero();
        assertThat(network.stats()).isEqualTo(new LoopbackStats(2, 1, 1, 0));
    }

    @Test
    void udp4AndUdp6ShareAPortButNotTraffic() throws Exception {
        UdpConnection v4 = network.openUdp(UdpFamily.UDP4, at("0.0.0.0:51820"));
        UdpConnection v6 = network.openUdp(UdpFamily.UDP6, at("[::]:51820"));
        assertThat(v4.isDualStack()).isFalse();
        assertThat(v6.isDualStack()).isFalse();
        UdpConnection s4 = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
        UdpConnection s6 = network.openUdp(UdpFamily.UDP6, at("[::1]:0"));
        send(s4, "four", at("127.0.0.1:51820"));
        send(s6, "six", at("[::1]:51820"));
        assertThat(receive(v4)).isEqualTo("four");
        assertThat(receive(v6)).isEqualTo("six");
        assertThat(((LoopbackConnection) v4).stats().queuedDatagrams()).isZero();
    }

    @Test
    void udpFamilyFollowsTheLocalAddress() throws Exception {
        UdpConnection four = network.openUdp(UdpFamily.UDP, at("127.0.0.1:0"));
        UdpConnection six = network.openUdp(UdpFamily.UDP, at("[::1]:0"));
        assertThat(four.family()).isEqualTo(UdpFamily.UDP);
        assertThat(four.localAddress().getAddress()).isInstanceOf(java.net.Inet4Address.class);
        assertThat(six.localAddress().getAddress()).isInstanceOf(java.net.Inet6Address.class);
        assertThat(four.isDualStack()).isFalse();
        assertThatThrownBy(() -> send(four, "x", at("[::1]:9"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> send(six, "x", at("127.0.0.1:9"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void wrongFamilyAndUnresolvedAddressesAreIllegalArguments() throws Exception {
        assertThatThrownBy(() -> network.openUdp(UdpFamily.UDP4, at("[::1]:0")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> network.openUdp(UdpFamily.UDP6, at("127.0.0.1:0")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> network.openUdp(UdpFamily.UDP4, InetSocketAddress.createUnresolved("localhost", 0)))
                .isInstanceOf(IllegalArgumentException.class);
        UdpConnection v4 = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
        UdpConnection v6 = network.openUdp(UdpFamily.UDP6, at("[::1]:0"));
        assertThatThrownBy(() -> send(v4, "x", at("[::1]:9"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> send(v6, "x", at("127.0.0.1:9"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> send(v4, "x", InetSocketAddress.createUnresolved("localhost", 9)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> send(v4, "x", null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(network.stats().sent()).isZero();
    }

    @Test
    void eitherWildcardIsAcceptedForAFixedFamily() throws Exception {
        UdpConnection six = network.openUdp(UdpFamily.UDP6, new InetSocketAddress(0));
        assertThat(six.localAddress().getAddress()).isEqualTo(SocketAddresses.parseAddress("::"));
        UdpConnection four = network.openUdp(UdpFamily.UDP4, at("[::]:0"));
        assertThat(four.localAddress().getAddress()).isEqualTo(SocketAddresses.parseAddress("0.0.0.0"));
        UdpConnection nullLocal = network.openUdp(UdpFamily.UDP6, null);
        assertThat(nullLocal.localAddress().getAddress()).isEqualTo(SocketAddresses.parseAddress("::"));
        assertThat(nullLocal.localAddress().getPort()).isNotZero();
    }

    @Test
    void ephemeralPortsAreSequentialPerFamily() throws Exception {
        assertThat(network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0")).localAddress().getPort()).isEqualTo(49152);
        assertThat(network.openUdp(UdpFamily.UDP4, at("0.0.0.0:0")).localAddress().getPort()).isEqualTo(49153);
        assertThat(network.openUdp(UdpFamily.UDP6, at("[::1]:0")).localAddress().getPort()).isEqualTo(49152);
        UdpConnection c = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
        assertThat(c.localAddress().getPort()).isEqualTo(49154);
        c.close();
        // Sequential, not lowest-free: the freed port is reused only after wrapping around.
        assertThat(network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0")).localAddress().getPort()).isEqualTo(49155);
    }

    @Test
    void ephemeralAllocationWrapsAroundSkippingPortsInUseAndReportsExhaustion() throws Exception {
        try (LoopbackNetwork small = LoopbackNetwork.create(
                LoopbackConfiguration.builder().ephemeralPortRange(40000, 40003).build())) {
            UdpConnection a = small.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
            small.openUdp(UdpFamily.UDP4, at("127.0.0.1:40001"));
            UdpConnection c = small.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
            UdpConnection d = small.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
            assertThat(a.localAddress().getPort()).isEqualTo(40000);
            assertThat(c.localAddress().getPort()).isEqualTo(40002);
            assertThat(d.localAddress().getPort()).isEqualTo(40003);
            a.close();
            assertThat(small.openUdp(UdpFamily.UDP4, at("127.0.0.1:0")).localAddress().getPort()).isEqualTo(40000);
            assertThatThrownBy(() -> small.openUdp(UdpFamily.UDP4, at("127.0.0.1:0")))
                    .isInstanceOf(BindException.class)
                    .hasMessageContaining("40000-40003");
            // The other family has its own ports.
            assertThat(small.openUdp(UdpFamily.UDP6, at("[::1]:0")).localAddress().getPort()).isEqualTo(40000);
        }
    }

    @Test
    void addressInUseFollowsLinuxRules() throws Exception {
        UdpConnection specific = network.openUdp(UdpFamily.UDP4, at("127.0.0.1:7100"));
        assertThatThrownBy(() -> network.openUdp(UdpFamily.UDP4, at("127.0.0.1:7100")))
                .isInstanceOf(BindException.class).hasMessageContaining("Address already in use");
        assertThatThrownBy(() -> network.openUdp(UdpFamily.UDP4, at("0.0.0.0:7100")))
                .isInstanceOf(BindException.class).hasMessageContaining("Address already in use");
        network.openUdp(UdpFamily.UDP4, at("127.0.0.2:7100")).close();
        network.openUdp(UdpFamily.UDP6, at("[::]:7100")).close();
        specific.close();

        UdpConnection any = network.openUdp(UdpFamily.UDP4, at("0.0.0.0:7100"));
        assertThatThrownBy(() -> network.openUdp(UdpFamily.UDP4, at("127.0.0.3:7100")))
                .isInstanceOf(BindException.class).hasMessageContaining("Address already in use");
        any.close();
        // Closing frees the port at once.
        network.openUdp(UdpFamily.UDP4, at("127.0.0.3:7100"));
    }

    @Test
    void closedNetworkRefusesNewConnections() {
        network.close();
        assertThat(network.isOpen()).isFalse();
        assertThatThrownBy(() -> network.openUdp(UdpFamily.UDP4, at("127.0.0.1:0")))
                .isInstanceOf(ClosedNetworkException.class);
        network.close();
    }
}
