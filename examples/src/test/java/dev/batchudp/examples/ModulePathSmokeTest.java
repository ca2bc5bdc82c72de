package dev.batchudp.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.batchudp.bind.StdNetBind;
import dev.batchudp.network.Network;
import dev.batchudp.network.loopback.LoopbackNetwork;
import dev.batchudp.network.system.SystemNetwork;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The pure-Java modules work on the module path: providers registered with {@code provides … with}
 * are found by {@code Networks} (no META-INF/services involved for named modules) and a bind runs.
 */
class ModulePathSmokeTest {
    private static String locationOf(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    @Test
    @Timeout(60)
    void providersAreFoundOnTheModulePath() throws Exception {
        Set<String> modulePath = new LinkedHashSet<>();
        for (Class<?> c : List.of(Network.class, SystemNetwork.class, LoopbackNetwork.class, StdNetBind.class,
                com.google.common.net.InetAddresses.class,
                com.google.common.util.concurrent.internal.InternalFutureFailureAccess.class)) {
            modulePath.add(locationOf(c));
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java,
                "--module-path", String.join(File.pathSeparator, modulePath),
                "--add-modules", "dev.batchudp.network.system,dev.batchudp.network.loopback,dev.batchudp.bind",
                "-cp", locationOf(ModulePathMain.class),
                ModulePathMain.class.getName()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(process.waitFor(50, TimeUnit.SECONDS)).as("child JVM finished").isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output)
                .contains("provider loopback module=dev.batchudp.network.loopback")
                .contains("provider system module=dev.batchudp.network.system")
                .contains("api module=dev.batchudp.network")
                .contains("round trip n=1 size=1 byte=42");
    }
}
