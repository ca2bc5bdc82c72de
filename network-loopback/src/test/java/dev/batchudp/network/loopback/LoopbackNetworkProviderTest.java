package dev.batchudp.network.loopback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.batchudp.network.Network;
import dev.batchudp.network.NetworkOptions;
import dev.batchudp.network.NetworkProviderNotFoundException;
import dev.batchudp.network.Networks;
import dev.batchudp.network.UdpConnection;
import dev.batchudp.network.UdpFamily;
import dev.batchudp.network.spi.NetworkProvider;
import java.net.InetSocketAddress;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class LoopbackNetworkProviderTest {

    @Test
    void discoveredByServiceLoader() {
        assertThat(ServiceLoader.load(NetworkProvider.class).stream().map(ServiceLoader.Provider::type))
                .contains(LoopbackNetworkProvider.class);
        NetworkProvider provider = Networks.provider("loopback").orElseThrow();
        assertThat(provider).isInstanceOf(LoopbackNetworkProvider.class);
        assertThat(provider.isAvailable()).isTrue();
        assertThat(provider.unavailabilityCause()).isEmpty();
        assertThat(provider.isSelectableByDefault()).isFalse();
    }

    @Test
    void openedByName() throws Exception {
        try (Network network = Networks.open("loopback")) {
            assertThat(network).isInstanceOf(LoopbackNetwork.class);
            assertThat(network.providerName()).isEqualTo("loopback");
            try (UdpConnection c = network.openUdp(UdpFamily.UDP4, new InetSocketAddress("127.0.0.1", 0))) {
                assertThat(c.localAddress().getPort()).isEqualTo(49152);
            }
        }
    }

    @Test
    void neverChosenByDefault() {
        // Only the loopback provider is on this module's test class path.
        assertThatThrownBy(Networks::defaultProvider)
                .isInstanceOf(NetworkProviderNotFoundException.class)
                .hasMessageContaining("loopback");
        assertThatThrownBy(Networks::open).isInstanceOf(NetworkProviderNotFoundException.class);
    }

    @Test
    void readsDocumentedOptions() throws Exception {
        NetworkOptions options = NetworkOptions.builder()
                .set("loopback.mtu", "1500")
                .set("loopback.queueCapacity", "8")
                .set("loopback.queueBytes", "4096")
                .set("loopback.recordOpenStackTraces", "false")
                .set("unknown.key", "ignored")
                .build();
        try (LoopbackNetwork network = new LoopbackNetworkProvider().open(options)) {
            assertThat(network.configuration()).isEqualTo(LoopbackConfiguration.builder().mtu(1500)
                    .receiveQueueCapacity(8).receiveQueueBytes(4096).recordOpenStackTraces(false).build());
        }
        try (LoopbackNetwork network = new LoopbackNetworkProvider().open(NetworkOptions.empty())) {
            assertThat(network.configuration()).isEqualTo(LoopbackConfiguration.defaults());
        }
        assertThatThrownBy(() -> new LoopbackNetworkProvider().open(
                NetworkOptions.builder().set("loopback.mtu", "big").build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("loopback.mtu");
        assertThatThrownBy(() -> new LoopbackNetworkProvider().open(
                NetworkOptions.builder().set("loopback.queueCapacity", "0").build()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void eachOpenIsANewIsolatedNetwork() throws Exception {
        NetworkProvider provider = new LoopbackNetworkProvider();
        try (Network a = provider.open(NetworkOptions.empty()); Network b = provider.open(NetworkOptions.empty())) {
            assertThat(a).isNotSameAs(b);
            a.openUdp(UdpFamily.UDP4, new InetSocketAddress("127.0.0.1", 5000));
            b.openUdp(UdpFamily.UDP4, new InetSocketAddress("127.0.0.1", 5000));
        }
    }
}
