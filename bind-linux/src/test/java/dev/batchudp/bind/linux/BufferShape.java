package dev.batchudp.bind.linux;

/**
 * How a test presents a datagram's bytes to a bind: the buffer kinds callers really pass, each of
 * which a native path must address correctly (array offset, position, limit below capacity, slices
 * and duplicates sharing memory). {@link GuardedBuffer} builds them.
 */
enum BufferShape {
    /** A heap buffer at position 0 (limit may be below capacity). */
    HEAP,
    /** A slice of a heap buffer: {@code arrayOffset() > 0}, and a non-zero position inside the slice. */
    HEAP_OFFSET,
    /** A duplicate of a heap buffer, positioned inside it. */
    HEAP_DUPLICATE,
    /** A direct buffer at position 0 (limit may be below capacity). */
    DIRECT,
    /** A direct buffer at a non-zero position, limit below capacity. */
    DIRECT_POSITIONED,
    /** A slice of a direct buffer (its own index 0 is inside the allocation), positioned inside it. */
    DIRECT_SLICE,
    /** A duplicate of a direct buffer, positioned inside it. */
    DIRECT_DUPLICATE,
    /**
     * One direct buffer per slot, the same object call after call, at a different position each
     * time: what a caller with a fixed buffer pool does.
     */
    DIRECT_REUSED,
    /** A read-only view of a positioned heap buffer (sending only). */
    READ_ONLY_HEAP,
    /** A read-only view of a positioned direct buffer (sending only). */
    READ_ONLY_DIRECT;

    /** Returns whether a bind can receive into this shape. */
    boolean writable() {
        return this != READ_ONLY_HEAP && this != READ_ONLY_DIRECT;
    }
}
