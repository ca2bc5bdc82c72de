package dev.batchudp.network.loopback;

/**
 * Counters of one {@link LoopbackConnection}, an immutable snapshot taken by
 * {@link LoopbackConnection#stats()}. They survive {@code close()}: a closed connection reports
 * what it did while open.
 *
 * <p>Datagrams arriving at this connection end in {@link #delivered()} or
 * {@link #droppedQueueFull()}; delivered ones are later {@link #received()} (truncated ones
 * included), still {@linkplain #queuedDatagrams() queued}, or discarded when the connection closes.
 *
 * @param sent datagrams this connection sent (accepted by {@code send}; oversize ones excluded)
 * @param delivered datagrams placed in this connection's receive queue
 * @param received datagrams taken from the queue by {@code receive}, truncated ones included
 * @param droppedQueueFull datagrams for this connection dropped because its queue was full
 * @param truncated datagrams that did not fit the receive buffer and were reported with
 *     {@link dev.batchudp.network.DatagramTruncatedException}
 * @param queuedDatagrams datagrams waiting in the queue now
 * @param queuedBytes payload bytes waiting in the queue now
 * @since 0.1
 */
public record LoopbackConnectionStats(long sent, long delivered, long received, long droppedQueueFull,
        long truncated, int queuedDatagrams, long queuedBytes) {
}
