package dev.batchudp.network;

/**
 * Flags for {@link UdpConnection#readBatch} and {@link UdpConnection#writeBatch}, with the values Linux
 * gives them ({@code recvmmsg(2)}, {@code sendmmsg(2)}), so that the Linux backend passes them to the
 * kernel unchanged. Combine them with {@code |}; 0 is the usual value.
 *
 * @since 0.2
 */
public final class BatchFlags {
    /**
     * {@code MSG_DONTWAIT}: do not block. A read with nothing queued returns 0 instead of waiting; a
     * write that would block returns how many messages were sent (possibly 0).
     */
    public static final int DONTWAIT = 0x40;

    /**
     * {@code MSG_PEEK} (reads only): return the first queued datagram without removing it, so that the
     * next read returns it again. At most one message is filled.
     */
    public static final int PEEK = 0x02;

    private static final int READ_FLAGS = DONTWAIT | PEEK;
    private static final int WRITE_FLAGS = DONTWAIT;

    private BatchFlags() {}

    /**
     * Checks that {@code flags} holds only flags a read accepts.
     *
     * @param flags the flags
     * @return {@code flags}
     * @throws IllegalArgumentException naming the unknown bits
     */
    public static int checkRead(int flags) {
        return check(flags, READ_FLAGS, "read");
    }

    /**
     * Checks that {@code flags} holds only flags a write accepts.
     *
     * @param flags the flags
     * @return {@code flags}
     * @throws IllegalArgumentException naming the unknown bits
     */
    public static int checkWrite(int flags) {
        return check(flags, WRITE_FLAGS, "write");
    }

    private static int check(int flags, int allowed, String what) {
        if ((flags & ~allowed) != 0) {
            throw new IllegalArgumentException("unsupported batch " + what + " flags 0x"
                    + Integer.toHexString(flags & ~allowed) + " (allowed: DONTWAIT"
                    + (allowed == READ_FLAGS ? ", PEEK)" : ")"));
        }
        return flags;
    }
}
