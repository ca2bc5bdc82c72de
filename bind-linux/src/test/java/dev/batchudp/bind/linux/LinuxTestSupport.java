package dev.batchudp.bind.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.batchudp.bind.linux.internal.LinuxUdpSocket;
import dev.batchudp.bind.linux.internal.Syscalls;
import dev.batchudp.network.AddressFamilyNotSupportedException;
import dev.batchudp.network.Network;
import dev.batchudp.network.UdpFamily;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.mockito.Mockito;

/**
 * Gating and helpers for tests of real sockets: assumptions that turn into failures when
 * {@code -Ddev.batchudp.test.requireLinuxFeatures=true} (the CI job that must not skip).
 */
public final class LinuxTestSupport {
    /** Turns the assumptions below into failures. */
    public static final String REQUIRE_PROPERTY = "dev.batchudp.test.requireLinuxFeatures";

    /** A stand-in network for sockets opened directly. */
    public static final Network NETWORK = Mockito.mock(Network.class);

    private LinuxTestSupport() {}

    /** Skips (or, when required, fails) the test unless bind-linux works here. */
    public static void assumeLinuxBatching() {
        if (Boolean.getBoolean(REQUIRE_PROPERTY)) {
            assertThat(LinuxBatching.unavailabilityCause()).as("bind-linux must be available").isEmpty();
        } else {
            assumeTrue(LinuxBatching.isAvailable(),
                    () -> "bind-linux unavailable: " + LinuxBatching.unavailabilityCause().orElse(null));
        }
    }

    /** Skips (or, when required, fails) the test unless the kernel offers UDP GSO and GRO. */
    public static void assumeGsoAndGro() {
        assumeLinuxBatching();
        boolean ok = LinuxBatching.supportsGso() && LinuxBatching.supportsGro();
        if (Boolean.getBoolean(REQUIRE_PROPERTY)) {
            assertThat(ok).as("UDP GSO and GRO must be available").isTrue();
        } else {
            assumeTrue(ok, "kernel without UDP GSO or GRO");
        }
    }

    /** Skips (or fails) unless an IPv6 socket can be bound to ::1. */
    public static void assumeIpv6() {
        assumeLinuxBatching();
        boolean ok;
        try (LinuxUdpSocket s = open(UdpFamily.UDP6, ipv6Loopback(0))) {
            ok = s.isOpen();
        } catch (AddressFamilyNotSupportedException | BindException e) {
            ok = false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (Boolean.getBoolean(REQUIRE_PROPERTY)) {
            assertThat(ok).as("::1 must be usable").isTrue();
        } else {
            assumeTrue(ok, "no IPv6 loopback here");
        }
    }

    public static InetSocketAddress ipv4Loopback(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    public static InetSocketAddress ipv6Loopback(int port) {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}), port);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    public static InetSocketAddress loopback(UdpFamily family, int port) {
        return family == UdpFamily.UDP6 ? ipv6Loopback(port) : ipv4Loopback(port);
    }

    public static LinuxUdpSocket open(UdpFamily family, InetSocketAddress local) throws IOException {
        return LinuxUdpSocket.open(Syscalls.system(), NETWORK, family, local, null, null);
    }

    public static LinuxUdpSocket open(UdpFamily family) throws IOException {
        return open(family, loopback(family, 0));
    }

    /** Counts this process's open file descriptors. */
    public static long openFds() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
