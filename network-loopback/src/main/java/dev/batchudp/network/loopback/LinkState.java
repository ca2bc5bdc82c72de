package dev.batchudp.network.loopback;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.LongAdder;

/**
 * One directed link of the network, from a host to a host (or to nowhere, for destinations no host
 * owns): its counters, always kept, and its simulation state, guarded by the {@link Simulator}'s lock.
 * Loopback traffic within a host is the link from the host to itself.
 */
final class LinkState {
    final LoopbackHost from;
    /** The destination host, or {@code null} for the link to addresses no host owns. */
    final LoopbackHost to;

    final LongAdder sent = new LongAdder();
    final LongAdder delivered = new LongAdder();
    final LongAdder droppedNoListener = new LongAdder();
    final LongAdder droppedQueueFull = new LongAdder();
    final LongAdder droppedByRule = new LongAdder();
    final LongAdder duplicated = new LongAdder();

    // Guarded by the simulator's lock.
    /** This link's own impairments, or {@code null} to use the network's. */
    Impairments impairments;
    boolean partitioned;
    boolean held;
    final ArrayDeque<InFlight> heldDatagrams = new ArrayDeque<>();
    /** Clock time at which the link has sent everything queued on it (bandwidth limit). */
    long busyUntil;
    /** With a queue limit: when each datagram queued at the bandwidth limit leaves the link, in order. */
    final ArrayDeque<Long> departures = new ArrayDeque<>();
    /** Loss chain state: the previous datagram was lost (correlated loss), or the link is bad (Gilbert–Elliott). */
    boolean lossState;

    LinkState(LoopbackHost from, LoopbackHost to) {
        this.from = from;
        this.to = to;
    }

    String toName() {
        return to == null ? "?" : to.name();
    }

    LoopbackLinkStats stats() {
        long dr = droppedByRule.sum();
        long dq = droppedQueueFull.sum();
        long dn = droppedNoListener.sum();
        long d = delivered.sum();
        long dup = duplicated.sum();
        return new LoopbackLinkStats(from.name(), toName(), sent.sum(), d, dn, dq, dr, dup);
    }
}
