package dev.batchudp.network.spi;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * {@code UDP_SEGMENT} done by the provider instead of the kernel: Linux's limit on the number of
 * segments and the split into datagrams, for providers whose sockets cannot pass a segment size to
 * the kernel (or that have no kernel). A message sent with a segment size of {@code s} bytes leaves as
 * datagrams of {@code s} bytes each, the last one possibly shorter, as {@code udp_send_skb}
 * (net/ipv4/udp.c) and the segmentation in net/ipv4/udp_offload.c produce them.
 *
 * @since 0.2
 */
public final class SegmentationEmulation {
    /**
     * Most segments one {@code UDP_SEGMENT} send may make: {@code UDP_MAX_SEGMENTS} of
     * include/linux/udp.h.
     */
    public static final int MAX_SEGMENTS = 64;

    private SegmentationEmulation() {}

    /** Receives one segment of a split payload. */
    @FunctionalInterface
    public interface SegmentSink {
        /**
         * Takes one segment.
         *
         * @param segment the payload buffer, its position and limit around this segment; the sink may
         *     consume it (move its position)
         * @throws IOException if sending the segment failed; no further segment is passed
         */
        void accept(ByteBuffer segment) throws IOException;
    }

    /**
     * Returns how many datagrams a payload of {@code length} bytes with segment size
     * {@code segmentSize} makes, refusing more than {@value #MAX_SEGMENTS} as Linux does
     * ({@code EINVAL}). A payload no larger than the segment size, or a segment size of 0 (no
     * {@code UDP_SEGMENT}), makes one datagram.
     *
     * @param length the payload's bytes, at least 0
     * @param segmentSize the segment size, or 0 for none
     * @return the number of datagrams, 1 to {@value #MAX_SEGMENTS}
     * @throws IllegalArgumentException if that is more than {@value #MAX_SEGMENTS}, or an argument is
     *     negative
     */
    public static int checkSegmentCount(int length, int segmentSize) {
        if (length < 0 || segmentSize < 0) {
            throw new IllegalArgumentException("length " + length + " and segment size " + segmentSize
                    + " must not be negative");
        }
        if (segmentSize == 0) {
            return 1;
        }
        int segments = Math.max(1, (int) (((long) length + segmentSize - 1) / segmentSize));
        if (segments > MAX_SEGMENTS) {
            throw new IllegalArgumentException("UDP_SEGMENT of " + segmentSize + " bytes would split " + length
                    + " bytes into " + segments + " segments, more than " + MAX_SEGMENTS + " (EINVAL)");
        }
        return segments;
    }

    /**
     * Passes {@code payload}'s remaining bytes to {@code sink} in order as segments of
     * {@code segmentSize} bytes, the last one possibly shorter. With a segment size of 0 or at least
     * the payload's size the whole payload is one segment, passed even when it is empty. The payload's
     * position and limit are moved; its contents are not.
     *
     * @param payload the payload, from its position to its limit
     * @param segmentSize the segment size, or 0 for none
     * @param sink takes each segment
     * @throws IOException the first exception the sink threw
     */
    public static void forEachSegment(ByteBuffer payload, int segmentSize, SegmentSink sink) throws IOException {
        if (segmentSize < 0) {
            throw new IllegalArgumentException("segment size " + segmentSize + " must not be negative");
        }
        int end = payload.limit();
        int at = payload.position();
        int step = segmentSize == 0 ? end - at : segmentSize;
        do {
            int next = (int) Math.min(end, (long) at + step);
            payload.limit(next).position(at);
            sink.accept(payload);
            at = next;
        } while (at < end);
    }
}
