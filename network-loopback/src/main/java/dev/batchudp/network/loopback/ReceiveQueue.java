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
 * A connection's bounded receive queue: a {@link DatagramRing} (payload, sender, the address it was
 * sent to, its IP header fields and the drop count when it was queued) guarded by one lock, with a
 * condition for blocked receivers, and the receivers' waits in real or simulated time. Senders never
 * block: {@link #offer} answers at once.
 *
 * <p>Counters of what arrived ({@code delivered}) and what was taken ({@code received},
 * {@code truncated}) are plain fields guarded by the lock, which every enqueue and dequeue holds
 * anyway; {@code droppedQueueFull} is a {@link LongAdder} because a full queue drops without locking.
 */
final class ReceiveQueue {
    static final int ACCEPTED = 0;
    static final int FULL = 1;
    static final int CLOSED = 2;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final int capacity;
    private final LongAdder droppedQueueFull = new LongAdder();
    /** The network's simulated time, or {@code null} in real time. */
    private final Timeline timeline;
    /** Receivers waiting on {@link #timeline}; a delivery or close wakes them only when there are any. */
    private final AtomicInteger simulatedWaiters = new AtomicInteger();

    // Guarded by lock, except the ring's size, which offer and simulated waiters read without it.
    private final DatagramRing ring;
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
        this.ring = new DatagramRing(capacity);
    }

    /**
     * Packs a datagram's traffic class (bits 0-7) and hop limit (bits 8-15), each 0-255, into one
     * header word.
     */
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
        if (ring.size() >= capacity) {
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
            int count = ring.size();
            if (count == capacity || (count > 0 && ring.bytes() + payload.length > byteCapacity)) {
                droppedQueueFull.increment();
                return FULL;
            }
            // As sock_skb_set_dropcount (include/net/sock.h): stamped at enqueue, only while asked for.
            ring.add(payload, sender, destination, header, stampDrops ? droppedQueueFull.sum() : 0);
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
     * Takes the oldest datagram, waiting for one if the queue is empty (on the network's simulated time
     * if it has one: the timeout runs on the {@link ManualClock}, and a receiver waiting here is idle
     * for auto-advance), and copies its payload into {@code dst}. The copy happens under the lock, so
     * nothing is allocated per datagram; for the datagram sizes UDP carries it costs less than the lock
     * hand-off itself.
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
        if (!lockWhenQueued(timeoutNanos, true)) {
            return null;
        }
        try {
            return dequeue(dst);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits for a datagram (unless {@code block} is false) and returns holding the lock once one is
     * queued, or returns {@code false}, not holding it, if none came in time. Waits on simulated time
     * when the network has it and {@code block} is true, else in real time.
     *
     * @throws ClosedChannelException if the queue was closed before the wait
     * @throws AsynchronousCloseException if it was closed while waiting
     */
    private boolean lockWhenQueued(long timeoutNanos, boolean block) throws ClosedChannelException,
            InterruptedException {
        if (timeline != null && block) {
            return lockWhenQueuedSimulated(timeoutNanos);
        }
        final ReentrantLock lock = this.lock;
        lock.lockInterruptibly();
        boolean queued = false;
        try {
            if (closed) {
                throw new ClosedChannelException();
            }
            queued = ring.size() > 0 || (block && awaitLocked(timeoutNanos));
            return queued;
        } finally {
            if (!queued) {
                lock.unlock();
            }
        }
    }

    /** {@link #lockWhenQueued} on the network's simulated time. */
    private boolean lockWhenQueuedSimulated(long timeoutNanos) throws ClosedChannelException,
            InterruptedException {
        long now = timeline.clock().nanos();
        long deadline = timeoutNanos == 0 || timeoutNanos >= Timeline.NONE - now ? Timeline.NONE : now + timeoutNanos;
        boolean waited = false;
        while (true) {
            final ReentrantLock lock = this.lock;
            lock.lockInterruptibly();
            boolean queued = false;
            try {
                if (closed) {
                    throw waited ? new AsynchronousCloseException() : new ClosedChannelException();
                }
                queued = ring.size() > 0;
                if (queued) {
                    return true;
                }
            } finally {
                if (!queued) {
                    lock.unlock();
                }
            }
            if (timeline.clock().nanos() >= deadline) {
                return false;
            }
            waited = true;
            simulatedWaiters.incrementAndGet();
            try {
                if (!timeline.await(() -> ring.size() > 0 || closed, deadline)) {
                    throw new AsynchronousCloseException();
                }
            } finally {
                simulatedWaiters.decrementAndGet();
            }
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
            while (ring.size() == 0) {
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
        if (!lockWhenQueued(timeoutNanos, block)) {
            return block ? -1 : 0;
        }
        try {
            return fill(peek, msgs, offset, count, filler);
        } finally {
            lock.unlock();
        }
    }

    /** Fills messages from the head of the queue; the caller holds the lock and there is a datagram. */
    private int fill(boolean peek, Message[] msgs, int offset, int max, MessageFiller filler) {
        int n = 0;
        while (n < max && ring.size() > 0) {
            boolean cut = filler.fill(msgs[offset + n], ring.headPayload(), ring.headSender(),
                    ring.headDestination(), ring.headHeader(), ring.headDrops());
            n++;
            if (peek) {
                break; // a peek consumes nothing and counts nothing
            }
            if (cut) {
                truncated++;
            }
            remove();
        }
        return n;
    }

    /** Removes the head datagram and counts it as received; the caller holds the lock. */
    private void remove() {
        int length = ring.removeHead();
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

    /** Whether receives wait on simulated time. */
    boolean isSimulated() {
        return timeline != null;
    }

    /** Takes the head datagram; the caller holds the lock and has checked that there is one. */
    private InetSocketAddress dequeue(ByteBuffer dst) throws DatagramTruncatedException {
        byte[] payload = ring.headPayload();
        InetSocketAddress sender = ring.headSender();
        remove();
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
            ring.discard();
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
                    sent, delivered, received, droppedQueueFull.sum(), truncated, ring.size(), ring.bytes(),
                    droppedByRule, duplicated);
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
}
