package dev.batchudp.bind.linux;

import static dev.batchudp.bind.linux.LinuxTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.batchudp.bind.linux.internal.LinuxUdpSocket;
import dev.batchudp.bind.spi.BatchingConn;
import dev.batchudp.bind.spi.BatchingConnProvider;
import dev.batchudp.network.Network;
import dev.batchudp.network.NetworkFeature;
import dev.batchudp.network.UdpConnection;
import dev.batchudp.network.UdpFamily;
import dev.batchudp.network.loopback.LoopbackNetwork;
import dev.batchudp.network.system.SystemNetwork;
import dev.batchudp.network.system.spi.UdpSocketBackend;
import java.io.IOException;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.mockito.Mockito;

/** The public entry points: availability, the kill switch, upgrades and ServiceLoader wiring. */
@Timeout(30)
class LinuxBatchingTest {

    @AfterEach
    void clearKillSwitch() {
        System.clearProperty(LinuxBatching.DISABLED_PROPERTY);
        System.clearProperty(SystemNetwork.BACKEND_PROPERTY);
    }

    @Test
    void constants() {
        assertThat(LinuxBatching.DISABLED_PROPERTY).isEqualTo("dev.batchudp.bind.linux.disabled");
        assertThat(LinuxBatching.DISABLED_DEFAULT).isEqualTo("false");
        assertThat(LinuxBatching.MIN_CONTROL_MESSAGE_SIZE).isEqualTo(64); // in6_pktinfo record (40) + UDP_GRO record (24)
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void availableOnLinuxWithACauseOtherwise() {
        assumeLinuxBatching();
        assertThat(LinuxBatching.unavailabilityCause()).isEmpty();
        LinuxBatching.ensureAvailability();
        assertThat(LinuxBatching.supportsRecvmmsg()).isTrue();
        // GSO and GRO are probed flags; this kernel is new enough for both (5.12+ for UDP_GRO reads).
        assertThat(LinuxBatching.supportsGso()).isTrue();
    }

    @Test
    void killSwitchMakesEverythingUnavailableWithACause() throws IOException {
        System.setProperty(LinuxBatching.DISABLED_PROPERTY, "true");
        assertThat(LinuxBatching.isAvailable()).isFalse();
        assertThat(LinuxBatching.supportsGso()).isFalse();
        assertThat(LinuxBatching.unavailabilityCause()).get()
                .extracting(Throwable::getMessage).asString().contains(LinuxBatching.DISABLED_PROPERTY);
        assertThatThrownBy(LinuxBatching::ensureAvailability).isInstanceOf(UnsupportedOperationException.class)
                .hasCauseInstanceOf(UnsupportedOperationException.class);
        LinuxUdpBackend backend = new LinuxUdpBackend();
        assertThat(backend.unavailabilityCause()).isPresent();
        assertThatThrownBy(() -> backend.open(NETWORK, UdpFamily.UDP4, ipv4Loopback(0), null, null))
                .isInstanceOf(UnsupportedOperationException.class);
        LinuxBatchingConnProvider provider = new LinuxBatchingConnProvider();
        assertThat(provider.unavailabilityCause()).isPresent();
        UdpConnection mock = Mockito.mock(UdpConnection.class);
        assertThat(provider.tryUpgrade(mock, 128)).isEmpty();
        assertThat(LinuxBatching.tryUpgradeToBatchingConn(mock, UdpFamily.UDP4, 128)).isEmpty();
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void killSwitchLeavesOurSocketsUnchanged() throws IOException {
        assumeLinuxBatching();
        try (LinuxUdpSocket s = open(UdpFamily.UDP4)) {
            System.setProperty(LinuxBatching.DISABLED_PROPERTY, "true");
            assertThat(LinuxBatching.tryUpgradeToBatchingConn(s, UdpFamily.UDP4, 8)).isEmpty();
            assertThat(s.capability(BatchingConn.class)).isEmpty();
        }
    }

    @Test
    void foreignConnectionsAreReturnedUnchanged() throws IOException {
        UdpConnection mock = Mockito.mock(UdpConnection.class);
        assertThat(LinuxBatching.tryUpgradeToBatchingConn(mock, UdpFamily.UDP4, 128)).isEmpty();
        assertThat(new LinuxBatchingConnProvider().tryUpgrade(mock, 128)).isEmpty();
        try (LoopbackNetwork loopback = LoopbackNetwork.create();
                UdpConnection c = loopback.openUdp(UdpFamily.UDP4, ipv4Loopback(0))) {
            assertThat(LinuxBatching.tryUpgradeToBatchingConn(c, UdpFamily.UDP4, 128)).isEmpty();
            assertThat(new LinuxBatchingConnProvider().supports(loopback)).isFalse();
            assertThat(new LinuxBatchingConnProvider().tryUpgrade(c, 128)).isEmpty();
        }
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void ourSocketsAreUpgraded() throws IOException {
        assumeLinuxBatching();
        try (LinuxUdpSocket s = open(UdpFamily.UDP4)) {
            assertThat(LinuxBatching.tryUpgradeToBatchingConn(s, UdpFamily.UDP6, 7))
                    .as("family mismatch").isEmpty();
            BatchingConn up = LinuxBatching.tryUpgradeToBatchingConn(s, UdpFamily.UDP4, 7).orElseThrow();
            assertThat(up.batchSize()).isEqualTo(7);
            assertThat(up.connection()).isSameAs(s);
            assertThat(s.capability(BatchingConn.class)).containsSame(up);
            assertThat(new LinuxBatchingConnProvider().tryUpgrade(s, 3)).as("a socket is upgraded once")
                    .containsSame(up);
            assertThatThrownBy(() -> LinuxBatching.tryUpgradeToBatchingConn(s, UdpFamily.UDP4, 1025))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void backendAndProviderAreFoundByServiceLoader() {
        assertThat(ServiceLoader.load(UdpSocketBackend.class).stream().map(ServiceLoader.Provider::type)
                .collect(Collectors.toList())).contains(LinuxUdpBackend.class);
        assertThat(ServiceLoader.load(BatchingConnProvider.class).stream().map(ServiceLoader.Provider::type)
                .collect(Collectors.toList())).contains(LinuxBatchingConnProvider.class);
        LinuxUdpBackend backend = new LinuxUdpBackend();
        assertThat(backend.name()).isEqualTo("linux");
        assertThat(backend.priority()).isEqualTo(100);
        assertThat(backend.features()).containsExactlyInAnyOrder(NetworkFeature.V6ONLY,
                NetworkFeature.STRICT_DATAGRAM_SIZES);
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void systemNetworkPicksTheLinuxBackendByDefault() throws IOException {
        assumeLinuxBatching();
        try (SystemNetwork network = SystemNetwork.open()) {
            assertThat(network.backendName()).isEqualTo("linux");
            assertThat(network.features()).contains(NetworkFeature.V6ONLY);
            assertThat(new LinuxBatchingConnProvider().supports(network)).isTrue();
            UdpConnection c = network.openUdp(UdpFamily.UDP4, ipv4Loopback(0));
            assertThat(c).isInstanceOf(LinuxUdpSocket.class);
            assertThat(c.network()).isSameAs(network);
            assertThat(network.openConnections()).contains(c);
            BatchingConn up = LinuxBatching.tryUpgradeToBatchingConn(c, UdpFamily.UDP4, 128).orElseThrow();
            assertThat(up.connection()).isSameAs(c);
            c.close();
            assertThat(network.openConnections()).doesNotContain(c);
        }
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void systemNetworkClosesOurSockets() throws IOException {
        assumeLinuxBatching();
        UdpConnection c;
        try (SystemNetwork network = SystemNetwork.open()) {
            c = network.openUdp(UdpFamily.UDP4, ipv4Loopback(0));
        }
        assertThat(c.isOpen()).isFalse();
        assertThat(((LinuxUdpSocket) c).isReleased()).isTrue();
    }

    @Test
    void systemNetworkUsesTheJdkBackendWhenAskedTo() throws IOException {
        System.setProperty(SystemNetwork.BACKEND_PROPERTY, "jdk");
        try (SystemNetwork network = SystemNetwork.open()) {
            assertThat(network.backendName()).isEqualTo("jdk");
            assertThat(new LinuxBatchingConnProvider().supports(network)).isFalse();
            try (UdpConnection c = network.openUdp(UdpFamily.UDP4, ipv4Loopback(0))) {
                assertThat(c).isNotInstanceOf(LinuxUdpSocket.class);
                assertThat(LinuxBatching.tryUpgradeToBatchingConn(c, UdpFamily.UDP4, 128)).isEmpty();
            }
        }
        System.clearProperty(SystemNetwork.BACKEND_PROPERTY);
        try (SystemNetwork network = SystemNetwork.open("jdk")) {
            assertThat(network.backendName()).isEqualTo("jdk");
        }
    }

    @Test
    void killSwitchMakesTheSystemNetworkFallBackToJdk() throws IOException {
        System.setProperty(LinuxBatching.DISABLED_PROPERTY, "true");
        try (Network network = SystemNetwork.open()) {
            assertThat(((SystemNetwork) network).backendName()).isEqualTo("jdk");
        }
    }
}
