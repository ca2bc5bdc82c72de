/**
 * The in-memory loopback network: an isolated, deterministic UDP network for tests.
 */
module dev.batchudp.network.loopback {
    requires transitive dev.batchudp.network;

    exports dev.batchudp.network.loopback;

    provides dev.batchudp.network.spi.NetworkProvider
            with dev.batchudp.network.loopback.LoopbackNetworkProvider;
}
