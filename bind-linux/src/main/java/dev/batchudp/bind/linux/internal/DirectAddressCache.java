package dev.batchudp.bind.linux.internal;

import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;

/**
 * Remembers, per batch slot, the index-0 address of the direct buffer last seen in that slot, so
 * that a caller sending from (or receiving into) the same buffers call after call pays
 * {@link DirectMemory#address}'s JNI call (about 24 ns here) once per buffer rather than once per
 * datagram.
 *
 * <p>Correct for any position: the cached value is the address of index 0, which never changes for
 * a buffer object, and callers add the current position. The buffer is held only
 * {@linkplain WeakReference weakly}: the cache keeps no caller buffer alive after the call that gave
 * it, and it answers from the cache only when handed that very object again (identity), which is
 * then reachable, so its memory is still the buffer's. A miss allocates one {@code WeakReference}.
 *
 * <p>Confined to the holder of the owning arena's lock.
 */
final class DirectAddressCache {
    private final Object[] refs;
    private final long[] addresses;

    DirectAddressCache(int slots) {
        refs = new Object[slots];
        addresses = new long[slots];
    }

    /**
     * Returns the address of {@code direct}'s index 0.
     *
     * @param slot the batch slot
     * @param direct a direct buffer
     * @return the address of index 0
     */
    long indexZero(int slot, ByteBuffer direct) {
        Object ref = refs[slot];
        if (ref != null && ((WeakReference<?>) ref).get() == direct) {
            return addresses[slot];
        }
        long address = DirectMemory.address(direct);
        refs[slot] = new WeakReference<>(direct);
        addresses[slot] = address;
        return address;
    }

    /**
     * Returns whether {@code slot} last answered for this very buffer object (whose index-0 address
     * then has not changed).
     *
     * @param slot the slot
     * @param direct a direct buffer
     * @return whether the slot holds it
     */
    boolean holds(int slot, ByteBuffer direct) {
        Object ref = refs[slot];
        return ref != null && ((WeakReference<?>) ref).get() == direct;
    }

    /** Forgets every buffer (nothing is held strongly; this only drops the weak references). */
    void clear() {
        java.util.Arrays.fill(refs, null);
    }
}
