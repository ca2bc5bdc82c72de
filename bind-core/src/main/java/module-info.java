/**
 * WireGuard-style binds on any network.
 */
module dev.batchudp.bind {
    requires transitive dev.batchudp.network;

    exports dev.batchudp.bind;
    exports dev.batchudp.bind.spi;

    uses dev.batchudp.bind.spi.BatchingConnProvider;
}
