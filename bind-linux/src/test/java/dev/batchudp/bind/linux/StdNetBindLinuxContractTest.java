package dev.batchudp.bind.linux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.batchudp.bind.testing.AbstractBindContractTest;
import dev.batchudp.bind.Bind;
import dev.batchudp.bind.ReceiveFunc;
import dev.batchudp.bind.StdNetBind;
import dev.batchudp.network.Network;
import dev.batchudp.network.NetworkFeature;
import dev.batchudp.network.UdpFamily;
import dev.batchudp.network.system.SystemNetwork;
import java.io.IOException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The bind contract on the system network with bind-linux on the class path: native sockets, an
 * IPv4 and an IPv6-only socket on one port, batches of 128 through recvmmsg/sendmmsg.
 */
@EnabledOnOs(OS.LINUX)
class StdNetBindLinuxContractTest extends AbstractBindContractTest {
    @BeforeAll
    static void requireLinux() {
        LinuxTestSupport.assumeLinuxBatching();
    }

    @Override
    protected Network newNetwork() throws IOException {
        return SystemNetwork.open();
    }

    @Override
    protected int expectedBatchSize() {
        return Bind.IDEAL_BATCH_SIZE;
    }

    @Test
    void theSystemNetworkUsesLinuxSocketsAndBothFamiliesBatch() throws IOException {
        assertThat(((SystemNetwork) network).backendName()).isEqualTo("linux");
        assertThat(network.features()).contains(NetworkFeature.V6ONLY);
        StdNetBind bind = (StdNetBind) newBind();
        Bind.Opened opened = bind.open(0);
        assertThat(opened.receiveFuncs()).extracting(ReceiveFunc::name).containsExactly("v4", "v6");
        assertThat(bind.isBatching(UdpFamily.UDP4)).isTrue();
        assertThat(bind.isBatching(UdpFamily.UDP6)).isTrue();
    }
}
