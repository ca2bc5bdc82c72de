package dev.batchudp.bind.linux;

import dev.batchudp.network.UdpFamily;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/**
 * A buffer of some {@link BufferShape} for {@code length} bytes, inside a larger allocation whose
 * other bytes hold a known guard pattern, so a test can tell exactly which bytes a bind read or
 * wrote: a native path that takes the wrong address (ignores the position or the array offset, or
 * addresses a slice from its parent's start) sends guard bytes or writes outside the region.
 */
final class GuardedBuffer {
    /** Room a {@link BufferShape#DIRECT_REUSED} pool buffer has around the largest datagram. */
    static final int POOL_SLACK = 64;

    private static final byte[] GUARD = new byte[UdpFamily.MAX_IPV6_PAYLOAD + 4 * POOL_SLACK];

    static {
        for (int k = 0; k < GUARD.length; k++) {
            GUARD[k] = (byte) (0xA5 ^ (k * 29));
        }
    }

    final BufferShape shape;
    /** What the bind is given. */
    final ByteBuffer view;
    /** A writable buffer over every byte the view can reach, indexed from the allocation's start. */
    private final ByteBuffer backing;
    /** Index in {@link #backing} of the view's position. */
    private final int start;
    private final int length;
    private final int position;
    private final int limit;

    private GuardedBuffer(BufferShape shape, ByteBuffer view, ByteBuffer backing, int start, int length) {
        this.shape = shape;
        this.view = view;
        this.backing = backing;
        this.start = start;
        this.length = length;
        this.position = view.position();
        this.limit = view.limit();
        if (view.remaining() != length) {
            throw new AssertionError(shape + ": remaining " + view.remaining() + " != " + length);
        }
    }

    /**
     * Creates a buffer of {@code shape} with {@code length} bytes remaining; the layout (offsets and
     * slack) comes from {@code r}. The whole allocation holds the guard pattern.
     *
     * @param pool per-slot buffers for {@link BufferShape#DIRECT_REUSED}, filled on first use
     * @param slot the slot, for the pool
     */
    static GuardedBuffer create(BufferShape shape, int length, SplittableRandom r, ByteBuffer[] pool, int slot) {
        int before = 1 + r.nextInt(16);
        int after = r.nextInt(4) == 0 ? 0 : 1 + r.nextInt(16);
        GuardedBuffer g;
        switch (shape) {
            case HEAP -> g = plain(shape, ByteBuffer.allocate(length + after), length);
            case DIRECT -> g = plain(shape, ByteBuffer.allocateDirect(length + after), length);
            case HEAP_OFFSET -> g = slice(shape, ByteBuffer.allocate(before + 8 + length + after), before,
                    r.nextInt(8), length);
            case DIRECT_SLICE -> g = slice(shape, ByteBuffer.allocateDirect(before + 8 + length + after), before,
                    r.nextInt(8), length);
            case HEAP_DUPLICATE -> g = duplicate(shape, ByteBuffer.allocate(before + length + after), before, length);
            case DIRECT_DUPLICATE ->
                    g = duplicate(shape, ByteBuffer.allocateDirect(before + length + after), before, length);
            case DIRECT_POSITIONED -> {
                ByteBuffer b = ByteBuffer.allocateDirect(before + length + 1 + after);
                b.limit(before + length).position(before);
                g = new GuardedBuffer(shape, b, b.duplicate(), before, length);
            }
            case DIRECT_REUSED -> {
                ByteBuffer b = pool[slot];
                if (b == null) {
                    b = ByteBuffer.allocateDirect(UdpFamily.MAX_IPV6_PAYLOAD + 2 * POOL_SLACK);
                    pool[slot] = b;
                }
                int at = r.nextInt(POOL_SLACK + 1);
                b.limit(at + length).position(at);
                g = new GuardedBuffer(shape, b, b.duplicate(), at, length);
            }
            case READ_ONLY_HEAP -> {
                ByteBuffer b = ByteBuffer.allocate(before + length + after);
                g = new GuardedBuffer(shape, b.duplicate().limit(before + length).position(before).asReadOnlyBuffer(),
                        b, before, length);
            }
            case READ_ONLY_DIRECT -> {
                ByteBuffer b = ByteBuffer.allocateDirect(before + length + after);
                g = new GuardedBuffer(shape, b.duplicate().limit(before + length).position(before).asReadOnlyBuffer(),
                        b, before, length);
            }
            default -> throw new AssertionError(shape);
        }
        g.fill(null);
        return g;
    }

    private static GuardedBuffer plain(BufferShape shape, ByteBuffer b, int length) {
        b.limit(length);
        return new GuardedBuffer(shape, b, b.duplicate(), 0, length);
    }

    private static GuardedBuffer slice(BufferShape shape, ByteBuffer parent, int sliceStart, int inner, int length) {
        ByteBuffer s = parent.duplicate().position(sliceStart).slice();
        s.limit(inner + length).position(inner);
        return new GuardedBuffer(shape, s, parent, sliceStart + inner, length);
    }

    private static GuardedBuffer duplicate(BufferShape shape, ByteBuffer parent, int at, int length) {
        ByteBuffer d = parent.duplicate();
        d.limit(at + length).position(at);
        return new GuardedBuffer(shape, d, parent, at, length);
    }

    /** Fills the allocation with the guard pattern and, if given, the region with {@code payload}. */
    void fill(byte[] payload) {
        ByteBuffer b = backing.duplicate().clear();
        b.put(0, GUARD, 0, b.capacity());
        if (payload != null) {
            b.put(start, payload, 0, payload.length);
        }
    }

    /**
     * Checks that a send left the buffer alone: position, limit and every byte.
     *
     * @return null, or what is wrong
     */
    String checkUnchanged(byte[] payload) {
        String bounds = checkBounds();
        if (bounds != null) {
            return bounds;
        }
        int at = mismatch(0, start, GUARD, 0);
        if (at < 0) {
            at = mismatch(start, payload.length, payload, 0);
        }
        if (at < 0) {
            at = mismatch(start + payload.length, backing.capacity() - start - payload.length, GUARD,
                    start + payload.length);
        }
        return at < 0 ? null : "send modified the buffer at allocation index " + at + " (region starts at " + start + ")";
    }

    /**
     * Checks a copying receive: {@code payload} in the region's first bytes, guard bytes everywhere
     * else, position and limit unchanged.
     *
     * @return null, or what is wrong
     */
    String checkReceived(byte[] payload) {
        String bounds = checkBounds();
        if (bounds != null) {
            return bounds;
        }
        int at = mismatch(start, payload.length, payload, 0);
        if (at >= 0) {
            return "payload differs at byte " + (at - start) + " of " + payload.length + whereIsPayload(payload)
                    + explainBytes(view, payload);
        }
        return checkGuards(start + payload.length);
    }

    /** For failure messages: where the payload's first bytes landed in the allocation, if anywhere. */
    private String whereIsPayload(byte[] payload) {
        int n = Math.min(16, payload.length);
        if (n < 8) {
            return "";
        }
        ByteBuffer needle = ByteBuffer.wrap(payload, 0, n);
        for (int k = 0; k + n <= backing.capacity(); k++) {
            if (backing.duplicate().clear().position(k).limit(k + n).equals(needle)) {
                return " (the payload starts at allocation index " + k + ", the region at " + start + ")";
            }
        }
        return " (the payload is nowhere in the allocation)";
    }

    /**
     * For failure messages: what some wrong bytes received are, if recognisable. Guard bytes are what
     * a sender reading outside its region sends; the payload from a later byte is what a sender (or
     * receiver) whose address is off by that much produces.
     */
    static String explainBytes(ByteBuffer received, byte[] payload) {
        int n = Math.min(16, Math.min(payload.length, received.remaining()));
        if (n < 8) {
            return "";
        }
        ByteBuffer first = received.duplicate().limit(received.position() + n);
        for (int k = 0; k < 256; k++) {
            if (first.equals(ByteBuffer.wrap(GUARD, k, n))) {
                return " (the bytes received are guard bytes: read from outside the sent region)";
            }
        }
        for (int k = 1; k + n <= payload.length; k++) {
            if (first.equals(ByteBuffer.wrap(payload, k, n))) {
                return " (the bytes received are the payload from its byte " + k + " on: an address off by " + k + ")";
            }
        }
        return "";
    }

    /**
     * Checks that a receive did not touch the buffer at all.
     *
     * @return null, or what is wrong
     */
    String checkUntouched() {
        String bounds = checkBounds();
        return bounds != null ? bounds : checkGuards(start);
    }

    private String checkGuards(int regionEnd) {
        int at = mismatch(0, start, GUARD, 0);
        if (at >= 0) {
            return "wrote " + (start - at) + " bytes before the position (allocation index " + at + ")";
        }
        at = mismatch(regionEnd, backing.capacity() - regionEnd, GUARD, regionEnd);
        if (at >= 0) {
            return "wrote outside the datagram at allocation index " + at + " (region " + start + ".."
                    + regionEnd + ", " + (at < start + length ? "below the limit" : "beyond the limit") + ")";
        }
        return null;
    }

    private String checkBounds() {
        if (view.position() != position || view.limit() != limit) {
            return "position/limit moved from " + position + "/" + limit + " to " + view.position() + "/"
                    + view.limit();
        }
        return null;
    }

    /** Returns the allocation index of the first byte in {@code [from, from + n)} that differs, or -1. */
    private int mismatch(int from, int n, byte[] expected, int expectedFrom) {
        if (n <= 0) {
            return -1;
        }
        ByteBuffer actual = backing.duplicate().clear().position(from).limit(from + n);
        int m = actual.mismatch(ByteBuffer.wrap(expected, expectedFrom, n));
        return m < 0 ? -1 : from + m;
    }

    /** Describes the layout for failure messages. */
    String describe() {
        return shape + "(pos " + view.position() + ", lim " + view.limit() + ", cap " + view.capacity()
                + (view.hasArray() ? ", arrayOffset " + view.arrayOffset() : "") + ", allocation index " + start + ")";
    }
}
