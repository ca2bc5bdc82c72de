package dev.batchudp.bind.linux.internal;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;

/**
 * The native memory of one batch direction (or of single-datagram receive or send): ONE direct
 * block, allocated once, holding
 * <pre>
 * offset 0            mmsghdr[slots]        64 bytes each  (msg_hdr.msg_iov → iovec[i],
 *                                                            msg_name → sockaddr[i],
 *                                                            msg_control → caller or control[i])
 * iovOffset           iovec[slots]          16 bytes each  (iov_base → caller's direct buffer,
 *                                                            or scratch[i] for heap buffers)
 * nameOffset          sockaddr_in6[slots]   32 bytes each  (28 used; sockaddr_in uses 16)
 * controlOffset       control[slots]       128 bytes each  (only used for heap control buffers)
 * pollOffset          pollfd[2]              8 bytes each  ([socket, eventfd])
 * </pre>
 * Caller buffers that are direct are used in place: their address is looked up once per buffer
 * object and remembered per slot. Heap buffers go through per-slot direct scratch buffers,
 * allocated on first use and reused, and are copied; that is the only extra cost of heap buffers.
 *
 * <p>Not thread-safe: each arena is confined to the holder of its owner's lock.
 */
final class Arena {
    /** Bytes of control scratch per slot, for heap control buffers. */
    static final int CONTROL_SLOT = 128;
    /** The largest UDP payload over IPv6 (65,535 minus the 8-byte UDP header, plus room). */
    static final int MAX_DATAGRAM = 65_535;

    final int slots;
    final ByteBuffer block;
    final long base;
    final int iovOffset;
    final int nameOffset;
    final int controlOffset;
    final int pollOffset;
    final AddressCache addresses;

    private final ByteBuffer[] scratch;
    private final long[] scratchAddress;
    private final ByteBuffer[] lastBuffer;
    private final long[] lastAddress;
    private final ByteBuffer[] lastControl;
    private final long[] lastControlAddress;
    private final InetSocketAddress[] encoded;
    private final int[] encodedLength;

    Arena(int slots) {
        this.slots = slots;
        iovOffset = slots * Mmsghdr.SIZE;
        nameOffset = iovOffset + slots * Iovec.SIZE;
        controlOffset = nameOffset + slots * SockaddrIn6.SLOT;
        pollOffset = controlOffset + slots * CONTROL_SLOT;
        block = DirectMemory.allocate(pollOffset + 2 * Pollfd.SIZE);
        base = DirectMemory.address(block);
        addresses = new AddressCache(slots);
        scratch = new ByteBuffer[slots];
        scratchAddress = new long[slots];
        lastBuffer = new ByteBuffer[slots];
        lastAddress = new long[slots];
        lastControl = new ByteBuffer[slots];
        lastControlAddress = new long[slots];
        encoded = new InetSocketAddress[slots];
        encodedLength = new int[slots];
    }

    int mmsg(int i) {
        return i * Mmsghdr.SIZE;
    }

    long mmsgAddress(int i) {
        return base + (long) i * Mmsghdr.SIZE;
    }

    int iov(int i) {
        return iovOffset + i * Iovec.SIZE;
    }

    int name(int i) {
        return nameOffset + i * SockaddrIn6.SLOT;
    }

    long pollAddress() {
        return base + pollOffset;
    }

    /**
     * Points slot {@code i} at a payload region.
     *
     * @param i the slot
     * @param buffer the caller's buffer; the region is position to position + length
     * @param length bytes
     * @param copyIn whether to copy a heap buffer's bytes into the scratch (for sends)
     */
    void payload(int i, ByteBuffer buffer, int length, boolean copyIn) {
        Iovec.set(block, iov(i), payloadAddress(i, buffer, length, copyIn), length);
    }

    /**
     * Returns the address of a payload region for slot {@code i}, as {@link #payload} would point
     * the slot's iovec at it, without writing the iovec.
     *
     * @param i the slot
     * @param buffer the caller's buffer; the region is position to position + length
     * @param length bytes
     * @param copyIn whether to copy a heap buffer's bytes into the scratch (for sends)
     * @return the address
     */
    long payloadAddress(int i, ByteBuffer buffer, int length, boolean copyIn) {
        long address;
        if (buffer.isDirect()) {
            if (lastBuffer[i] != buffer) {
                lastAddress[i] = DirectMemory.address(buffer);
                lastBuffer[i] = buffer;
            }
            address = lastAddress[i] + buffer.position();
        } else {
            ByteBuffer s = scratch(i, length);
            if (copyIn) {
                s.put(0, buffer, buffer.position(), length);
            }
            address = scratchAddress[i];
        }
        return address;
    }

    /**
     * Copies what the kernel wrote into slot {@code i}'s scratch back to a heap buffer.
     *
     * @param i the slot
     * @param buffer the caller's heap buffer
     * @param length bytes to copy
     */
    void copyOut(int i, ByteBuffer buffer, int length) {
        if (!buffer.isDirect() && length > 0) {
            buffer.put(buffer.position(), scratch[i], 0, length);
        }
    }

    private ByteBuffer scratch(int i, int length) {
        ByteBuffer s = scratch[i];
        if (s == null || s.capacity() < length) {
            s = DirectMemory.allocate(Math.max(length, 2048));
            scratch[i] = s;
            scratchAddress[i] = DirectMemory.address(s);
        }
        return s;
    }

    /**
     * Returns the address to use as {@code msg_control} for slot {@code i}.
     *
     * @param i the slot
     * @param control the caller's control buffer (data from index 0)
     * @param length bytes of it to use ({@link #CONTROL_SLOT} at most for heap buffers)
     * @param copyIn whether to copy a heap buffer's bytes in (for sends)
     * @return the address
     */
    long control(int i, ByteBuffer control, int length, boolean copyIn) {
        if (control.isDirect()) {
            if (lastControl[i] != control) {
                lastControlAddress[i] = DirectMemory.address(control);
                lastControl[i] = control;
            }
            return lastControlAddress[i];
        }
        int at = controlOffset + i * CONTROL_SLOT;
        if (copyIn) {
            block.put(at, control, 0, length);
        }
        return base + at;
    }

    /**
     * Copies received control bytes of slot {@code i} to a heap control buffer.
     *
     * @param i the slot
     * @param control the caller's buffer
     * @param length bytes
     */
    void copyControlOut(int i, ByteBuffer control, int length) {
        if (!control.isDirect() && length > 0) {
            control.put(0, block, controlOffset + i * CONTROL_SLOT, length);
        }
    }

    /**
     * Prepares slot {@code i} for a receive into {@code payload} (position to limit) and
     * {@code control} (whole capacity; may be {@code null}).
     *
     * @param i the slot
     * @param payload the payload buffer
     * @param control the control buffer, or {@code null}
     * @return the number of payload bytes the slot can hold
     */
    int prepareReceive(int i, ByteBuffer payload, ByteBuffer control) {
        if (payload.isReadOnly()) {
            throw new ReadOnlyBufferException();
        }
        int length = payload.isDirect() ? payload.remaining() : Math.min(payload.remaining(), MAX_DATAGRAM);
        payload(i, payload, length, false);
        long controlAddress = 0;
        int controlLength = 0;
        if (control != null && control.capacity() > 0) {
            if (control.isReadOnly()) {
                throw new ReadOnlyBufferException();
            }
            controlLength = control.isDirect() ? control.capacity() : Math.min(control.capacity(), CONTROL_SLOT);
            controlAddress = control(i, control, controlLength, false);
        }
        int m = mmsg(i);
        Msghdr.set(block, m, base + name(i), SockaddrIn6.SIZE, base + iov(i), 1, controlAddress, controlLength);
        Mmsghdr.clearLength(block, m);
        return length;
    }

    /**
     * Encodes a destination into slot {@code i}'s socket address, skipping the work when the same
     * address object was encoded there last.
     *
     * @param i the slot
     * @param target the destination
     * @param inet6 whether the socket is {@code AF_INET6}
     * @return the address length
     */
    int encodeName(int i, InetSocketAddress target, boolean inet6) {
        if (encoded[i] != target) {
            encodedLength[i] = SocketAddressCodec.encode(block, name(i), target, inet6);
            encoded[i] = target;
        }
        return encodedLength[i];
    }

    /**
     * Prepares slot {@code i} for a send.
     *
     * @param i the slot
     * @param payload the payload, position to limit
     * @param nameSlot the slot whose socket address to use, or -1 for none (connected socket)
     * @param nameLength its length
     * @param control the control buffer, or {@code null}
     * @param controlLength bytes of control to send
     */
    void prepareSend(int i, ByteBuffer payload, int nameSlot, int nameLength, ByteBuffer control, int controlLength) {
        payload(i, payload, payload.remaining(), true);
        long controlAddress = 0;
        if (control != null && controlLength > 0) {
            controlAddress = control(i, control, controlLength, true);
        }
        long nameAddress = nameSlot < 0 ? 0 : base + name(nameSlot);
        int m = mmsg(i);
        Msghdr.set(block, m, nameAddress, nameSlot < 0 ? 0 : nameLength, base + iov(i), 1, controlAddress,
                controlAddress == 0 ? 0 : controlLength);
        Mmsghdr.clearLength(block, m);
    }
}
