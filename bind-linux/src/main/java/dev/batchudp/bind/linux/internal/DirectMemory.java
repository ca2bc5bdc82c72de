package dev.batchudp.bind.linux.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * Native memory for the structs: native-order direct {@link ByteBuffer}s (freed by the garbage
 * collector with the buffer; owners keep a strong reference for as long as the kernel may use the
 * memory) and their addresses, taken through jnr-ffi ({@code GetDirectBufferAddress} in jffi), with
 * no reflection into the JDK.
 */
public final class DirectMemory {
    private DirectMemory() {}

    /**
     * Allocates a zeroed, native-order direct block.
     *
     * @param size bytes
     * @return the block
     */
    public static ByteBuffer allocate(int size) {
        return ByteBuffer.allocateDirect(size).order(ByteOrder.nativeOrder());
    }

    /**
     * Returns the address of a direct buffer's index 0 (its position is not added).
     *
     * @param direct a direct buffer
     * @return its address
     * @throws IllegalArgumentException if the buffer is not direct
     */
    public static long address(ByteBuffer direct) {
        if (!direct.isDirect()) {
            throw new IllegalArgumentException("not a direct buffer");
        }
        long address = Pointer.wrap(Runtime.getSystemRuntime(), direct).address();
        if (address == 0) {
            throw new IllegalArgumentException("direct buffer has no address");
        }
        return address;
    }
}
