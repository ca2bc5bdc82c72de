package dev.batchudp.bind.linux.internal;

import java.nio.ByteBuffer;

/**
 * {@code struct pollfd} ({@code <sys/poll.h>}, poll(2)):
 * <pre>
 * struct pollfd {
 *     int   fd;       // offset 0
 *     short events;   // offset 4: requested events
 *     short revents;  // offset 6: returned events
 * };                  // size 8
 * </pre>
 */
public final class Pollfd {
    private Pollfd() {}

    /** {@code sizeof(struct pollfd)}. */
    public static final int SIZE = 8;
    /** {@code offsetof(struct pollfd, fd)}. */
    public static final int FD = 0;
    /** {@code offsetof(struct pollfd, events)}. */
    public static final int EVENTS = 4;
    /** {@code offsetof(struct pollfd, revents)}. */
    public static final int REVENTS = 6;

    /**
     * Writes one element and clears {@code revents}.
     *
     * @param block native-order direct block
     * @param offset the element's offset
     * @param fd the file descriptor
     * @param events the events to wait for
     */
    public static void set(ByteBuffer block, int offset, int fd, short events) {
        block.putInt(offset + FD, fd);
        block.putShort(offset + EVENTS, events);
        block.putShort(offset + REVENTS, (short) 0);
    }

    /**
     * Reads {@code revents}.
     *
     * @param block the block
     * @param offset the element's offset
     * @return the returned events
     */
    public static short revents(ByteBuffer block, int offset) {
        return block.getShort(offset + REVENTS);
    }
}
