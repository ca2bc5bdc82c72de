package dev.batchudp.network.system;

import dev.batchudp.network.Network;
import dev.batchudp.network.testing.AbstractBufferShapeContractTest;

/** Runs the buffer-shape contract against the system network with its default backend ({@code jdk} here). */
class SystemNetworkBufferShapeContractTest extends AbstractBufferShapeContractTest {
    @Override
    protected Network newNetwork() {
        return SystemNetwork.open();
    }

    @Override
    protected String describeNetwork() {
        return "system network, " + ((SystemNetwork) network()).backendName() + " backend";
    }
}
