package dev.batchudp.network.loopback;

import static dev.batchudp.network.loopback.Sim.at;
import static dev.batchudp.network.loopback.Sim.drain;
import static dev.batchudp.network.loopback.Sim.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.batchudp.network.ClosedNetworkException;
import dev.batchudp.network.SocketAddresses;
import dev.batchudp.network.UdpFamily;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class LoopbackHostsTest {
    private final LoopbackNetwork network = LoopbackNetwork.create();

    @AfterEach
    void close() {
        network.close();
    }

    @Test
    void hostsCarryAnyLiteralAddressesAndConnectionsBindThem() throws Exception {
        LoopbackHost client = network.addHost("client", "10.0.0.1", "fd00::1");
        LoopbackHost server = network.addHost("server", "192.0.2.7", "2001:db8::7");
        assertThat(network.hosts()).extracting(LoopbackHost::name).containsExactly("localhost", "client", "server");
        assertThat(network.host("client")).isSameAs(client);
        assertThat(client.addresses()).containsExactly(SocketAddresses.parseAddress("10.0.0.1"),
                SocketAddresses.parseAddress("fd00::1"));

        LoopbackConnection c4 = network.openUdp(UdpFamily.UDP4, at("10.0.0.1:0"));
        LoopbackConnection s4 = network.openUdp(UdpFamily.UDP4, at("192.0.2.7:53"));
        LoopbackConnection c6 = network.openUdp(UdpFamily.UDP6, at("[fd00::1]:0"));
        LoopbackConnection s6 = server.openUdp(UdpFamily.UDP6, at("[2001:db8::7]:53"));
        assertThat(c4.host()).isSameAs(client);
        assertThat(s6.host()).isSameAs(server);
        send(c4, "v4", s4.localAddress());
        send(c6, "v6", s6.localAddress());
        ByteBuffer buf = ByteBuffer.allocate(10);
        assertThat(s4.receive(buf)).isEqualTo(c4.localAddress());
        assertThat(s6.receive(buf.clear())).isEqualTo(c6.localAddress());
        assertThat(network.linkStats("client", "server").delivered()).isEqualTo(2);
        assertThat(network.linkStats("server", "client").sent()).isZero();
    }

    @Test
    void aWildcardOnAMultiHomedHostReceivesOnEveryAddressAndSendsFromItsFirst() throws Exception {
        LoopbackHost server = network.addHost("server", "10.0.0.2", "10.0.1.2");
        network.addHost("client", "10.0.0.1");
        LoopbackConnection wild = server.openUdp(UdpFamily.UDP4, new InetSocketAddress(51820));
        LoopbackConnection client = network.openUdp(UdpFamily.UDP4, at("10.0.0.1:0"));
        send(client, "a", at("10.0.0.2:51820"));
        send(client, "b", at("10.0.1.2:51820"));
        assertThat(drain(wild)).containsExactly("a", "b");
        ByteBuffer buf = ByteBuffer.allocate(10);
        send(wild, "reply", client.localAddress());
        assertThat(client.receive(buf)).isEqualTo(at("10.0.0.2:51820"));
        // To a loopback address the source is the loopback address, and it stays on the host.
        LoopbackConnection local = server.openUdp(UdpFamily.UDP4, at("127.0.0.1:0"));
        send(wild, "self", local.localAddress());
        assertThat(local.receive(buf.clear())).isEqualTo(at("127.0.0.1:51820"));
        assertThat(network.linkStats("server", "server").delivered()).isEqualTo(1);
    }

    @Test
    void eachHostHasItsOwnPortsAndItsOwnLoopback() throws Exception {
        LoopbackHost a = network.addHost("a", "10.0.0.1");
        LoopbackHost b = network.addHost("b", "10.0.0.2");
        LoopbackConnection aWild = a.openUdp(UdpFamily.UDP4, new InetSocketAddress(51820));
        LoopbackConnection bWild = b.openUdp(UdpFamily.UDP4, new InetSocketAddress(51820));
        LoopbackConnection aLocal = a.openUdp(UdpFamily.UDP4, at("127.0.0.1:9"));
        LoopbackConnection bLocal = b.openUdp(UdpFamily.UDP4, at("127.0.0.1:9"));
        assertThatThrownBy(() -> a.openUdp(UdpFamily.UDP4, at("10.0.0.1:51820")))
                .isInstanceOf(BindException.class).hasMessageContaining("Address already in use");
        send(aWild, "to a's loopback", at("127.0.0.1:9"));
        send(bWild, "to b's loopback", at("127.0.0.1:9"));
        send(aWild, "to b", at("10.0.0.2:51820"));
        assertThat(drain(aLocal)).containsExactly("to a's loopback");
        assertThat(drain(bLocal)).containsExactly("to b's loopback");
        assertThat(drain(bWild)).containsExactly("to b");
        assertThat(a.openConnections()).containsExactly(aWild, aLocal);
    }

    @Test
    void addressesOfOtherHostsOrOfNoHostCannotBeBound() throws Exception {
        LoopbackHost a = network.addHost("a", "10.0.0.1");
        network.addHost("b", "10.0.0.2");
        assertThatThrownBy(() -> a.openUdp(UdpFamily.UDP4, at("10.0.0.2:0")))
                .isInstanceOf(BindException.class).hasMessageContaining("Cannot assign requested address")
                .hasMessageContaining("host a");
        assertThatThrownBy(() -> network.openUdp(UdpFamily.UDP4, at("10.0.0.9:0")))
                .isInstanceOf(BindException.class).hasMessageContaining("Cannot assign requested address");
        assertThatThrownBy(() -> network.addHost("a", "10.0.0.5")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> network.addHost("c", "10.0.0.1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("belongs to host \"a\"");
        assertThatThrownBy(() -> network.addHost("d", "127.0.0.2")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> network.addHost("e", "example.com")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> network.host("zzz")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void datagramsToAddressesNoHostOwnsAreDroppedAsHavingNoListener() throws Exception {
        network.addHost("a", "10.0.0.1");
        LoopbackConnection c = network.openUdp(UdpFamily.UDP4, at("10.0.0.1:0"));
        send(c, "nowhere", at("198.51.100.1:9"));
        assertThat(network.stats()).isEqualTo(new LoopbackStats(1, 0, 1, 0));
    }

    @Test
    void closingAHostCrashesItAlone() throws Exception {
        LoopbackHost a = network.addHost("a", "10.0.0.1");
        network.addHost("b", "10.0.0.2");
        LoopbackConnection onA = network.openUdp(UdpFamily.UDP4, at("10.0.0.1:1"));
        LoopbackConnection onB = network.openUdp(UdpFamily.UDP4, at("10.0.0.2:1"));
        a.close();
        assertThat(onA.isOpen()).isFalse();
        assertThat(a.isOpen()).isFalse();
        assertThat(onB.isOpen()).isTrue();
        assertThatThrownBy(() -> a.openUdp(UdpFamily.UDP4, at("10.0.0.1:1"))).isInstanceOf(ClosedNetworkException.class);
        send(onB, "lost", at("10.0.0.1:1"));
        assertThat(network.linkStats("b", "a").droppedNoListener()).isEqualTo(1);
    }

    @Test
    void aHostListsItsInterfaces() {
        LoopbackHost a = network.addHost("a", "10.0.0.1", "fd00::1");
        assertThat(a.interfaces()).extracting(i -> i.name()).containsExactly("lo", "eth0");
        assertThat(a.interfaces().get(1).addresses()).hasSize(2);
        assertThat(network.host(LoopbackNetwork.LOCALHOST).interfaces()).hasSize(1);
        assertThat(a.providerName()).isEqualTo("loopback");
    }
}
