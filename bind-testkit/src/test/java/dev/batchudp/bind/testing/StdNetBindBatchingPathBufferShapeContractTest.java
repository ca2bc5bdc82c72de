package dev.batchudp.bind.testing;

import dev.batchudp.bind.StdNetBindOptions;
import dev.batchudp.network.Network;
import dev.batchudp.network.loopback.LoopbackNetwork;

/**
 * The bind's buffer-shape contract through StdNetBind's batched path, with the fake batching provider
 * on the loopback network (batches of 128).
 */
class StdNetBindBatchingPathBufferShapeContractTest extends AbstractBindBufferShapeContractTest {
    private final FakeBatchingConnProvider provider = new FakeBatchingConnProvider();

    @Override
    protected Network newNetwork() {
        return LoopbackNetwork.create();
    }

    @Override
    protected StdNetBindOptions options() {
        return StdNetBindOptions.builder().batchingProvider(provider).build();
    }

    @Override
    protected String describe() {
        return "loopback network, fake batching provider";
    }
}
