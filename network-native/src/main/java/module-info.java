/**
 * The host's network stack: the {@code system} network provider and its socket-backend SPI.
 */
module dev.batchudp.network.system {
    requires transitive dev.batchudp.network;

    exports dev.batchudp.network.system;
    exports dev.batchudp.network.system.spi;

    uses dev.batchudp.network.system.spi.UdpSocketBackend;

    provides dev.batchudp.network.spi.NetworkProvider
            with dev.batchudp.network.system.SystemNetworkProvider;
}
