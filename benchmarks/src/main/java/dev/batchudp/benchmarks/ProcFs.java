package dev.batchudp.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the harness reads from {@code /proc} (proc(5)): CPU times, load, other processes' CPU use and
 * the run time of a process's threads. Every reader returns an empty or negative value where the
 * file is missing (not Linux) rather than failing the run.
 */
final class ProcFs {
    /** {@code USER_HZ}: the unit of the tick counts in {@code /proc/stat} and {@code /proc/PID/stat}, 100 on Linux. */
    static final int TICKS_PER_SECOND = 100;
    /** {@code PF_KTHREAD}, {@code include/linux/sched.h}: the process is a kernel thread. */
    private static final long PF_KTHREAD = 0x00200000L;
    private static final long SELF = ProcessHandle.current().pid();

    private ProcFs() {}

    /** The file's text, or "" if it cannot be read. */
    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /**
     * The machine's CPU time so far, summed over all CPUs, from the first line of {@code /proc/stat}:
     * {@code {busy, idle}} in ticks, where idle is {@code idle + iowait} and busy everything else
     * (user, nice, system, irq, softirq, steal).
     *
     * @return the two counts, or {@code {0, 0}} if unavailable
     */
    static long[] cpuTicks() {
        String stat = read(Path.of("/proc/stat"));
        if (!stat.startsWith("cpu ")) {
            return new long[2];
        }
        String[] f = stat.substring(0, stat.indexOf('\n')).trim().split("\\s+");
        long busy = 0;
        long idle = 0;
        for (int i = 1; i < f.length && i <= 8; i++) {
            long v = Long.parseLong(f[i]);
            if (i == 4 || i == 5) {
                idle += v;
            } else {
                busy += v;
            }
        }
        return new long[] {busy, idle};
    }

    /** The 1-, 5- and 15-minute load averages, or NaNs. */
    static double[] loadAverage() {
        String[] f = read(Path.of("/proc/loadavg")).trim().split("\\s+");
        if (f.length < 3) {
            return new double[] {Double.NaN, Double.NaN, Double.NaN};
        }
        return new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2])};
    }

    /**
     * CPU ticks used so far by every user-space process except this JVM: {@code utime + stime} plus
     * the {@code cutime + cstime} of children it has waited for, so that a process that exits during a
     * run is still counted (in its parent). Kernel threads are left out: the softirq work of loopback
     * traffic ({@code ksoftirqd}) is the benchmark's own.
     *
     * @return ticks by pid
     */
    static Map<Long, Long> otherProcessTicks() {
        Map<Long, Long> ticks = new HashMap<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path dir : dirs) {
                long pid = Long.parseLong(dir.getFileName().toString());
                if (pid == SELF) {
                    continue;
                }
                String[] f = statFields(read(dir.resolve("stat")));
                if (f.length > 14 && (Long.parseLong(f[6]) & PF_KTHREAD) == 0) {
                    ticks.put(pid, Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13])
                            + Long.parseLong(f[14]));
                }
            }
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
        return ticks;
    }

    /**
     * CPU seconds that other processes used between two {@link #otherProcessTicks()} snapshots: each
     * live process's increase, less the last count of those that exited (whose whole time their
     * parent's children's count took up).
     */
    static double otherCpuSeconds(Map<Long, Long> before, Map<Long, Long> after) {
        long delta = 0;
        for (Map.Entry<Long, Long> e : after.entrySet()) {
            delta += e.getValue() - before.getOrDefault(e.getKey(), 0L);
        }
        for (Map.Entry<Long, Long> e : before.entrySet()) {
            if (!after.containsKey(e.getKey())) {
                delta -= e.getValue();
            }
        }
        return Math.max(0, delta) / (double) TICKS_PER_SECOND;
    }

    /**
     * The fields of a {@code /proc/PID/stat} line after the command name (which may contain spaces):
     * index 0 is field 3 ({@code state}) of proc(5), so field {@code n} is at {@code n - 3}.
     */
    static String[] statFields(String stat) {
        int close = stat.lastIndexOf(')');
        return close < 0 ? new String[0] : stat.substring(close + 1).trim().split("\\s+");
    }

    /** The thread ids of a process, ascending (thread creation order, barring pid wrap-around). */
    static List<Long> tasks(long pid) {
        List<Long> tids = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path dir : dirs) {
                tids.add(Long.parseLong(dir.getFileName().toString()));
            }
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        tids.sort(null);
        return tids;
    }

    /**
     * A thread's CPU time so far in nanoseconds: the first field of {@code /proc/PID/task/TID/schedstat}
     * (the scheduler's {@code sum_exec_runtime}, which {@code CLOCK_THREAD_CPUTIME_ID} also reads).
     *
     * @return the time, or -1 if the thread is gone
     */
    static long taskCpuNanos(long pid, long tid) {
        String s = read(Path.of("/proc", Long.toString(pid), "task", Long.toString(tid), "schedstat")).trim();
        int space = s.indexOf(' ');
        return space <= 0 ? -1 : Long.parseLong(s.substring(0, space));
    }

    /** All tasks' CPU nanoseconds of a process, by tid; empty once it is gone. */
    static Map<Long, Long> taskCpuNanos(long pid) {
        Map<Long, Long> cpu = new HashMap<>();
        for (long tid : tasks(pid)) {
            long n = taskCpuNanos(pid, tid);
            if (n >= 0) {
                cpu.put(tid, n);
            }
        }
        return cpu;
    }
}
