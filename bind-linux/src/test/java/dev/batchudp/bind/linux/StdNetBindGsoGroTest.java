package dev.batchudp.bind.linux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.batchudp.bind.Bind;
import dev.batchudp.bind.Endpoint;
import dev.batchudp.bind.ReceiveFunc;
import dev.batchudp.bind.StdNetBind;
import dev.batchudp.network.UdpFamily;
import dev.batchudp.network.system.SystemNetwork;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * StdNetBind on the Linux path end to end: 128 datagrams of 1,200 bytes sent in one {@code send}
 * arrive byte-exact as 128 datagrams with the sender's endpoint, with GSO and GRO on (and the kernel
 * visibly coalescing) and with each turned off through its property.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(30)
class StdNetBindGsoGroTest {
    private static final int N = Bind.IDEAL_BATCH_SIZE;
    private static final int SIZE = 1200;

    private static byte[] payload(int i) {
        byte[] b = new byte[SIZE];
        for (int j = 0; j < SIZE; j++) {
            b[j] = (byte) (i * 13 + j);
        }
        b[0] = (byte) i;
        return b;
    }

    @ParameterizedTest(name = "ipv6={0} gso={1} gro={2} borrowed={3}")
    @CsvSource({"false,true,true,false", "false,false,true,false", "false,true,false,false", "false,false,false,false",
            "true,true,true,false", "false,true,true,true", "true,true,true,true", "false,false,false,true"})
    void oneSendOf128DatagramsArrivesAs128(boolean ipv6, boolean gso, boolean gro, boolean borrowed)
            throws IOException {
        LinuxTestSupport.assumeLinuxBatching();
        if (ipv6) {
            LinuxTestSupport.assumeIpv6();
        }
        if (gso) {
            org.junit.jupiter.api.Assumptions.assumeTrue(LinuxBatching.supportsGso() || Boolean.getBoolean(
                    LinuxTestSupport.REQUIRE_PROPERTY), "no UDP GSO");
        }
        if (gro) {
            org.junit.jupiter.api.Assumptions.assumeTrue(LinuxBatching.supportsGro() || Boolean.getBoolean(
                    LinuxTestSupport.REQUIRE_PROPERTY), "no UDP GRO");
        }
        UdpFamily family = ipv6 ? UdpFamily.UDP6 : UdpFamily.UDP4;
        String host = ipv6 ? "[::1]" : "127.0.0.1";
        System.setProperty(LinuxBatching.GSO_DISABLED_PROPERTY, Boolean.toString(!gso));
        System.setProperty(LinuxBatching.GRO_DISABLED_PROPERTY, Boolean.toString(!gro));
        SystemNetwork network;
        StdNetBind rx;
        StdNetBind tx;
        Bind.Opened rxOpened;
        Bind.Opened txOpened;
        try {
            network = SystemNetwork.open("linux");
            rx = StdNetBind.create(network);
            tx = StdNetBind.create(network);
            rxOpened = rx.open(0);
            txOpened = tx.open(0);
        } finally {
            System.clearProperty(LinuxBatching.GSO_DISABLED_PROPERTY);
            System.clearProperty(LinuxBatching.GRO_DISABLED_PROPERTY);
        }
        try {
            OffloadStatus txStatus = tx.connection(family).orElseThrow().capability(OffloadStatus.class).orElseThrow();
            OffloadStatus rxStatus = rx.connection(family).orElseThrow().capability(OffloadStatus.class).orElseThrow();
            assertThat(txStatus.txOffload()).isEqualTo(gso);
            assertThat(rxStatus.rxOffload()).isEqualTo(gro);
            ReceiveFunc f = rxOpened.receiveFuncs().stream().filter(r -> r.name().equals(ipv6 ? "v6" : "v4"))
                    .findFirst().orElseThrow();
            ByteBuffer[] bufs = new ByteBuffer[N];
            for (int i = 0; i < N; i++) {
                bufs[i] = ByteBuffer.allocateDirect(SIZE).put(payload(i)).flip();
            }
            Endpoint to = tx.parseEndpoint(host + ":" + rxOpened.port());
            tx.send(bufs, 0, N, to);

            ByteBuffer[] packets = new ByteBuffer[N];
            for (int i = 0; i < N; i++) {
                packets[i] = ByteBuffer.allocateDirect(2048);
            }
            int[] sizes = new int[N];
            Endpoint[] eps = new Endpoint[N];
            int got = 0;
            while (got < N) {
                int n = borrowed ? f.receiveBorrowed(packets, sizes, eps) : f.receive(packets, sizes, eps);
                for (int i = 0; i < n; i++) {
                    assertThat(sizes[i]).isEqualTo(SIZE);
                    if (borrowed) {
                        assertThat(packets[i].remaining()).isEqualTo(SIZE);
                        // Lent where the kernel put it (the connection's read region, with GRO or
                        // without), not received into a buffer of the function's own.
                        assertThat(packets[i].capacity()).isNotEqualTo(UdpFamily.MAX_IPV6_PAYLOAD);
                    }
                    byte[] a = new byte[SIZE];
                    packets[i].get(packets[i].position(), a);
                    assertThat(a).as("datagram %d", got).isEqualTo(payload(got));
                    assertThat(eps[i].dstToString()).isEqualTo(host + ":" + txOpened.port());
                    got++;
                }
            }
            assertThat(got).isEqualTo(N);
            assertThat(txStatus.sendCalls()).isEqualTo(1);
            assertThat(txStatus.sentKernelMessages()).isEqualTo(gso ? 3 : N);
            assertThat(rxStatus.receivedKernelMessages()).isEqualTo(gso && gro ? 3 : N);
            if (gso && gro) {
                // The kernel coalesced: 2 recvmmsg calls (2 windows each) for 128 datagrams.
                assertThat(rxStatus.receiveCalls()).isLessThan(N);
            }
        } finally {
            rx.close();
            tx.close();
            network.close();
        }
    }
}
