package dev.batchudp.network.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.batchudp.network.Network;
import dev.batchudp.network.NetworkOptions;
import dev.batchudp.network.Networks;
import dev.batchudp.network.spi.NetworkProvider;
import java.io.IOException;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class SystemNetworkProviderTest {

    @Test
    void serviceLoaderFindsSystemProvider() {
        assertThat(ServiceLoader.load(NetworkProvider.class).stream().map(ServiceLoader.Provider::type))
                .contains(SystemNetworkProvider.class);
        NetworkProvider provider = Networks.provider("system").orElseThrow();
        assertThat(provider).isInstanceOf(SystemNetworkProvider.class);
        assertThat(provider.priority()).isZero();
        assertThat(provider.isAvailable()).isTrue();
        assertThat(provider.isSelectableByDefault()).isTrue();
    }

    @Test
    void networksOpensSystemByName() throws IOException {
        try (Network network = Networks.open("system")) {
            assertThat(network).isInstanceOf(SystemNetwork.class);
            assertThat(network.providerName()).isEqualTo("system");
            assertThat(network.isNative()).isTrue();
            assertThat(network.isOpen()).isTrue();
        }
    }

    @Test
    void networksOpensSystemByDefaultWhenAlone() throws IOException {
        String saved = System.getProperty(Networks.PROVIDER_PROPERTY);
        System.clearProperty(Networks.PROVIDER_PROPERTY);
        try (Network network = Networks.open()) {
            assertThat(network.providerName()).isEqualTo("system");
        } finally {
            if (saved != null) {
                System.setProperty(Networks.PROVIDER_PROPERTY, saved);
            }
        }
    }

    @Test
    void backendOptionSelectsBackend() throws IOException {
        NetworkOptions options = NetworkOptions.builder().set(SystemNetworkProvider.BACKEND_OPTION, "jdk").build();
        try (Network network = Networks.open("system", options)) {
            assertThat(((SystemNetwork) network).backendName()).isEqualTo("jdk");
        }
    }

    @Test
    void providerIsStateless() throws IOException {
        SystemNetworkProvider provider = new SystemNetworkProvider();
        Network a = provider.open(NetworkOptions.empty());
        try (Network b = provider.open(NetworkOptions.empty())) {
            assertThat(a).isNotSameAs(b);
            a.close();
            assertThat(b.isOpen()).isTrue();
        }
    }
}
