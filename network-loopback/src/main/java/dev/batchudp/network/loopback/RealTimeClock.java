package dev.batchudp.network.loopback;

import java.time.Instant;

/** Real time, from {@link System#nanoTime()}. */
final class RealTimeClock implements LoopbackClock {
    private final long origin = System.nanoTime();
    private final Instant epoch = Instant.now();

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
    public String toString() {
        return "LoopbackClock[real time, " + elapsed() + "]";
    }
}
