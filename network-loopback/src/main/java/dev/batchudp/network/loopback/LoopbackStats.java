package dev.batchudp.network.loopback;

/**
 * Network-wide counters of a {@link LoopbackNetwork}, an immutable snapshot taken by
 * {@link LoopbackNetwork#stats()}: the sums over every {@linkplain LoopbackLinkStats link}.
 *
 * <p>Every datagram counted in {@link #sent()}, and every extra copy counted in {@link #duplicated()},
 * ends in exactly one of the other counters, so once traffic has stopped
 * {@code sent + duplicated == delivered + droppedNoListener + droppedQueueFull + droppedByRule + inFlight}.
 * Without impairments delivery is synchronous (complete when {@code send} returns) and the last three
 * are zero; a snapshot taken while other threads are sending reads the counters one after the other
 * and may catch a datagram between two of them.
 *
 * @param sent datagrams accepted by {@code send} on any connection (refused, oversize ones excluded)
 * @param delivered datagrams placed in a receive queue
 * @param droppedNoListener datagrams dropped because no open connection was bound to the destination
 *     address and port (or the one bound there is connected to another peer, the destination host is
 *     down, or the destination is not an address of this network)
 * @param droppedQueueFull datagrams dropped because the destination's receive queue was full
 * @param droppedByRule datagrams dropped by the simulation: a {@link LoopbackRule} (or one that threw),
 *     loss, a partition, a link MTU, a link queue limit, or the network closing with it in flight
 * @param duplicated extra copies made by duplication
 * @param inFlight datagrams delayed or held, not yet delivered or dropped
 * @since 0.1
 */
public record LoopbackStats(long sent, long delivered, long droppedNoListener, long droppedQueueFull,
        long droppedByRule, long duplicated, long inFlight) {

    /**
     * Creates counters of a network that simulated nothing: no rule drops, duplicates or datagrams in
     * flight.
     *
     * @param sent datagrams sent
     * @param delivered datagrams delivered
     * @param droppedNoListener datagrams without a listener
     * @param droppedQueueFull datagrams dropped at a full queue
     */
    public LoopbackStats(long sent, long delivered, long droppedNoListener, long droppedQueueFull) {
        this(sent, delivered, droppedNoListener, droppedQueueFull, 0, 0, 0);
    }

    /**
     * Returns all datagrams dropped, for any reason.
     *
     * @return {@code droppedNoListener + droppedQueueFull + droppedByRule}
     */
    public long dropped() {
        return droppedNoListener + droppedQueueFull + droppedByRule;
    }
}
