package dev.batchudp.bind.spi;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * One datagram slot of a batched read or write: the counterpart of Go's {@code ipv6.Message}
 * ({@code struct mmsghdr} in C). Messages are mutable and meant to be preallocated and reused.
 *
 * <p>Payload bytes live in {@link #buffer()} from its position up to its limit; reading and writing
 * never move the position or limit. Control bytes ({@code cmsg}s) live in {@link #control()} from
 * index 0: on a write the first {@link #controlLength()} bytes are sent; on a read up to
 * {@code control().capacity()} bytes may be stored and {@link #controlLength()} says how many were.
 *
 * @since 0.1
 */
public final class Message {
    /** {@code MSG_TRUNC}: the datagram was longer than the buffer. */
    public static final int FLAG_TRUNCATED = 0x20;
    /** {@code MSG_CTRUNC}: control data was longer than the control buffer. */
    public static final int FLAG_CONTROL_TRUNCATED = 0x08;

    private ByteBuffer buffer;
    private ByteBuffer control;
    private InetSocketAddress address;
    private int length;
    private int controlLength;
    private int flags;
    private InetAddress sourceAddress;
    private int sourceIfIndex;

    /** Creates an empty message. */
    public Message() {}

    /**
     * Returns the payload buffer.
     *
     * @return the buffer, or {@code null}
     */
    public ByteBuffer buffer() {
        return buffer;
    }

    /**
     * Sets the payload buffer.
     *
     * @param buffer the buffer
     * @return this message
     */
    public Message buffer(ByteBuffer buffer) {
        this.buffer = buffer;
        return this;
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
     * Sets the control buffer.
     *
     * @param control the buffer, or {@code null}
     * @return this message
     */
    public Message control(ByteBuffer control) {
        this.control = control;
        return this;
    }

    /**
     * Returns the peer: the source after a read, the destination for a write.
     *
     * @return the address, or {@code null}
     */
    public InetSocketAddress address() {
        return address;
    }

    /**
     * Sets the peer address.
     *
     * @param address the address
     * @return this message
     */
    public Message address(InetSocketAddress address) {
        this.address = address;
        return this;
    }

    /**
     * Returns the datagram length after a read (Go's {@code N}). When {@link #isTruncated()} this is
     * the datagram's full length, larger than the bytes stored.
     *
     * @return bytes
     */
    public int length() {
        return length;
    }

    /**
     * Sets the datagram length.
     *
     * @param length bytes
     * @return this message
     */
    public Message length(int length) {
        this.length = length;
        return this;
    }

    /**
     * Returns the number of control bytes (Go's {@code NN}).
     *
     * @return bytes
     */
    public int controlLength() {
        return controlLength;
    }

    /**
     * Sets the number of control bytes.
     *
     * @param controlLength bytes
     * @return this message
     */
    public Message controlLength(int controlLength) {
        this.controlLength = controlLength;
        return this;
    }

    /**
     * Returns the {@code msg_flags} of a read.
     *
     * @return the flags, such as {@link #FLAG_TRUNCATED}
     */
    public int flags() {
        return flags;
    }

    /**
     * Sets the flags.
     *
     * @param flags the flags
     * @return this message
     */
    public Message flags(int flags) {
        this.flags = flags;
        return this;
    }

    /**
     * Returns the sticky source of a read: the local address the datagram was sent to, decoded from
     * its {@code IP_PKTINFO}/{@code IPV6_PKTINFO} control message by connections that capture it
     * (whether or not the caller gave a {@link #control()} buffer). Connections that do not capture
     * sources leave it {@code null}.
     *
     * @return the local address (IPv4-mapped addresses as IPv4), or {@code null}
     */
    public InetAddress sourceAddress() {
        return sourceAddress;
    }

    /**
     * Returns the interface index the datagram arrived on, with {@link #sourceAddress()}.
     *
     * @return the index, or 0
     */
    public int sourceIfIndex() {
        return sourceIfIndex;
    }

    /**
     * Sets the sticky source of a read.
     *
     * @param address the local address, or {@code null} for none
     * @param ifIndex the interface index (0 without an address)
     * @return this message
     */
    public Message source(InetAddress address, int ifIndex) {
        this.sourceAddress = address;
        this.sourceIfIndex = address == null ? 0 : ifIndex;
        return this;
    }

    /**
     * Returns whether the datagram was truncated.
     *
     * @return whether {@link #FLAG_TRUNCATED} is set
     */
    public boolean isTruncated() {
        return (flags & FLAG_TRUNCATED) != 0;
    }

    /**
     * Clears the results of a read (length, control length, flags, address, source); buffers are
     * kept.
     *
     * @return this message
     */
    public Message reset() {
        address = null;
        sourceAddress = null;
        sourceIfIndex = 0;
        length = 0;
        controlLength = 0;
        flags = 0;
        return this;
    }
}
