package dev.batchudp.bind.linux;

import static dev.batchudp.bind.linux.internal.LinuxConstants.AF_INET;
import static dev.batchudp.bind.linux.internal.LinuxConstants.SOCK_CLOEXEC;
import static dev.batchudp.bind.linux.internal.LinuxConstants.SOCK_DGRAM;
import static dev.batchudp.bind.linux.internal.LinuxConstants.SOL_SOCKET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.batchudp.bind.StdNetBind;
import dev.batchudp.bind.linux.internal.LinuxConstants;
import dev.batchudp.bind.linux.internal.Syscalls;
import dev.batchudp.network.UdpConnection;
import dev.batchudp.network.UdpFamily;
import dev.batchudp.network.system.SystemNetwork;
import java.io.IOException;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A Linux bind's sockets keep the 7 MiB buffers forced with {@code SO_RCVBUFFORCE} and
 * {@code SO_SNDBUFFORCE} (as wireguard-go), above {@code net.core.rmem_max}/{@code wmem_max}, when
 * the process may force them ({@code CAP_NET_ADMIN}; the test skips otherwise). Read back, the
 * kernel reports twice the value set (socket(7): it doubles the value to allow for bookkeeping
 * overhead), so a forced 7 MiB reads 14 MiB.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(30)
class StdNetBindSocketBufferTest {

    @BeforeEach
    void gate() {
        LinuxTestSupport.assumeLinuxBatching();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"SO_RCVBUF", "SO_SNDBUF"})
    void socketBuffersAreTheForcedSize(String name) throws IOException {
        boolean receive = name.equals("SO_RCVBUF");
        SocketOption<Integer> option = receive ? StandardSocketOptions.SO_RCVBUF : StandardSocketOptions.SO_SNDBUF;
        int forced = forcedReadBack(receive ? LinuxConstants.SO_RCVBUFFORCE : LinuxConstants.SO_SNDBUFFORCE,
                receive ? LinuxConstants.SO_RCVBUF : LinuxConstants.SO_SNDBUF);
        assertThat(forced).as("a probe socket's %s after forcing %d bytes (socket(7) doubles it)", name,
                StdNetBind.SOCKET_BUFFER_SIZE).isEqualTo(2 * StdNetBind.SOCKET_BUFFER_SIZE);
        String limit = sysctl(receive ? "rmem_max" : "wmem_max");
        try (SystemNetwork network = SystemNetwork.open("linux")) {
            StdNetBind bind = StdNetBind.create(network);
            bind.open(0);
            try {
                SoftAssertions softly = new SoftAssertions();
                for (UdpFamily family : List.of(UdpFamily.UDP4, UdpFamily.UDP6)) {
                    Optional<UdpConnection> conn = bind.connection(family);
                    if (conn.isPresent()) {
                        softly.assertThat(conn.get().getOption(option))
                                .as("%s of the bind's %s socket (net.core.%s)", name, family, limit)
                                .isEqualTo(forced);
                    }
                }
                softly.assertAll();
            } finally {
                bind.close();
            }
        }
    }

    /**
     * Forces {@link StdNetBind#SOCKET_BUFFER_SIZE} on a probe socket and reads the buffer back, or
     * skips the test when the process may not force it.
     */
    private static int forcedReadBack(int forceOption, int readOption) throws IOException {
        Syscalls sys = Syscalls.system();
        int fd = sys.socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        try {
            int errno = sys.trySetsockoptInt(fd, SOL_SOCKET, forceOption, StdNetBind.SOCKET_BUFFER_SIZE);
            assumeTrue(errno == 0, () -> "cannot force socket buffer sizes here (CAP_NET_ADMIN needed): errno "
                    + errno);
            return sys.getsockoptInt(fd, SOL_SOCKET, readOption);
        } finally {
            sys.close(fd);
        }
    }

    private static String sysctl(String name) {
        try {
            // Not Files.readString: for a file of size 0 it reads one byte first, and a sysctl file
            // answers only a read at offset 0 (kernel/sysctl.c), so it would return "4".
            return name + " = " + String.join("", Files.readAllLines(Path.of("/proc/sys/net/core", name))).trim();
        } catch (IOException e) {
            return name + " unreadable";
        }
    }
}
