package dev.batchudp.network.loopback;

/**
 * Something that happens at a time on a network's clock: a datagram arriving ({@link InFlight}) or a
 * timer (a receive timeout, an executor's task falling due). Ordered by due time, then by the order in
 * which they were scheduled, so that equal due times fire in scheduling order.
 */
abstract class Scheduled implements Comparable<Scheduled> {
    final long due;
    /** Tie-breaker: the {@link Timeline}'s scheduling counter. */
    final long order;
    /** Set (under the timeline's lock) when a timer is no longer wanted; it is skipped, not fired. */
    boolean cancelled;

    Scheduled(long due, long order) {
        this.due = due;
        this.order = order;
    }

    /** Whether this is a datagram, counted as in flight. */
    abstract boolean isDatagram();

    /** Runs the event; called without the timeline's lock, with the clock reading {@link #due}. */
    abstract void fire();

    @Override
    public final int compareTo(Scheduled o) {
        int c = Long.compare(due, o.due);
        return c != 0 ? c : Long.compare(order, o.order);
    }

    @Override
    public final boolean equals(Object o) {
        return this == o;
    }

    @Override
    public final int hashCode() {
        return Long.hashCode(order);
    }

    /** A timer: wakes whoever waits for its due time, and runs an action if it has one. */
    static final class Timer extends Scheduled {
        private final Runnable action;

        Timer(long due, long order, Runnable action) {
            super(due, order);
            this.action = action;
        }

        @Override
        boolean isDatagram() {
            return false;
        }

        @Override
        void fire() {
            if (action != null) {
                action.run();
            }
        }
    }
}
