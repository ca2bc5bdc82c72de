package dev.batchudp.bind.linux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.batchudp.network.Network;
import dev.batchudp.network.system.SystemNetwork;
import dev.batchudp.network.testing.AbstractBufferShapeContractTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The buffer-shape contract on the system network's {@code linux} backend: {@code sendmsg} and
 * {@code recvmsg} on native sockets, direct buffers used in place.
 */
@EnabledOnOs(OS.LINUX)
class LinuxNetworkBufferShapeContractTest extends AbstractBufferShapeContractTest {
    @BeforeAll
    static void requireLinux() {
        LinuxTestSupport.assumeLinuxBatching();
    }

    @Override
    protected Network newNetwork() {
        return SystemNetwork.open("linux");
    }

    @Override
    protected String describeNetwork() {
        return "system network, linux backend";
    }

    @Test
    @Timeout(10)
    void theBackendIsLinux() {
        assertThat(((SystemNetwork) network()).backendName()).isEqualTo("linux");
    }
}
