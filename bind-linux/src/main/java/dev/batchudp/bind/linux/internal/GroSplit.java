package dev.batchudp.bind.linux.internal;

/**
 * Splits coalesced ({@code UDP_GRO}) reads back into datagrams (batchudp's
 * {@code splitCoalescedMessages}, from wireguard-go's {@code conn/bind_std.go}), as a cursor over the kernel messages of one
 * {@code recvmmsg}: each has a total length and a segment size (0 when not coalesced); segment
 * {@code k} of a message covers bytes {@code [k * size, min((k + 1) * size, length))}. Pure
 * arithmetic, no native code.
 *
 * <p>Deviations from batchudp, both deliberate: the number of messages is the system call's count,
 * not "the first message with N == 0" (a zero-length datagram is one datagram of length 0:
 * legal UDP, RFC 768); and when the caller has fewer slots than segments, the rest stays in the cursor
 * for the next read instead of failing with "splitting coalesced packet resulted in overflow" —
 * nothing is dropped.
 *
 * <p>Not thread-safe.
 */
final class GroSplit {
    private final int[] length;
    private final int[] segmentSize;
    private int messages;
    private int message;
    private int offset;

    /** Where {@link #next} put the current segment. */
    int segmentMessage;
    /** Offset of the current segment in its message. */
    int segmentOffset;
    /** Length of the current segment. */
    int segmentLength;

    /**
     * Creates a cursor for up to {@code capacity} kernel messages per read.
     *
     * @param capacity the most messages per read
     */
    GroSplit(int capacity) {
        length = new int[capacity];
        segmentSize = new int[capacity];
    }

    /**
     * Returns the most kernel messages one read may describe.
     *
     * @return the capacity
     */
    int capacity() {
        return length.length;
    }

    /**
     * Starts over with {@code messages} kernel messages, described by {@link #set} before or after.
     *
     * @param messages how many messages the read returned
     */
    void reset(int messages) {
        this.messages = messages;
        message = 0;
        offset = 0;
    }

    /**
     * Describes kernel message {@code i}.
     *
     * @param i the message
     * @param totalLength its full length ({@code msg_len} with {@code MSG_TRUNC})
     * @param gsoSize the {@code UDP_GRO} segment size, or 0 (not coalesced)
     */
    void set(int i, int totalLength, int gsoSize) {
        length[i] = totalLength;
        segmentSize[i] = Math.max(0, gsoSize);
    }

    /**
     * Returns the message the cursor is in (valid while {@link #hasNext}).
     *
     * @return the message index
     */
    int message() {
        return message;
    }

    /**
     * Returns whether segments remain.
     *
     * @return whether {@link #next} has more
     */
    boolean hasNext() {
        return message < messages;
    }

    /**
     * Moves to the next segment and describes it in {@link #segmentMessage},
     * {@link #segmentOffset} and {@link #segmentLength}.
     *
     * @return {@code false} when none remain
     */
    boolean next() {
        if (message >= messages) {
            return false;
        }
        int len = length[message];
        int size = segmentSize[message];
        int end = size > 0 ? Math.min(offset + size, len) : len;
        segmentMessage = message;
        segmentOffset = offset;
        segmentLength = end - offset;
        if (end >= len) {
            message++;
            offset = 0;
        } else {
            offset = end;
        }
        return true;
    }
}
