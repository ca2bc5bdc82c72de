package dev.batchudp.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.batchudp.network.spi.NetworkProvider;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Provider discovery and selection, against the fake providers registered on the test class path. */
@Timeout(10)
class NetworksTest {
    private String savedProperty;

    @BeforeEach
    void clearProperty() {
        savedProperty = System.getProperty(Networks.PROVIDER_PROPERTY);
        System.clearProperty(Networks.PROVIDER_PROPERTY);
    }

    @AfterEach
    void restoreProperty() {
        if (savedProperty == null) {
            System.clearProperty(Networks.PROVIDER_PROPERTY);
        } else {
            System.setProperty(Networks.PROVIDER_PROPERTY, savedProperty);
        }
    }

    @Test
    void providersAreFoundSortedAndBrokenEntriesSkipped() {
        assertThat(Networks.providers()).extracting(NetworkProvider::name)
                .containsExactly(FakeLoopbackNetworkProvider.NAME, BrokenNetworkProvider.NAME, FakeNetworkProvider.NAME);
        assertThat(Networks.providers(null)).hasSize(3);
        assertThat(Networks.provider("fake")).containsInstanceOf(FakeNetworkProvider.class);
        assertThat(Networks.provider("broken")).isPresent();
        assertThat(Networks.provider("nope")).isEmpty();
    }

    @Test
    void defaultIsTheHighestPriorityAvailableSelectableProvider() throws IOException {
        assertThat(Networks.defaultProvider()).isInstanceOf(FakeNetworkProvider.class);
        try (Network network = Networks.open()) {
            assertThat(network.providerName()).isEqualTo(FakeNetworkProvider.NAME);
        }
    }

    @Test
    void openByNameSelectsEvenProvidersNotSelectableByDefault() throws IOException {
        try (Network network = Networks.open(FakeLoopbackNetworkProvider.NAME)) {
            assertThat(network.providerName()).isEqualTo(FakeLoopbackNetworkProvider.NAME);
        }
    }

    @Test
    void optionsArePassedToTheProvider() throws IOException {
        NetworkOptions options = NetworkOptions.builder().set("fake.x", "1").build();
        try (Network network = Networks.open(FakeNetworkProvider.NAME, options)) {
            assertThat(((FakeNetwork) network).options()).isEqualTo(options);
        }
        try (Network network = Networks.open(options)) {
            assertThat(((FakeNetwork) network).options()).isEqualTo(options);
        }
        try (Network network = Networks.open(FakeNetworkProvider.NAME)) {
            assertThat(((FakeNetwork) network).options()).isEqualTo(NetworkOptions.empty());
        }
    }

    @Test
    void systemPropertySelectsTheProvider() throws IOException {
        System.setProperty(Networks.PROVIDER_PROPERTY, " " + FakeLoopbackNetworkProvider.NAME + " ");
        assertThat(Networks.defaultProvider()).isInstanceOf(FakeLoopbackNetworkProvider.class);
        try (Network network = Networks.open()) {
            assertThat(network.providerName()).isEqualTo(FakeLoopbackNetworkProvider.NAME);
        }
    }

    @Test
    void blankSystemPropertyIsIgnored() {
        System.setProperty(Networks.PROVIDER_PROPERTY, "  ");
        assertThat(Networks.defaultProvider()).isInstanceOf(FakeNetworkProvider.class);
    }

    @Test
    void systemPropertyNamingAnUnknownProviderFails() {
        System.setProperty(Networks.PROVIDER_PROPERTY, "nope");
        assertThatThrownBy(Networks::open)
                .isInstanceOf(NetworkProviderNotFoundException.class)
                .hasMessageContaining("\"nope\"");
    }

    @Test
    void unknownNameFailsListingEveryProviderAndCause() {
        assertThatThrownBy(() -> Networks.open("nope"))
                .isInstanceOf(NetworkProviderNotFoundException.class)
                .hasMessageContaining("no network provider named \"nope\"")
                .hasMessageContaining("fake (" + FakeNetworkProvider.class.getName() + ", priority 5): available")
                .hasMessageContaining("broken (" + BrokenNetworkProvider.class.getName() + ", priority 100): unavailable")
                .hasMessageContaining(BrokenNetworkProvider.CAUSE)
                .hasMessageContaining("fakeloop (" + FakeLoopbackNetworkProvider.class.getName()
                        + ", priority 1000): available, but only when selected by name");
    }

    @Test
    void unavailableProviderFailsWithItsCause() {
        assertThatThrownBy(() -> Networks.open(BrokenNetworkProvider.NAME))
                .isInstanceOf(NetworkProviderNotFoundException.class)
                .hasMessageContaining("\"broken\" is unavailable")
                .hasMessageContaining(BrokenNetworkProvider.CAUSE)
                .hasMessageContaining("fake (")
                .hasCauseInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void nothingSelectableByDefaultFailsListingProviders() {
        List<NetworkProvider> onlyUnfit = List.of(new FakeLoopbackNetworkProvider(), new BrokenNetworkProvider());
        assertThatThrownBy(() -> Networks.selectDefault(onlyUnfit))
                .isInstanceOf(NetworkProviderNotFoundException.class)
                .hasMessageContaining("no available network provider can be chosen by default")
                .hasMessageContaining(BrokenNetworkProvider.CAUSE)
                .hasMessageContaining("only when selected by name");
        assertThatThrownBy(() -> Networks.selectDefault(List.of()))
                .isInstanceOf(NetworkProviderNotFoundException.class)
                .hasMessageContaining("no providers found");
    }
}
