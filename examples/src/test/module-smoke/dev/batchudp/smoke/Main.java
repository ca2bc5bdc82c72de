package dev.batchudp.smoke;

import dev.batchudp.bind.Bind;
import dev.batchudp.bind.Endpoint;
import dev.batchudp.bind.StdNetBind;
import dev.batchudp.network.Network;
import dev.batchudp.network.Networks;
import dev.batchudp.network.UdpFamily;
import dev.batchudp.network.system.SystemNetwork;
import java.nio.ByteBuffer;

/** Prints what the module system resolved and does one round trip on 127.0.0.1. */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        System.out.println("consumer module=" + Main.class.getModule().getName());
        System.out.println("bind-linux resolved=" + ModuleLayer.boot().findModule("dev.batchudp.bind.linux").isPresent());
        try (Network network = Networks.open();
                StdNetBind server = StdNetBind.create(network);
                StdNetBind client = StdNetBind.create(network)) {
            System.out.println("backend=" + ((SystemNetwork) network).backendName());
            Bind.Opened opened = server.open(0);
            client.open(0);
            System.out.println("batching=" + server.isBatching(UdpFamily.UDP4) + " batchSize=" + server.batchSize());
            client.send(new ByteBuffer[] {ByteBuffer.wrap(new byte[] {42})},
                    client.parseEndpoint("127.0.0.1:" + opened.port()));
            int batch = server.batchSize();
            ByteBuffer[] packets = new ByteBuffer[batch];
            for (int i = 0; i < batch; i++) {
                packets[i] = ByteBuffer.allocate(64);
            }
            int[] sizes = new int[batch];
            Endpoint[] endpoints = new Endpoint[batch];
            int n = opened.receiveFuncs().get(0).receive(packets, sizes, endpoints);
            System.out.println("round trip n=" + n + " size=" + sizes[0] + " byte=" + packets[0].get(0));
        }
    }
}
