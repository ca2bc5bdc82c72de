package dev.batchudp.bind.linux.internal;

import java.nio.ByteBuffer;

/**
 * {@code struct iovec}, one scatter/gather element ({@code <bits/types/struct_iovec.h>}, readv(2)):
 * <pre>
 * struct iovec {
 *     void  *iov_base;    // offset 0
 *     size_t iov_len;     // offset 8
 * };                      // size 16 on LP64
 * </pre>
 * Arrays of it live in a preallocated native-order direct block; these accessors write one element
 * at a byte offset in that block.
 */
public final class Iovec {
    private Iovec() {}

    /** {@code sizeof(struct iovec)}. */
    public static final int SIZE = 16;
    /** {@code offsetof(struct iovec, iov_base)}. */
    public static final int IOV_BASE = 0;
    /** {@code offsetof(struct iovec, iov_len)}. */
    public static final int IOV_LEN = 8;

    /**
     * Writes one element.
     *
     * @param block native-order direct block
     * @param offset byte offset of the element in the block
     * @param base address of the bytes
     * @param length number of bytes
     */
    public static void set(ByteBuffer block, int offset, long base, long length) {
        block.putLong(offset + IOV_BASE, base);
        block.putLong(offset + IOV_LEN, length);
    }
}
