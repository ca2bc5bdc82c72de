package dev.batchudp.bind.linux.internal;

import java.io.IOException;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counters of one batching connection, shared by its reader and writer and read by
 * {@link dev.batchudp.bind.linux.OffloadStatus}: adders where both sides count, plain volatile longs
 * where only one lock holder writes.
 */
final class ConnectionCounters {
    /** {@code ECONNREFUSED} errors (ICMP port unreachable) reads and writes swallowed. */
    final LongAdder portUnreachable = new LongAdder();
    /** Times GSO was turned off after {@code EIO}/{@code EINVAL} (0 or 1 per connection). */
    final LongAdder gsoDisabled = new LongAdder();
    /** Segmented sends resent unsegmented. */
    final LongAdder gsoFallbacks = new LongAdder();
    /** Sends whose sticky source the kernel refused. */
    final LongAdder sourcesDropped = new LongAdder();
    /** Why GSO was turned off, or {@code null}. */
    volatile IOException gsoDisabledCause;
    /** {@code sendmmsg} calls; written by the writer's lock holder only. */
    volatile long sendCalls;
    /** Kernel messages {@code sendmmsg} accepted; writer only. */
    volatile long sentKernelMessages;
    /** {@code recvmmsg} calls; written by the reader's lock holder only. */
    volatile long receiveCalls;
    /** Kernel messages {@code recvmmsg} returned; reader only. */
    volatile long receivedKernelMessages;
}
