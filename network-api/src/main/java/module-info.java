/**
 * The network abstraction and its provider SPI.
 */
module dev.batchudp.network {
    requires com.google.common;

    exports dev.batchudp.network;
    exports dev.batchudp.network.spi;

    uses dev.batchudp.network.spi.NetworkProvider;
}
