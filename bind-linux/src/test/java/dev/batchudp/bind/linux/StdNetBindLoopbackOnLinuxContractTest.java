package dev.batchudp.bind.linux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.batchudp.bind.testing.AbstractBindContractTest;
import dev.batchudp.bind.StdNetBind;
import dev.batchudp.network.Network;
import dev.batchudp.network.UdpFamily;
import dev.batchudp.network.loopback.LoopbackNetwork;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * With bind-linux on the class path, a bind on a network that is not native keeps the portable path
 * (the provider does not upgrade loopback connections) and the whole contract.
 */
class StdNetBindLoopbackOnLinuxContractTest extends AbstractBindContractTest {
    @Override
    protected Network newNetwork() {
        return LoopbackNetwork.create();
    }

    @Override
    protected int expectedBatchSize() {
        return 1;
    }

    @Test
    void loopbackConnectionsAreNotUpgraded() throws IOException {
        StdNetBind bind = (StdNetBind) newBind();
        bind.open(0);
        assertThat(bind.isBatching(UdpFamily.UDP4)).isFalse();
        assertThat(bind.isBatching(UdpFamily.UDP6)).isFalse();
    }
}
