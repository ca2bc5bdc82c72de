package dev.batchudp.network.loopback;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link LoopbackClock} that stands still until it is advanced: simulated time. Delays, receive
 * timeouts and the tasks of the clock's {@linkplain #newScheduledExecutor() executors} all run on it,
 * so a test of a 30-second retry timer takes milliseconds. Events fire in a fixed order: by due time,
 * then by the order in which they were scheduled; the clock reads each event's due time while it
 * fires.
 *
 * <pre>{@code
 * LoopbackNetwork network = LoopbackNetwork.create(LoopbackConfiguration.builder()
 *         .manualClock(true).impairments(Impairments.builder().latency(Duration.ofSeconds(30)).build())
 *         .build());
 * client.send(request, server.localAddress());           // in flight for 30 s
 * network.manualClock().advance(Duration.ofSeconds(30)); // delivered now, in microseconds
 * }</pre>
 *
 * <h2>Participants and auto-advance</h2>
 * <em>Participating</em> threads are the ones the clock waits for: threads made by
 * {@link #threadFactory()}, the worker of each {@linkplain #newScheduledExecutor() executor}, and any
 * thread inside {@link #participate()}. A participant is idle while it waits on simulated time (a
 * loopback {@code receive}, a future of the clock's executor, {@link #advance}) for something that has
 * not happened yet. {@link #advance} fires each event only once every participant is idle, so the
 * effects of one event (a reply sent by a woken receiver, a timer it set) are in place before the next.
 *
 * <p>With {@link LoopbackConfiguration#autoAdvance()}, nobody needs to call {@code advance}: when every
 * participant is idle and a thread waits on the clock, the clock jumps to the next event (a delivery or
 * a timer) and fires it. A retrying client and its server, each on a participating thread, then run a
 * 30-second scenario at the speed of the code, and repeatably: only one participant runs between two
 * events, unless a datagram sent without delay wakes a receiver while its sender runs on (give links a
 * latency to take turns strictly). When every participant waits and nothing is scheduled, they wait
 * for ever (a test {@code @Timeout} reports it).
 *
 * <p>Participants must wait only on simulated time: a participant blocked on a lock, a
 * {@code Thread.join} or a plain {@code Future} is busy as far as the clock knows, so the clock stops
 * until it returns. Threads that do not participate are never waited for; they may wait on the clock
 * too, but race with the participants.
 *
 * @since 0.1
 */
public final class ManualClock implements LoopbackClock {
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final Object advancing = new Object();
    private volatile long now;
    private Timeline timeline;

    ManualClock() {}

    void attach(Timeline timeline) {
        this.timeline = timeline;
    }

    Timeline timeline() {
        return timeline;
    }

    @Override
    public long nanos() {
        return now;
    }

    /** Moves the reading forward to {@code nanos} (never back); called while firing events. */
    void moveTo(long nanos) {
        if (nanos > now) {
            now = nanos;
        }
    }

    /**
     * Moves the clock forward by {@code duration}, firing every event due by then in order: delivering
     * (or dropping, at a partition) datagrams, timing out receives, running executor tasks. Before each
     * event it waits until every other participant is idle. If the thread is interrupted while waiting,
     * it returns early with the interrupt flag set.
     *
     * @param duration how far to advance, not negative
     * @throws IllegalArgumentException if {@code duration} is negative
     */
    public void advance(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("cannot advance by a negative duration: " + duration);
        }
        synchronized (advancing) {
            long target;
            try {
                target = Math.addExact(now, duration.toNanos());
            } catch (ArithmeticException e) {
                target = Long.MAX_VALUE - 1;
            }
            timeline.advanceTo(target, false);
        }
    }

    /**
     * Advances the clock until no datagram is in flight, firing every event (timers included) due
     * before the last delivery; held datagrams stay held. Does nothing if nothing is in flight.
     *
     * @return how far the clock moved
     */
    public Duration advanceUntilIdle() {
        synchronized (advancing) {
            long start = now;
            timeline.advanceTo(Long.MAX_VALUE, true);
            return Duration.ofNanos(now - start);
        }
    }

    /**
     * Returns whether the clock advances by itself ({@link LoopbackConfiguration#autoAdvance()}).
     *
     * @return whether auto-advance is on
     */
    public boolean isAutoAdvance() {
        return timeline.isAutoAdvance();
    }

    /**
     * Makes the calling thread a participant until the returned handle is closed, so that the clock
     * waits for it (see the class description). The JUnit extension does this for the test method's
     * thread when auto-advance is on.
     *
     * <pre>{@code
     * try (ManualClock.Participation p = clock.participate()) {
     *     client.request();   // waits on simulated time; the clock advances when everyone waits
     * }
     * }</pre>
     *
     * @return the handle that ends the participation
     */
    public Participation participate() {
        Thread me = Thread.currentThread();
        timeline.join(me);
        return new Participation(timeline, me);
    }

    /**
     * Returns a factory of participating threads: each counts from its creation (so that the clock
     * waits for it to start and reach its first wait) until its task ends. Daemon threads named
     * {@code loopback-sim-N}. Start every thread it makes, or the clock waits for it in vain.
     *
     * @return the thread factory
     */
    @Override
    public ThreadFactory threadFactory() {
        return task -> {
            Objects.requireNonNull(task, "task");
            Timeline t = timeline;
            Thread[] self = new Thread[1];
            Thread thread = new Thread(() -> {
                try {
                    task.run();
                } finally {
                    t.leave(self[0]);
                }
            }, "loopback-sim-" + THREADS.incrementAndGet());
            self[0] = thread;
            thread.setDaemon(true);
            t.join(thread);
            return thread;
        };
    }

    /**
     * Returns a new single-threaded {@link ScheduledExecutorService} on simulated time: its worker is a
     * participant, a task scheduled after a delay runs when the clock reaches its due time, tasks run one
     * at a time in (due time, submission) order, and its futures wait on simulated time. Shutting it down
     * cancels delayed and periodic tasks and lets the queued ones finish; the network shuts it down when
     * it closes.
     *
     * @return a new executor
     */
    @Override
    public ScheduledExecutorService newScheduledExecutor() {
        SimulatedScheduledExecutor executor = new SimulatedScheduledExecutor(timeline, threadFactory());
        timeline.register(executor);
        return executor;
    }

    @Override
    public Instant epoch() {
        return Instant.EPOCH;
    }

    @Override
    public boolean isManual() {
        return true;
    }

    @Override
    public String toString() {
        return "ManualClock[" + elapsed() + (timeline != null && timeline.isAutoAdvance() ? ", auto" : "") + "]";
    }

    /**
     * A thread's participation in a {@link ManualClock}'s simulated time, ended by {@link #close()}.
     *
     * @since 0.1
     */
    public static final class Participation implements AutoCloseable {
        private final Timeline timeline;
        private final Thread thread;

        Participation(Timeline timeline, Thread thread) {
            this.timeline = timeline;
            this.thread = thread;
        }

        /** Ends the participation: the clock no longer waits for the thread. Idempotent. */
        @Override
        public void close() {
            timeline.leave(thread);
        }
    }
}
