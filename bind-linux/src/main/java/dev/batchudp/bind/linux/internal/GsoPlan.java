package dev.batchudp.bind.linux.internal;

/**
 * The UDP GSO coalescing plan: which consecutive datagrams of a batch to one destination travel as
 * one {@code sendmmsg} entry with a {@code UDP_SEGMENT} control message (batchudp's
 * {@code coalesceMessages} in {@code conn/bind_std.go}, with scatter-gather as in its
 * {@code BatchingConn}). Pure arithmetic on lengths, no native code, so batchudp's
 * {@code Test_coalesceMessages} table tests it directly.
 *
 * <p>Rules, for datagram {@code i > 0} joining the current entry (whose first datagram's length is
 * the segment size {@code gso}): the entry's total stays within {@code maxPayload} (65,507 bytes for
 * IPv4, 65,527 for IPv6); {@code len(i) <= gso}; the entry holds fewer than
 * {@value #MAX_SEGMENTS} segments; no shorter datagram has joined yet (a shorter one may only be the
 * last). Otherwise datagram {@code i} starts a new entry. Deviation from batchudp: zero-length
 * datagrams never join an entry and never start one that others join (the kernel would emit no
 * segment for a zero-length tail, and a segment size of 0 means "no segmentation": datagrams would
 * be lost). An entry of one datagram gets no {@code UDP_SEGMENT} (as in wireguard-go, which sets it only for
 * more than one datagram; some drivers answer {@code EIO} to a one-segment send): {@link #segmentSize}
 * is 0 for it.
 *
 * <p>Optionally the plan models Go's slice capacity (upstream appends into the first buffer's spare
 * capacity, a rule needed only to reproduce the "limited cap" case of {@code Test_coalesceMessages}); production passes
 * {@code null} because scatter-gather needs no spare capacity.
 *
 * <p>Reusable and allocation-free after construction; not thread-safe.
 */
final class GsoPlan {
    /** The most segments one {@code UDP_SEGMENT} send may carry (the kernel's limit before 6.9). */
    static final int MAX_SEGMENTS = 64;

    private final int[] first;
    private final int[] count;
    private final int[] gso;
    private int entries;

    /**
     * Creates a plan for batches of up to {@code capacity} datagrams.
     *
     * @param capacity the most datagrams per batch
     */
    GsoPlan(int capacity) {
        first = new int[capacity];
        count = new int[capacity];
        gso = new int[capacity];
    }

    /**
     * Plans a batch.
     *
     * @param lengths the datagram lengths, from index 0
     * @param n how many
     * @param maxPayload the largest total of one entry (65,507 for IPv4, 65,527 for IPv6)
     * @param capacities the test table's buffer capacities (Go {@code cap}), or {@code null} for
     *     scatter-gather (no capacity rule)
     * @return the number of entries
     */
    int plan(int[] lengths, int n, int maxPayload, int[] capacities) {
        int e = -1;
        int segment = 0;
        int segments = 0;
        int total = 0;
        boolean ended = false;
        for (int i = 0; i < n; i++) {
            int len = lengths[i];
            if (e >= 0 && len > 0 && segment > 0
                    && total + len <= maxPayload
                    && len <= segment
                    && (capacities == null || len <= capacities[first[e]] - total)
                    && segments < MAX_SEGMENTS
                    && !ended) {
                segments++;
                total += len;
                count[e] = segments;
                if (len < segment) {
                    ended = true;
                }
                continue;
            }
            e++;
            first[e] = i;
            count[e] = 1;
            segment = len;
            segments = 1;
            total = len;
            ended = false;
        }
        entries = e + 1;
        for (int k = 0; k < entries; k++) {
            gso[k] = count[k] > 1 ? lengths[first[k]] : 0;
        }
        return entries;
    }

    /**
     * Returns the number of entries of the last plan.
     *
     * @return entries
     */
    int entries() {
        return entries;
    }

    /**
     * Returns the index of an entry's first datagram.
     *
     * @param entry the entry
     * @return the datagram index
     */
    int first(int entry) {
        return first[entry];
    }

    /**
     * Returns how many datagrams (segments) an entry carries.
     *
     * @param entry the entry
     * @return segments, at least 1
     */
    int count(int entry) {
        return count[entry];
    }

    /**
     * Returns an entry's {@code UDP_SEGMENT} size, or 0 when it carries one datagram (no control
     * message).
     *
     * @param entry the entry
     * @return the segment size
     */
    int segmentSize(int entry) {
        return gso[entry];
    }

}
