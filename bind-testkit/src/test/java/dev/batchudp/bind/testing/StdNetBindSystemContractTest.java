package dev.batchudp.bind.testing;

import dev.batchudp.network.Network;
import dev.batchudp.network.system.SystemNetwork;
import java.io.IOException;

/**
 * The bind contract on the system network through the JDK (bind-linux is not on this module's class
 * path): one dual-stack socket, batch size 1.
 */
class StdNetBindSystemContractTest extends AbstractBindContractTest {
    @Override
    protected Network newNetwork() throws IOException {
        return SystemNetwork.open();
    }

    @Override
    protected int expectedBatchSize() {
        return 1;
    }
}
