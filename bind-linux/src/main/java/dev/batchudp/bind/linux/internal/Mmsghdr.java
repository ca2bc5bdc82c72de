package dev.batchudp.bind.linux.internal;

import java.nio.ByteBuffer;

/**
 * {@code struct mmsghdr} ({@code <bits/socket.h>}, recvmmsg(2)/sendmmsg(2)):
 * <pre>
 * struct mmsghdr {
 *     struct msghdr msg_hdr;  // offset  0 (56 bytes)
 *     unsigned int  msg_len;  // offset 56: bytes received or sent (then 4 bytes padding)
 * };                          // size 64 on LP64
 * </pre>
 */
public final class Mmsghdr {
    private Mmsghdr() {}

    /** {@code sizeof(struct mmsghdr)}. */
    public static final int SIZE = 64;
    /** {@code offsetof(struct mmsghdr, msg_hdr)}. */
    public static final int MSG_HDR = 0;
    /** {@code offsetof(struct mmsghdr, msg_len)}. */
    public static final int MSG_LEN = 56;

    /**
     * Reads {@code msg_len}.
     *
     * @param block the block
     * @param offset the element's offset
     * @return the length, as an unsigned value
     */
    public static long length(ByteBuffer block, int offset) {
        return block.getInt(offset + MSG_LEN) & 0xFFFF_FFFFL;
    }

    /**
     * Clears {@code msg_len} (and its padding).
     *
     * @param block the block
     * @param offset the element's offset
     */
    public static void clearLength(ByteBuffer block, int offset) {
        block.putLong(offset + MSG_LEN, 0L);
    }
}
