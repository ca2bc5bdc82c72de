package dev.batchudp.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Smoke test: the example runs every scenario, as batchudp's TestRunAllScenarios. */
class UdpPingPongTest {
    /** The README's command runs the defaults; they must fit in 256 MiB of heap and direct memory. */
    @Test
    @Timeout(120)
    void defaultsRunWithin256MiBAndEndWithAVerdict() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process process = new ProcessBuilder(java, "-Xmx256m", "-XX:MaxDirectMemorySize=256m",
                "-cp", classPath, UdpPingPong.class.getName())
                .redirectErrorStream(true).start();
        assertThat(process.waitFor(110, TimeUnit.SECONDS)).as("example finished").isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isZero();
        String[] lines = output.strip().split("\\R");
        assertThat(lines[lines.length - 1]).as(output)
                .startsWith("udp-pingpong: PASS: 2 scenario(s), 4 session(s) x 128 round trips of 61440 bytes");
        if (LinuxFastPath.expected()) {
            assertThat(lines[lines.length - 1]).contains("Linux fast path on");
        }
    }

    @Test
    @Timeout(60)
    void runsAllScenarios() throws Exception {
        List<UdpPingPong.Result> results =
                UdpPingPong.run(new UdpPingPong.Config("all", 8, 16, 8192, Duration.ofSeconds(20)));
        assertThat(results).extracting(UdpPingPong.Result::scenario).containsExactly("native", "loopback");
        assertThat(results.get(0).toString()).startsWith("scenario=native ").contains("round_trips=16");
    }

    @Test
    void rejectsBadConfigurations() {
        assertThatThrownBy(() -> UdpPingPong.run(new UdpPingPong.Config("all", 0, 1, 16, Duration.ofSeconds(1))))
                .hasMessage("sessions must be positive");
        assertThatThrownBy(() -> UdpPingPong.run(new UdpPingPong.Config("all", 1, 0, 16, Duration.ofSeconds(1))))
                .hasMessage("round-trips must be positive");
        assertThatThrownBy(() -> UdpPingPong.run(new UdpPingPong.Config("all", 1, 1, 15, Duration.ofSeconds(1))))
                .hasMessage("payload-size must be at least 16 bytes");
        assertThatThrownBy(() -> UdpPingPong.run(new UdpPingPong.Config("all", 1, 1, 65_508, Duration.ofSeconds(1))))
                .hasMessageStartingWith("payload-size must be at most 65507");
        assertThatThrownBy(() -> UdpPingPong.run(new UdpPingPong.Config("x", 1, 1, 16, Duration.ofSeconds(1))))
                .hasMessageStartingWith("unknown mode \"x\"");
    }

    @Test
    void payloadFollowsTheReferencePattern() {
        byte[] p = UdpPingPong.payload(2, 3, 20);
        assertThat(p[0]).isEqualTo((byte) 2);
        assertThat(p[8]).isEqualTo((byte) 3);
        assertThat(p[16]).isEqualTo((byte) (2 * 31 + 3 * 17 + 16));
    }
}
