package dev.batchudp.examples;

import dev.batchudp.bind.Bind;
import dev.batchudp.bind.StdNetBind;
import dev.batchudp.network.Network;
import dev.batchudp.network.Networks;
import dev.batchudp.network.spi.NetworkProvider;
import java.nio.ByteBuffer;

/**
 * Run in a child JVM by {@link ModulePathSmokeTest} with the library on the module path: prints which
 * module each provider came from and does one StdNetBind round trip on the loopback network.
 */
public final class ModulePathMain {
    private ModulePathMain() {}

    public static void main(String[] args) throws Exception {
        for (NetworkProvider p : Networks.providers()) {
            System.out.println("provider " + p.name() + " module=" + p.getClass().getModule().getName());
        }
        System.out.println("api module=" + Network.class.getModule().getName());
        try (Network network = Networks.open("loopback")) {
            StdNetBind a = StdNetBind.create(network);
            StdNetBind b = StdNetBind.create(network);
            Bind.Opened oa = a.open(0);
            b.open(0);
            b.send(new ByteBuffer[] {ByteBuffer.wrap(new byte[] {42})}, b.parseEndpoint("127.0.0.1:" + oa.port()));
            ByteBuffer[] packets = {ByteBuffer.allocate(16)};
            int[] sizes = new int[1];
            dev.batchudp.bind.Endpoint[] eps = new dev.batchudp.bind.Endpoint[1];
            int n = oa.receiveFuncs().get(0).receive(packets, sizes, eps);
            System.out.println("round trip n=" + n + " size=" + sizes[0] + " byte=" + packets[0].get(0));
            a.close();
            b.close();
        }
    }
}
