package dev.batchudp.network.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.batchudp.network.NetworkFeature;
import dev.batchudp.network.system.spi.UdpSocketBackend;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class BackendSelectionTest {
    private String savedProperty;

    @BeforeEach
    void saveProperty() {
        savedProperty = System.getProperty(SystemNetwork.BACKEND_PROPERTY);
        System.clearProperty(SystemNetwork.BACKEND_PROPERTY);
    }

    @AfterEach
    void restoreProperty() {
        if (savedProperty == null) {
            System.clearProperty(SystemNetwork.BACKEND_PROPERTY);
        } else {
            System.setProperty(SystemNetwork.BACKEND_PROPERTY, savedProperty);
        }
    }

    @Test
    void backendsListBuiltInJdkAndServiceLoadedOnesSkippingBrokenOnes() {
        List<UdpSocketBackend> backends = SystemNetwork.backends();
        assertThat(backends).extracting(UdpSocketBackend::name)
                .contains("jdk", UnavailableTestBackend.NAME)
                .doesNotContain("throwing-test")
                .doesNotHaveDuplicates();
        assertThat(backends.get(0).name()).as("highest priority first").isEqualTo(UnavailableTestBackend.NAME);
        UdpSocketBackend jdk = backends.stream().filter(b -> b.name().equals("jdk")).findFirst().orElseThrow();
        assertThat(jdk.priority()).isZero();
        assertThat(jdk.unavailabilityCause()).isEmpty();
        assertThat(jdk.features()).containsExactly(NetworkFeature.STRICT_DATAGRAM_SIZES);
    }

    @Test
    void defaultSkipsUnavailableBackends() {
        try (SystemNetwork network = SystemNetwork.open()) {
            // the only other backend on this class path is unavailable (bind-linux is not a dependency)
            assertThat(network.backendName()).isEqualTo("jdk");
            assertThat(network.features()).doesNotContain(NetworkFeature.V6ONLY);
        }
    }

    @Test
    void propertyNamingJdkWorks() {
        System.setProperty(SystemNetwork.BACKEND_PROPERTY, " jdk ");
        try (SystemNetwork network = SystemNetwork.open()) {
            assertThat(network.backendName()).isEqualTo("jdk");
        }
    }

    @Test
    void explicitNameWinsOverProperty() {
        System.setProperty(SystemNetwork.BACKEND_PROPERTY, "nope");
        try (SystemNetwork network = SystemNetwork.open("jdk")) {
            assertThat(network.backendName()).isEqualTo("jdk");
        }
    }

    @Test
    void propertyNamingUnknownBackendFailsListingBackends() {
        System.setProperty(SystemNetwork.BACKEND_PROPERTY, "nope");
        assertThatThrownBy(SystemNetwork::open)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("\"nope\"")
                .hasMessageContaining(SystemNetwork.BACKEND_PROPERTY)
                .hasMessageContaining("jdk (")
                .hasMessageContaining(UnavailableTestBackend.NAME)
                .hasMessageContaining(UnavailableTestBackend.CAUSE);
    }

    @Test
    void namingUnavailableBackendFailsWithItsCause() {
        assertThatThrownBy(() -> SystemNetwork.open(UnavailableTestBackend.NAME))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("unavailable")
                .hasMessageContaining(UnavailableTestBackend.CAUSE)
                .hasMessageContaining("jdk (")
                .hasCauseInstanceOf(UnsupportedOperationException.class);
    }
}
