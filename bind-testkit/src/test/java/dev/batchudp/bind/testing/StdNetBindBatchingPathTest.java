package dev.batchudp.bind.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.batchudp.bind.Bind;
import dev.batchudp.bind.StdNetBind;
import dev.batchudp.bind.StdNetBindOptions;
import dev.batchudp.network.Network;
import dev.batchudp.network.UdpFamily;
import dev.batchudp.network.loopback.LoopbackNetwork;
import org.junit.jupiter.api.Test;

/**
 * The bind contract through StdNetBind's batched path, with a fake batching provider on the loopback
 * network: checks the wiring between receive functions, messages and endpoints without Linux.
 */
class StdNetBindBatchingPathTest extends AbstractBindContractTest {
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
    protected int expectedBatchSize() {
        return Bind.IDEAL_BATCH_SIZE;
    }

    @Test
    void bothFamiliesUseTheBatchedPathAndOneSendIsOneBatchCall() throws Exception {
        StdNetBind a = (StdNetBind) newBind();
        StdNetBind b = (StdNetBind) newBind();
        Bind.Opened oa = a.open(0);
        b.open(0);
        assertThat(a.isBatching(UdpFamily.UDP4)).isTrue();
        assertThat(a.isBatching(UdpFamily.UDP6)).isTrue();
        int before = provider.writeBatchCalls.get();
        b.send(datagrams("a", "b", "c"), a.parseEndpoint("127.0.0.1:" + oa.port()));
        assertThat(provider.writeBatchCalls.get() - before).isEqualTo(1);
        assertThat(receive(func(oa, false), a.batchSize(), 3)).hasSize(3);
    }

    @Test
    void batchingCanBeDisabled() throws Exception {
        StdNetBind bind = StdNetBind.create(network,
                StdNetBindOptions.builder().batchingProvider(provider).batchingDisabled(true).build());
        binds.add(bind);
        bind.open(0);
        assertThat(bind.batchSize()).isEqualTo(1);
        assertThat(bind.isBatching(UdpFamily.UDP4)).isFalse();
    }
}
