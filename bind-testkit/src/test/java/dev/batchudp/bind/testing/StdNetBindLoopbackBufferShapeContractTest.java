package dev.batchudp.bind.testing;

import dev.batchudp.network.Network;
import dev.batchudp.network.loopback.LoopbackNetwork;

/** The bind's buffer-shape contract on the in-memory loopback network (batch size 1). */
class StdNetBindLoopbackBufferShapeContractTest extends AbstractBindBufferShapeContractTest {
    @Override
    protected Network newNetwork() {
        return LoopbackNetwork.create();
    }
}
