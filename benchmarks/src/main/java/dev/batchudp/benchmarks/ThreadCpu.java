package dev.batchudp.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/** The calling thread's CPU time, as {@code CLOCK_THREAD_CPUTIME_ID} counts it (user + system). */
final class ThreadCpu {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private ThreadCpu() {}

    /**
     * Returns the calling thread's CPU time.
     *
     * @return nanoseconds, or -1 where the JVM cannot measure it
     */
    static long currentNanos() {
        return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : -1;
    }
}
