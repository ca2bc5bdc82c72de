package dev.batchudp.bind.spi;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * Datagrams to receive, and what was received, as parallel arrays: the form a batched read of
 * {@link BatchingConn} produces. It is what {@link dev.batchudp.network.Message} is for one datagram,
 * laid out for the receive loop of a bind: the caller's buffer array is used as it is (no per-datagram setup), and the
 * results are plain array elements (no per-datagram objects to reset and clear), which matters when a
 * coalesced read turns into a hundred datagrams per call.
 *
 * <p><b>Two sides.</b> The reader (a bind's receive function) owns the batch: it sets the buffers,
 * hands {@link #fill()} to {@link BatchingConn#readBatch(Fill, int)}, and reads the results through
 * this class, which offers no way to change them. The implementation of the read sees only the
 * {@link Fill}: the slots' buffers and the setters for what it received. {@link #fill()} returns the
 * same object on every call, so a read allocates nothing.
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
    /** {@code MSG_TRUNC} in {@link #flags(int)}: the datagram was longer than the slot's buffer. */
    public static final int FLAG_TRUNCATED = 0x20;
    /** {@code MSG_CTRUNC} in {@link #flags(int)}: control data did not fit the slot's control buffer. */
    public static final int FLAG_CONTROL_TRUNCATED = 0x08;

    /** {@link #sourceIfIndexes} of a slot without a source: no interface index is negative. */
    private static final int NO_SOURCE = -1;

    private final int[] lengths;
    private final int[] flags;
    private final int[] controlLengths;
    private final InetSocketAddress[] senders;
    private final InetAddress[] sources;
    /** The interface of each slot's source, or {@link #NO_SOURCE}, so that {@link #sources} is written only on change. */
    private final int[] sourceIfIndexes;
    private final Fill fill = new Fill();
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
        Arrays.fill(sourceIfIndexes, NO_SOURCE);
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
     * not copied; a lending read ({@link BatchingConn#readBatchLending}) writes its buffers into it.
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
     * Returns the side of this batch that a read fills: the one object to pass to
     * {@link BatchingConn#readBatch(Fill, int)}, the same on every call.
     *
     * @return the fill view of this batch
     */
    public Fill fill() {
        return fill;
    }

    /**
     * Returns slot {@code i}'s payload buffer: after a lending read, the buffer lent for it.
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
     * Returns the receive flags ({@link #FLAG_TRUNCATED}, {@link #FLAG_CONTROL_TRUNCATED}).
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
        return (flags[i] & FLAG_TRUNCATED) != 0;
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
        return sourceIfIndexes[i] == NO_SOURCE ? null : sources[i];
    }

    /**
     * Returns the interface the datagram arrived on, with {@link #sourceAddress(int)}.
     *
     * @param i the slot
     * @return the interface index, or 0
     */
    public int sourceIfIndex(int i) {
        int ifIndex = sourceIfIndexes[i];
        return ifIndex == NO_SOURCE ? 0 : ifIndex;
    }

    /**
     * The side of a {@link MessageBatch} that the implementation of a read fills: the slots' buffers
     * to receive into, and setters for what each slot received. Obtained with
     * {@link MessageBatch#fill()}; one per batch.
     *
     * <p>For each datagram it delivers into slot {@code k}, a read calls {@link #datagram} first,
     * which also clears the slot's control length and source, and then, where they apply,
     * {@link #controlLength} and {@link #source}. A lending read also calls {@link #lend}.
     *
     * <p>References are stored into the batch's long-lived arrays only when they change: the
     * datagrams of one coalesced read share their sender and source, and under G1 every reference
     * store into an old array costs a fence in the post-write barrier.
     *
     * @since 0.1
     */
    public final class Fill {
        private Fill() {}

        /**
         * Returns the number of slots.
         *
         * @return the batch's capacity
         */
        public int capacity() {
            return lengths.length;
        }

        /**
         * Returns slot {@code i}'s payload buffer, to receive into from its position to its limit
         * (the position is not to be moved).
         *
         * @param i the slot
         * @return the buffer
         * @throws NullPointerException if there is no buffer for the slot ("message buffer")
         */
        public ByteBuffer buffer(int i) {
            return MessageBatch.this.buffer(i);
        }

        /**
         * Returns slot {@code i}'s control buffer, to receive control data into from index 0.
         *
         * @param i the slot
         * @return the control buffer, or {@code null} if there is none
         */
        public ByteBuffer control(int i) {
            return MessageBatch.this.control(i);
        }

        /**
         * Records a datagram received into slot {@code k}, with no control data and no source until
         * {@link #controlLength} and {@link #source} say otherwise.
         *
         * @param k the slot
         * @param length the datagram's full length (more than the buffer held when truncated)
         * @param flags its receive flags ({@link MessageBatch#FLAG_TRUNCATED},
         *     {@link MessageBatch#FLAG_CONTROL_TRUNCATED})
         * @param sender the sender
         */
        public void datagram(int k, int length, int flags, InetSocketAddress sender) {
            lengths[k] = length;
            MessageBatch.this.flags[k] = flags;
            controlLengths[k] = 0;
            sourceIfIndexes[k] = NO_SOURCE;
            if (senders[k] != sender) {
                senders[k] = sender;
            }
        }

        /**
         * Records how many bytes of control data slot {@code k}'s control buffer received.
         *
         * @param k the slot
         * @param length the control length
         */
        public void controlLength(int k, int length) {
            controlLengths[k] = length;
        }

        /**
         * Records the local address slot {@code k}'s datagram was sent to (its sticky source) and the
         * interface it arrived on.
         *
         * @param k the slot
         * @param source the address, or {@code null} for none
         * @param ifIndex the interface index, or 0
         */
        public void source(int k, InetAddress source, int ifIndex) {
            if (source == null) {
                sourceIfIndexes[k] = NO_SOURCE;
                return;
            }
            if (sources[k] != source) {
                sources[k] = source;
            }
            sourceIfIndexes[k] = Math.max(ifIndex, 0);
        }

        /**
         * Puts a buffer the implementation lends into slot {@code k} of the reader's buffer array:
         * for {@link BatchingConn#readBatchLending}. The array element is written only if it changes.
         *
         * @param k the slot
         * @param buffer the lent buffer, holding the datagram from its position to its limit
         */
        public void lend(int k, ByteBuffer buffer) {
            ByteBuffer[] b = buffers;
            if (b[k] != buffer) {
                b[k] = buffer;
            }
        }
    }
}
