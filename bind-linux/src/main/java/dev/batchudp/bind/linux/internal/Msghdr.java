package dev.batchudp.bind.linux.internal;

import java.nio.ByteBuffer;

/**
 * {@code struct msghdr} ({@code <bits/socket.h>}, recvmsg(2)/sendmsg(2)):
 * <pre>
 * struct msghdr {
 *     void         *msg_name;       // offset  0: socket address
 *     socklen_t     msg_namelen;    // offset  8 (4 bytes, then 4 bytes padding)
 *     struct iovec *msg_iov;        // offset 16
 *     size_t        msg_iovlen;     // offset 24
 *     void         *msg_control;    // offset 32: ancillary data (cmsgs)
 *     size_t        msg_controllen; // offset 40
 *     int           msg_flags;      // offset 48 (then 4 bytes padding)
 * };                                // size 56 on LP64 glibc
 * </pre>
 */
public final class Msghdr {
    private Msghdr() {}

    /** {@code sizeof(struct msghdr)}. */
    public static final int SIZE = 56;
    /** {@code offsetof(struct msghdr, msg_name)}. */
    public static final int MSG_NAME = 0;
    /** {@code offsetof(struct msghdr, msg_namelen)}. */
    public static final int MSG_NAMELEN = 8;
    /** {@code offsetof(struct msghdr, msg_iov)}. */
    public static final int MSG_IOV = 16;
    /** {@code offsetof(struct msghdr, msg_iovlen)}. */
    public static final int MSG_IOVLEN = 24;
    /** {@code offsetof(struct msghdr, msg_control)}. */
    public static final int MSG_CONTROL = 32;
    /** {@code offsetof(struct msghdr, msg_controllen)}. */
    public static final int MSG_CONTROLLEN = 40;
    /** {@code offsetof(struct msghdr, msg_flags)}. */
    public static final int MSG_FLAGS = 48;

    /**
     * Writes every field (padding included, as zero).
     *
     * @param block native-order direct block
     * @param offset byte offset of the header in the block
     * @param name address of the socket address, or 0
     * @param nameLength its length
     * @param iov address of the iovec array
     * @param iovLength number of iovecs
     * @param control address of the control buffer, or 0
     * @param controlLength its length
     */
    public static void set(ByteBuffer block, int offset, long name, int nameLength, long iov, long iovLength,
            long control, long controlLength) {
        block.putLong(offset + MSG_NAME, name);
        block.putLong(offset + MSG_NAMELEN, nameLength & 0xFFFF_FFFFL); // clears the padding too
        block.putLong(offset + MSG_IOV, iov);
        block.putLong(offset + MSG_IOVLEN, iovLength);
        block.putLong(offset + MSG_CONTROL, control);
        block.putLong(offset + MSG_CONTROLLEN, controlLength);
        block.putLong(offset + MSG_FLAGS, 0L); // msg_flags and padding
    }

    /**
     * Reads {@code msg_controllen}.
     *
     * @param block the block
     * @param offset the header's offset
     * @return the control length the kernel stored
     */
    public static long controlLength(ByteBuffer block, int offset) {
        return block.getLong(offset + MSG_CONTROLLEN);
    }

    /**
     * Reads {@code msg_flags}.
     *
     * @param block the block
     * @param offset the header's offset
     * @return the flags the kernel stored, such as {@code MSG_TRUNC}
     */
    public static int flags(ByteBuffer block, int offset) {
        return block.getInt(offset + MSG_FLAGS);
    }
}
