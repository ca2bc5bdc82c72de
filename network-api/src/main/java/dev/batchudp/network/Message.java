package dev.batchudp.network;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * One datagram of a batched read or write ({@link UdpConnection#readBatch},
 * {@link UdpConnection#writeBatch}): the counterpart of golang.org/x/net's {@code ipv4.Message} and
 * {@code ipv6.Message}, and of C's {@code struct mmsghdr}. Messages are mutable, meant to be allocated
 * once and reused for every call.
 *
 * <p><b>Payload.</b> A message holds one or more buffers (vectored I/O, e.g. a header and a payload).
 * A write sends the bytes from each buffer's position to its limit, in order, as one datagram; a read
 * stores the datagram from the first buffer's position, filling each buffer to its limit before the
 * next. Neither moves any position or limit: {@link #length()} says how many bytes were sent or
 * stored (Go's {@code N}). Buffers may be heap or direct, read-only for writes, at any position.
 *
 * <p><b>Control data.</b> {@link #control()}, when set, holds socket control messages ({@code cmsg}s,
 * built and parsed with {@link ControlMessage}) from its position to its limit: a write sends them,
 * a read stores the ones the kernel (or network) delivered there and {@link #controlLength()} says how
 * many bytes (Go's {@code NN}). Its position does not move either.
 *
 * <p><b>Results.</b> After a read: {@link #length()}, {@link #controlLength()}, {@link #flags()}
 * ({@link #TRUNCATED}, {@link #CONTROL_TRUNCATED}) and {@link #address()} (the sender). After a write:
 * {@link #length()} (bytes sent). {@link #reset()} clears them.
 *
 * @since 0.2
 */
public final class Message {
    /**
     * {@code MSG_TRUNC} in {@link #flags()}: the datagram was longer than the buffers, whose bytes are
     * its first {@link #length()} bytes.
     */
    public static final int TRUNCATED = 0x20;

    /**
     * {@code MSG_CTRUNC} in {@link #flags()}: control data did not fit the control buffer (or there was
     * none); some records were lost.
     */
    public static final int CONTROL_TRUNCATED = 0x08;

    private static final ByteBuffer[] NO_BUFFERS = new ByteBuffer[0];

    private ByteBuffer[] buffers;
    private ByteBuffer control;
    private InetSocketAddress address;
    private int length;
    private int controlLength;
    private int flags;

    /**
     * Creates a message over the given buffers (none for an empty datagram).
     *
     * @param buffers the payload buffers, in order; the array is used as given, not copied
     * @throws NullPointerException if the array or an element is {@code null}
     */
    public Message(ByteBuffer... buffers) {
        buffers(buffers);
    }

    /**
     * Returns the payload buffers: the array itself, not a copy.
     *
     * @return the buffers, never {@code null}
     */
    public ByteBuffer[] buffers() {
        return buffers;
    }

    /**
     * Sets the payload buffers.
     *
     * @param buffers the buffers, in order; used as given, not copied
     * @return this message
     * @throws NullPointerException if the array or an element is {@code null}
     */
    public Message buffers(ByteBuffer... buffers) {
        Objects.requireNonNull(buffers, "buffers");
        for (int i = 0; i < buffers.length; i++) {
            if (buffers[i] == null) {
                throw new NullPointerException("buffers[" + i + "]");
            }
        }
        this.buffers = buffers.length == 0 ? NO_BUFFERS : buffers;
        return this;
    }

    /**
     * Sets a single payload buffer: the common case, without allocating when the message already has
     * exactly one buffer.
     *
     * @param buffer the buffer
     * @return this message
     */
    public Message buffer(ByteBuffer buffer) {
        Objects.requireNonNull(buffer, "buffer");
        if (buffers.length == 1) {
            buffers[0] = buffer;
        } else {
            buffers = new ByteBuffer[] {buffer};
        }
        return this;
    }

    /**
     * Returns the total bytes between position and limit of all payload buffers: what a write sends,
     * or the most a read stores.
     *
     * @return bytes
     */
    public long remaining() {
        long total = 0;
        for (ByteBuffer b : buffers) {
            total += b.remaining();
        }
        return total;
    }

    /**
     * Returns the control buffer.
     *
     * @return the buffer, or {@code null} for none
     */
    public ByteBuffer control() {
        return control;
    }

    /**
     * Sets the control buffer: control messages to send from its position to its limit, or room for
     * those received. Build its content with {@link ControlMessage#marshal}; size it for reads with
     * {@link ControlMessage#RECEIVE_SPACE}.
     *
     * @param control the buffer, or {@code null} for none
     * @return this message
     */
    public Message control(ByteBuffer control) {
        this.control = control;
        return this;
    }

    /**
     * Returns the peer: the sender after a read; the destination of a write ({@code null} on a
     * connected connection: its remote address).
     *
     * @return the address, or {@code null}
     */
    public InetSocketAddress address() {
        return address;
    }

    /**
     * Sets the destination of a write (or clears it).
     *
     * @param address a resolved address, or {@code null} for a connected connection's remote address
     * @return this message
     */
    public Message address(InetSocketAddress address) {
        this.address = address;
        return this;
    }

    /**
     * Returns the bytes stored by a read or sent by a write (Go's {@code N}). On a truncated read
     * ({@link #TRUNCATED}) this is what fitted, not the datagram's length.
     *
     * @return bytes
     */
    public int length() {
        return length;
    }

    /**
     * Sets the byte count; for implementations of {@link UdpConnection#readBatch}.
     *
     * @param length bytes
     * @return this message
     */
    public Message length(int length) {
        this.length = length;
        return this;
    }

    /**
     * Returns the control bytes a read stored from the control buffer's position (Go's {@code NN}).
     *
     * @return bytes; 0 without a control buffer
     */
    public int controlLength() {
        return controlLength;
    }

    /**
     * Sets the control byte count; for implementations of {@link UdpConnection#readBatch}.
     *
     * @param controlLength bytes
     * @return this message
     */
    public Message controlLength(int controlLength) {
        this.controlLength = controlLength;
        return this;
    }

    /**
     * Returns the {@code msg_flags} of a read: {@link #TRUNCATED}, {@link #CONTROL_TRUNCATED}, or 0.
     *
     * @return the flags
     */
    public int flags() {
        return flags;
    }

    /**
     * Sets the flags; for implementations of {@link UdpConnection#readBatch}.
     *
     * @param flags the flags
     * @return this message
     */
    public Message flags(int flags) {
        this.flags = flags;
        return this;
    }

    /**
     * Returns whether the read datagram was longer than the buffers.
     *
     * @return whether {@link #TRUNCATED} is set
     */
    public boolean isTruncated() {
        return (flags & TRUNCATED) != 0;
    }

    /**
     * Returns whether some control data was lost for lack of room.
     *
     * @return whether {@link #CONTROL_TRUNCATED} is set
     */
    public boolean isControlTruncated() {
        return (flags & CONTROL_TRUNCATED) != 0;
    }

    /**
     * Clears the results of a read or write (length, control length, flags); buffers, control buffer
     * and address are kept.
     *
     * @return this message
     */
    public Message reset() {
        length = 0;
        controlLength = 0;
        flags = 0;
        return this;
    }

    @Override
    public String toString() {
        return "Message[buffers=" + Arrays.toString(buffers) + ", control=" + control + ", address=" + address
                + ", length=" + length + ", controlLength=" + controlLength + ", flags=0x"
                + Integer.toHexString(flags) + "]";
    }
}
