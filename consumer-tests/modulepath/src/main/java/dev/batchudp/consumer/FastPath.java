package dev.batchudp.consumer;

import dev.batchudp.bind.StdNetBind;
import dev.batchudp.bind.linux.LinuxBatching;
import dev.batchudp.network.Network;
import dev.batchudp.network.Networks;
import dev.batchudp.network.UdpFamily;
import java.io.IOException;

/** What a named module sees: whether StdNetBind batches, and why not. */
public final class FastPath {
    private FastPath() {}

    /**
     * Opens a bind on the host's network and reports its batching.
     *
     * @return "batching=B batchSize=N cause=C"
     * @throws IOException if the bind cannot be opened
     */
    public static String describe() throws IOException {
        try (Network network = Networks.open(); StdNetBind bind = StdNetBind.create(network)) {
            bind.open(0);
            return "batching=" + bind.isBatching(UdpFamily.UDP4) + " batchSize=" + bind.batchSize()
                    + " cause=" + LinuxBatching.unavailabilityCause().map(Throwable::toString).orElse("none");
        }
    }
}
