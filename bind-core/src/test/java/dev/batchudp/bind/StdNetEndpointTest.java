package dev.batchudp.bind;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class StdNetEndpointTest {
    @Test
    void dstToBytesIsAddressThenLittleEndianPort() {
        StdNetEndpoint v4 = StdNetEndpoint.of(new InetSocketAddress("1.2.3.4", 0x1234));
        assertThat(v4.dstToBytes()).containsExactly(1, 2, 3, 4, 0x34, 0x12);
        StdNetEndpoint v6 = StdNetEndpoint.of(new InetSocketAddress("::1", 5));
        byte[] bytes = v6.dstToBytes();
        assertThat(bytes).hasSize(18);
        assertThat(bytes[15]).isEqualTo((byte) 1);
        assertThat(bytes[16]).isEqualTo((byte) 5);
        assertThat(bytes[17]).isZero();
    }

    @Test
    void formatsAsGoDoes() {
        assertThat(StdNetEndpoint.of(new InetSocketAddress("1.2.3.4", 5)).dstToString()).isEqualTo("1.2.3.4:5");
        assertThat(StdNetEndpoint.of(new InetSocketAddress("::1", 5)).dstToString()).isEqualTo("[::1]:5");
        assertThat(StdNetEndpoint.of(new InetSocketAddress("2001:db8:0:0:0:0:0:1", 5)).dstToString())
                .isEqualTo("[2001:db8::1]:5");
    }

    @Test
    void portableEndpointsCarryNoSource() {
        StdNetEndpoint ep = StdNetEndpoint.of(new InetSocketAddress("127.0.0.1", 5));
        ep.clearSrc();
        assertThat(ep.srcIp()).isEmpty();
        assertThat(ep.srcToString()).isEmpty();
        assertThat(ep.srcIfIndex()).isZero();
    }

    @Test
    void equalityFollowsTheDestination() {
        assertThat(StdNetEndpoint.of(new InetSocketAddress("127.0.0.1", 5)))
                .isEqualTo(StdNetEndpoint.of(new InetSocketAddress("127.0.0.1", 5)))
                .isNotEqualTo(StdNetEndpoint.of(new InetSocketAddress("127.0.0.1", 6)));
    }
}
