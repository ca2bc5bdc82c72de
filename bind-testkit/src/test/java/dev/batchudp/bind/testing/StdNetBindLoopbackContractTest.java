package dev.batchudp.bind.testing;

import dev.batchudp.network.Network;
import dev.batchudp.network.loopback.LoopbackNetwork;

/** The bind contract on the in-memory loopback network (separate v4 and v6 sockets, batch size 1). */
class StdNetBindLoopbackContractTest extends AbstractBindContractTest {
    @Override
    protected Network newNetwork() {
        return LoopbackNetwork.create();
    }

    @Override
    protected int expectedBatchSize() {
        return 1;
    }
}
