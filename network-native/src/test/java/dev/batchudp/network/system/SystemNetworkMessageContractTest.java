package dev.batchudp.network.system;

import dev.batchudp.network.Network;
import dev.batchudp.network.testing.AbstractMessageContractTest;

/**
 * Runs the message contract against the system network with its default backend ({@code jdk} here):
 * a {@code DatagramChannel} has neither {@code MSG_PEEK} nor {@code UDP_SEGMENT}.
 */
class SystemNetworkMessageContractTest extends AbstractMessageContractTest {
    @Override
    protected Network newNetwork() {
        return SystemNetwork.open();
    }

    @Override
    protected boolean supportsPeek() {
        return false;
    }

    @Override
    protected boolean supportsSegmentationOnSend() {
        return false;
    }

    @Override
    protected String describeNetwork() {
        return "system network, " + ((SystemNetwork) network()).backendName() + " backend";
    }
}
