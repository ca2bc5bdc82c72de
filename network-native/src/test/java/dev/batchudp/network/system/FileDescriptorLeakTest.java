package dev.batchudp.network.system;

import static dev.batchudp.network.testing.Datagrams.loopback4;
import static dev.batchudp.network.testing.Datagrams.loopback6;
import static org.assertj.core.api.Assertions.assertThat;

import dev.batchudp.network.UdpConnection;
import dev.batchudp.network.UdpFamily;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Opening and closing connections returns every file descriptor. Counts {@code /proc/self/fd}, so
 * Linux only.
 *
 * <p>The tolerance of 2 covers descriptors the JVM opens lazily and on its own while the loop runs
 * (a jar opened by the class loader, {@code /dev/urandom}, a JIT or GC log, the attach listener);
 * a leak of one socket per cycle would show up as 1,000 or 2,000 more.
 */
@EnabledOnOs(OS.LINUX)
class FileDescriptorLeakTest {
    private static final int CYCLES = 1_000;
    private static final int TOLERANCE = 2;

    @Test
    @Timeout(30)
    void openCloseCyclesReturnEveryDescriptor() throws IOException {
        try (SystemNetwork network = SystemNetwork.open("jdk")) {
            cycles(network, 50); // warm up: load classes, allocate scratch paths
            long before = openDescriptors();
            cycles(network, CYCLES);
            long after = openDescriptors();
            assertThat(after - before).as("descriptors leaked over %d cycles (before %d, after %d)",
                    CYCLES, before, after).isLessThanOrEqualTo(TOLERANCE);
            assertThat(network.openConnections()).isEmpty();
        }
    }

    @Test
    @Timeout(30)
    void closingTheNetworkReturnsEveryDescriptor() throws IOException {
        SystemNetwork warmup = SystemNetwork.open("jdk");
        cycles(warmup, 10);
        warmup.close();
        long before = openDescriptors();
        SystemNetwork network = SystemNetwork.open("jdk");
        for (int i = 0; i < 200; i++) {
            network.openUdp(UdpFamily.UDP4, loopback4(0));
            network.openUdp(UdpFamily.UDP6, loopback6(0));
        }
        assertThat(openDescriptors() - before).isGreaterThanOrEqualTo(400);
        network.close();
        assertThat(openDescriptors() - before).isLessThanOrEqualTo(TOLERANCE);
    }

    private static void cycles(SystemNetwork network, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            UdpConnection v4 = network.openUdp(UdpFamily.UDP4, loopback4(0));
            UdpConnection v6 = network.openUdp(UdpFamily.UDP6, loopback6(0));
            if (i % 10 == 0) {
                // exercise the send and both receive paths too
                v4.send(ByteBuffer.allocate(8), v4.localAddress());
                v4.receive(ByteBuffer.allocate(16));
                v6.setReadTimeout(Duration.ofSeconds(5));
                v6.send(ByteBuffer.allocate(8), v6.localAddress());
                v6.receive(ByteBuffer.allocate(16));
            }
            v4.close();
            v6.close();
        }
    }

    private static long openDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
