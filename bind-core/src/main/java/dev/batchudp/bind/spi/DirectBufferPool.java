package dev.batchudp.bind.spi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The process-wide pool of direct memory that binds and batching connections hold while they are
 * open: receive windows, staging areas and system-call structures.
 *
 * <p>Why a pool: the JDK frees a direct buffer only when the garbage collector finds it unreachable,
 * and when the direct-memory limit ({@code -XX:MaxDirectMemorySize}) is reached it asks for a full
 * collection with {@code System.gc()}, which {@code -XX:+DisableExplicitGC} turns into a no-op. A
 * loop that opens and closes binds would then fail with {@code OutOfMemoryError: Cannot reserve …
 * bytes of direct buffer memory} although almost none of that memory is in use. Closed binds give
 * their blocks back here, and the next bind takes them, so open/close cycles reuse the same memory.
 *
 * <p>Why memory is never freed explicitly: a buffer lent to an application (see
 * {@code ReceiveFunc.receiveBorrowed}) may be read after its bind is closed. Pooled blocks are
 * ordinary {@link ByteBuffer#allocateDirect direct buffers}, freed by the JDK only once no view of
 * them is reachable, so a stale view reads stale or reused bytes, never unmapped memory.
 *
 * <p>Idle blocks above {@link #MAX_IDLE_BYTES} are dropped (left to the garbage collector). Blocks
 * are handed out with position 0, limit = capacity, native byte order and unspecified content.
 * Thread-safe; {@code acquire} and {@code release} take a lock, so they belong on open, close and
 * first-use paths, never per datagram.
 *
 * @since 0.1
 */
public final class DirectBufferPool {
    /** The most idle bytes the shared pool keeps: 8 MiB, the memory of about four binds. */
    public static final long MAX_IDLE_BYTES = 8L << 20;

    private static final DirectBufferPool SHARED = new DirectBufferPool(MAX_IDLE_BYTES);

    private final long maxIdleBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Integer, ArrayDeque<ByteBuffer>> idle = new HashMap<>();
    private long idleBytes;
    private long allocatedBytes;

    /**
     * Creates a pool of its own (tests; applications use {@link #shared()}).
     *
     * @param maxIdleBytes the most bytes kept idle
     * @throws IllegalArgumentException if {@code maxIdleBytes} is negative
     */
    public DirectBufferPool(long maxIdleBytes) {
        if (maxIdleBytes < 0) {
            throw new IllegalArgumentException("maxIdleBytes must not be negative: " + maxIdleBytes);
        }
        this.maxIdleBytes = maxIdleBytes;
    }

    /**
     * Returns the pool every bind of this process shares.
     *
     * @return the shared pool
     */
    public static DirectBufferPool shared() {
        return SHARED;
    }

    /**
     * Takes an idle block of exactly {@code capacity} bytes, or allocates one.
     *
     * @param capacity bytes, positive
     * @return a direct, native-order buffer, position 0, limit {@code capacity}
     * @throws IllegalArgumentException if {@code capacity} is not positive
     */
    public ByteBuffer acquire(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        lock.lock();
        try {
            ArrayDeque<ByteBuffer> blocks = idle.get(capacity);
            ByteBuffer block = blocks == null ? null : blocks.pollFirst();
            if (block != null) {
                idleBytes -= capacity;
                return block.clear();
            }
            allocatedBytes += capacity;
        } finally {
            lock.unlock();
        }
        return ByteBuffer.allocateDirect(capacity).order(ByteOrder.nativeOrder());
    }

    /**
     * Gives a block back. The caller must not use it (or views of it) afterwards except to read
     * stale bytes. {@code null} is ignored, so owners can release fields that were never filled.
     *
     * @param block a block from {@link #acquire}, or {@code null}
     * @throws IllegalArgumentException if the block is not direct
     */
    public void release(ByteBuffer block) {
        if (block == null) {
            return;
        }
        if (!block.isDirect()) {
            throw new IllegalArgumentException("not a pooled direct block: " + block);
        }
        int capacity = block.capacity();
        lock.lock();
        try {
            if (idleBytes + capacity > maxIdleBytes) {
                allocatedBytes -= capacity;
                return; // the garbage collector frees it once no view of it is reachable
            }
            idle.computeIfAbsent(capacity, c -> new ArrayDeque<>()).addFirst(block);
            idleBytes += capacity;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns the bytes of idle blocks.
     *
     * @return idle bytes
     */
    public long idleBytes() {
        lock.lock();
        try {
            return idleBytes;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns the bytes this pool has allocated and not dropped: blocks in use plus idle ones.
     *
     * @return bytes
     */
    public long allocatedBytes() {
        lock.lock();
        try {
            return allocatedBytes;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "DirectBufferPool[idle=" + idleBytes() + " allocated=" + allocatedBytes() + "]";
    }
}
