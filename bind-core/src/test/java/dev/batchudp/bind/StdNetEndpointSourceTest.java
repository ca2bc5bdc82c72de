package dev.batchudp.bind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** The sticky source of {@link StdNetEndpoint}: value fields, cleared as a whole. */
class StdNetEndpointSourceTest {
    private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 51820);

    @Test
    void withSourceCarriesAddressAndInterface() throws Exception {
        StdNetEndpoint ep = StdNetEndpoint.withSource(PEER, InetAddress.getByName("127.0.0.2"), 1);
        assertThat(ep.srcIp()).contains(InetAddress.getByName("127.0.0.2"));
        assertThat(ep.srcIfIndex()).isEqualTo(1);
        assertThat(ep.srcToString()).isEqualTo("127.0.0.2");
        assertThat(ep.dst()).isEqualTo(PEER);
        assertThat(ep.toString()).isEqualTo("127.0.0.1:51820 (src 127.0.0.2%1)");
        StdNetEndpoint v6 = StdNetEndpoint.withSource(new InetSocketAddress("::1", 5),
                InetAddress.getByName("::1"), 1);
        assertThat(v6.srcToString()).isEqualTo("::1");
    }

    @Test
    void clearSrcForgetsAddressAndInterface() throws Exception {
        StdNetEndpoint ep = StdNetEndpoint.withSource(PEER, InetAddress.getByName("127.0.0.2"), 1);
        ep.clearSrc();
        assertThat(ep.srcIp()).isEmpty();
        assertThat(ep.srcIfIndex()).isZero();
        assertThat(ep.srcToString()).isEmpty();
        ep.clearSrc();
        assertThat(ep.srcIp()).isEmpty();
    }

    @Test
    void clearSrcIfKeepsANewerSource() throws Exception {
        StdNetEndpoint ep = StdNetEndpoint.withSource(PEER, InetAddress.getByName("127.0.0.2"), 1);
        StdNetEndpoint.Source used = ep.source();
        ep.clearSrcIf(new StdNetEndpoint.Source(InetAddress.getByName("127.0.0.2"), 1));
        assertThat(ep.srcIp()).as("another holder: not cleared").isPresent();
        ep.clearSrcIf(used);
        assertThat(ep.srcIp()).isEmpty();
    }

    @Test
    void equalityIsTheDestinationOnly() throws Exception {
        StdNetEndpoint a = StdNetEndpoint.withSource(PEER, InetAddress.getByName("127.0.0.2"), 1);
        StdNetEndpoint b = StdNetEndpoint.of(PEER);
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    }

    @Test
    void mappedSourceIsStoredAsIpv4AndBadArgumentsAreRefused() throws Exception {
        InetAddress mapped = InetAddress.getByAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, 127, 0, 0, 2});
        assertThat(StdNetEndpoint.withSource(PEER, mapped, 0).srcToString()).isEqualTo("127.0.0.2");
        assertThatThrownBy(() -> StdNetEndpoint.withSource(PEER, null, 0)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> StdNetEndpoint.withSource(PEER, InetAddress.getByName("127.0.0.2"), -1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
