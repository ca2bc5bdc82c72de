package dev.batchudp.network.testing;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * The kinds of {@link ByteBuffer} a UDP API must accept, for contract tests: heap and direct, at
 * position 0 and not, with the limit below the capacity, slices, duplicates, read-only views and
 * heap buffers whose array offset is not 0. {@link #allocate(int)} makes one around a region of a
 * given length and fills every byte outside that region with guard bytes; the returned
 * {@link ShapedBuffer} then proves that nothing outside position to limit was sent or written.
 *
 * <p>Where a shape has bytes before its position, it has at least as many after its limit, and the
 * memory around slices is part of the same allocation: an implementation that adds the position to
 * an address twice reads or writes guard bytes the test owns, and the test fails with a message
 * instead of corrupting memory it does not own. (After {@link ShapedBuffer#frame} that holds while
 * twice the position plus the length stays within the capacity, and always for {@link #DIRECT_SLICE}.)
 *
 * @since 0.1
 */
public enum BufferShape {
    /** {@code ByteBuffer.allocate(length)}: position 0, limit at the capacity. */
    HEAP(false, false),
    /** A heap buffer at position {@value #LEAD}, its limit {@value #TAIL} bytes below its capacity. */
    HEAP_OFFSET(false, false),
    /**
     * {@code ByteBuffer.wrap(array, offset, length).slice()}: array offset {@value #AROUND}, then as
     * {@link #HEAP_OFFSET} inside the slice.
     */
    HEAP_ARRAY_OFFSET(false, false),
    /** {@code ByteBuffer.allocateDirect(length)}: position 0, limit at the capacity. */
    DIRECT(true, false),
    /** A direct buffer at position {@value #LEAD}, its limit {@value #TAIL} bytes below its capacity. */
    DIRECT_OFFSET(true, false),
    /**
     * {@code block.slice(offset, length)} of a larger direct block, {@value #AROUND} bytes into it:
     * position 0, limit at the capacity, but its memory does not start where the block's does. The
     * block goes on for at least as many bytes as the slice holds, so the slice can be
     * {@linkplain ShapedBuffer#frame framed} anywhere and a doubled position still lands in guard
     * bytes.
     */
    DIRECT_SLICE(true, false),
    /**
     * {@code block.duplicate()} of a direct block with position {@value #AROUND}, limit
     * {@value #AROUND} bytes below the capacity: the shape of the buffers a bind lends.
     */
    DIRECT_DUPLICATE(true, false),
    /** {@code asReadOnlyBuffer()} of a {@link #HEAP_OFFSET} buffer: no accessible array. */
    READ_ONLY_HEAP(false, true),
    /** {@code asReadOnlyBuffer()} of a {@link #DIRECT_OFFSET} buffer. */
    READ_ONLY_DIRECT(true, true);

    /** Bytes before the position of the offset shapes: 37. */
    public static final int LEAD = 37;
    /** Bytes after the limit of the offset shapes: 64, at least {@link #LEAD}. */
    public static final int TAIL = 64;
    /** Bytes of the enclosing allocation before (and after) slices, array offsets and duplicates: 48. */
    public static final int AROUND = 48;

    private final boolean direct;
    private final boolean readOnly;

    BufferShape(boolean direct, boolean readOnly) {
        this.direct = direct;
        this.readOnly = readOnly;
    }

    /**
     * Returns whether buffers of this shape are direct.
     *
     * @return {@link ByteBuffer#isDirect()} of the buffers made
     */
    public boolean isDirect() {
        return direct;
    }

    /**
     * Returns whether buffers of this shape are read-only.
     *
     * @return {@link ByteBuffer#isReadOnly()} of the buffers made
     */
    public boolean isReadOnly() {
        return readOnly;
    }

    /**
     * Returns the shapes a datagram can be received into: all but the read-only ones.
     *
     * @return the writable shapes, in declaration order
     */
    public static List<BufferShape> writable() {
        return Arrays.stream(values()).filter(s -> !s.readOnly).toList();
    }

    /**
     * Returns the read-only shapes.
     *
     * @return the read-only shapes, in declaration order
     */
    public static List<BufferShape> readOnly() {
        return Arrays.stream(values()).filter(s -> s.readOnly).toList();
    }

    /**
     * Makes a buffer of this shape whose position to limit spans {@code length} bytes, all of them
     * (and everything around them) guard bytes. {@link ShapedBuffer#fill} puts a payload there.
     *
     * @param length bytes from position to limit, not negative
     * @return the buffer and its guards
     * @throws IllegalArgumentException if {@code length} is negative
     */
    public ShapedBuffer allocate(int length) {
        if (length < 0) {
            throw new IllegalArgumentException("negative length " + length);
        }
        switch (this) {
            case HEAP: {
                ByteBuffer b = ByteBuffer.allocate(length);
                return new ShapedBuffer(this, b, b.duplicate().clear(), 0, 0, length);
            }
            case HEAP_OFFSET:
            case READ_ONLY_HEAP: {
                byte[] array = new byte[LEAD + length + TAIL];
                ByteBuffer b = ByteBuffer.wrap(array);
                return new ShapedBuffer(this, readOnly ? b.asReadOnlyBuffer() : b, ByteBuffer.wrap(array), 0,
                        LEAD, length);
            }
            case HEAP_ARRAY_OFFSET: {
                byte[] array = new byte[AROUND + LEAD + length + TAIL + AROUND];
                ByteBuffer b = ByteBuffer.wrap(array, AROUND, LEAD + length + TAIL).slice();
                return new ShapedBuffer(this, b, ByteBuffer.wrap(array), AROUND, LEAD, length);
            }
            case DIRECT: {
                ByteBuffer b = ByteBuffer.allocateDirect(length);
                return new ShapedBuffer(this, b, b.duplicate().clear(), 0, 0, length);
            }
            case DIRECT_OFFSET:
            case READ_ONLY_DIRECT: {
                ByteBuffer block = ByteBuffer.allocateDirect(LEAD + length + TAIL);
                ByteBuffer b = block.duplicate();
                return new ShapedBuffer(this, readOnly ? b.asReadOnlyBuffer() : b, block, 0, LEAD, length);
            }
            case DIRECT_SLICE: {
                ByteBuffer block = ByteBuffer.allocateDirect(AROUND + length + Math.max(AROUND, length));
                return new ShapedBuffer(this, block.slice(AROUND, length), block, AROUND, 0, length);
            }
            case DIRECT_DUPLICATE: {
                ByteBuffer block = ByteBuffer.allocateDirect(AROUND + length + AROUND);
                return new ShapedBuffer(this, block.duplicate(), block, 0, AROUND, length);
            }
            default:
                throw new AssertionError(this);
        }
    }
}
