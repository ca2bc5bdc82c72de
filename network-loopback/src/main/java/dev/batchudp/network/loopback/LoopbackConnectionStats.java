package dev.batchudp.network.loopback;

/**
 * Counters of one {@link LoopbackConnection}, an immutable snapshot taken by
 * {@link LoopbackConnection#stats()}. They survive {@code close()}: a closed connection reports
 * what it did while open.
 *
 * <p>Datagrams arriving at this connection end in {@link #delivered()} or
 * {@link #droppedQueueFull()}; delivered ones are later {@link #received()} (truncated ones
 * included), still {@linkplain #queuedDatagrams() queued}, or discarded when the connection closes.
 * Of the datagrams it {@linkplain #sent() sent}, {@link #droppedByRule()} were dropped by the
 * simulation and {@link #duplicated()} copied.
 *
 * @param sent datagrams this connection sent (accepted by {@code send} or {@code writeBatch}, each segment of a
 *     segmented write counted; refused ones excluded)
 * @param delivered datagrams placed in this connection's receive queue
 * @param received datagrams taken from the queue by {@code receive}, truncated ones included
 * @param droppedQueueFull datagrams for this connection dropped because its queue was full
 * @param truncated datagrams that did not fit the receive buffer and were reported with
 *     {@link dev.batchudp.network.DatagramTruncatedException}
 * @param queuedDatagrams datagrams waiting in the queue now
 * @param queuedBytes payload bytes waiting in the queue now
 * @param droppedByRule datagrams this connection sent that the simulation dropped (a rule, loss, a
 *     partition, a link MTU or queue limit, the network closing)
 * @param duplicated extra copies made of datagrams this connection sent
 * @since 0.1
 */
public record LoopbackConnectionStats(long sent, long delivered, long received, long droppedQueueFull,
        long truncated, int queuedDatagrams, long queuedBytes, long droppedByRule, long duplicated) {

    /**
     * Creates counters of a connection whose datagrams the simulation neither dropped nor duplicated.
     *
     * @param sent datagrams sent
     * @param delivered datagrams delivered to this connection
     * @param received datagrams received
     * @param droppedQueueFull datagrams dropped at this connection's full queue
     * @param truncated datagrams truncated
     * @param queuedDatagrams datagrams queued now
     * @param queuedBytes bytes queued now
     */
    public LoopbackConnectionStats(long sent, long delivered, long received, long droppedQueueFull,
            long truncated, int queuedDatagrams, long queuedBytes) {
        this(sent, delivered, received, droppedQueueFull, truncated, queuedDatagrams, queuedBytes, 0, 0);
    }
}
