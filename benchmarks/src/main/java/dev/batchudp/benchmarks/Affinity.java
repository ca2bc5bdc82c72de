package dev.batchudp.benchmarks;

import jnr.ffi.LibraryLoader;
import jnr.ffi.annotations.In;
import jnr.ffi.types.size_t;

/**
 * Pins the calling thread to one CPU with {@code sched_setaffinity(2)}, so the harness's sender and
 * receiver get a core each as udplimit's do. Benchmark-only; best effort (silently does nothing where
 * it cannot).
 */
final class Affinity {
    /** The one call the harness needs; not the library's LibC. */
    public interface Sched {
        int sched_setaffinity(int pid, @size_t long cpusetsize, @In long[] mask);
    }

    private static final Sched SCHED = load();

    private Affinity() {}

    private static Sched load() {
        try {
            return LibraryLoader.create(Sched.class).load("c");
        } catch (Throwable t) {
            return null;
        }
    }

    /** Pins the current thread to {@code cpus[index]}, if pinning was asked for and is possible. */
    static void pin(int[] cpus, int index) {
        if (cpus == null || SCHED == null || index >= cpus.length) {
            return;
        }
        long[] mask = new long[16];
        int cpu = cpus[index];
        mask[cpu / 64] |= 1L << (cpu % 64);
        SCHED.sched_setaffinity(0, mask.length * 8L, mask);
    }
}
