package dev.batchudp.bind.linux.internal;

import dev.batchudp.bind.spi.DirectBufferPool;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;

/**
 * The native memory of one batch direction (or of single-datagram receive or send): one pooled
 * direct block holding
 * <pre>
 * offset 0            mmsghdr[slots]        64 bytes each  (msg_hdr.msg_iov → iovec[i],
 *                                                            msg_name → sockaddr[i],
 *                                                            msg_control → caller or control[i])
 * iovOffset           iovec[iovecs]         16 bytes each  (iov_base → caller's direct buffer,
 *                                                            or a staged region for heap buffers;
 *                                                            one per slot, or a pool that messages
 *                                                            of several buffers draw from)
 * nameOffset          sockaddr_in6[slots]   32 bytes each  (28 used; sockaddr_in uses 16)
 * controlOffset       control[slots]       128 bytes each  (heap control buffers, packet info,
 *                                                            UDP_SEGMENT / UDP_GRO records)
 * pollOffset          pollfd[2]              8 bytes each  ([socket, eventfd])
 * </pre>
 * plus, taken on first use, a <em>staging</em> block of fixed size through which heap buffers are
 * copied (direct buffers are used in place). A call stages datagrams one after another
 * ({@link #resetStaging()} starts over); when the next heap datagram does not fit, the staging
 * methods answer {@code -1} and the caller sends or receives what it has staged so far, so the
 * memory of an arena is bounded whatever the callers' buffers are.
 *
 * <p>Addresses: a direct caller buffer is first checked to be usable now ({@link SegmentScopes}: not
 * the view of a closed or foreign-confined memory segment); its region starts at its index-0 address
 * ({@link DirectMemory#address}, remembered per slot by {@link DirectAddressCache}) plus its
 * position, added here and nowhere else. Control buffers are used from index 0.
 *
 * <p>Both blocks come from the {@link DirectBufferPool} and go back with {@link #release()}, which
 * the owner calls once no system call can use them any more.
 *
 * <p>Not thread-safe: each arena is confined to the holder of its owner's lock.
 */
final class Arena {
    /**
     * Bytes of control space per slot: {@code ControlMessage.RECEIVE_SPACE}, so that a GRO window
     * holds every record a read can deliver (all receive options on, both families' packet info on a
     * dual-stack socket) and the message API can hand each split datagram its records whole.
     */
    static final int CONTROL_SLOT = dev.batchudp.network.ControlMessage.RECEIVE_SPACE;
    /** The largest UDP payload of any family, rounded up to the 16-bit UDP length: 65,535. */
    static final int MAX_DATAGRAM = 65_535;

    final int slots;
    /** Entries of the iovec array: at least {@link #slots}. */
    final int iovecs;
    final ByteBuffer block;
    final long base;
    final int iovOffset;
    final int nameOffset;
    final int controlOffset;
    final int pollOffset;
    final AddressCache addresses;

    private final DirectBufferPool pool;
    private final DirectAddressCache payloadAddresses;
    private final DirectAddressCache controlAddresses;
    /**
     * Index-0 addresses of the direct buffers of {@link dev.batchudp.network.Message}s, keyed by the
     * message's index in the caller's array rather than by slot: a caller that reuses its messages
     * (the intended use) hits every time even when its batches are larger than this arena and land
     * on the slots in several rounds. Created on first use.
     */
    private DirectAddressCache messageAddresses;
    private final int stagingSize;
    private ByteBuffer staging;
    private long stagingBase;
    private int stagingUsed;
    /** Where iovec {@code i}'s heap payload lies in the staging block, for {@link #copyOut}. */
    private final int[] stagedAt;
    /** Where slot {@code i}'s heap control buffer lies in the block, for {@link #copyMessageOut}. */
    private final int[] controlAt;
    /** Payload bytes slot {@code i}'s message iovecs hold (what a read can store). */
    private final long[] messageRoom;
    /** Position and length of the payload {@link #prepareReceive} last described in each slot. */
    private final int[] receivePosition;
    private final int[] receiveLength;
    private final InetSocketAddress[] encoded;
    private final int[] encodedLength;

    /**
     * Creates an arena with blocks from the shared pool.
     *
     * @param slots the slots
     * @param stagingSize bytes of staging for heap buffers, at least {@link #MAX_DATAGRAM}
     */
    Arena(int slots, int stagingSize) {
        this(slots, slots, stagingSize, DirectBufferPool.shared());
    }

    /**
     * Creates an arena with blocks from the shared pool and a pool of iovecs for messages of several
     * buffers.
     *
     * @param slots the slots
     * @param iovecs iovec entries, at least {@code slots}
     * @param stagingSize bytes of staging for heap buffers, at least {@link #MAX_DATAGRAM}
     */
    Arena(int slots, int iovecs, int stagingSize) {
        this(slots, iovecs, stagingSize, DirectBufferPool.shared());
    }

    Arena(int slots, int stagingSize, DirectBufferPool pool) {
        this(slots, slots, stagingSize, pool);
    }

    Arena(int slots, int iovecs, int stagingSize, DirectBufferPool pool) {
        if (stagingSize < MAX_DATAGRAM) {
            throw new IllegalArgumentException("staging of " + stagingSize + " bytes cannot hold one datagram");
        }
        if (iovecs < slots) {
            throw new IllegalArgumentException(iovecs + " iovecs for " + slots + " slots");
        }
        this.slots = slots;
        this.iovecs = iovecs;
        this.pool = pool;
        this.stagingSize = stagingSize;
        iovOffset = slots * Mmsghdr.SIZE;
        nameOffset = iovOffset + iovecs * Iovec.SIZE;
        controlOffset = nameOffset + slots * SockaddrIn6.SLOT;
        pollOffset = controlOffset + slots * CONTROL_SLOT;
        block = pool.acquire(pollOffset + 2 * Pollfd.SIZE);
        base = DirectMemory.address(block);
        addresses = new AddressCache(slots);
        payloadAddresses = new DirectAddressCache(iovecs);
        controlAddresses = new DirectAddressCache(slots);
        stagedAt = new int[iovecs];
        controlAt = new int[slots];
        messageRoom = new long[slots];
        receivePosition = new int[slots];
        receiveLength = new int[slots];
        encoded = new InetSocketAddress[slots];
        encodedLength = new int[slots];
    }

    /** Returns both blocks to the pool; the arena must not be used afterwards. */
    void release() {
        pool.release(block);
        pool.release(staging);
        staging = null;
        payloadAddresses.clear();
        controlAddresses.clear();
        if (messageAddresses != null) {
            messageAddresses.clear();
        }
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

    int controlSlot(int i) {
        return controlOffset + i * CONTROL_SLOT;
    }

    long pollAddress() {
        return base + pollOffset;
    }

    /** Starts staging over: call once per batch, before the first {@code sendAddress}/{@code receiveAddress}. */
    void resetStaging() {
        stagingUsed = 0;
    }

    /**
     * Returns where the kernel should read slot {@code i}'s payload: a direct buffer in place
     * (index-0 address plus position), a heap buffer's bytes copied into the staging block.
     *
     * @param i the slot
     * @param buffer the payload, position to position + length
     * @param length bytes
     * @return the address, or -1 if a heap payload does not fit the staging left in this batch
     */
    long sendAddress(int i, ByteBuffer buffer, int length) {
        if (buffer.isDirect()) {
            SegmentScopes.checkAccessible(buffer);
            return payloadAddresses.indexZero(i, buffer) + buffer.position();
        }
        int at = stage(length);
        if (at < 0) {
            return -1;
        }
        if (length > 0) {
            staging.put(at, buffer, buffer.position(), length);
        }
        stagedAt[i] = at;
        return stagingBase + at;
    }

    /**
     * Returns where the kernel should write slot {@code i}'s payload: a direct buffer in place, a
     * heap buffer through the staging block ({@link #copyOut} copies it over).
     *
     * @param i the slot
     * @param buffer the destination, from its position
     * @param length bytes the region holds
     * @return the address, or -1 if a heap region does not fit the staging left in this batch
     * @throws ReadOnlyBufferException if the buffer is read-only
     */
    long receiveAddress(int i, ByteBuffer buffer, int length) {
        if (buffer.isReadOnly()) {
            throw new ReadOnlyBufferException();
        }
        if (buffer.isDirect()) {
            SegmentScopes.checkAccessible(buffer);
            return payloadAddresses.indexZero(i, buffer) + buffer.position();
        }
        int at = stage(length);
        if (at < 0) {
            return -1;
        }
        stagedAt[i] = at;
        return stagingBase + at;
    }

    /**
     * Returns the staging block, taking it from the pool on first use, for an owner that lays its
     * own regions out in it (the batching connection's receive windows). Staged payloads and such
     * regions must not be in use at the same time.
     *
     * @return the staging block
     */
    ByteBuffer stagingBlock() {
        if (staging == null) {
            staging = pool.acquire(stagingSize);
            stagingBase = DirectMemory.address(staging);
        }
        return staging;
    }

    /** Reserves {@code length} staging bytes (8-byte aligned); returns their offset or -1. */
    private int stage(int length) {
        int at = stagingUsed;
        if (at + length > stagingSize) {
            return -1;
        }
        stagingBlock();
        stagingUsed = Math.min(stagingSize, (at + length + 7) & ~7);
        return at;
    }

    /**
     * Copies what the kernel wrote into slot {@code i}'s staged region to a heap buffer (nothing for
     * a direct buffer, which received in place).
     *
     * @param i the slot
     * @param buffer the caller's buffer, filled from its position (which does not move)
     * @param length bytes to copy
     */
    void copyOut(int i, ByteBuffer buffer, int length) {
        if (!buffer.isDirect() && length > 0) {
            buffer.put(buffer.position(), staging, stagedAt[i], length);
        }
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
            SegmentScopes.checkAccessible(control);
            return controlAddresses.indexZero(i, control);
        }
        int at = controlSlot(i);
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
            control.put(0, block, controlSlot(i), length);
        }
    }

    /**
     * Prepares slot {@code i} for a receive into {@code payload} (position to limit) and
     * {@code control} (whole capacity; may be {@code null}).
     *
     * @param i the slot
     * @param payload the payload buffer
     * @param control the control buffer, or {@code null}
     * @return the number of payload bytes the slot can hold, or -1 if a heap payload does not fit
     *     the staging left in this batch (nothing was prepared)
     * @throws ReadOnlyBufferException if a buffer is read-only
     */
    int prepareReceive(int i, ByteBuffer payload, ByteBuffer control) {
        int length = payload.isDirect() ? payload.remaining() : Math.min(payload.remaining(), MAX_DATAGRAM);
        long address = receiveAddress(i, payload, length);
        if (address < 0) {
            return -1;
        }
        receivePosition[i] = payload.position();
        receiveLength[i] = length;
        Iovec.set(block, iov(i), address, length);
        setReceiveHeader(i, control);
        return length;
    }

    /**
     * Returns whether slot {@code i}'s iovec, as {@link #prepareReceive} last wrote it, still
     * describes {@code payload}: the same direct buffer object with the same position and
     * remaining bytes. The caller knows the rest of the slot's header is as it left it.
     *
     * @param i the slot
     * @param payload the payload buffer
     * @return whether the iovec can be used as it is
     */
    boolean receivePrepared(int i, ByteBuffer payload) {
        if (!payload.isDirect()) {
            return false;
        }
        SegmentScopes.checkAccessible(payload);
        return payloadAddresses.holds(i, payload) && receivePosition[i] == payload.position()
                && receiveLength[i] == payload.remaining();
    }

    /**
     * Restores the two lengths the kernel writes back into slot {@code i}'s header on a receive
     * ({@code msg_namelen}, {@code msg_controllen}; recvmmsg(2)), leaving the rest as it is.
     *
     * @param i the slot
     * @param controlLength the control space to offer again
     */
    void restoreReceiveLengths(int i, int controlLength) {
        int m = mmsg(i);
        block.putLong(m + Msghdr.MSG_NAMELEN, SockaddrIn6.SIZE);
        block.putLong(m + Msghdr.MSG_CONTROLLEN, controlLength);
    }

    /**
     * Points slot {@code i}'s header at its iovec (set by the caller), its socket address slot and
     * {@code control} (whole capacity, from index 0) or no control data.
     *
     * @param i the slot
     * @param control the control buffer, or {@code null}
     * @throws ReadOnlyBufferException if the control buffer is read-only
     */
    void setReceiveHeader(int i, ByteBuffer control) {
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
     * @return whether the slot was prepared; false if a heap payload does not fit the staging left
     */
    boolean prepareSend(int i, ByteBuffer payload, int nameSlot, int nameLength, ByteBuffer control,
            int controlLength) {
        int length = payload.remaining();
        long address = sendAddress(i, payload, length);
        if (address < 0) {
            return false;
        }
        Iovec.set(block, iov(i), address, length);
        long controlAddress = 0;
        if (control != null && controlLength > 0) {
            controlAddress = control(i, control, controlLength, true);
        }
        long nameAddress = nameSlot < 0 ? 0 : base + name(nameSlot);
        int m = mmsg(i);
        Msghdr.set(block, m, nameAddress, nameSlot < 0 ? 0 : nameLength, base + iov(i), 1, controlAddress,
                controlAddress == 0 ? 0 : controlLength);
        Mmsghdr.clearLength(block, m);
        return true;
    }

    // ---- messages (dev.batchudp.network.Message): several buffers, control from its position ------

    /**
     * Prepares slot {@code i} for a receive into a message: one iovec per buffer (position to limit)
     * from iovec {@code firstIov} on, its control buffer (position to limit) as {@code msg_control}, and
     * the slot's socket address. Direct buffers are used in place; heap buffers are staged (at most
     * {@link #MAX_DATAGRAM} bytes per message, more can never arrive), a heap control buffer in the
     * slot's control area when it fits, else in the staging.
     *
     * @param i the slot
     * @param firstIov the first free iovec
     * @param m the message (its buffers were checked writable)
     * @return iovecs used, or -1 if the iovecs or the staging left do not hold the message (nothing
     *     was prepared)
     */
    int prepareMessageReceive(int i, int firstIov, dev.batchudp.network.Message m, int key) {
        return prepareMessage(i, firstIov, m, false, 0, 0, key);
    }

    /**
     * Prepares slot {@code i} for sending a message: one iovec per non-empty buffer (position to
     * limit), its control buffer's remaining bytes as {@code msg_control}, and the destination encoded
     * in {@code nameSlot} (or none, for a connected socket). Heap buffers are copied into the staging.
     *
     * @param i the slot
     * @param firstIov the first free iovec
     * @param m the message
     * @param nameSlot the slot whose socket address to use, or -1 for none
     * @param nameLength its length
     * @return iovecs used, or -1 if the iovecs or the staging left do not hold the message (nothing
     *     was prepared)
     */
    int prepareMessageSend(int i, int firstIov, dev.batchudp.network.Message m, int nameSlot, int nameLength,
            int key) {
        return prepareMessage(i, firstIov, m, true, nameSlot, nameLength, key);
    }

    /**
     * Entries of {@link #messageAddresses}: eight per message (the control buffer and up to seven
     * payload buffers; an eighth and later buffers share the last entry and miss), 512 messages.
     */
    private static final int MESSAGE_CACHE_ENTRIES = 4096;
    private static final int CONTROL_ENTRY = -1;

    /** The {@link #messageAddresses} entry of payload buffer {@code buffer} ({@link #CONTROL_ENTRY}: the control) of message {@code key}. */
    private static int messageCacheEntry(int key, int buffer) {
        return (key * 8 + 1 + Math.min(buffer, 6)) & (MESSAGE_CACHE_ENTRIES - 1);
    }

    private long messageBufferAddress(int key, int buffer, ByteBuffer direct) {
        SegmentScopes.checkAccessible(direct);
        DirectAddressCache cache = messageAddresses;
        if (cache == null) {
            cache = messageAddresses = new DirectAddressCache(MESSAGE_CACHE_ENTRIES);
        }
        return cache.indexZero(messageCacheEntry(key, buffer), direct) + direct.position();
    }

    private int prepareMessage(int i, int firstIov, dev.batchudp.network.Message m, boolean send, int nameSlot,
            int nameLength, int key) {
        ByteBuffer[] buffers = m.buffers();
        int stagingMark = stagingUsed;
        int iov = firstIov;
        int heapRoom = MAX_DATAGRAM;
        long room = 0;
        for (ByteBuffer b : buffers) {
            int length = b.remaining();
            if (length == 0) {
                continue;
            }
            if (iov == iovecs) {
                stagingUsed = stagingMark;
                return -1;
            }
            long address;
            if (b.isDirect()) {
                if (!send && b.isReadOnly()) {
                    throw new ReadOnlyBufferException();
                }
                address = messageBufferAddress(key, iov - firstIov, b);
            } else {
                length = Math.min(length, heapRoom);
                heapRoom -= length;
                address = send ? sendAddress(iov, b, length) : receiveAddress(iov, b, length);
                if (address < 0) {
                    stagingUsed = stagingMark;
                    return -1;
                }
            }
            Iovec.set(block, iov(iov), address, length);
            room += length;
            iov++;
        }
        messageRoom[i] = room;
        long controlAddress = 0;
        int controlLength = 0;
        ByteBuffer control = m.control();
        if (control != null && control.hasRemaining()) {
            controlLength = control.remaining();
            if (control.isDirect()) {
                controlAddress = messageBufferAddress(key, CONTROL_ENTRY, control);
            } else {
                int at;
                if (controlLength <= CONTROL_SLOT) {
                    at = controlSlot(i);
                    controlAddress = base + at;
                    if (send) {
                        block.put(at, control, control.position(), controlLength);
                    }
                    controlAt[i] = -1 - at;
                } else {
                    at = stage(controlLength);
                    if (at < 0) {
                        stagingUsed = stagingMark;
                        return -1;
                    }
                    controlAddress = stagingBase + at;
                    if (send) {
                        staging.put(at, control, control.position(), controlLength);
                    }
                    controlAt[i] = at;
                }
            }
        }
        long name = send ? (nameSlot < 0 ? 0 : base + name(nameSlot)) : base + name(i);
        int namelen = send ? (nameSlot < 0 ? 0 : nameLength) : SockaddrIn6.SIZE;
        int mh = mmsg(i);
        Msghdr.set(block, mh, name, namelen, base + iov(firstIov), iov - firstIov, controlAddress, controlLength);
        Mmsghdr.clearLength(block, mh);
        return iov - firstIov;
    }

    /**
     * Returns the payload bytes the message prepared at slot {@code i} has room for.
     *
     * @param i the slot
     * @return bytes
     */
    long messageRoom(int i) {
        return messageRoom[i];
    }

    /**
     * After a receive into a message prepared at slot {@code i}: copies staged heap payload (the
     * first {@code stored} bytes, buffer after buffer) and a heap control buffer's
     * {@code controlLength} bytes into the message's buffers, from their positions (which do not
     * move). Direct buffers received in place.
     *
     * @param i the slot
     * @param firstIov the iovec {@link #prepareMessageReceive} started at
     * @param m the message
     * @param stored payload bytes the kernel stored
     * @param controlLength control bytes the kernel stored
     */
    void copyMessageOut(int i, int firstIov, dev.batchudp.network.Message m, int stored, int controlLength) {
        int iov = firstIov;
        int left = stored;
        for (ByteBuffer b : m.buffers()) {
            if (left == 0) {
                break;
            }
            int length = b.remaining();
            if (length == 0) {
                continue;
            }
            int n = Math.min(Math.min(length, left), (int) block.getLong(iov(iov) + Iovec.IOV_LEN));
            if (!b.isDirect() && n > 0) {
                b.put(b.position(), staging, stagedAt[iov], n);
            }
            left -= n;
            iov++;
        }
        ByteBuffer control = m.control();
        if (control != null && !control.isDirect() && controlLength > 0) {
            int at = controlAt[i];
            if (at < 0) {
                control.put(control.position(), block, -1 - at, controlLength);
            } else {
                control.put(control.position(), staging, at, controlLength);
            }
        }
    }
}
