package dev.batchudp.network.loopback;

/**
 * Network-wide counters of a {@link LoopbackNetwork}, an immutable snapshot taken by
 * {@link LoopbackNetwork#stats()}.
 *
 * <p>Every datagram counted in {@link #sent()} ends in exactly one of the other counters, so once
 * traffic has stopped {@code sent == delivered + droppedNoListener + droppedQueueFull}. Delivery is
 * synchronous (it is complete when {@code send} returns), but a snapshot taken while other threads
 * are sending reads the counters one after the other and may catch a datagram between two of them.
 *
 * @param sent datagrams accepted by {@code send} on any connection (refused, oversize ones excluded)
 * @param delivered datagrams placed in a receive queue
 * @param droppedNoListener datagrams dropped because no open connection was bound to the destination
 *     address and port (or the one bound there is connected to another peer, or the destination is
 *     not an address of this network)
 * @param droppedQueueFull datagrams dropped because the destination's receive queue was full
 * @since 0.1
 */
public record LoopbackStats(long sent, long delivered, long droppedNoListener, long droppedQueueFull) {

    /**
     * Returns all datagrams dropped, for any reason.
     *
     * @return {@code droppedNoListener + droppedQueueFull}
     */
    public long dropped() {
        return droppedNoListener + droppedQueueFull;
    }
}
