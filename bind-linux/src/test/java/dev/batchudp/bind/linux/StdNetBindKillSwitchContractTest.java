package dev.batchudp.bind.linux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.batchudp.bind.testing.AbstractBindContractTest;
import dev.batchudp.bind.Bind;
import dev.batchudp.bind.StdNetBind;
import dev.batchudp.network.Network;
import dev.batchudp.network.UdpFamily;
import dev.batchudp.network.system.SystemNetwork;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * With the kill switch on, the system network falls back to the JDK's sockets and StdNetBind to the
 * portable path, which still keeps the whole bind contract.
 */
class StdNetBindKillSwitchContractTest extends AbstractBindContractTest {
    private static String previous;

    @BeforeAll
    static void killSwitchOn() {
        previous = System.setProperty(LinuxBatching.DISABLED_PROPERTY, "true");
    }

    @AfterAll
    static void killSwitchOff() {
        if (previous == null) {
            System.clearProperty(LinuxBatching.DISABLED_PROPERTY);
        } else {
            System.setProperty(LinuxBatching.DISABLED_PROPERTY, previous);
        }
    }

    @Override
    protected Network newNetwork() throws IOException {
        return SystemNetwork.open();
    }

    @Override
    protected int expectedBatchSize() {
        return 1;
    }

    @Test
    void fallsBackToTheJdkBackendAndSingleDatagramIo() throws IOException {
        assertThat(((SystemNetwork) network).backendName()).isEqualTo("jdk");
        assertThat(LinuxBatching.unavailabilityCause()).get().asString().contains(LinuxBatching.DISABLED_PROPERTY);
        StdNetBind bind = (StdNetBind) newBind();
        Bind.Opened opened = bind.open(0);
        assertThat(opened.receiveFuncs()).hasSize(1);
        assertThat(bind.isBatching(UdpFamily.UDP4)).isFalse();
    }
}
