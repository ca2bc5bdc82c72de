package dev.batchudp.bind.spi;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Datagrams to receive, and what was received, as parallel arrays: the form
 * {@link BatchingConn#readBatch(MessageBatch, int)} fills. It is what {@link Message} is for one
 * datagram, laid out for the receive loop of a bind: the caller's buffer array is used as it is (no
 * per-datagram setup), and the results are plain array elements (no per-datagram objects to reset
 * and clear), which matters when a coalesced read turns into a hundred datagrams per call.
 *
 * <p>Slot {@code i} receives into {@code buffers[i]} from its position to its limit (the position is
 * not moved) and, when control buffers are given, its control data into {@code controls[i]} from
 * index 0. The batch keeps references to the arrays it is given until they are replaced; a reader
 * that must not retain them passes {@code null} afterwards.
 *
 * <p>Not thread-safe: one batch belongs to one reader.
 *
 * @since 0.1
 */
public final class MessageBatch {
    private final int[] lengths;
    private final int[] flags;
    private final int[] controlLengths;
    private final InetSocketAddress[] senders;
    private final InetAddress[] sources;
    private final int[] sourceIfIndexes;
    private ByteBuffer[] buffers;
    private ByteBuffer[] controls;

    /**
     * Creates a batch of {@code capacity} slots, with no buffers yet.
     *
     * @param capacity the most datagrams one read may return
     * @throws IllegalArgumentException if {@code capacity} is not positive
     */
    public MessageBatch(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        lengths = new int[capacity];
        flags = new int[capacity];
        controlLengths = new int[capacity];
        senders = new InetSocketAddress[capacity];
        sources = new InetAddress[capacity];
        sourceIfIndexes = new int[capacity];
    }

    /**
     * Returns the number of slots.
     *
     * @return the capacity
     */
    public int capacity() {
        return lengths.length;
    }

    /**
     * Sets the payload buffers: slot {@code i} receives into {@code buffers[i]}. The array is used,
     * not copied.
     *
     * @param buffers the buffers (at least as many as a read asks for), or {@code null} to drop the
     *     reference
     * @return this batch
     */
    public MessageBatch buffers(ByteBuffer[] buffers) {
        this.buffers = buffers;
        return this;
    }

    /**
     * Sets the control buffers: slot {@code i} receives its control data into {@code controls[i]}
     * (an element may be {@code null}). The array is used, not copied.
     *
     * @param controls the control buffers, or {@code null} for none
     * @return this batch
     */
    public MessageBatch controls(ByteBuffer[] controls) {
        this.controls = controls;
        return this;
    }

    /**
     * Returns slot {@code i}'s payload buffer.
     *
     * @param i the slot
     * @return the buffer
     * @throws NullPointerException if there is no buffer for the slot ("message buffer")
     */
    public ByteBuffer buffer(int i) {
        ByteBuffer[] b = buffers;
        if (b == null) {
            throw new NullPointerException("message buffer: no buffers set");
        }
        return Objects.requireNonNull(b[i], "message buffer");
    }

    /**
     * Returns slot {@code i}'s control buffer.
     *
     * @param i the slot
     * @return the control buffer, or {@code null} if there is none
     */
    public ByteBuffer control(int i) {
        ByteBuffer[] c = controls;
        return c == null ? null : c[i];
    }

    /**
     * Returns the received datagram's full length. With {@link #isTruncated(int)} it can exceed what
     * the buffer held, which is {@code min(length, remaining)}.
     *
     * @param i the slot
     * @return the length
     */
    public int length(int i) {
        return lengths[i];
    }

    /**
     * Returns the receive flags ({@link Message#FLAG_TRUNCATED}, {@link Message#FLAG_CONTROL_TRUNCATED}).
     *
     * @param i the slot
     * @return the flags
     */
    public int flags(int i) {
        return flags[i];
    }

    /**
     * Returns whether the datagram was longer than its buffer.
     *
     * @param i the slot
     * @return whether it was truncated
     */
    public boolean isTruncated(int i) {
        return (flags[i] & Message.FLAG_TRUNCATED) != 0;
    }

    /**
     * Returns the bytes of control data written to the slot's control buffer.
     *
     * @param i the slot
     * @return the control length, 0 without a control buffer
     */
    public int controlLength(int i) {
        return controlLengths[i];
    }

    /**
     * Returns the sender.
     *
     * @param i the slot
     * @return the sender
     */
    public InetSocketAddress sender(int i) {
        return senders[i];
    }

    /**
     * Returns the local address the datagram was sent to (its sticky source), on connections that
     * capture it.
     *
     * @param i the slot
     * @return the address, or {@code null}
     */
    public InetAddress sourceAddress(int i) {
        return sources[i];
    }

    /**
     * Returns the interface the datagram arrived on, with {@link #sourceAddress(int)}.
     *
     * @param i the slot
     * @return the interface index, or 0
     */
    public int sourceIfIndex(int i) {
        return sourceIfIndexes[i];
    }

    /**
     * Sets slot {@code i}'s buffer, in the array given to {@link #buffers}, to one the implementation
     * lends: for {@link BatchingConn#readBatchLending}. The array element is written only if it
     * changes.
     *
     * @param i the slot
     * @param buffer the lent buffer, holding the datagram from its position to its limit
     */
    public void lend(int i, ByteBuffer buffer) {
        if (buffers[i] != buffer) {
            buffers[i] = buffer;
        }
    }

    /**
     * Records a received datagram: for implementations of {@link BatchingConn}.
     *
     * @param i the slot
     * @param length the datagram's full length
     * @param flags its receive flags
     * @param controlLength bytes of control data written to the slot's control buffer
     * @param sender the sender
     * @param source the local address it was sent to, or {@code null}
     * @param sourceIfIndex the interface it arrived on, or 0
     */
    public void set(int i, int length, int flags, int controlLength, InetSocketAddress sender,
            InetAddress source, int sourceIfIndex) {
        lengths[i] = length;
        this.flags[i] = flags;
        controlLengths[i] = controlLength;
        // Store references only when they change: the segments of a coalesced read share them, and
        // a reference store into this long-lived array costs G1 a fence (its post-write barrier).
        if (senders[i] != sender) {
            senders[i] = sender;
        }
        if (sources[i] != source) {
            sources[i] = source;
        }
        sourceIfIndexes[i] = source == null ? 0 : sourceIfIndex;
    }
}
