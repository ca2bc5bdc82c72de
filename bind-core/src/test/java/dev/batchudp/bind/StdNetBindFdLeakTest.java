package dev.batchudp.bind;

import static org.assertj.core.api.Assertions.assertThat;

import dev.batchudp.network.Network;
import dev.batchudp.network.system.SystemNetwork;
import java.io.File;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** Thousands of open/close cycles on the real network must leave no file descriptor behind. */
@EnabledOnOs(OS.LINUX)
class StdNetBindFdLeakTest {
    static int openFds() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? -1 : fds.length;
    }

    @Test
    @Timeout(120)
    void thousandOpenCloseCyclesLeaveNoDescriptorBehind() throws IOException {
        try (Network network = SystemNetwork.open()) {
            StdNetBind bind = StdNetBind.create(network);
            // Warm up: the JDK opens a few descriptors of its own once (NIO, class loading).
            for (int i = 0; i < 20; i++) {
                bind.open(0);
                bind.close();
            }
            int before = openFds();
            for (int i = 0; i < 1_000; i++) {
                bind.open(0);
                bind.close();
            }
            // A leak raises the count; descriptors of earlier tests' threads may still close meanwhile.
            assertThat(openFds()).isLessThanOrEqualTo(before);
            assertThat(network.openConnections()).isEmpty();
        }
    }
}
