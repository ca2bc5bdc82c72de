package dev.batchudp.network.loopback;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneId;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;

/**
 * The time of a {@link LoopbackNetwork}: real time, or a {@link ManualClock} (simulated time) that
 * moves only when it is advanced, by the test or by itself, so that a test of a 30-second retry timer
 * runs in milliseconds. Choose with {@link LoopbackConfiguration.Builder#manualClock} and
 * {@link LoopbackConfiguration.Builder#autoAdvance}; get it with {@link LoopbackNetwork#clock()}.
 *
 * <p>Everything the network times runs on this clock: delays (latency, reordering, bandwidth, rule
 * delays) and receive timeouts ({@link dev.batchudp.network.UdpConnection#setReadTimeout}). Code under
 * test reaches the same time through what it can have injected: this clock is an
 * {@link InstantSource} (and {@link #asClock()} a {@link Clock}), {@link #newScheduledExecutor()} gives a
 * {@link ScheduledExecutorService} whose delays run on it, and {@link #threadFactory()} threads the
 * clock waits for.
 *
 * <pre>{@code
 * RetryingClient client = new RetryingClient(connection, network.clock(),  // an InstantSource
 *         network.clock().newScheduledExecutor());
 * }</pre>
 *
 * @since 0.1
 */
public sealed interface LoopbackClock extends InstantSource permits ManualClock, RealTimeClock {

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
    @Override
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
     * Returns a factory of threads for code under test. On a {@link ManualClock} they are participants
     * the clock waits for (see {@link ManualClock#threadFactory()}); in real time, plain daemon threads.
     *
     * @return a thread factory
     */
    ThreadFactory threadFactory();

    /**
     * Returns a new single-threaded {@link ScheduledExecutorService} whose delays run on this clock: on
     * a {@link ManualClock}, see {@link ManualClock#newScheduledExecutor()}; in real time, a
     * {@link java.util.concurrent.ScheduledThreadPoolExecutor} with one daemon thread. Either way the
     * network shuts it down ({@code shutdownNow}) when it closes.
     *
     * @return a new executor
     */
    ScheduledExecutorService newScheduledExecutor();

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
