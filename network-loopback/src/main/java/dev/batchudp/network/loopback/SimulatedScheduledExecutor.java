package dev.batchudp.network.loopback;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RunnableFuture;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link ScheduledExecutorService} on a {@link ManualClock}: one participating worker thread runs the
 * tasks that are due, one at a time, in (due time, submission) order. A delayed task is a timer on the
 * network's {@link Timeline}; when the clock reaches it, the task joins the ready queue. Futures wait on
 * simulated time, so a participant blocked in {@code get()} is idle and the clock can move.
 *
 * <p>State is guarded by the timeline's lock, and every change calls {@link Timeline#signal()} (or
 * happens with the lock held and signals), so that waiters see it.
 */
final class SimulatedScheduledExecutor extends AbstractExecutorService implements ScheduledExecutorService {
    private final Timeline timeline;
    private final LoopbackClock clock;

    // Guarded by timeline.lock.
    private final ArrayDeque<Task<?>> ready = new ArrayDeque<>();
    private final List<Task<?>> delayed = new ArrayList<>();
    private long submissions;
    private boolean shutdown;
    private boolean terminated;
    private final Thread worker;

    SimulatedScheduledExecutor(Timeline timeline, ThreadFactory threads) {
        this.timeline = timeline;
        this.clock = timeline.clock();
        this.worker = threads.newThread(this::work);
        worker.setName("loopback-executor-" + worker.getName().substring(worker.getName().lastIndexOf('-') + 1));
        worker.start();
    }

    private void work() {
        while (true) {
            Task<?> task;
            try {
                timeline.await(() -> !ready.isEmpty() || (shutdown && delayed.isEmpty()), Timeline.NONE);
            } catch (InterruptedException e) {
                // shutdownNow: fall through and look at the state.
            }
            timeline.lock.lock();
            try {
                task = ready.poll();
                if (task == null) {
                    if (shutdown && delayed.isEmpty() || timeline.isClosedLocked()) {
                        terminated = true;
                        timeline.signalLocked();
                        return;
                    }
                    continue;
                }
            } finally {
                timeline.lock.unlock();
            }
            task.run();
        }
    }

    private <V> Task<V> submitTask(Task<V> task, long delayNanos) {
        timeline.lock.lock();
        try {
            if (shutdown) {
                throw new RejectedExecutionException("the loopback executor is shut down");
            }
            enqueue(task, delayNanos);
        } finally {
            timeline.lock.unlock();
        }
        return task;
    }

    /** Puts a task in the ready queue, or on the timeline. The caller holds the lock. */
    private void enqueue(Task<?> task, long delayNanos) {
        if (delayNanos <= 0) {
            task.time = clock.nanos();
            ready.add(task);
            timeline.signalLocked();
            return;
        }
        long due = clock.nanos() + Math.min(delayNanos, Long.MAX_VALUE / 2);
        task.time = due;
        delayed.add(task);
        task.timer = new Scheduled.Timer(due, timeline.nextOrder(), () -> due(task));
        timeline.add(task.timer);
    }

    /** A delayed task's timer fired. */
    private void due(Task<?> task) {
        timeline.lock.lock();
        try {
            if (delayed.remove(task)) {
                ready.add(task);
                timeline.signalLocked();
            }
        } finally {
            timeline.lock.unlock();
        }
    }

    @Override
    protected <T> RunnableFuture<T> newTaskFor(Runnable runnable, T value) {
        return new Task<>(Executors.callable(runnable, value), 0);
    }

    @Override
    protected <T> RunnableFuture<T> newTaskFor(Callable<T> callable) {
        return new Task<>(callable, 0);
    }

    @Override
    public void execute(Runnable command) {
        Objects.requireNonNull(command, "command");
        Task<?> task = command instanceof Task ? (Task<?>) command : new Task<>(Executors.callable(command), 0);
        submitTask(task, 0);
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return submitTask(new Task<>(Executors.callable(Objects.requireNonNull(command, "command")), 0),
                unit.toNanos(delay));
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        return submitTask(new Task<>(Objects.requireNonNull(callable, "callable"), 0), unit.toNanos(delay));
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        if (period <= 0) {
            throw new IllegalArgumentException("period must be positive, got " + period);
        }
        return submitTask(new Task<>(Executors.callable(Objects.requireNonNull(command, "command")),
                unit.toNanos(period)), unit.toNanos(initialDelay));
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay,
            TimeUnit unit) {
        if (delay <= 0) {
            throw new IllegalArgumentException("delay must be positive, got " + delay);
        }
        return submitTask(new Task<>(Executors.callable(Objects.requireNonNull(command, "command")),
                -unit.toNanos(delay)), unit.toNanos(initialDelay));
    }

    /** Cancels delayed and periodic tasks; queued ones still run. */
    @Override
    public void shutdown() {
        List<Task<?>> cancel;
        timeline.lock.lock();
        try {
            shutdown = true;
            cancel = new ArrayList<>(delayed);
            delayed.clear();
            for (Task<?> t : cancel) {
                t.timer.cancelled = true;
            }
            timeline.signalLocked();
        } finally {
            timeline.lock.unlock();
        }
        for (Task<?> t : cancel) {
            t.cancel(false);
        }
    }

    @Override
    public List<Runnable> shutdownNow() {
        shutdown();
        List<Runnable> pending;
        timeline.lock.lock();
        try {
            pending = new ArrayList<>(ready);
            ready.clear();
            timeline.signalLocked();
        } finally {
            timeline.lock.unlock();
        }
        worker.interrupt();
        return pending;
    }

    @Override
    public boolean isShutdown() {
        timeline.lock.lock();
        try {
            return shutdown;
        } finally {
            timeline.lock.unlock();
        }
    }

    @Override
    public boolean isTerminated() {
        timeline.lock.lock();
        try {
            return terminated;
        } finally {
            timeline.lock.unlock();
        }
    }

    /** Waits on simulated time. */
    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        timeline.await(() -> terminated, deadline(unit.toNanos(timeout)));
        return isTerminated();
    }

    private long deadline(long timeoutNanos) {
        long now = clock.nanos();
        return timeoutNanos >= Timeline.NONE - now ? Timeline.NONE - 1 : now + Math.max(0, timeoutNanos);
    }

    @Override
    public String toString() {
        return "SimulatedScheduledExecutor[" + worker.getName() + (isShutdown() ? ", shut down]" : "]");
    }

    /** A task and its future; periodic when {@code period != 0} (positive: fixed rate, negative: fixed delay). */
    private final class Task<V> extends FutureTask<V> implements RunnableScheduledFuture<V> {
        private final long period;
        private final long sequence;
        /** Due time on the clock; guarded by the timeline's lock. */
        long time;
        Scheduled.Timer timer;

        Task(Callable<V> callable, long period) {
            super(callable);
            this.period = period;
            timeline.lock.lock();
            try {
                this.sequence = submissions++;
            } finally {
                timeline.lock.unlock();
            }
        }

        @Override
        public boolean isPeriodic() {
            return period != 0;
        }

        @Override
        public void run() {
            if (!isPeriodic()) {
                super.run();
                return;
            }
            if (!runAndReset()) {
                return;
            }
            timeline.lock.lock();
            try {
                if (shutdown) {
                    cancel(false);
                    return;
                }
                long start = period > 0 ? time + period : clock.nanos() - period;
                enqueue(this, start - clock.nanos());
            } finally {
                timeline.lock.unlock();
            }
        }

        @Override
        protected void done() {
            timeline.signal();
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            if (cancelled) {
                timeline.lock.lock();
                try {
                    if (delayed.remove(this)) {
                        timer.cancelled = true;
                    }
                    ready.remove(this);
                } finally {
                    timeline.lock.unlock();
                }
            }
            return cancelled;
        }

        @Override
        public V get() throws InterruptedException, ExecutionException {
            if (!isDone() && !timeline.await(this::isDone, Timeline.NONE) && !isDone()) {
                throw new CancellationException("the loopback network closed");
            }
            return super.get();
        }

        @Override
        public V get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
            if (!isDone()) {
                timeline.await(this::isDone, deadline(unit.toNanos(timeout)));
                if (!isDone()) {
                    throw new TimeoutException("not done after " + timeout + " " + unit + " of simulated time");
                }
            }
            return super.get();
        }

        @Override
        public long getDelay(TimeUnit unit) {
            timeline.lock.lock();
            try {
                return unit.convert(time - clock.nanos(), TimeUnit.NANOSECONDS);
            } finally {
                timeline.lock.unlock();
            }
        }

        @Override
        public int compareTo(Delayed other) {
            if (other == this) {
                return 0;
            }
            if (other instanceof Task) {
                Task<?> t = (Task<?>) other;
                int c = Long.compare(time, t.time);
                return c != 0 ? c : Long.compare(sequence, t.sequence);
            }
            return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
        }

        @Override
        public boolean equals(Object o) {
            return this == o;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(sequence);
        }
    }
}
