package dev.batchudp.bind.linux;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.batchudp.bind.Bind;
import dev.batchudp.bind.Endpoint;
import dev.batchudp.bind.ReceiveFunc;
import dev.batchudp.bind.StdNetBind;
import dev.batchudp.network.system.SystemNetwork;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Interop permutations over 127.0.0.1 and ::1, in both directions: a Linux-path bind with a
 * portable-path (JDK) bind, and a Linux-path bind with a plain JDK DatagramChannel.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(30)
class StdNetBindInteropTest {
    private SystemNetwork linuxNetwork;
    private SystemNetwork jdkNetwork;
    private StdNetBind linux;
    private StdNetBind jdk;
    private Bind.Opened linuxOpened;
    private Bind.Opened jdkOpened;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "interop-receiver");
        t.setDaemon(true);
        return t;
    });

    @BeforeEach
    void open() throws IOException {
        LinuxTestSupport.assumeLinuxBatching();
        LinuxTestSupport.assumeIpv6();
        linuxNetwork = SystemNetwork.open("linux");
        jdkNetwork = SystemNetwork.open("jdk");
        linux = StdNetBind.create(linuxNetwork);
        jdk = StdNetBind.create(jdkNetwork);
        linuxOpened = linux.open(0);
        jdkOpened = jdk.open(0);
        assertThat(linux.batchSize()).isEqualTo(Bind.IDEAL_BATCH_SIZE);
        assertThat(jdk.batchSize()).isEqualTo(1);
    }

    @AfterEach
    void close() throws IOException {
        executor.shutdownNow();
        if (linux != null) {
            linux.close();
            jdk.close();
            linuxNetwork.close();
            jdkNetwork.close();
        }
    }

    private static String host(boolean ipv6) {
        return ipv6 ? "[::1]" : "127.0.0.1";
    }

    private static ReceiveFunc func(Bind.Opened opened, boolean ipv6) {
        return opened.receiveFuncs().stream()
                .filter(f -> f.name().equals(ipv6 ? "v6" : "v4") || f.name().equals("v4v6"))
                .findFirst().orElseThrow();
    }

    private record Got(String text, Endpoint from) {}

    private Future<Got> receiveOne(Bind bind, ReceiveFunc f) {
        return executor.submit(() -> {
            int batch = bind.batchSize();
            ByteBuffer[] packets = new ByteBuffer[batch];
            for (int i = 0; i < batch; i++) {
                packets[i] = ByteBuffer.allocateDirect(2048);
            }
            int[] sizes = new int[batch];
            Endpoint[] eps = new Endpoint[batch];
            int n = f.receive(packets, sizes, eps);
            assertThat(n).isPositive();
            byte[] bytes = new byte[sizes[0]];
            packets[0].duplicate().get(bytes);
            return new Got(new String(bytes, UTF_8), eps[0]);
        });
    }

    private static ByteBuffer[] text(String s) {
        return new ByteBuffer[] {ByteBuffer.wrap(s.getBytes(UTF_8))};
    }

    @ParameterizedTest(name = "ipv6={0}")
    @ValueSource(booleans = {false, true})
    void portableToLinuxAndBack(boolean ipv6) throws Exception {
        Future<Got> atLinux = receiveOne(linux, func(linuxOpened, ipv6));
        jdk.send(text("from jdk"), jdk.parseEndpoint(host(ipv6) + ":" + linuxOpened.port()));
        Got got = atLinux.get(10, TimeUnit.SECONDS);
        assertThat(got.text()).isEqualTo("from jdk");
        assertThat(got.from().dstToString()).isEqualTo(host(ipv6) + ":" + jdkOpened.port());

        Future<Got> atJdk = receiveOne(jdk, func(jdkOpened, ipv6));
        linux.send(text("reply from linux"), got.from());
        Got reply = atJdk.get(10, TimeUnit.SECONDS);
        assertThat(reply.text()).isEqualTo("reply from linux");
        assertThat(reply.from().dstToString()).isEqualTo(host(ipv6) + ":" + linuxOpened.port());
    }

    @ParameterizedTest(name = "ipv6={0}")
    @ValueSource(booleans = {false, true})
    void linuxToPortableAndBack(boolean ipv6) throws Exception {
        Future<Got> atJdk = receiveOne(jdk, func(jdkOpened, ipv6));
        linux.send(text("from linux"), linux.parseEndpoint(host(ipv6) + ":" + jdkOpened.port()));
        Got got = atJdk.get(10, TimeUnit.SECONDS);
        assertThat(got.text()).isEqualTo("from linux");
        assertThat(got.from().dstToString()).isEqualTo(host(ipv6) + ":" + linuxOpened.port());

        Future<Got> atLinux = receiveOne(linux, func(linuxOpened, ipv6));
        jdk.send(text("reply from jdk"), got.from());
        assertThat(atLinux.get(10, TimeUnit.SECONDS).text()).isEqualTo("reply from jdk");
    }

    @ParameterizedTest(name = "ipv6={0}")
    @ValueSource(booleans = {false, true})
    void linuxWithAPlainDatagramChannelBothWays(boolean ipv6) throws Exception {
        InetAddress loopback = InetAddress.getByName(ipv6 ? "::1" : "127.0.0.1");
        try (DatagramChannel peer = DatagramChannel.open(
                ipv6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET)) {
            peer.bind(new InetSocketAddress(loopback, 0));
            int peerPort = ((InetSocketAddress) peer.getLocalAddress()).getPort();

            Future<Got> atLinux = receiveOne(linux, func(linuxOpened, ipv6));
            peer.send(ByteBuffer.wrap("from channel".getBytes(UTF_8)),
                    new InetSocketAddress(loopback, linuxOpened.port()));
            Got got = atLinux.get(10, TimeUnit.SECONDS);
            assertThat(got.text()).isEqualTo("from channel");
            assertThat(got.from().dstToString()).isEqualTo(host(ipv6) + ":" + peerPort);

            linux.send(text("to channel"), got.from());
            peer.socket().setSoTimeout(10_000);
            DatagramPacket packet = new DatagramPacket(new byte[2048], 2048);
            peer.socket().receive(packet);
            assertThat(new String(packet.getData(), 0, packet.getLength(), UTF_8)).isEqualTo("to channel");
            assertThat(packet.getPort()).isEqualTo(linuxOpened.port());
        }
    }
}
