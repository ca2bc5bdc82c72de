package dev.batchudp.network.loopback;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * A network's schedule on its clock: delayed datagrams and timers in one queue, ordered by (due time,
 * scheduling order), and, for a {@link ManualClock}, the threads that wait on simulated time.
 *
 * <p><b>Real time.</b> One daemon thread, started by the first scheduled event and stopped by
 * {@link #closeLocked()}, fires each event at its due time.
 *
 * <p><b>Manual time.</b> Events fire only when the clock is advanced: by {@link #advanceTo} (the
 * test's {@link ManualClock#advance}), or, in auto-advance mode, by the last participant to start
 * waiting. <em>Participants</em> are threads registered with {@link #join}: the test's (through
 * {@link ManualClock#participate()}), those of {@link ManualClock#threadFactory()} and the executors'
 * workers. A participant is <em>idle</em> while it waits here ({@link #await}) for a condition that does
 * not hold yet; a waiter whose condition has become true (a datagram arrived, its deadline passed) is
 * busy even before its thread wakes up, so the clock never moves past work that is about to run. The
 * clock moves only while every participant is idle, one event at a time, and each event's effects
 * (a delivery, a woken waiter) are seen before the next event is considered. That keeps runs
 * repeatable: with every participant idle there is no race between them.
 *
 * <p>One lock, the simulator's, guards the queue, the participants and the waiters. Events fire outside
 * it (delivery takes the receive queue's lock, which is never held while taking this one).
 */
final class Timeline {
    /** A deadline meaning "no deadline". */
    static final long NONE = Long.MAX_VALUE;

    final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final LoopbackClock clock;
    private final ManualClock manual;
    private final boolean autoAdvance;
    private final String networkName;

    // Guarded by lock.
    private final PriorityQueue<Scheduled> queue = new PriorityQueue<>();
    private long order;
    private int datagrams;
    /** Participants, each mapped to the waiter it is parked in, or to {@code null} while it runs. */
    private final Map<Thread, Waiter> participants = new LinkedHashMap<>();
    /** An event is being fired outside the lock: nobody else may fire one. */
    private boolean firing;
    private boolean closed;
    private Thread timer;
    private final List<ExecutorService> executors = new ArrayList<>();

    Timeline(LoopbackClock clock, boolean autoAdvance, String networkName) {
        this.clock = clock;
        this.manual = clock instanceof ManualClock ? (ManualClock) clock : null;
        this.autoAdvance = autoAdvance && manual != null;
        this.networkName = networkName;
    }

    LoopbackClock clock() {
        return clock;
    }

    String networkName() {
        return networkName;
    }

    boolean isAutoAdvance() {
        return autoAdvance;
    }

    // ---- the queue; callers hold the lock ----

    long nextOrder() {
        return order++;
    }

    /** Schedules an event. The caller holds the lock. */
    void add(Scheduled event) {
        queue.add(event);
        if (event.isDatagram()) {
            datagrams++;
        }
        if (manual != null) {
            // An auto-advancer idling because nothing was scheduled must look again.
            changed.signalAll();
            return;
        }
        if (timer == null && !closed) {
            timer = new Thread(this::runTimer, "loopback-timer-" + networkName);
            timer.setDaemon(true);
            timer.start();
        }
        if (queue.peek() == event) {
            changed.signalAll();
        }
    }

    /** Schedules a timer at {@code due} running {@code action} (or only waking waiters, if null). */
    Scheduled.Timer addTimer(long due, Runnable action) {
        lock.lock();
        try {
            Scheduled.Timer t = new Scheduled.Timer(due, order++, action);
            add(t);
            return t;
        } finally {
            lock.unlock();
        }
    }

    /** Cancels a timer: it is skipped and never moves the clock. */
    void cancel(Scheduled.Timer t) {
        lock.lock();
        try {
            t.cancelled = true;
        } finally {
            lock.unlock();
        }
    }

    /** Datagrams scheduled. The caller holds the lock. */
    int scheduledDatagrams() {
        return datagrams;
    }

    /** Removes every scheduled datagram and returns them in due order. The caller holds the lock. */
    List<InFlight> drainDatagrams() {
        List<InFlight> out = new ArrayList<>();
        List<Scheduled> keep = new ArrayList<>();
        while (!queue.isEmpty()) {
            Scheduled s = queue.poll();
            if (s instanceof InFlight) {
                out.add((InFlight) s);
            } else {
                keep.add(s);
            }
        }
        queue.addAll(keep);
        datagrams = 0;
        return out;
    }

    /** The next live event, cancelled ones discarded. The caller holds the lock. */
    private Scheduled peekLive() {
        Scheduled s = queue.peek();
        while (s != null && s.cancelled) {
            queue.poll();
            s = queue.peek();
        }
        return s;
    }

    /**
     * Fires the next event if it is due by {@code target}: moves the manual clock to its due time,
     * releases the lock while it fires, and takes the lock again. The caller holds the lock.
     *
     * @return whether an event fired
     */
    private boolean fireNext(long target) {
        Scheduled next = peekLive();
        if (next == null || next.due > target) {
            return false;
        }
        queue.poll();
        if (next.isDatagram()) {
            datagrams--;
        }
        manual.moveTo(next.due);
        firing = true;
        lock.unlock();
        try {
            next.fire();
        } finally {
            lock.lock();
            firing = false;
            changed.signalAll();
        }
        return true;
    }

    // ---- manual time ----

    /**
     * Advances the manual clock to {@code target}, firing every event due by then in order. Before each
     * event it waits until every participant other than the caller is idle.
     *
     * @param target the clock reading to reach
     * @param untilNoDatagrams instead of a target: fire events until no datagram is scheduled
     * @return whether it completed (false if interrupted while waiting for participants)
     */
    boolean advanceTo(long target, boolean untilNoDatagrams) {
        Thread me = Thread.currentThread();
        lock.lock();
        try {
            while (true) {
                while (firing || !allIdle(me)) {
                    if (closed) {
                        return true;
                    }
                    try {
                        changed.await();
                    } catch (InterruptedException e) {
                        me.interrupt();
                        return false;
                    }
                }
                if (untilNoDatagrams && datagrams == 0) {
                    return true;
                }
                if (!fireNext(target)) {
                    break;
                }
            }
            if (!untilNoDatagrams) {
                manual.moveTo(target);
                changed.signalAll(); // deadlines reached by the move itself
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether every participant but {@code except} waits for something that has not happened. The
     * caller holds the lock. Participants whose thread ended without leaving are forgotten.
     */
    private boolean allIdle(Thread except) {
        long now = clock.nanos();
        Iterator<Map.Entry<Thread, Waiter>> it = participants.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Thread, Waiter> e = it.next();
            Thread t = e.getKey();
            if (t == except) {
                continue;
            }
            Waiter w = e.getValue();
            if (w == null) {
                if (t.getState() == Thread.State.TERMINATED) {
                    it.remove();
                    continue;
                }
                return false;
            }
            if (w.ready(now)) {
                return false;
            }
        }
        return true;
    }

    /** Makes {@code thread} a participant; it counts as busy until it waits here. */
    void join(Thread thread) {
        lock.lock();
        try {
            participants.putIfAbsent(thread, null);
        } finally {
            lock.unlock();
        }
    }

    /** Ends {@code thread}'s participation; the others may now be all idle. */
    void leave(Thread thread) {
        lock.lock();
        try {
            participants.remove(thread);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    boolean isParticipant(Thread thread) {
        lock.lock();
        try {
            return participants.containsKey(thread);
        } finally {
            lock.unlock();
        }
    }

    /** Wakes every waiter to look at its condition again. */
    void signal() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits on simulated time until {@code condition} holds, the clock reaches {@code deadline}, or the
     * timeline closes. A participant waiting here is idle; in auto-advance mode, the last participant to
     * become idle fires the next event itself. The condition is evaluated with the lock held and must
     * only read state whose writers call {@link #signal()} afterwards.
     *
     * @param condition what to wait for
     * @param deadline clock reading at which to give up, or {@link #NONE}
     * @return {@code false} if the timeline closed, else {@code true}
     * @throws InterruptedException if interrupted
     */
    boolean await(BooleanSupplier condition, long deadline) throws InterruptedException {
        Scheduled.Timer deadlineTimer = null;
        Thread me = Thread.currentThread();
        lock.lockInterruptibly();
        try {
            if (closed) {
                return false;
            }
            if (condition.getAsBoolean() || clock.nanos() >= deadline) {
                return true;
            }
            if (deadline != NONE) {
                // So that advancing stops at the deadline and wakes this waiter.
                deadlineTimer = new Scheduled.Timer(deadline, order++, null);
                add(deadlineTimer);
            }
            Waiter waiter = new Waiter(me, condition, deadline);
            boolean participant = participants.containsKey(me);
            if (participant) {
                participants.put(me, waiter);
                changed.signalAll(); // an advancer may be waiting for this thread to become idle
            }
            try {
                while (!closed && !waiter.ready(clock.nanos())) {
                    // Any waiter may advance once every participant is idle; a thread that does not
                    // participate is not waited for, which is what makes it race.
                    if (autoAdvance && !firing && allIdle(null) && fireNext(NONE)) {
                        continue;
                    }
                    changed.await();
                }
            } finally {
                if (participant && participants.containsKey(me)) {
                    participants.put(me, null);
                }
                if (deadlineTimer != null) {
                    deadlineTimer.cancelled = true;
                }
            }
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            return !closed;
        } finally {
            lock.unlock();
        }
    }

    /** Wakes every waiter; the caller holds the lock. */
    void signalLocked() {
        changed.signalAll();
    }

    /** Whether the timeline is closed; the caller holds the lock. */
    boolean isClosedLocked() {
        return closed;
    }

    /** Records an executor to shut down with the network. */
    void register(ExecutorService executor) {
        lock.lock();
        try {
            executors.add(executor);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Closes the timeline: waiters return, the timer thread ends, executors are shut down. Returns the
     * datagrams still scheduled (for the caller to count as dropped). The caller holds the lock.
     */
    List<InFlight> closeLocked() {
        closed = true;
        List<InFlight> dropped = drainDatagrams();
        queue.clear();
        changed.signalAll();
        return dropped;
    }

    /** Shuts down the executors; called after {@link #closeLocked()}, without the lock. */
    void shutdownExecutors() {
        List<ExecutorService> all;
        lock.lock();
        try {
            all = new ArrayList<>(executors);
            executors.clear();
        } finally {
            lock.unlock();
        }
        for (ExecutorService e : all) {
            e.shutdownNow();
        }
    }

    boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /** The real-time scheduler thread: one per network, started by the first scheduled event. */
    private void runTimer() {
        while (true) {
            Scheduled next;
            lock.lock();
            try {
                while (true) {
                    if (closed) {
                        return;
                    }
                    next = peekLive();
                    if (next == null) {
                        changed.await();
                        continue;
                    }
                    long wait = next.due - clock.nanos();
                    if (wait <= 0) {
                        queue.poll();
                        if (next.isDatagram()) {
                            datagrams--;
                        }
                        break;
                    }
                    changed.awaitNanos(wait);
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            next.fire();
        }
    }

    /** A thread waiting on simulated time. */
    private static final class Waiter {
        private final Thread thread;
        private final BooleanSupplier condition;
        private final long deadline;

        Waiter(Thread thread, BooleanSupplier condition, long deadline) {
            this.thread = thread;
            this.condition = condition;
            this.deadline = deadline;
        }

        /** Whether this waiter has something to do: it is not idle. */
        boolean ready(long now) {
            return now >= deadline || thread.isInterrupted() || condition.getAsBoolean();
        }
    }
}
