package dev.batchudp.network.system;

import dev.batchudp.network.Network;
import dev.batchudp.network.testing.AbstractNetworkContractTest;

/** Runs the network contract against the system network with its default backend. */
class SystemNetworkContractTest extends AbstractNetworkContractTest {
    @Override
    protected Network newNetwork() {
        return SystemNetwork.open();
    }
}
