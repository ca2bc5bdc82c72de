package dev.batchudp.network.loopback;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A {@link LoopbackClock} that stands still until the test advances it. Advancing delivers every
 * datagram that falls due, synchronously on the advancing thread, in a fixed order: by due time, then
 * by the order in which they were sent. The clock reads each datagram's due time while that datagram
 * is delivered.
 *
 * <pre>{@code
 * LoopbackNetwork network = LoopbackNetwork.create(LoopbackConfiguration.builder()
 *         .manualClock(true).impairments(Impairments.builder().latency(Duration.ofSeconds(30)).build())
 *         .build());
 * client.send(request, server.localAddress());       // in flight for 30 s
 * network.manualClock().advance(Duration.ofSeconds(30)); // delivered now, in microseconds
 * }</pre>
 *
 * <p>Advance from one thread at a time for a repeatable order; concurrent advances are safe but
 * interleave.
 *
 * @since 0.1
 */
public final class ManualClock implements LoopbackClock {
    private final Object advancing = new Object();
    private volatile long now;
    private Simulator simulator;

    ManualClock() {}

    void attach(Simulator simulator) {
        this.simulator = simulator;
    }

    @Override
    public long nanos() {
        return now;
    }

    /** Moves the reading forward to {@code nanos} (never back); called while delivering. */
    void moveTo(long nanos) {
        if (nanos > now) {
            now = nanos;
        }
    }

    /**
     * Moves the clock forward by {@code duration}, delivering (or dropping, at a partition) every
     * datagram due by then.
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
            long target = now + duration.toNanos();
            simulator.runDue(target, this);
            moveTo(target);
        }
    }

    /**
     * Advances the clock to the due time of the last datagram in flight, delivering all of them;
     * held datagrams stay held. Does nothing if nothing is in flight.
     *
     * @return how far the clock moved
     */
    public Duration advanceUntilIdle() {
        synchronized (advancing) {
            long start = now;
            simulator.runDue(Long.MAX_VALUE, this);
            return Duration.ofNanos(now - start);
        }
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
        return "ManualClock[" + elapsed() + "]";
    }
}
