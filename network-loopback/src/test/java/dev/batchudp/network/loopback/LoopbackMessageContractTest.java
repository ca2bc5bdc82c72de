package dev.batchudp.network.loopback;

import dev.batchudp.network.Network;
import dev.batchudp.network.testing.AbstractMessageContractTest;

/** Runs the message contract against {@link LoopbackNetwork}. */
class LoopbackMessageContractTest extends AbstractMessageContractTest {
    @Override
    protected Network newNetwork() {
        return LoopbackNetwork.create();
    }
}
