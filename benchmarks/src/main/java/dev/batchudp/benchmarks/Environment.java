package dev.batchudp.benchmarks;

import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;

/**
 * Where a run was measured, and whether the machine was idle before it: judged by a
 * {@value #IDLE_SAMPLE_MILLIS} ms sample of {@code /proc/stat} (the share of all CPUs that was idle)
 * and of other processes' CPU time; the load averages are reported beside it.
 *
 * @param date when the run started (UTC)
 * @param java the JDK (runtime version and VM)
 * @param kernel {@code uname -r}
 * @param cpu the CPU model from {@code /proc/cpuinfo}
 * @param cores CPUs available to the JVM
 * @param loopbackMtu the MTU of {@code lo}
 * @param netty the Netty release on the class path
 * @param load the 1-, 5- and 15-minute load averages before the run
 * @param idlePercent share of all CPUs that was idle during the sample
 * @param otherCpuPercent other processes' CPU time during the sample, in percent of one CPU
 */
record Environment(String date, String java, String kernel, String cpu, int cores, String loopbackMtu, String netty,
        double[] load, double idlePercent, double otherCpuPercent) {

    static final int IDLE_SAMPLE_MILLIS = 1000;

    /** Measures the environment, sleeping {@value #IDLE_SAMPLE_MILLIS} ms for the idle sample. */
    static Environment capture() throws InterruptedException {
        double[] load = ProcFs.loadAverage();
        long[] cpu0 = ProcFs.cpuTicks();
        Map<Long, Long> other0 = ProcFs.otherProcessTicks();
        long t0 = System.nanoTime();
        Thread.sleep(IDLE_SAMPLE_MILLIS);
        long[] cpu1 = ProcFs.cpuTicks();
        double window = (System.nanoTime() - t0) / 1e9;
        double other = 100 * ProcFs.otherCpuSeconds(other0, ProcFs.otherProcessTicks()) / window;
        long busy = cpu1[0] - cpu0[0];
        long idle = cpu1[1] - cpu0[1];
        double idlePercent = busy + idle == 0 ? Double.NaN : 100.0 * idle / (busy + idle);
        String kernel = ProcFs.read(Path.of("/proc/sys/kernel/osrelease")).trim();
        String mtu = ProcFs.read(Path.of("/sys/class/net/lo/mtu")).trim();
        return new Environment(OffsetDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                kernel.isEmpty() ? System.getProperty("os.name") + " " + System.getProperty("os.version") : kernel,
                cpuModel(), Runtime.getRuntime().availableProcessors(), mtu.isEmpty() ? "unknown" : mtu,
                NettyEpollCase.NETTY_VERSION, load, idlePercent, other);
    }

    private static String cpuModel() {
        for (String line : ProcFs.read(Path.of("/proc/cpuinfo")).split("\n")) {
            if (line.startsWith("model name")) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        return System.getProperty("os.arch");
    }

    /**
     * Whether the machine looked busy in the one-second sample before the run: other processes used
     * more than {@value CaseSummary#DISTURBED_PERCENT} % of a CPU, or less than 85 % of all CPUs was
     * idle. The load averages are reported, not judged: they decay over minutes, so right after a
     * previous invocation of the harness they are high on an idle machine.
     */
    boolean busy() {
        return otherCpuPercent > CaseSummary.DISTURBED_PERCENT || idlePercent < 85;
    }

    /** The environment as comment lines for the output. */
    String describe() {
        return String.format(Locale.ROOT, "# %s; %s; kernel %s; %s, %d CPUs; lo MTU %s; Netty %s%n"
                + "# idle check: load average %.2f %.2f %.2f; over %d ms %.1f %% of the CPUs idle, other processes"
                + " %.1f %% of a CPU%s",
                date, java, kernel, cpu, cores, loopbackMtu, netty, load[0], load[1], load[2], IDLE_SAMPLE_MILLIS,
                idlePercent, otherCpuPercent,
                busy() ? "\n# WARNING: the machine was busy before the run: its numbers are not comparable" : ": idle");
    }
}
