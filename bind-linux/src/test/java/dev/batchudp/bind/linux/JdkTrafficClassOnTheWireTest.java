package dev.batchudp.bind.linux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.batchudp.network.ControlMessage;
import dev.batchudp.network.Ecn;
import dev.batchudp.network.Message;
import dev.batchudp.network.UdpConnection;
import dev.batchudp.network.UdpFamily;
import dev.batchudp.network.UdpSocketOptions;
import dev.batchudp.network.system.SystemNetwork;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The JDK backend's per-datagram traffic class as it leaves the socket: it cannot read codepoints
 * back itself, so a Linux-backend receiver with {@link UdpSocketOptions#RECEIVE_TRAFFIC_CLASS} reads
 * what the JDK backend's {@code writeBatch} put on each datagram, also while another thread sends
 * unmarked datagrams on the same connection.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class JdkTrafficClassOnTheWireTest {
    private SystemNetwork jdk;
    private SystemNetwork linux;
    private final ExecutorService threads = Executors.newFixedThreadPool(2);

    @BeforeEach
    void open() {
        LinuxTestSupport.assumeLinuxBatching();
        jdk = SystemNetwork.open("jdk");
        linux = SystemNetwork.open("linux");
    }

    @AfterEach
    void close() {
        threads.shutdownNow();
        if (jdk != null) {
            jdk.close();
            linux.close();
        }
    }

    @ParameterizedTest
    @EnumSource(value = UdpFamily.class, names = {"UDP4", "UDP6"})
    void eachDatagramLeavesWithItsOwnCodepointEvenBesideAConcurrentUnmarkedSender(UdpFamily family) throws Exception {
        if (family == UdpFamily.UDP6) {
            LinuxTestSupport.assumeIpv6();
        }
        InetAddress loopback = family == UdpFamily.UDP6
                ? InetAddress.getByAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1})
                : InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        InetSocketAddress any = new InetSocketAddress(loopback, 0);
        try (UdpConnection sender = jdk.openUdp(family, any); UdpConnection receiver = linux.openUdp(family, any)) {
            receiver.setOption(UdpSocketOptions.RECEIVE_TRAFFIC_CLASS, true);
            receiver.setReadTimeout(Duration.ofSeconds(5));
            UdpFamily destination = UdpFamily.of(loopback);
            Ecn[] codepoints = {Ecn.ECT0, Ecn.ECT1, Ecn.CE, Ecn.NOT_ECT};
            int perThread = 200;
            // Thread 1: marked datagrams, payload byte = codepoint; thread 2: unmarked, payload byte 9.
            CompletableFuture<Void> marked = CompletableFuture.runAsync(() -> {
                ControlMessage cm = new ControlMessage();
                Message[] one = {new Message()};
                for (int i = 0; i < perThread; i++) {
                    Ecn ecn = codepoints[i % codepoints.length];
                    ByteBuffer control = ByteBuffer.allocate(ControlMessage.SEND_SPACE);
                    cm.reset().ecn(ecn).marshal(control, destination);
                    one[0].buffer(ByteBuffer.wrap(new byte[] {(byte) ecn.codepoint()})).control(control.flip())
                            .address(receiver.localAddress());
                    send(sender, one);
                }
            }, threads);
            CompletableFuture<Void> plain = CompletableFuture.runAsync(() -> {
                Message[] one = {new Message()};
                for (int i = 0; i < perThread; i++) {
                    one[0].buffer(ByteBuffer.wrap(new byte[] {9})).address(receiver.localAddress());
                    send(sender, one);
                }
            }, threads);
            Message[] in = new Message[16];
            for (int i = 0; i < in.length; i++) {
                in[i] = new Message(ByteBuffer.allocate(16)).control(ByteBuffer.allocate(ControlMessage.RECEIVE_SPACE));
            }
            ControlMessage parsed = new ControlMessage();
            int[] seen = new int[5];
            for (int got = 0; got < 2 * perThread;) {
                int n = receiver.readBatch(in, 0, in.length, 0);
                for (int i = 0; i < n; i++) {
                    int tag = in[i].buffers()[0].get(0);
                    Ecn ecn = parsed.parse(in[i]).ecn();
                    assertThat(ecn).as("datagram tagged %d", tag).isEqualTo(tag == 9 ? Ecn.NOT_ECT : Ecn.ofTrafficClass(tag));
                    seen[tag == 9 ? 4 : tag]++;
                }
                got += n;
            }
            marked.get();
            plain.get();
            assertThat(seen).containsExactly(50, 50, 50, 50, perThread);
        }
    }

    private static void send(UdpConnection sender, Message[] one) {
        try {
            assertThat(sender.writeBatch(one, 0, 1, 0)).isEqualTo(1);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
