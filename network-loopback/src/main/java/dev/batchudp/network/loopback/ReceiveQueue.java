package dev.batchudp.network.loopback;

import dev.batchudp.network.DatagramTruncatedException;
import dev.batchudp.network.Message;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A connection's bounded receive queue: a ring of datagrams (payload, sender, the address it was sent
 * to, its IP header fields and the drop count when it was queued) guarded by one lock, with
 * a condition for blocked receivers. Senders never block: {@link #offer} answers at once. The ring
 * starts small and doubles up to the capacity, so idle connections cost little even when the
 * configured capacity is large.
 *
 * <p>Counters of what arrived ({@code delivered}) and what was taken ({@code received},
 * {@code truncated}) are plain fields guarded by the lock, which every enqueue and dequeue holds
 * anyway; {@code droppedQueueFull} is a {@link LongAdder} because a full queue drops without locking.
 */
final class ReceiveQueue {
    static final int ACCEPTED = 0;
    static final int FULL = 1;
    static final int CLOSED = 2;

    private static final int INITIAL_SLOTS = 16;
    private static final byte[][] NO_PAYLOADS = new byte[0][];
    private static final InetSocketAddress[] NO_SENDERS = new InetSocketAddress[0];
    private static final InetAddress[] NO_DESTINATIONS = new InetAddress[0];
    private static final int[] NO_HEADERS = new int[0];
    private static final long[] NO_DROPS = new long[0];

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final int capacity;
    private final LongAdder droppedQueueFull = new LongAdder();
    /** The network's simulated time, or {@code null} in real time. */
    private final Timeline timeline;
    /** Receivers waiting on {@link #timeline}; a delivery or close wakes them only when there are any. */
    private final AtomicInteger simulatedWaiters = new AtomicInteger();

    // Guarded by lock.
    private byte[][] payloads;
    private InetSocketAddress[] senders;
    private InetAddress[] destinations;
    /** Each datagram's traffic class (bits 0-7) and hop limit (bits 8-15): {@link #header}. */
    private int[] headers;
    /** Each datagram's {@code SO_RXQ_OVFL} stamp: {@link #droppedQueueFull} when it was queued, if asked for. */
    private long[] drops;
    private int head;
    /** Written under the lock; read without it by {@link #offer} to drop cheaply when full. */
    private volatile int count;
    private long bytes;
    private int byteCapacity;
    private int waiters;
    /** Written under the lock; read without it by receivers waiting on simulated time. */
    private volatile boolean closed;
    private long delivered;
    private long received;
    private long truncated;
    private long receivedBytes;
    /** Whether queued datagrams are stamped with the drop count ({@code SO_RXQ_OVFL} is on). */
    private volatile boolean stampDrops;

    ReceiveQueue(int capacity, int byteCapacity, Timeline timeline) {
        this.timeline = timeline;
        this.capacity = capacity;
        this.byteCapacity = byteCapacity;
        int initial = Math.min(INITIAL_SLOTS, capacity);
        this.payloads = new byte[initial][];
        this.senders = new InetSocketAddress[initial];
        this.destinations = new InetAddress[initial];
        this.headers = new int[initial];
        this.drops = new long[initial];
    }

    /** Packs a datagram's traffic class and hop limit (each 0-255) into one header word. */
    static int header(int trafficClass, int hopLimit) {
        return (trafficClass & 0xff) | (hopLimit & 0xff) << 8;
    }

    static int trafficClass(int header) {
        return header & 0xff;
    }

    static int hopLimit(int header) {
        return header >>> 8 & 0xff;
    }

    /**
     * Enqueues a datagram, never blocking.
     *
     * @param payload the payload, owned by the queue from now on
     * @param sender its source address
     * @param destination the address it was sent to
     * @param header its traffic class and hop limit ({@link #header(int, int)})
     * @return {@link #ACCEPTED}, {@link #FULL} (dropped and counted) or {@link #CLOSED}
     */
    int offer(byte[] payload, InetSocketAddress sender, InetAddress destination, int header) {
        if (count >= capacity) {
            // Full: drop without contending for the lock the receiver needs to drain the queue. An
            // overloaded receiver is the common case for a full queue, and this keeps it fast.
            droppedQueueFull.increment();
            return FULL;
        }
        final ReentrantLock lock = this.lock;
        lock.lock();
        try {
            if (closed) {
                return CLOSED;
            }
            // As Linux does, an empty queue takes one datagram whatever the byte limit.
            if (count == capacity || (count > 0 && bytes + payload.length > byteCapacity)) {
                droppedQueueFull.increment();
                return FULL;
            }
            if (count == payloads.length) {
                grow();
            }
            int tail = head + count;
            if (tail >= payloads.length) {
                tail -= payloads.length;
            }
            payloads[tail] = payload;
            senders[tail] = sender;
            destinations[tail] = destination;
            headers[tail] = header;
            // As sock_skb_set_dropcount (include/net/sock.h): stamped at enqueue, only while asked for.
            drops[tail] = stampDrops ? droppedQueueFull.sum() : 0;
            count++;
            bytes += payload.length;
            delivered++;
            if (waiters > 0) {
                notEmpty.signal();
            }
        } finally {
            lock.unlock();
        }
        if (simulatedWaiters.get() > 0) {
            timeline.signal();
        }
        return ACCEPTED;
    }

    /**
     * Takes the oldest datagram, waiting for one if the queue is empty, and copies its payload into
     * {@code dst}. The copy happens under the lock, so nothing is allocated per datagram; for the
     * datagram sizes UDP carries it costs less than the lock hand-off itself.
     *
     * @param timeoutNanos how long to wait; 0 waits forever
     * @param dst where the payload is stored, from its position; not read-only
     * @return the sender, or {@code null} if the timeout expired first
     * @throws DatagramTruncatedException if the payload did not fit; the datagram is consumed
     * @throws ClosedChannelException if the queue was closed before the call
     * @throws AsynchronousCloseException if it was closed while waiting
     * @throws InterruptedException if interrupted while waiting
     */
    InetSocketAddress take(long timeoutNanos, ByteBuffer dst)
            throws ClosedChannelException, DatagramTruncatedException, InterruptedException {
        final ReentrantLock lock = this.lock;
        lock.lockInterruptibly();
        try {
            if (closed) {
                throw new ClosedChannelException();
            }
            if (count == 0 && !awaitLocked(timeoutNanos)) {
                return null;
            }
            return dequeue(dst);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits for a datagram in real time; the caller holds the lock and has found the queue open and
     * empty.
     *
     * @return {@code true} once a datagram is queued, {@code false} if the timeout expired first
     */
    private boolean awaitLocked(long timeoutNanos) throws AsynchronousCloseException, InterruptedException {
        waiters++;
        try {
            long remaining = timeoutNanos;
            while (count == 0) {
                if (closed) {
                    throw new AsynchronousCloseException();
                }
                if (timeoutNanos == 0) {
                    notEmpty.await();
                } else {
                    if (remaining <= 0) {
                        return false;
                    }
                    remaining = notEmpty.awaitNanos(remaining);
                }
            }
            return true;
        } finally {
            waiters--;
        }
    }

    /** Stores one queued datagram in a {@link Message}; called under the queue's lock. */
    interface MessageFiller {
        /**
         * Fills {@code m} with a datagram: payload, sender, length, flags, control messages.
         *
         * @return whether the payload was truncated
         */
        boolean fill(Message m, byte[] payload, InetSocketAddress sender, InetAddress destination, int header,
                long drops);
    }

    /**
     * Takes datagrams into messages, the way {@code recvmmsg(2)} with {@code MSG_WAITFORONE} does: waits
     * for the first (unless {@code block} is false), then fills one message per datagram already
     * queued, up to {@code count}. With {@code peek} the first datagram is filled and left queued.
     *
     * @param timeoutNanos how long to wait, in real or simulated time; 0 waits forever
     * @param block whether to wait when the queue is empty ({@code MSG_DONTWAIT} unset)
     * @param peek whether to leave the datagram queued ({@code MSG_PEEK}); fills at most one message
     * @param msgs the messages
     * @param offset the first message to fill
     * @param count how many may be filled, at least 1
     * @param filler stores a datagram in a message
     * @return the messages filled; 0 if {@code block} is false and nothing is queued; -1 if the
     *     timeout expired first
     * @throws ClosedChannelException if the queue was closed before the call
     * @throws AsynchronousCloseException if it was closed while waiting
     * @throws InterruptedException if interrupted while waiting
     */
    int takeMessages(long timeoutNanos, boolean block, boolean peek, Message[] msgs, int offset, int count,
            MessageFiller filler) throws ClosedChannelException, InterruptedException {
        if (timeline != null && block) {
            return takeMessagesSimulated(timeoutNanos, peek, msgs, offset, count, filler);
        }
        final ReentrantLock lock = this.lock;
        lock.lockInterruptibly();
        try {
            if (closed) {
                throw new ClosedChannelException();
            }
            if (this.count == 0 && (!block || !awaitLocked(timeoutNanos))) {
                return block ? -1 : 0;
            }
            return fill(peek, msgs, offset, count, filler);
        } finally {
            lock.unlock();
        }
    }

    private int takeMessagesSimulated(long timeoutNanos, boolean peek, Message[] msgs, int offset, int count,
            MessageFiller filler) throws ClosedChannelException, InterruptedException {
        long now = timeline.clock().nanos();
        long deadline = timeoutNanos == 0 || timeoutNanos >= Timeline.NONE - now ? Timeline.NONE : now + timeoutNanos;
        boolean waited = false;
        while (true) {
            final ReentrantLock lock = this.lock;
            lock.lockInterruptibly();
            try {
                if (closed) {
                    throw waited ? new AsynchronousCloseException() : new ClosedChannelException();
                }
                if (this.count > 0) {
                    return fill(peek, msgs, offset, count, filler);
                }
            } finally {
                lock.unlock();
            }
            if (timeline.clock().nanos() >= deadline) {
                return -1;
            }
            waited = true;
            simulatedWaiters.incrementAndGet();
            try {
                if (!timeline.await(() -> this.count > 0 || closed, deadline)) {
                    throw new AsynchronousCloseException();
                }
            } finally {
                simulatedWaiters.decrementAndGet();
            }
        }
    }

    /** Fills messages from the head of the queue; the caller holds the lock and there is a datagram. */
    private int fill(boolean peek, Message[] msgs, int offset, int max, MessageFiller filler) {
        int n = 0;
        while (n < max && count > 0) {
            int h = head;
            byte[] payload = payloads[h];
            boolean cut = filler.fill(msgs[offset + n], payload, senders[h], destinations[h], headers[h], drops[h]);
            n++;
            if (peek) {
                break; // a peek consumes nothing and counts nothing
            }
            if (cut) {
                truncated++;
            }
            remove(h, payload.length);
        }
        return n;
    }

    /** Removes the head datagram and counts it as received; the caller holds the lock. */
    private void remove(int h, int length) {
        payloads[h] = null;
        senders[h] = null;
        destinations[h] = null;
        head = h + 1 == payloads.length ? 0 : h + 1;
        count--;
        bytes -= length;
        received++;
        receivedBytes += length;
    }

    /** Turns on or off stamping queued datagrams with the drop count ({@code SO_RXQ_OVFL}). */
    void stampDrops(boolean on) {
        stampDrops = on;
    }

    /** Datagrams dropped because the queue was full, so far. */
    long droppedQueueFull() {
        return droppedQueueFull.sum();
    }

    /**
     * Takes the oldest datagram as {@link #take} does, but waits on the network's simulated time: the
     * timeout runs on the {@link ManualClock}, and a receiver waiting here is idle for auto-advance.
     *
     * @param timeoutNanos how long to wait on the clock; 0 waits forever
     * @param dst where the payload is stored
     * @return the sender, or {@code null} if the clock reached the timeout first
     * @throws DatagramTruncatedException if the payload did not fit; the datagram is consumed
     * @throws ClosedChannelException if the queue was closed before the call
     * @throws AsynchronousCloseException if it was closed while waiting
     * @throws InterruptedException if interrupted while waiting
     */
    InetSocketAddress takeSimulated(long timeoutNanos, ByteBuffer dst)
            throws ClosedChannelException, DatagramTruncatedException, InterruptedException {
        long now = timeline.clock().nanos();
        long deadline = timeoutNanos == 0 || timeoutNanos >= Timeline.NONE - now ? Timeline.NONE : now + timeoutNanos;
        boolean waited = false;
        while (true) {
            final ReentrantLock lock = this.lock;
            lock.lockInterruptibly();
            try {
                if (closed) {
                    throw waited ? new AsynchronousCloseException() : new ClosedChannelException();
                }
                if (count > 0) {
                    return dequeue(dst);
                }
            } finally {
                lock.unlock();
            }
            if (timeline.clock().nanos() >= deadline) {
                return null;
            }
            waited = true;
            simulatedWaiters.incrementAndGet();
            try {
                if (!timeline.await(() -> count > 0 || closed, deadline)) {
                    throw new AsynchronousCloseException();
                }
            } finally {
                simulatedWaiters.decrementAndGet();
            }
        }
    }

    /** Whether receives wait on simulated time. */
    boolean isSimulated() {
        return timeline != null;
    }

    /** Takes the head datagram; the caller holds the lock and has checked that there is one. */
    private InetSocketAddress dequeue(ByteBuffer dst) throws DatagramTruncatedException {
        int h = head;
        byte[] payload = payloads[h];
        InetSocketAddress sender = senders[h];
        remove(h, payload.length);
        int room = dst.remaining();
        if (payload.length > room) {
            dst.put(payload, 0, room);
            truncated++;
            throw new DatagramTruncatedException(sender, payload.length, room);
        }
        dst.put(payload);
        return sender;
    }

    /** Closes the queue: discards what it holds, wakes every waiting receiver, refuses new datagrams. */
    void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            payloads = NO_PAYLOADS;
            senders = NO_SENDERS;
            destinations = NO_DESTINATIONS;
            headers = NO_HEADERS;
            drops = NO_DROPS;
            head = 0;
            count = 0;
            bytes = 0;
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
        if (simulatedWaiters.get() > 0) {
            timeline.signal();
        }
    }

    void setByteCapacity(int byteCapacity) {
        lock.lock();
        try {
            this.byteCapacity = byteCapacity;
        } finally {
            lock.unlock();
        }
    }

    int byteCapacity() {
        lock.lock();
        try {
            return byteCapacity;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns a snapshot of the counters, combined with those kept outside the queue.
     *
     * @param sent datagrams the connection sent
     * @param droppedByRule datagrams it sent that the simulation dropped
     * @param duplicated copies made of datagrams it sent
     * @return the snapshot
     */
    LoopbackConnectionStats stats(long sent, long droppedByRule, long duplicated) {
        lock.lock();
        try {
            return new LoopbackConnectionStats(
                    sent, delivered, received, droppedQueueFull.sum(), truncated, count, bytes, droppedByRule,
                    duplicated);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Adds the receive side's counters to {@code b}: datagrams and bytes received, truncated, dropped
     * at the full queue.
     *
     * @param b the statistics being built
     * @return {@code b}
     */
    dev.batchudp.network.UdpStatistics.Builder statistics(dev.batchudp.network.UdpStatistics.Builder b) {
        lock.lock();
        try {
            return b.datagramsReceived(received).bytesReceived(receivedBytes).truncatedDatagrams(truncated)
                    .receiveQueueDrops(droppedQueueFull.sum());
        } finally {
            lock.unlock();
        }
    }

    private void grow() {
        int length = payloads.length;
        int newLength = (int) Math.min((long) capacity, Math.max(INITIAL_SLOTS, 2L * length));
        payloads = unroll(payloads, new byte[newLength][], length);
        senders = unroll(senders, new InetSocketAddress[newLength], length);
        destinations = unroll(destinations, new InetAddress[newLength], length);
        headers = unroll(headers, new int[newLength], length);
        drops = unroll(drops, new long[newLength], length);
        head = 0;
    }

    /** Copies the ring {@code from} into {@code to} so that it starts at index 0. */
    private <A> A unroll(A from, A to, int length) {
        int firstPart = Math.min(count, length - head);
        System.arraycopy(from, head, to, 0, firstPart);
        System.arraycopy(from, 0, to, firstPart, count - firstPart);
        return to;
    }
}
