package dev.batchudp.bind.linux.internal;

import com.kenai.jffi.MemoryIO;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The one place where a {@link ByteBuffer} becomes a native address.
 *
 * <p>{@link #address} returns the address of the buffer's <em>index 0</em>, which is what JNI's
 * {@code GetDirectBufferAddress} returns (jffi's {@link MemoryIO#getDirectBufferAddress}): for a
 * slice or a view that is where the view starts, whatever its position; for a duplicate it is the
 * original's index 0. Callers add the index they want (a payload's position) exactly once. Do not
 * use {@code jnr.ffi.Pointer.wrap(runtime, buffer).address()} for this: jnr-ffi 2.2 adds the
 * buffer's position there, and adding it again sends or overwrites the wrong bytes.
 *
 * <p>An address is only valid while its buffer is reachable: every system call that is given one
 * keeps the buffer reachable until it returns ({@link java.lang.ref.Reference#reachabilityFence}),
 * or the garbage collector may free the memory under the kernel.
 */
public final class DirectMemory {
    private static final MemoryIO IO = MemoryIO.getInstance();

    private DirectMemory() {}

    /**
     * Allocates a zeroed, native-order direct block (for short-lived scratch: long-lived blocks come
     * from {@link dev.batchudp.bind.spi.DirectBufferPool}).
     *
     * @param size bytes
     * @return the block
     */
    public static ByteBuffer allocate(int size) {
        return ByteBuffer.allocateDirect(size).order(ByteOrder.nativeOrder());
    }

    /**
     * Returns the address of a direct buffer's index 0; its position is <em>not</em> added.
     *
     * @param direct a direct buffer
     * @return its address
     * @throws IllegalArgumentException if the buffer is not direct or has no address
     */
    public static long address(ByteBuffer direct) {
        if (!direct.isDirect()) {
            throw new IllegalArgumentException("not a direct buffer: " + direct);
        }
        long address = IO.getDirectBufferAddress(direct);
        if (address == 0) {
            throw new IllegalArgumentException("direct buffer has no native address: " + direct);
        }
        return address;
    }
}
