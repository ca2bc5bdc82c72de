package dev.batchudp.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.batchudp.network.Network;
import dev.batchudp.network.Networks;
import dev.batchudp.network.loopback.LoopbackNetwork;
import dev.batchudp.network.system.SystemNetwork;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The README's QUIC-style example on every network: each datagram arrives with its codepoint. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class QuicStyleIoTest {

    @Test
    void loopbackNetworkCarriesEcnAndSegments() throws Exception {
        try (Network network = LoopbackNetwork.create()) {
            String out = run("loopback", network);
            assertThat(out).contains("1200 bytes, message 4, ECN ECT0").contains("ECN CE");
        }
    }

    @Test
    void defaultNativeNetwork() throws Exception {
        try (Network network = Networks.open()) {
            run("native", network);
        }
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void linuxBackendReportsEcnPerDatagram() throws Exception {
        try (Network network = SystemNetwork.open("linux")) {
            assertThat(run("linux", network)).contains("ECN ECT1").contains("ECN CE").doesNotContain("not reported");
        }
    }

    @Test
    void jdkBackendSendsAndSegmentsButCannotReportEcn() throws Exception {
        try (Network network = SystemNetwork.open("jdk")) {
            assertThat(run("jdk", network)).contains("1200 bytes, message 4");
        }
    }

    private static String run(String name, Network network) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean pass = QuicStyleIo.run(name, network, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(pass).as(out).isTrue();
        return out;
    }
}
