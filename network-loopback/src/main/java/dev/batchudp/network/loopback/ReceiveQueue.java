package dev.batchudp.network.loopback;

import dev.batchudp.network.DatagramTruncatedException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A connection's bounded receive queue: a ring of (payload, sender) pairs guarded by one lock, with
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

    ReceiveQueue(int capacity, int byteCapacity, Timeline timeline) {
        this.timeline = timeline;
        this.capacity = capacity;
        this.byteCapacity = byteCapacity;
        int initial = Math.min(INITIAL_SLOTS, capacity);
        this.payloads = new byte[initial][];
        this.senders = new InetSocketAddress[initial];
    }

    /**
     * Enqueues a datagram, never blocking.
     *
     * @param payload the payload, owned by the queue from now on
     * @param sender its source address
     * @return {@link #ACCEPTED}, {@link #FULL} (dropped and counted) or {@link #CLOSED}
     */
    int offer(byte[] payload, InetSocketAddress sender) {
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
            if (count == 0) {
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
                                return null;
                            }
                            remaining = notEmpty.awaitNanos(remaining);
                        }
                    }
                } finally {
                    waiters--;
                }
            }
            return dequeue(dst);
        } finally {
            lock.unlock();
        }
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
        payloads[h] = null;
        senders[h] = null;
        head = h + 1 == payloads.length ? 0 : h + 1;
        count--;
        bytes -= payload.length;
        received++;
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

    private void grow() {
        int length = payloads.length;
        int newLength = (int) Math.min((long) capacity, Math.max(INITIAL_SLOTS, 2L * length));
        byte[][] newPayloads = new byte[newLength][];
        InetSocketAddress[] newSenders = new InetSocketAddress[newLength];
        // Unroll the ring so that it starts at index 0.
        int firstPart = Math.min(count, length - head);
        System.arraycopy(payloads, head, newPayloads, 0, firstPart);
        System.arraycopy(senders, head, newSenders, 0, firstPart);
        System.arraycopy(payloads, 0, newPayloads, firstPart, count - firstPart);
        System.arraycopy(senders, 0, newSenders, firstPart, count - firstPart);
        payloads = newPayloads;
        senders = newSenders;
        head = 0;
    }
}
