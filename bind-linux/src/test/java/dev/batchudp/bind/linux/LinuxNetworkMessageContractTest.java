package dev.batchudp.bind.linux;

import dev.batchudp.network.Network;
import dev.batchudp.network.system.SystemNetwork;
import dev.batchudp.network.testing.AbstractMessageContractTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The message contract on the system network's {@code linux} backend: {@code recvmmsg}/{@code sendmmsg}. */
@EnabledOnOs(OS.LINUX)
class LinuxNetworkMessageContractTest extends AbstractMessageContractTest {
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
}
