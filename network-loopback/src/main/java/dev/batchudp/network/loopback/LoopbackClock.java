package dev.batchudp.network.loopback;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

/**
 * The clock a {@link LoopbackNetwork} delays datagrams on: real time, or a {@link ManualClock} that
 * moves only when the test {@linkplain ManualClock#advance(Duration) advances} it, so that a test of a
 * 30-second delay runs in milliseconds. Choose with {@link LoopbackConfiguration.Builder#manualClock};
 * get it with {@link LoopbackNetwork#clock()}.
 *
 * <p>Only the network's delays (latency, reordering, bandwidth, rule delays) run on this clock.
 * Receive timeouts ({@link dev.batchudp.network.UdpConnection#setReadTimeout}) are real time.
 *
 * @since 0.1
 */
public sealed interface LoopbackClock permits ManualClock, RealTimeClock {

    /**
     * Returns the time elapsed since the network was created, in nanoseconds.
     *
     * @return the clock's reading
     */
    long nanos();

    /**
     * Returns the time elapsed since the network was created.
     *
     * @return the clock's reading
     */
    default Duration elapsed() {
        return Duration.ofNanos(nanos());
    }

    /**
     * Returns the wall-clock time of the network: {@link #epoch()} plus {@link #elapsed()}. Captures
     * use it for their timestamps.
     *
     * @return the current instant
     */
    default Instant instant() {
        return epoch().plusNanos(nanos());
    }

    /**
     * Returns the instant the network was created at: the real time for a real-time clock,
     * {@link Instant#EPOCH} for a manual clock (so that captures repeat exactly).
     *
     * @return the network's start
     */
    Instant epoch();

    /**
     * Returns whether this is a {@link ManualClock}.
     *
     * @return whether time moves only when advanced
     */
    boolean isManual();

    /**
     * Returns this clock as a {@link Clock} in UTC, for code under test that takes an injected clock.
     *
     * @return a view of this clock
     */
    default Clock asClock() {
        LoopbackClock self = this;
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                throw new UnsupportedOperationException("a loopback clock is always UTC");
            }

            @Override
            public Instant instant() {
                return self.instant();
            }
        };
    }
}
