package dev.batchudp.network.system;

import dev.batchudp.network.Network;
import dev.batchudp.network.testing.AbstractMessageContractTest;

/**
 * Runs the message contract against the system network with its default backend ({@code jdk} here):
 * its blocking {@code DatagramChannel} has neither {@code MSG_PEEK} nor {@code MSG_DONTWAIT}, delivers
 * no control messages and reads one datagram per call.
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
    protected boolean supportsDontwait() {
        return false;
    }

    @Override
    protected boolean deliversControlMessages() {
        return false;
    }

    @Override
    protected boolean readsEveryQueuedDatagram() {
        return false; // one DatagramChannel.receive per call
    }

    @Override
    protected String describeNetwork() {
        return "system network, " + ((SystemNetwork) network()).backendName() + " backend";
    }
}
