package dev.batchudp.bind.linux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.batchudp.bind.StdNetBind;
import dev.batchudp.network.Network;
import dev.batchudp.network.Networks;
import dev.batchudp.network.UdpFamily;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The fast path never disappears silently: when bind-linux is on the class path but cannot work, one
 * {@code WARNING} names the cause and the fix, and the kill switch keeps quiet.
 */
class UnavailableWarningTest {

    @Test
    void messageNamesTheFixForEachCommonCause() {
        assertThat(LinuxBatching.unavailableMessage(new NoClassDefFoundError("org/objectweb/asm/ClassVisitor")))
                .contains("batchudp-bind-linux", "org.ow2.asm:asm", LinuxBatching.DISABLED_PROPERTY + "=true");
        assertThat(LinuxBatching.unavailableMessage(
                        new UnsatisfiedLinkError("could not load FFI provider jnr.ffi.provider.jffi.Provider")))
                .contains("classifier native", "jffi.extract.dir", "could not load FFI provider");
        assertThat(LinuxBatching.unavailableMessage(new UnsupportedOperationException("this is Mac OS X")))
                .contains("Mac OS X", "remove batchudp-bind-linux");
    }

    @Test
    void messageRecognisesADeniedUnsafe() {
        UnsupportedOperationException denied = new UnsupportedOperationException("putLong");
        denied.setStackTrace(new StackTraceElement[] {
            new StackTraceElement("sun.misc.Unsafe", "beforeMemoryAccessSlow", "Unsafe.java", 1822)});
        assertThat(LinuxBatching.unavailableMessage(new ExceptionInInitializerError(denied)))
                .contains("jffi 1.4.3 or later", "caused by java.lang.UnsupportedOperationException: putLong");
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    @Timeout(60)
    void withoutJffisNativeJarOneWarningSaysWhyAndHow() throws Exception {
        String output = runWithoutNativeJar();
        assertThat(output).contains("batching=false");
        List<String> warnings = Arrays.stream(output.split("\\R"))
                .filter(l -> l.startsWith("WARNING: batchudp:"))
                .collect(Collectors.toList());
        assertThat(warnings).as(output).hasSize(1);
        assertThat(warnings.get(0)).contains("UnsatisfiedLinkError", "classifier native",
                LinuxBatching.DISABLED_PROPERTY + "=true");
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    @Timeout(60)
    void theKillSwitchKeepsQuiet() throws Exception {
        String output = runWithoutNativeJar("-D" + LinuxBatching.DISABLED_PROPERTY + "=true");
        assertThat(output).contains("batching=false").doesNotContain("WARNING: batchudp:");
    }

    private static String runWithoutNativeJar(String... jvmOptions) throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String withoutNative = Arrays.stream(classPath.split(File.pathSeparator))
                .filter(e -> !(e.contains("jffi") && e.endsWith("-native.jar")))
                .collect(Collectors.joining(File.pathSeparator));
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(jvmOptions));
        // jffi must not find a stub extracted by an earlier run either.
        command.add("-Djffi.boot.library.path=/nonexistent");
        command.addAll(List.of("-cp", withoutNative, Main.class.getName()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(process.waitFor(50, TimeUnit.SECONDS)).as("child JVM finished").isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    /** The child: opens the system network and a bind twice, as an application would. */
    public static final class Main {
        private Main() {}

        public static void main(String[] args) throws Exception {
            for (int i = 0; i < 2; i++) {
                try (Network network = Networks.open("system"); StdNetBind bind = StdNetBind.create(network)) {
                    bind.open(0);
                    System.out.println("batching=" + bind.isBatching(UdpFamily.UDP4));
                }
            }
        }
    }
}
