package dev.batchudp.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.batchudp.bind.Bind;
import dev.batchudp.bind.Endpoint;
import dev.batchudp.bind.ReceiveFunc;
import dev.batchudp.bind.StdNetBind;
import dev.batchudp.bind.StdNetEndpoint;
import dev.batchudp.network.Network;
import dev.batchudp.network.Networks;
import dev.batchudp.network.UdpConnection;
import dev.batchudp.network.UdpFamily;
import dev.batchudp.network.loopback.LoopbackNetwork;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The README's Java snippets, as code that compiles and runs. {@link ReadmeTest} checks that every
 * {@code java} block of the README appears here (or in network-loopback-junit5's ReadmeExampleTest)
 * line for line.
 */
class ReadmeSnippetsTest {
    /** Quick start: production. An echo server on the host's network, and one client round trip. */
    @Test
    @Timeout(30)
    void productionQuickStart() throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, UTF_8));
        try {
            quickStart();
        } finally {
            System.setOut(original);
        }
        List<String> printed = captured.toString(UTF_8).lines().collect(Collectors.toList());
        assertThat(printed).hasSize(2);
        String port = printed.get(0).split("[:,]")[1];
        assertThat(printed.get(1)).isEqualTo("1 reply: ping from 127.0.0.1:" + port);
        if (LinuxFastPath.expected()) {
            assertThat(printed.get(0)).endsWith("batch size 128, batching true");
        }
    }

    private static void quickStart() throws Exception {
        try (Network network = Networks.open();                       // the host's network; never loopback
             StdNetBind server = StdNetBind.create(network);
             StdNetBind client = StdNetBind.create(network)) {
            Bind.Opened opened = server.open(0);                      // IPv4 and IPv6 on one free port
            for (ReceiveFunc f : opened.receiveFuncs()) {             // "v4" and "v6" (or one "v4v6")
                new Thread(() -> echo(server, f), "echo-" + f.name()).start();   // one thread each
            }
            System.out.println("echo server on 127.0.0.1:" + opened.port() + ", batch size " + server.batchSize()
                    + ", batching " + server.isBatching(UdpFamily.UDP4));

            Bind.Opened mine = client.open(0);
            client.send(new ByteBuffer[] {ByteBuffer.wrap("ping".getBytes(UTF_8))},
                    client.parseEndpoint("127.0.0.1:" + opened.port()));
            ByteBuffer[] packets = buffers(client.batchSize());
            int[] sizes = new int[client.batchSize()];
            Endpoint[] eps = new Endpoint[client.batchSize()];
            int n = mine.receiveFuncs().get(0).receive(packets, sizes, eps);   // blocks for the echo
            System.out.println(n + " reply: " + UTF_8.decode(packets[0].limit(sizes[0])) + " from " + eps[0].dstToString());
        }   // closing the binds wakes the echo threads with ClosedChannelException: they end
    }

    // A receive loop: one thread per ReceiveFunc, buffers allocated once and reused.
    static void echo(StdNetBind bind, ReceiveFunc f) {
        ByteBuffer[] packets = buffers(bind.batchSize());
        int[] sizes = new int[bind.batchSize()];
        Endpoint[] eps = new Endpoint[bind.batchSize()];
        try {
            while (true) {
                int n = f.receive(packets, sizes, eps);                // 1 to batchSize() datagrams
                for (int i = 0; i < n; i++) {
                    if (eps[i] == null || ReceiveFunc.isTruncated(packets[i], sizes[i])) {
                        continue;                                      // empty slot, or too long for 2 KiB
                    }
                    bind.send(new ByteBuffer[] {packets[i].duplicate().limit(sizes[i])}, eps[i]);
                }
            }
        } catch (ClosedChannelException closed) {
            return;                                                    // the bind was closed
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static ByteBuffer[] buffers(int count) {
        ByteBuffer[] packets = new ByteBuffer[count];
        for (int i = 0; i < count; i++) {
            packets[i] = ByteBuffer.allocateDirect(2048);
        }
        return packets;
    }

    /** Fastest receive: borrow instead of copy. */
    @Test
    @Timeout(30)
    void borrowedReceive() throws Exception {
        try (LoopbackNetwork network = LoopbackNetwork.create(); StdNetBind bind = StdNetBind.create(network)) {
            Bind.Opened opened = bind.open(0);
            ReceiveFunc f = opened.receiveFuncs().get(0);
            ByteBuffer[] packets = new ByteBuffer[bind.batchSize()];
            int[] sizes = new int[bind.batchSize()];
            Endpoint[] eps = new Endpoint[bind.batchSize()];
            bind.send(new ByteBuffer[] {ByteBuffer.wrap(new byte[] {7})}, bind.parseEndpoint("127.0.0.1:" + opened.port()));
            int n = f.receiveBorrowed(packets, sizes, eps);  // packets[i] are lent; no need to allocate them
            for (int i = 0; i < n; i++) {
                handle(packets[i], eps[i]);                  // position..limit is the datagram; writable in place
            }
            assertThat(n).isEqualTo(1);
        }
    }

    private static void handle(ByteBuffer packet, Endpoint from) {
        assertThat(packet.remaining()).isEqualTo(1);
        assertThat(from.dstToString()).startsWith("127.0.0.1:");
    }

    /** Quick start: a unit test on the loopback network. */
    @Timeout(30)
    @Test
    void echoesOverTheLoopbackNetwork() throws Exception {
        try (LoopbackNetwork network = LoopbackNetwork.create()) {      // isolated, in memory
            StdNetBind server = StdNetBind.create(network);
            int port = server.open(0).port();
            UdpConnection client = network.openUdp(UdpFamily.UDP4, new InetSocketAddress("127.0.0.1", 0));
            client.send(ByteBuffer.wrap("ping".getBytes(UTF_8)), new InetSocketAddress("127.0.0.1", port));
            // ... exercise your server's receive loop, then verify:
            assertThat(network.stats().delivered()).isEqualTo(1);
            server.close();
            client.close();
            network.checkNoOpenConnections();                           // leak check, with stack traces
        }
    }

    /** Multi-homed servers: the sticky source of a received endpoint. */
    @Test
    @Timeout(30)
    void stickySource() throws Exception {
        try (Network network = Networks.open(); StdNetBind bind = StdNetBind.create(network)) {
            Bind.Opened opened = bind.open(0);
            bind.send(new ByteBuffer[] {ByteBuffer.wrap(new byte[] {1})}, bind.parseEndpoint("127.0.0.1:" + opened.port()));
            ByteBuffer[] packets = buffers(bind.batchSize());
            int[] sizes = new int[bind.batchSize()];
            Endpoint[] eps = new Endpoint[bind.batchSize()];
            opened.receiveFuncs().get(0).receive(packets, sizes, eps);
            Endpoint ep = eps[0];
            int ifIndex = ((StdNetEndpoint) ep).srcIfIndex();   // the interface it arrived on (0: unknown)
            System.out.println("to " + ep.srcIp().map(Object::toString).orElse("?") + " on interface " + ifIndex);
            assertThat(ifIndex).isGreaterThanOrEqualTo(0);
        }
    }
}
