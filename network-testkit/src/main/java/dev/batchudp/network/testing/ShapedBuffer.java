package dev.batchudp.network.testing;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Locale;

/**
 * A buffer of some {@link BufferShape} and the memory around it: a region from position to limit,
 * and guard bytes in every other byte of the allocation (before the position, after the limit and,
 * for slices and array offsets, outside the buffer). After a send the region and the guards must be
 * unchanged; after a receive the datagram must sit at the position and every other byte must still
 * be a guard byte. Failures name the shape, its position, limit and capacity, and the first byte
 * that differs.
 *
 * <p>The guard bytes differ from byte to byte (they depend on their index in the allocation), so a
 * region that was read or written at a shifted address is told apart from one left alone.
 *
 * <p>Not thread-safe; meant for one test at a time.
 *
 * @since 0.1
 */
public final class ShapedBuffer {
    /** How many leading bytes {@link #assertSent} looks for when it locates misplaced bytes. */
    private static final int LOCATE_PREFIX = 16;

    private final BufferShape shape;
    private final ByteBuffer buffer;
    /** A writable view of the whole allocation, used with absolute indices only. */
    private final ByteBuffer memory;
    /** Index in {@link #memory} of the buffer's index 0. */
    private final int base;
    /** The guard byte of every index of {@link #memory}, for bulk writes and comparisons. */
    private final byte[] guards;
    private int position;
    private int length;

    ShapedBuffer(BufferShape shape, ByteBuffer buffer, ByteBuffer memory, int base, int position, int length) {
        this.shape = shape;
        this.buffer = buffer;
        this.memory = memory;
        this.base = base;
        this.guards = new byte[memory.capacity()];
        for (int i = 0; i < guards.length; i++) {
            guards[i] = guard(i);
        }
        frame(position, length);
    }

    /**
     * Returns the guard byte expected at an index of the allocation.
     *
     * @param index index in the allocation
     * @return the guard byte
     */
    static byte guard(int index) {
        return (byte) (0xA5 ^ (index * 0x3B) ^ (index >>> 7));
    }

    /**
     * Returns the shape.
     *
     * @return the shape
     */
    public BufferShape shape() {
        return shape;
    }

    /**
     * Returns the buffer under test: hand it to the API.
     *
     * @return the buffer
     */
    public ByteBuffer buffer() {
        return buffer;
    }

    /**
     * Returns the position the region starts at (the buffer's position when framed).
     *
     * @return the position
     */
    public int position() {
        return position;
    }

    /**
     * Returns the limit the region ends at (the buffer's limit when framed).
     *
     * @return the limit
     */
    public int limit() {
        return position + length;
    }

    /**
     * Returns the region's length.
     *
     * @return limit minus position
     */
    public int length() {
        return length;
    }

    /**
     * Moves the region of the same buffer object: every byte of the allocation becomes a guard byte
     * again, and the buffer's position and limit frame {@code length} bytes from {@code position}.
     * Use it to send or receive with one buffer object at several positions, or to receive into it
     * again.
     *
     * @param position the new position
     * @param length the new region's length
     * @return this
     * @throws IllegalArgumentException if the region does not fit the buffer's capacity
     */
    public ShapedBuffer frame(int position, int length) {
        if (position < 0 || length < 0 || position + length > buffer.capacity()) {
            throw new IllegalArgumentException("region " + position + "+" + length + " outside a capacity of "
                    + buffer.capacity());
        }
        memory.put(0, guards);
        this.position = position;
        this.length = length;
        buffer.clear();
        buffer.limit(position + length);
        buffer.position(position);
        return this;
    }

    /**
     * Frames the same region again: guard bytes everywhere, position and limit restored. Use it
     * before receiving into the buffer again.
     *
     * @return this
     */
    public ShapedBuffer reset() {
        return frame(position, length);
    }

    /**
     * Writes a payload into the region (through a view of the allocation, so read-only shapes can
     * be filled too). The buffer's position and limit are not changed.
     *
     * @param payload exactly {@link #length()} bytes
     * @return this
     * @throws IllegalArgumentException if the payload's length differs from the region's
     */
    public ShapedBuffer fill(byte[] payload) {
        if (payload.length != length) {
            throw new IllegalArgumentException(payload.length + " bytes for a region of " + length);
        }
        memory.put(base + position, payload);
        return this;
    }

    /**
     * Checks the bytes a peer received from this buffer: they must be the payload, and nothing
     * else. When they are not, the message says where in this buffer's memory the received bytes
     * were found, if they were.
     *
     * @param payload what was put in the region
     * @param received what arrived
     * @param context what was done, for the failure message
     * @throws AssertionError if they differ
     */
    public void assertSent(byte[] payload, byte[] received, String context) {
        String difference = Datagrams.difference(payload, received);
        if (difference != null) {
            throw new AssertionError(context + ": " + this + ": the peer received " + difference
                    + locate(received));
        }
    }

    /**
     * Checks the memory after a send: the region still holds the payload and every guard byte is
     * intact (a send must not write).
     *
     * @param payload what was put in the region
     * @param context what was done, for the failure message
     * @throws AssertionError naming the first byte that changed
     */
    public void assertUnchanged(byte[] payload, String context) {
        check(payload, context);
    }

    /**
     * Checks the memory after a receive: the datagram sits at the region's start, the rest of the
     * region and every byte around it are still guard bytes.
     *
     * @param datagram the bytes that must have been stored, at most {@link #length()}
     * @param context what was done, for the failure message
     * @throws AssertionError naming the first byte that differs, and where the datagram was
     *     found instead if it was
     */
    public void assertReceived(byte[] datagram, String context) {
        if (datagram.length > length) {
            throw new IllegalArgumentException(datagram.length + " bytes cannot be stored in a region of " + length);
        }
        check(datagram, context);
    }

    /**
     * Checks that nothing was written: the region and everything around it hold guard bytes.
     *
     * @param context what was done, for the failure message
     * @throws AssertionError naming the first byte that changed
     */
    public void assertUntouched(String context) {
        check(new byte[0], context);
    }

    /**
     * Checks the buffer's position, and that its limit is still the region's end.
     *
     * @param expectedPosition the position the buffer must have
     * @param context what was done, for the failure message
     * @throws AssertionError if the position or the limit differs
     */
    public void assertPositionAndLimit(int expectedPosition, String context) {
        if (buffer.position() != expectedPosition || buffer.limit() != limit()) {
            throw new AssertionError(String.format(Locale.ROOT,
                    "%s: %s: position %d and limit %d afterwards, expected position %d and limit %d",
                    context, this, buffer.position(), buffer.limit(), expectedPosition, limit()));
        }
    }

    /**
     * Compares the allocation with {@code data} at the region's start and guard bytes everywhere
     * else (the rest of the region included).
     */
    private void check(byte[] data, String context) {
        int start = base + position;
        int dataEnd = start + data.length;
        byte[] actual = new byte[memory.capacity()];
        memory.get(0, actual);
        if (Arrays.mismatch(actual, 0, start, guards, 0, start) < 0
                && Arrays.mismatch(actual, start, dataEnd, data, 0, data.length) < 0
                && Arrays.mismatch(actual, dataEnd, actual.length, guards, dataEnd, guards.length) < 0) {
            return;
        }
        int mismatches = 0;
        int first = -1;
        for (int i = 0; i < actual.length; i++) {
            byte expected = i >= start && i < dataEnd ? data[i - start] : guards[i];
            if (actual[i] != expected) {
                if (first < 0) {
                    first = i;
                }
                mismatches++;
            }
        }
        if (first < 0) {
            return;
        }
        boolean inData = first >= start && first < dataEnd;
        String where = inData ? "byte " + (first - start) + " of the " + data.length + " bytes expected there"
                : first >= start && first < base + limit()
                        ? "a guard byte inside position..limit, past the " + data.length + " bytes expected there"
                        : "a guard byte " + describeOutside(first);
        throw new AssertionError(String.format(Locale.ROOT,
                "%s: %s: %d byte(s) of the allocation differ; the first, at buffer index %d (%s), is 0x%02x,"
                        + " expected 0x%02x%s",
                context, this, mismatches, first - base, where, memory.get(first) & 0xff,
                (inData ? data[first - start] : guard(first)) & 0xff, data.length > 0 ? locate(data) : ""));
    }

    private String describeOutside(int index) {
        int i = index - base;
        if (i < 0) {
            return "outside the buffer, " + -i + " byte(s) before its index 0";
        }
        if (i >= buffer.capacity()) {
            return "outside the buffer, " + (i - buffer.capacity() + 1) + " byte(s) past its capacity";
        }
        if (i < position) {
            return "before the position";
        }
        return "after the limit";
    }

    /**
     * Says where bytes were found in the allocation, for a failure message: " (found at buffer
     * index N)" or "".
     */
    private String locate(byte[] bytes) {
        int n = Math.min(bytes.length, LOCATE_PREFIX);
        if (n < 4) {
            return "";
        }
        search:
        for (int i = 0; i + n <= memory.capacity(); i++) {
            for (int j = 0; j < n; j++) {
                if (memory.get(i + j) != bytes[j]) {
                    continue search;
                }
            }
            return String.format(Locale.ROOT, " (those bytes start at buffer index %d of this memory, %s)",
                    i - base, i - base == position ? "the position" : "not the position " + position);
        }
        return " (not found in this buffer's memory)";
    }

    /**
     * Describes the buffer: shape, position, limit, capacity and where it lies in its allocation.
     *
     * @return e.g. {@code DIRECT_OFFSET[position=37 limit=337 capacity=401]}
     */
    @Override
    public String toString() {
        String around = base > 0
                ? " at offset " + base + " of a " + memory.capacity() + "-byte " + (shape.isDirect() ? "block" : "array")
                : "";
        return String.format(Locale.ROOT, "%s[position=%d limit=%d capacity=%d%s]", shape, position, limit(),
                buffer.capacity(), around);
    }
}
