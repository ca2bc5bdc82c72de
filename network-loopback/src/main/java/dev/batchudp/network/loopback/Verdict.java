package dev.batchudp.network.loopback;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * What a {@link LoopbackRule} decides for a datagram: {@linkplain #pass() no opinion},
 * {@linkplain #drop() drop it}, {@linkplain #delay(Duration) deliver it after a delay}, or
 * {@linkplain #duplicate(Duration, Duration) deliver it twice}. Immutable.
 *
 * @since 0.1
 */
public final class Verdict {
    private static final long[] NONE = new long[0];
    private static final Verdict PASS = new Verdict(NONE, "Pass");
    private static final Verdict DROP = new Verdict(NONE, "Drop");
    private static final Verdict NOW = new Verdict(new long[] {0}, "Deliver(PT0S)");

    private final long[] delays;
    private final String description;

    private Verdict(long[] delays, String description) {
        this.delays = delays;
        this.description = description;
    }

    /**
     * Returns "no opinion": the next rule decides, and after the last rule the network's
     * {@link Impairments}.
     *
     * @return the pass verdict
     */
    public static Verdict pass() {
        return PASS;
    }

    /**
     * Returns "drop the datagram", counted as dropped by rule.
     *
     * @return the drop verdict
     */
    public static Verdict drop() {
        return DROP;
    }

    /**
     * Returns "deliver now", bypassing the network's impairments.
     *
     * @return the deliver-now verdict
     */
    public static Verdict deliver() {
        return NOW;
    }

    /**
     * Returns "deliver after {@code delay}" (and no other impairment).
     *
     * @param delay the delay on the network's clock, not negative
     * @return the verdict
     * @throws IllegalArgumentException if {@code delay} is negative
     */
    public static Verdict delay(Duration delay) {
        long d = nanos(delay);
        return d == 0 ? NOW : new Verdict(new long[] {d}, "Deliver(" + delay + ")");
    }

    /**
     * Returns "deliver the datagram after {@code delay} and a copy after {@code copyDelay}", counted
     * as duplicated.
     *
     * @param delay the original's delay, not negative
     * @param copyDelay the copy's delay, not negative
     * @return the verdict
     * @throws IllegalArgumentException if a delay is negative
     */
    public static Verdict duplicate(Duration delay, Duration copyDelay) {
        return new Verdict(new long[] {nanos(delay), nanos(copyDelay)},
                "Duplicate(" + delay + ", " + copyDelay + ")");
    }

    /**
     * Returns whether this is {@link #pass()}.
     *
     * @return whether the rule had no opinion
     */
    public boolean isPass() {
        return this == PASS;
    }

    /**
     * Returns whether this is {@link #drop()}.
     *
     * @return whether the datagram is dropped
     */
    public boolean isDrop() {
        return this == DROP;
    }

    /** Delay of each copy to deliver, in nanoseconds; empty for pass and drop. Not to be modified. */
    long[] delays() {
        return delays;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Verdict && ((Verdict) o).description.equals(description)
                && Arrays.equals(((Verdict) o).delays, delays);
    }

    @Override
    public int hashCode() {
        return description.hashCode();
    }

    @Override
    public String toString() {
        return description;
    }

    private static long nanos(Duration d) {
        Objects.requireNonNull(d, "delay");
        if (d.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative, got " + d);
        }
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("delay is too long: " + d, e);
        }
    }
}
