package dev.batchudp.bind.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bind's native memory is bounded and released when it closes, not whenever the garbage collector
 * gets round to it: 1,000 cycles of open, send to itself on 127.0.0.1 and ::1, receive by copying
 * and by lending, close, in a child JVM ({@link BindCycles}) whose direct memory is capped at 64 MiB
 * and whose {@code System.gc()} does nothing ({@code -XX:+DisableExplicitGC}, so the JDK's
 * last-resort collection before failing a direct allocation cannot help). The child also checks that
 * no file descriptors are left open; a second child checks that alone, without the memory cap.
 */
@EnabledOnOs(OS.LINUX)
class StdNetBindNativeMemoryTest {
    private static final int CYCLES = 1_000;
    private static final int FD_CYCLES = 200;
    private static final long CHILD_TIMEOUT_SECONDS = 200;

    @Test
    @Timeout(240)
    void thousandBindCyclesFitInSixtyFourMegabytesOfDirectMemory(@TempDir Path dir)
            throws IOException, InterruptedException {
        runChild(dir, List.of("-XX:MaxDirectMemorySize=64m", "-XX:+DisableExplicitGC"), CYCLES);
    }

    /**
     * The fd check on its own, with direct memory left to the JVM's defaults, so that it is not hidden
     * behind a memory failure.
     */
    @Test
    @Timeout(240)
    void bindCyclesLeaveNoFileDescriptorsOpen(@TempDir Path dir) throws IOException, InterruptedException {
        runChild(dir, List.of(), FD_CYCLES);
    }

    private static void runChild(Path dir, List<String> jvmOptions, int cycles)
            throws IOException, InterruptedException {
        LinuxTestSupport.assumeLinuxBatching();
        LinuxTestSupport.assumeIpv6();
        Path output = dir.resolve("child-output.txt");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-Xmx256m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(BindCycles.class.getName());
        command.add(Integer.toString(cycles));
        Process child = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        try {
            if (!child.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                fail("the child did not finish within " + CHILD_TIMEOUT_SECONDS + " s; its output:%n%s", read(output));
            }
        } finally {
            child.destroyForcibly();
        }
        assertThat(child.exitValue())
                .as("exit status of the child JVM (%s %s %d; 1: a cycle failed, 2: fds leaked, 3: not the linux"
                        + " backend); its output:%n%s", String.join(" ", jvmOptions), BindCycles.class.getSimpleName(),
                        cycles, read(output))
                .isEqualTo(BindCycles.OK);
    }

    private static String read(Path output) throws IOException {
        return Files.readString(output, StandardCharsets.UTF_8);
    }
}
