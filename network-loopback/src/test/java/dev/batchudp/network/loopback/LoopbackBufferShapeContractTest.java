package dev.batchudp.network.loopback;

import dev.batchudp.network.Network;
import dev.batchudp.network.testing.AbstractBufferShapeContractTest;

/** Runs the buffer-shape contract against {@link LoopbackNetwork}. */
class LoopbackBufferShapeContractTest extends AbstractBufferShapeContractTest {
    @Override
    protected Network newNetwork() {
        return LoopbackNetwork.create();
    }
}
