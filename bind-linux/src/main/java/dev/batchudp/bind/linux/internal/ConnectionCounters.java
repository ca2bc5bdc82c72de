package dev.batchudp.bind.linux.internal;

import java.io.IOException;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counters of one socket, shared by its single-datagram I/O, its message I/O and its batching
 * view's reader and writer, and read by {@link LinuxUdpSocket#statistics()} and
 * {@link dev.batchudp.bind.linux.OffloadStatus}: adders where several sides count (each adds once per
 * call, not per datagram), plain volatile longs where only one lock holder writes.
 */
final class ConnectionCounters {
    /** Datagrams handed to the kernel (a segmented send counts each segment). */
    final LongAdder datagramsSent = new LongAdder();
    /** Payload bytes of {@link #datagramsSent}. */
    final LongAdder bytesSent = new LongAdder();
    /** Datagrams delivered to readers (a coalesced read counts each segment). */
    final LongAdder datagramsReceived = new LongAdder();
    /** Payload bytes of {@link #datagramsReceived} (their full lengths, truncated or not). */
    final LongAdder bytesReceived = new LongAdder();
    /** Received datagrams longer than the reader's buffers ({@code MSG_TRUNC}). */
    final LongAdder truncated = new LongAdder();
    /** Datagrams dropped on send because the kernel answered {@code ENOBUFS}. */
    final LongAdder noBufferDrops = new LongAdder();
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

    /** Counts datagrams handed to the kernel. */
    void sent(long datagrams, long bytes) {
        datagramsSent.add(datagrams);
        bytesSent.add(bytes);
    }

    /** Counts datagrams delivered to a reader. */
    void received(long datagrams, long bytes, long truncatedDatagrams) {
        datagramsReceived.add(datagrams);
        bytesReceived.add(bytes);
        if (truncatedDatagrams != 0) {
            truncated.add(truncatedDatagrams);
        }
    }
}
