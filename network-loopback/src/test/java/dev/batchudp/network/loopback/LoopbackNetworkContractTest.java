package dev.batchudp.network.loopback;

import dev.batchudp.network.Network;
import dev.batchudp.network.testing.AbstractNetworkContractTest;

/** Runs the contract every {@link Network} must meet against {@link LoopbackNetwork}. */
class LoopbackNetworkContractTest extends AbstractNetworkContractTest {

    @Override
    protected Network newNetwork() {
        return LoopbackNetwork.create();
    }
}
