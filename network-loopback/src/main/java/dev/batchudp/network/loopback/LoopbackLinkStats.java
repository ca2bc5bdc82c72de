package dev.batchudp.network.loopback;

/**
 * Counters of one directed link of a {@link LoopbackNetwork}, from a host to a host, an immutable
 * snapshot taken by {@link LoopbackNetwork#linkStats(String, String)}. Traffic a host sends to its own
 * addresses (loopback included) is counted on the link from the host to itself.
 *
 * <p>Once traffic has stopped and nothing is in flight,
 * {@code sent + duplicated == delivered + droppedNoListener + droppedQueueFull + droppedByRule}.
 *
 * @param from the sending host's name
 * @param to the receiving host's name
 * @param sent datagrams sent on the link
 * @param delivered datagrams (copies included) placed in a receive queue
 * @param droppedNoListener datagrams that found no connection bound to their destination
 * @param droppedQueueFull datagrams dropped because the destination's receive queue was full
 * @param droppedByRule datagrams dropped by the simulation: a rule (or one that
 *     threw), loss, a partition, the link MTU or queue limit, or the network closing with it in flight
 * @param duplicated extra copies made by duplication
 * @since 0.1
 */
public record LoopbackLinkStats(String from, String to, long sent, long delivered, long droppedNoListener,
        long droppedQueueFull, long droppedByRule, long duplicated) {
}
