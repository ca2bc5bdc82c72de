package dev.batchudp.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

class SocketAddressesTest {

    @Test
    void parsesIpv4() throws UnknownHostException {
        InetSocketAddress a = SocketAddresses.parse("1.2.3.4:5");
        assertThat(a.isUnresolved()).isFalse();
        assertThat(a.getAddress()).isEqualTo(InetAddress.getByAddress(new byte[] {1, 2, 3, 4}));
        assertThat(a.getPort()).isEqualTo(5);
        assertThat(SocketAddresses.parse("0.0.0.0:0").getAddress().isAnyLocalAddress()).isTrue();
        assertThat(SocketAddresses.parse("127.0.0.1:65535").getPort()).isEqualTo(65_535);
    }

    @Test
    void parsesIpv6() {
        InetSocketAddress a = SocketAddresses.parse("[::1]:5");
        assertThat(a.getAddress()).isInstanceOf(Inet6Address.class);
        assertThat(a.getAddress().isLoopbackAddress()).isTrue();
        assertThat(a.getPort()).isEqualTo(5);
    }

    @Test
    void parsesIpv6WithNumericScope() {
        InetSocketAddress a = SocketAddresses.parse("[fe80::1%1]:5");
        assertThat(a.getAddress()).isInstanceOf(Inet6Address.class);
        assertThat(((Inet6Address) a.getAddress()).getScopeId()).isEqualTo(1);
        assertThat(a.getAddress().isLinkLocalAddress()).isTrue();
        assertThat(a.getPort()).isEqualTo(5);
    }

    @Test
    void rejectsMalformedEndpoints() {
        for (String bad : new String[] {
                "", "1.2.3.4", "1.2.3.4:", "1.2.3.4:65536", "1.2.3.4:-1", "1.2.3.4:+5", "1.2.3.4:123456",
                "host.example:5", "localhost:5", "::1:5", "[1.2.3.4]:5", "[::1]", "[::1]5", "[::1:5",
                ":5", "[]:5", "1.2.3:5", "[fe80::1%]:5"}) {
            assertThatThrownBy(() -> SocketAddresses.parse(bad)).as("\"%s\"", bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> SocketAddresses.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void messagesSayWhatIsWrong() {
        assertThatThrownBy(() -> SocketAddresses.parse("1.2.3.4")).hasMessageContaining("missing port");
        assertThatThrownBy(() -> SocketAddresses.parse("1.2.3.4:65536")).hasMessageContaining("out of range");
        assertThatThrownBy(() -> SocketAddresses.parse("host.example:5")).hasMessageContaining("not an IP address literal");
        assertThatThrownBy(() -> SocketAddresses.parse("::1:5")).hasMessageContaining("brackets");
        assertThatThrownBy(() -> SocketAddresses.parse("[1.2.3.4]:5")).hasMessageContaining("only for IPv6");
    }

    @Test
    void formatRoundTrips() {
        for (String text : new String[] {"1.2.3.4:5", "[::1]:5", "[2001:db8::1]:65535", "[fe80::1%1]:5", "0.0.0.0:0", "[::]:0"}) {
            assertThat(SocketAddresses.format(SocketAddresses.parse(text))).isEqualTo(text);
        }
        assertThat(SocketAddresses.format(SocketAddresses.parse("[2001:DB8:0:0:0:0:0:1]:5")))
                .as("canonical RFC 5952 form").isEqualTo("[2001:db8::1]:5");
    }

    @Test
    void parseAddressRefusesHostNames() {
        assertThat(SocketAddresses.parseAddress("::1").isLoopbackAddress()).isTrue();
        assertThatThrownBy(() -> SocketAddresses.parseAddress("localhost")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SocketAddresses.parseAddress("1.2.3.4%1")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void requireResolved() {
        InetSocketAddress resolved = SocketAddresses.parse("1.2.3.4:5");
        assertThat(SocketAddresses.requireResolved(resolved, "target")).isSameAs(resolved);
        assertThatThrownBy(() -> SocketAddresses.requireResolved(InetSocketAddress.createUnresolved("1.2.3.4", 5), "target"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("target").hasMessageContaining("unresolved");
        assertThatThrownBy(() -> SocketAddresses.requireResolved(null, "target"))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("target");
    }

    @Test
    void unmapsIpv4MappedAddresses() throws UnknownHostException {
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 1, 2, 3, 4};
        InetAddress raw = Inet6Address.getByAddress(null, mapped, -1);
        assertThat(raw).isInstanceOf(Inet6Address.class);
        InetAddress unmapped = SocketAddresses.unmap(raw);
        assertThat(unmapped).isInstanceOf(Inet4Address.class)
                .isEqualTo(InetAddress.getByAddress(new byte[] {1, 2, 3, 4}));
        assertThat(SocketAddresses.unmap(new InetSocketAddress(raw, 9)))
                .isEqualTo(new InetSocketAddress(unmapped, 9));

        InetSocketAddress plain6 = SocketAddresses.parse("[::1]:9");
        assertThat(SocketAddresses.unmap(plain6)).isSameAs(plain6);
        InetSocketAddress plain4 = SocketAddresses.parse("1.2.3.4:9");
        assertThat(SocketAddresses.unmap(plain4)).isSameAs(plain4);
        // ::1.2.3.4 (IPv4-compatible, deprecated) is not IPv4-mapped
        InetAddress compatible = Inet6Address.getByAddress(null,
                new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4}, -1);
        assertThat(SocketAddresses.unmap(compatible)).isSameAs(compatible);
        // the JDK itself already unmaps when building from bytes
        assertThat(InetAddress.getByAddress(mapped)).isInstanceOf(Inet4Address.class);
    }

    @Test
    void udpFamilyOfMatchesTheAddressFamily() {
        assertThat(UdpFamily.of(SocketAddresses.parseAddress("1.2.3.4"))).isEqualTo(UdpFamily.UDP4);
        assertThat(UdpFamily.of(SocketAddresses.parseAddress("::1"))).isEqualTo(UdpFamily.UDP6);
        assertThat(UdpFamily.UDP.accepts(SocketAddresses.parseAddress("::1"))).isTrue();
        assertThat(UdpFamily.UDP4.accepts(SocketAddresses.parseAddress("::1"))).isFalse();
        assertThat(UdpFamily.forNetworkName("UDP6")).isEqualTo(UdpFamily.UDP6);
        assertThatThrownBy(() -> UdpFamily.forNetworkName("tcp")).isInstanceOf(IllegalArgumentException.class);
    }
}
