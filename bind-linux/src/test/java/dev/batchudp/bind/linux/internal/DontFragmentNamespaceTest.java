package dev.batchudp.bind.linux.internal;

import static dev.batchudp.bind.linux.LinuxTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.batchudp.network.DatagramTooLargeException;
import dev.batchudp.network.Message;
import dev.batchudp.network.UdpFamily;
import dev.batchudp.network.UdpSocketOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link UdpSocketOptions#IP_DONTFRAG} against a real MTU: two network namespaces of this test's own
 * joined by a veth pair with MTU 1280 (addresses 10.254.13.1/2 and fd00:13::1/2, only inside them).
 * Sockets are created in them by a thread that enters the namespace with {@code setns(2)}. With the
 * option on, a datagram whose IP packet exceeds 1280 bytes is refused with
 * {@link DatagramTooLargeException} (a single send, the first message of a batch, and a later message
 * of a batch, which ends the batch there); with it off, the same datagram is fragmented and arrives
 * whole. Needs root and {@code ip(8)}; skipped otherwise.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(60)
class DontFragmentNamespaceTest {
    private static final int MTU = 1280;
    private static final String NS_A = "batchudp13a-" + ProcessHandle.current().pid();
    private static final String NS_B = "batchudp13b-" + ProcessHandle.current().pid();
    private static final Syscalls SYS = Syscalls.system();
    private static String ip;

    @BeforeAll
    static void createNamespaces() throws Exception {
        assumeLinuxBatching();
        assumeTrue(isRoot(), "network namespaces need root");
        ip = findIp();
        assumeTrue(ip != null, "ip(8) is not installed");
        boolean done = false;
        try {
            run(ip, "netns", "add", NS_A);
            run(ip, "netns", "add", NS_B);
            run(ip, "-n", NS_A, "link", "add", "va", "type", "veth", "peer", "name", "vb", "netns", NS_B);
            for (String[] side : new String[][] {{NS_A, "va", "1"}, {NS_B, "vb", "2"}}) {
                run(ip, "-n", side[0], "link", "set", side[1], "mtu", Integer.toString(MTU));
                run(ip, "-n", side[0], "addr", "add", "10.254.13." + side[2] + "/24", "dev", side[1]);
                run(ip, "-n", side[0], "addr", "add", "fd00:13::" + side[2] + "/64", "dev", side[1], "nodad");
                run(ip, "-n", side[0], "link", "set", "lo", "up");
                run(ip, "-n", side[0], "link", "set", side[1], "up");
            }
            done = true;
        } finally {
            if (!done) {
                deleteNamespaces();
            }
        }
    }

    @AfterAll
    static void deleteNamespaces() {
        if (ip == null) {
            return;
        }
        for (String ns : new String[] {NS_A, NS_B}) {
            try {
                if (Files.exists(Path.of("/var/run/netns", ns))) {
                    run(ip, "netns", "del", ns);
                }
            } catch (IOException | InterruptedException e) {
                throw new AssertionError("could not delete namespace " + ns, e);
            }
        }
    }

    private static boolean isRoot() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("Uid:")) {
                return line.split("\\s+")[1].equals("0");
            }
        }
        return false;
    }

    private static String findIp() {
        for (String dir : new String[] {"/usr/sbin", "/sbin", "/usr/bin", "/bin"}) {
            Path p = Path.of(dir, "ip");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + String.join(" ", command));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " exited with " + p.exitValue() + ": " + out);
        }
    }

    /** Runs {@code action} on a new thread that has entered the namespace (setns(2) is per thread). */
    private static <T> T inNamespace(String ns, Callable<T> action) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                int self = SYS.openReadOnly("/proc/thread-self/ns/net");
                int target = SYS.openReadOnly("/var/run/netns/" + ns);
                try {
                    SYS.setns(target, LinuxConstants.CLONE_NEWNET);
                    try {
                        result.complete(action.call());
                    } finally {
                        SYS.setns(self, LinuxConstants.CLONE_NEWNET);
                    }
                } finally {
                    SYS.close(self);
                    SYS.close(target);
                }
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "setns " + ns);
        t.start();
        try {
            return result.get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
        }
    }

    private static InetSocketAddress address(UdpFamily family, int host, int port) throws IOException {
        byte[] a = family == UdpFamily.UDP4 ? new byte[] {10, (byte) 254, 13, (byte) host}
                : new byte[] {(byte) 0xfd, 0, 0, 0x13, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) host};
        return new InetSocketAddress(InetAddress.getByAddress(a), port);
    }

    private static Message message(int length, int tag, InetSocketAddress to) {
        ByteBuffer b = ByteBuffer.allocate(length);
        b.put(0, (byte) tag);
        return new Message(b).address(to);
    }

    @ParameterizedTest
    @EnumSource(value = UdpFamily.class, names = {"UDP4", "UDP6"})
    void datagramsLargerThanTheMtuAreRefusedWithTheOptionAndFragmentedWithout(UdpFamily family) throws Exception {
        InetSocketAddress local = address(family, 1, 0);
        InetSocketAddress remote = address(family, 2, 0);
        List<LinuxUdpSocket> sockets = new ArrayList<>();
        try {
            LinuxUdpSocket tx = inNamespace(NS_A, () -> open(family, local));
            sockets.add(tx);
            LinuxUdpSocket rx = inNamespace(NS_B, () -> open(family, remote));
            sockets.add(rx);
            rx.setReadTimeout(Duration.ofSeconds(10));
            InetSocketAddress to = rx.localAddress();
            int headers = family == UdpFamily.UDP4 ? 20 + 8 : 40 + 8;
            int fits = MTU - headers;
            int big = MTU - headers + 1;

            tx.setOption(UdpSocketOptions.IP_DONTFRAG, true);
            assertThat(tx.getOption(UdpSocketOptions.IP_DONTFRAG)).isTrue();
            Message[] out = {message(fits, 1, to), message(big, 2, to), message(fits, 3, to)};
            assertThat(tx.writeBatch(out, 0, 3, 0)).as("the batch ends before the datagram that does not fit")
                    .isEqualTo(1);
            assertThatThrownBy(() -> tx.writeBatch(out, 1, 2, 0)).isInstanceOfSatisfying(
                    DatagramTooLargeException.class, e -> assertThat(e.size()).isEqualTo(big));
            assertThatThrownBy(() -> tx.send(ByteBuffer.allocate(big), to)).isInstanceOf(DatagramTooLargeException.class);
            assertThat(tx.writeBatch(out, 2, 1, 0)).isEqualTo(1);

            tx.setOption(UdpSocketOptions.IP_DONTFRAG, false);
            assertThat(tx.getOption(UdpSocketOptions.IP_DONTFRAG)).isFalse();
            Message[] fragmented = {message(big + 1000, 4, to)};
            assertThat(tx.writeBatch(fragmented, 0, 1, 0)).isEqualTo(1);

            Message[] in = {new Message(ByteBuffer.allocate(4000)), new Message(ByteBuffer.allocate(4000)),
                new Message(ByteBuffer.allocate(4000))};
            List<Integer> lengths = new ArrayList<>();
            List<Integer> tags = new ArrayList<>();
            while (lengths.size() < 3) {
                int n = rx.readBatch(in, 0, 3 - lengths.size(), 0);
                for (int k = 0; k < n; k++) {
                    lengths.add(in[k].length());
                    tags.add((int) in[k].buffers()[0].get(0));
                }
            }
            assertThat(tags).containsExactly(1, 3, 4);
            assertThat(lengths).containsExactly(fits, fits, big + 1000);
            assertThat(tx.statistics().datagramsSent()).isEqualTo(3);
        } finally {
            for (LinuxUdpSocket s : sockets) {
                s.close();
            }
        }
    }
}
