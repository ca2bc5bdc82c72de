package dev.batchudp.bind.linux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.batchudp.network.Network;
import dev.batchudp.network.system.SystemNetwork;
import dev.batchudp.network.testing.AbstractNetworkContractTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The network contract on the system network's {@code linux} backend: native sockets, not the JDK's. */
@EnabledOnOs(OS.LINUX)
class LinuxNetworkContractTest extends AbstractNetworkContractTest {
    @BeforeAll
    static void requireLinux() {
        LinuxTestSupport.assumeLinuxBatching();
    }

    @Override
    protected Network newNetwork() {
        return SystemNetwork.open("linux");
    }

    @Test
    @Timeout(10)
    void theBackendIsLinux() {
        assertThat(((SystemNetwork) network()).backendName()).isEqualTo("linux");
    }
}
