package dev.batchudp.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.batchudp.bind.StdNetBind;
import dev.batchudp.network.Network;
import dev.batchudp.network.loopback.LoopbackNetwork;
import dev.batchudp.network.system.SystemNetwork;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library works on the module path: providers registered with {@code provides … with} are found
 * by {@code Networks} (no META-INF/services involved for named modules) and a bind runs; and a
 * consumer module that requires only {@code dev.batchudp.bind} and {@code dev.batchudp.network.system}
 * gets the Linux fast path with no JVM flag.
 */
class ModulePathSmokeTest {
    @Test
    @EnabledOnOs(OS.LINUX)
    @Timeout(120)
    void aNamedConsumerModuleGetsBatchingWithNoFlag(@TempDir Path out) throws Exception {
        String modulePath = Files.readString(Path.of("target", "runtime-classpath.txt")).strip();
        Path sources = Path.of("src", "test", "module-smoke");
        List<String> files;
        try (Stream<Path> walk = Files.walk(sources)) {
            files = walk.filter(p -> p.toString().endsWith(".java")).map(Path::toString).collect(Collectors.toList());
        }
        List<String> javacArgs = new ArrayList<>(List.of("--release", "17", "-Xlint:all", "-Werror",
                "--module-path", modulePath, "-d", out.toString()));
        javacArgs.addAll(files);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int rc = javac.run(null, diagnostics, diagnostics, javacArgs.toArray(String[]::new));
        assertThat(rc).as(diagnostics.toString(StandardCharsets.UTF_8)).isZero();

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java,
                "--module-path", modulePath + File.pathSeparator + out,
                "--module", "dev.batchudp.smoke/dev.batchudp.smoke.Main")
                .redirectErrorStream(true).start();
        assertThat(process.waitFor(100, TimeUnit.SECONDS)).as("child JVM finished").isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output)
                .contains("consumer module=dev.batchudp.smoke")
                .contains("bind-linux resolved=true")
                .contains("backend=linux")
                .contains("batching=true batchSize=128")
                .contains("round trip n=1 size=1 byte=42")
                .doesNotContain("WARNING: batchudp");
    }

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
