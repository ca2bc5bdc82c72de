/** The README's module-path set-up: the portable modules, plus bind-linux for its status API. */
module dev.batchudp.consumer {
    requires dev.batchudp.bind;
    requires dev.batchudp.network.system;
    requires dev.batchudp.bind.linux;

    exports dev.batchudp.consumer;
}
