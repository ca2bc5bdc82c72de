package dev.batchudp.bind.testing;

import dev.batchudp.network.Network;
import dev.batchudp.network.system.SystemNetwork;

/** The bind's buffer-shape contract on the system network through the JDK (batch size 1). */
class StdNetBindSystemBufferShapeContractTest extends AbstractBindBufferShapeContractTest {
    @Override
    protected Network newNetwork() {
        return SystemNetwork.open();
    }

    @Override
    protected String describe() {
        return "system network, " + ((SystemNetwork) network).backendName() + " backend";
    }
}
