package dev.batchudp.consumer.cp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.batchudp.bind.StdNetBind;
import dev.batchudp.bind.linux.LinuxBatching;
import dev.batchudp.bind.linux.OffloadStatus;
import dev.batchudp.network.Network;
import dev.batchudp.network.Networks;
import dev.batchudp.network.UdpFamily;
import dev.batchudp.network.loopback.LoopbackNetwork;
import dev.batchudp.network.loopback.junit5.SimulatedNetwork;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The README's coordinates on the class path, with JUnit 6 and the library's test extension. */
class ClassPathConsumerTest {
    @Test
    @EnabledOnOs(OS.LINUX)
    @Timeout(30)
    void theFastPathIsOnAndItsStatusReachable() throws Exception {
        if (!Boolean.getBoolean("requireLinuxFeatures")) {
            assumeTrue(LinuxBatching.isAvailable(), () -> "unavailable: " + LinuxBatching.unavailabilityCause());
        }
        assertThat(LinuxBatching.unavailabilityCause()).isEmpty();
        try (Network network = Networks.open(); StdNetBind bind = StdNetBind.create(network)) {
            bind.open(0);
            assertThat(bind.isBatching(UdpFamily.UDP4)).isTrue();
            assertThat(bind.batchSize()).isEqualTo(128);
            OffloadStatus status = bind.connection(UdpFamily.UDP4).orElseThrow()
                    .capability(OffloadStatus.class).orElseThrow();
            assertThat(status.gsoDisabledCount()).isZero();
        }
    }

    @Test
    @SimulatedNetwork(seed = 7, manualClock = true)
    @Timeout(30)
    void theJunitExtensionRunsOnThisJunit(LoopbackNetwork net) throws Exception {
        net.addHost("a", "10.0.0.1");
        assertThat(net.stats().delivered()).isZero();
        assertThat(Duration.ZERO).isZero();
    }
}
