package dev.batchudp.network.loopback;

import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Real time, from {@link System#nanoTime()}. */
final class RealTimeClock implements LoopbackClock {
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final long origin = System.nanoTime();
    private final Instant epoch = Instant.now();
    private Timeline timeline;

    void attach(Timeline timeline) {
        this.timeline = timeline;
    }

    @Override
    public long nanos() {
        return System.nanoTime() - origin;
    }

    @Override
    public Instant epoch() {
        return epoch;
    }

    @Override
    public boolean isManual() {
        return false;
    }

    @Override
    public ThreadFactory threadFactory() {
        return task -> {
            Thread t = new Thread(task, "loopback-thread-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public ScheduledExecutorService newScheduledExecutor() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, threadFactory());
        executor.setRemoveOnCancelPolicy(true);
        timeline.register(executor);
        return executor;
    }

    @Override
    public String toString() {
        return "LoopbackClock[real time, " + elapsed() + "]";
    }
}
