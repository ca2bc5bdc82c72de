package dev.batchudp.bind.linux.internal;

import static dev.batchudp.bind.linux.internal.LinuxConstants.MSG_CTRUNC;
import static dev.batchudp.bind.linux.internal.LinuxConstants.MSG_DONTWAIT;
import static dev.batchudp.bind.linux.internal.LinuxConstants.MSG_TRUNC;
import static dev.batchudp.bind.linux.internal.LinuxConstants.MSG_WAITFORONE;

import dev.batchudp.bind.spi.MessageBatch;
import dev.batchudp.network.DatagramTruncatedException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.ref.Reference;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import java.nio.channels.AsynchronousCloseException;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The read side of a batching connection: {@code recvmmsg(MSG_WAITFORONE | MSG_TRUNC)} (recvmmsg(2))
 * into the caller's buffers or into the connection's read region, with or without UDP receive
 * coalescing (GRO), copying or lending.
 *
 * <p><b>Without GRO</b> a read lands in the caller's buffers (direct ones in place, heap ones through
 * the arena's staging, so a read into large heap buffers may return fewer datagrams), or, lending,
 * in one {@value #WINDOW}-byte window of the read region per datagram.
 *
 * <p><b>With GRO</b> a read takes up to {@link #windows} coalesced datagrams into the windows of the
 * read region, each with its own control slot, so the {@code UDP_GRO} record (a native {@code int},
 * udp(7)) is never cut off. {@link GroSplit} cuts each into datagrams and ends at the system call's
 * message count, so zero-length datagrams survive; datagrams beyond what the caller asked for wait
 * in the windows for the next read, which takes them without a system call. Datagrams are copied
 * into the caller's buffers with the kernel message's sender and control data minus the
 * {@code UDP_GRO} record, or lent where they lie.
 *
 * <p><b>Lending</b>: slot {@code i} always gets the same buffer object, a duplicate of the region with
 * position and limit moved to the datagram, so the caller's array keeps its references (no
 * allocation, and under G1 no write barrier per datagram). Lent bytes are valid until the next read.
 *
 * <p><b>Blocking and close</b>: without a read timeout, a read blocks in the kernel until the first
 * datagram; {@code close()} wakes it with {@code shutdown(2)}, after which the kernel reports one
 * empty message, never decoded because the closed flag is checked first. With a timeout, reads use
 * {@code MSG_DONTWAIT} and poll the socket and its close eventfd. {@code ECONNREFUSED} left by an
 * ICMP error is swallowed and counted.
 *
 * <p>One reader at a time (a lock); the arena, the region and the arrays are confined to its holder.
 */
final class BatchReader {
    /**
     * Bytes of one receive window. A coalesced UDP read is one skb of less than 64 KiB:
     * {@code skb_gro_receive()} (net/core/gro.c) stops growing a GRO packet before 65,536 bytes
     * (the default {@code gro_max_size}), {@code udp_gro_complete()} (net/ipv4/udp_offload.c) writes
     * its length into the 16-bit UDP length field, and a locally generated GSO send is refused above
     * 0xFFFF bytes by {@code udp_sendmsg()} (net/ipv4/udp.c). Should a kernel ever deliver more, the
     * read reports {@code MSG_TRUNC} and the datagrams beyond the window as truncated: nothing is
     * written past it.
     */
    static final int WINDOW = 65_536;
    /** Windows in the read region: 8 × 64 KiB = 512 KiB per socket. */
    static final int READ_WINDOWS = 8;

    /**
     * Iovecs a message read may use in all ({@code UIO_MAXIOV}, include/uapi/linux/uio.h: the most
     * one {@code msghdr} may have): 16 KiB.
     */
    static final int MESSAGE_IOVECS = 1024;

    /** The fewest slots a copying plain read offers (see {@link #plainSlots}). */
    static final int MIN_PLAIN_SLOTS = 16;

    private static final System.Logger LOG = System.getLogger(LinuxBatchingConn.class.getName());

    private final LinuxUdpSocket socket;
    private final boolean gro;
    /** Whether the kernel delivers packet information (sticky sources). */
    private final boolean sticky;
    private final ConnectionCounters counters;
    private final ReentrantLock lock = new ReentrantLock();
    private final Arena arena;
    private final StickySourceCodec sources;
    /** Messages one {@code recvmmsg} into the read region reads: its windows. */
    private final int windows;
    private final GroSplit split;
    /**
     * The read region: {@link #windows} windows of {@link #WINDOW} bytes back to back, which is also
     * the arena's staging block for heap buffers. Taken on the first read that needs it.
     */
    private ByteBuffer region;
    private long regionAddress;
    /** Lent buffers, one per slot: duplicates of {@link #region}, re-framed for each datagram. */
    private final ByteBuffer[] slotViews;
    private final int[] windowStored;
    private final int[] windowFlags;
    private final int[] windowControlLength;
    private final InetSocketAddress[] windowSender;
    private final InetAddress[] windowSource;
    private final int[] windowSourceIfIndex;
    private boolean controlTruncationLogged;
    /** The one-slot batch of {@link #receiveSingle}, and its buffer array. */
    private final MessageBatch single = new MessageBatch(1);
    private final ByteBuffer[] singleBuffer = new ByteBuffer[1];
    /** The first iovec of each slot of a message read. */
    private final int[] firstIov;
    /**
     * Slots whose header a copying plain read wrote for a direct buffer without a control buffer
     * ({@link Arena#receivePrepared} tells whether it still describes the slot's buffer); cleared
     * when another kind of read writes the headers.
     */
    private final boolean[] plainHeader;
    /** Slots the kernel may have written lengths into since their header was written. */
    private int kernelTouched;
    /**
     * Slots a copying plain read offers the kernel: twice what the last read returned, at least
     * {@link #MIN_PLAIN_SLOTS}. A receiver that keeps up reads two or three datagrams per call, and
     * each slot offered costs its checks whether a datagram lands in it or not; a backlog fills the
     * offer and doubles it, so a full batch is back after a few calls.
     */
    private int plainSlots = MIN_PLAIN_SLOTS;

    BatchReader(LinuxUdpSocket socket, int batchSize, boolean gro, boolean sticky, ConnectionCounters counters) {
        this.socket = socket;
        this.gro = gro;
        this.sticky = sticky;
        this.counters = counters;
        this.windows = Math.min(batchSize, READ_WINDOWS);
        this.arena = new Arena(batchSize, Math.max(batchSize, MESSAGE_IOVECS), windows * WINDOW);
        this.sources = new StickySourceCodec(socket.inet6);
        this.split = new GroSplit(windows);
        this.windowStored = new int[windows];
        this.windowFlags = new int[windows];
        this.windowControlLength = new int[windows];
        this.windowSender = new InetSocketAddress[windows];
        this.windowSource = new InetAddress[windows];
        this.windowSourceIfIndex = new int[windows];
        this.slotViews = new ByteBuffer[batchSize];
        this.firstIov = new int[batchSize];
        this.plainHeader = new boolean[batchSize];
    }

    /** Marks every slot's header as written by another kind of read. */
    private void forgetPlainHeaders() {
        java.util.Arrays.fill(plainHeader, false);
        kernelTouched = 0;
    }

    /** Returns the arena and the region to the pool; only once no call can use them. */
    void release() {
        forgetPlainHeaders();
        arena.release();
        region = null;
        java.util.Arrays.fill(slotViews, null);
    }

    /**
     * Reads up to {@code count} datagrams into {@code batch} (the caller checked the arguments).
     *
     * @param batch the batch
     * @param count slots to fill at most
     * @param lend whether to lend the read region instead of filling the batch's buffers
     * @return datagrams read, at least 1
     * @throws IOException as {@link LinuxBatchingConn#readBatch}
     */
    int read(MessageBatch.Fill batch, int count, boolean lend) throws IOException {
        socket.begin();
        lock.lock();
        try {
            return gro ? readCoalesced(batch, count, lend) : receivePlain(batch, count, lend);
        } finally {
            lock.unlock();
            socket.end();
            // The kernel wrote into the caller's buffers and our blocks: keep them reachable until here.
            Reference.reachabilityFence(batch);
            Reference.reachabilityFence(this);
        }
    }

    /**
     * Reads up to {@code count} datagrams into {@code msgs[offset, offset + count)}: the message API
     * ({@link LinuxUdpSocket#readBatch}); the caller checked the arguments and the buffers. Without
     * GRO one {@code recvmmsg} scatters each datagram straight into its message's buffers (heap ones
     * staged) and its control buffer; with GRO, coalesced reads are split into the messages.
     *
     * @param msgs the messages
     * @param offset the first
     * @param count how many may be filled, at least 1
     * @param flags {@code MSG_PEEK} and {@code MSG_DONTWAIT} as the caller gave them
     * @param gro whether the caller asked for {@code UDP_GRO} (count a coalesced datagram's segments)
     * @return messages filled; 0 only with {@code MSG_DONTWAIT}
     * @throws IOException as {@link LinuxUdpSocket#readBatch}
     */
    int readMessages(dev.batchudp.network.Message[] msgs, int offset, int count, int flags, boolean gro)
            throws IOException {
        socket.begin();
        lock.lock();
        try {
            if (this.gro) {
                if ((flags & LinuxConstants.MSG_PEEK) != 0) {
                    throw new UnsupportedOperationException("PEEK on a connection whose reads are coalesced (UDP GRO)"
                            + " and split by the batching connection");
                }
                for (int i = offset; i < offset + count; i++) {
                    for (ByteBuffer b : msgs[i].buffers()) {
                        if (b.isDirect()) {
                            SegmentScopes.checkAccessible(b); // before the read: no datagram lost to a bad buffer
                        }
                    }
                }
                if (!split.hasNext() && receiveCoalesced(flags) == 0) {
                    return 0;
                }
                return deliverSegments(msgs, offset, count);
            }
            return receiveMessages(msgs, offset, count, flags, gro);
        } finally {
            lock.unlock();
            socket.end();
            // The kernel wrote into the callers' buffers and our blocks: keep them reachable until here.
            Reference.reachabilityFence(msgs);
            Reference.reachabilityFence(this);
        }
    }

    private int receiveMessages(dev.batchudp.network.Message[] msgs, int offset, int count, int flags, boolean gro)
            throws IOException {
        ByteBuffer block = arena.block;
        forgetPlainHeaders();
        arena.resetStaging();
        int slots = Math.min(count, (flags & LinuxConstants.MSG_PEEK) != 0 ? 1 : arena.slots);
        int iov = 0;
        int prepared = 0;
        while (prepared < slots) {
            int used = arena.prepareMessageReceive(prepared, iov, msgs[offset + prepared], offset + prepared);
            if (used < 0) {
                break; // iovecs or staging full: read these now, the rest next call
            }
            firstIov[prepared] = iov;
            iov += used;
            prepared++;
        }
        if (prepared == 0) {
            throw new IllegalArgumentException("message " + offset + " has more than " + arena.iovecs + " buffers");
        }
        int n = recvmmsg(arena, prepared, flags);
        long datagrams = 0;
        long bytes = 0;
        int truncated = 0;
        for (int i = 0; i < n; i++) {
            dev.batchudp.network.Message m = msgs[offset + i];
            int off = arena.mmsg(i);
            long length = Mmsghdr.length(block, off);
            int messageFlags = Msghdr.flags(block, off) & (MSG_TRUNC | MSG_CTRUNC);
            int controlLength = m.control() == null ? 0 : (int) Msghdr.controlLength(block, off);
            long room = arena.messageRoom(i);
            int stored = (int) Math.min(length, room);
            arena.copyMessageOut(i, firstIov[i], m, stored, controlLength);
            m.address(arena.addresses.lookup(i, block, arena.name(i))).length(stored)
                    .controlLength(controlLength).flags(messageFlags);
            int segments = 1;
            if (gro && controlLength > 0) {
                ByteBuffer control = m.control();
                int size = UdpCmsgs.groSegmentSize(control, control.position(), controlLength);
                if (size > 0 && length > size) {
                    segments = (int) ((length + size - 1) / size);
                }
            }
            datagrams += segments;
            bytes += length;
            if ((messageFlags & MSG_TRUNC) != 0) {
                truncated++;
            }
        }
        if ((flags & LinuxConstants.MSG_PEEK) == 0) {
            counters.received(datagrams, bytes, truncated);
        }
        return n;
    }

    /**
     * Delivers the next segments of the last coalesced read into messages, as
     * {@link #deliverSegments(MessageBatch.Fill, int, boolean)} does into a batch: each segment
     * scattered into its message's buffers with the kernel message's sender and control data minus the
     * {@code UDP_GRO} record.
     */
    private int deliverSegments(dev.batchudp.network.Message[] msgs, int offset, int count) {
        ByteBuffer block = arena.block;
        int k = 0;
        long bytes = 0;
        int truncated = 0;
        while (k < count && split.hasNext()) {
            int w = split.message();
            split.next();
            int off = split.segmentOffset;
            int len = split.segmentLength;
            int available = Math.max(0, Math.min(off + len, windowStored[w]) - off);
            dev.batchudp.network.Message m = msgs[offset + k];
            int from = w * WINDOW + off;
            int copy = 0;
            for (ByteBuffer b : m.buffers()) {
                int n = Math.min(b.remaining(), available - copy);
                if (n > 0) {
                    b.put(b.position(), region, from + copy, n);
                    copy += n;
                }
            }
            int controlLength = 0;
            int f = windowFlags[w] | (copy < len ? MSG_TRUNC : 0);
            ByteBuffer control = m.control();
            if (windowControlLength[w] > 0) {
                // As a read of this one datagram would have delivered them: records cut by a short
                // control buffer (or with none) flag the message MSG_CTRUNC.
                int copied = control == null
                        ? UdpCmsgs.copyWithoutGroAsReceived(block, arena.controlSlot(w), windowControlLength[w], block, 0, 0)
                        : UdpCmsgs.copyWithoutGroAsReceived(block, arena.controlSlot(w), windowControlLength[w], control,
                                control.position(), control.remaining());
                if (copied < 0) {
                    f |= MSG_CTRUNC;
                    copied = ~copied;
                }
                controlLength = copied;
            }
            m.address(windowSender[w]).length(copy).controlLength(controlLength).flags(f);
            bytes += len;
            if (copy < len) {
                truncated++;
            }
            k++;
        }
        counters.received(k, bytes, truncated);
        return k;
    }

    /** Returns the read region, taking it from the pool on first use. */
    private ByteBuffer region() {
        if (region == null) {
            region = arena.stagingBlock();
            regionAddress = DirectMemory.address(region);
        }
        return region;
    }

    /** Frames slot {@code k}'s lent view on {@code [from, from + length)} of the read region and lends it. */
    private void lend(MessageBatch.Fill batch, int k, int from, int length) {
        ByteBuffer view = slotViews[k];
        if (view == null) {
            view = region.duplicate();
            slotViews[k] = view;
        }
        view.limit(from + length).position(from);
        batch.lend(k, view);
    }

    /**
     * Calls {@code recvmmsg} until it returns at least one message, handling close, timeouts,
     * {@code EAGAIN} and {@code ECONNREFUSED}.
     */
    private int recvmmsg(Arena arena, int count) throws IOException {
        return recvmmsg(arena, count, 0);
    }

    /**
     * As {@link #recvmmsg(Arena, int)} with a caller's {@code MSG_PEEK} and {@code MSG_DONTWAIT}
     * passed to the kernel; with {@code MSG_DONTWAIT}, returns 0 instead of waiting.
     */
    private int recvmmsg(Arena arena, int count, int userFlags) throws IOException {
        boolean dontWait = (userFlags & MSG_DONTWAIT) != 0;
        long deadline = dontWait ? 0 : socket.deadline();
        for (;;) {
            if (socket.isClosed()) {
                throw new AsynchronousCloseException();
            }
            int n;
            try {
                // Without a timeout, block in the kernel until the first datagram (one call per
                // wake-up); close() wakes it with shutdown. With one, poll below.
                counters.receiveCalls++;
                n = socket.sys.recvmmsg(socket.fd, arena.base, count, userFlags
                        | (deadline == 0 && !dontWait ? MSG_WAITFORONE | MSG_TRUNC : MSG_DONTWAIT | MSG_TRUNC));
            } catch (PortUnreachableException e) {
                counters.portUnreachable.increment();
                continue;
            } catch (IOException e) {
                throw socket.closedOr(e);
            }
            if (socket.isClosed()) {
                // close() sets the flag before shutdown(); a recvmmsg woken by shutdown reports
                // the EOF as one empty message with no address, which must not be decoded.
                throw new AsynchronousCloseException();
            }
            if (n > 0) {
                counters.receivedKernelMessages += n;
                return n;
            }
            if (dontWait) {
                return 0;
            }
            socket.awaitReadable(arena, deadline);
        }
    }

    /**
     * A read with GRO off: into the caller's buffers (heap ones through the arena's staging, so
     * fewer slots may be read when they are large), or with {@code lend} into one window per slot.
     */
    private int receivePlain(MessageBatch.Fill batch, int count, boolean lend) throws IOException {
        ByteBuffer block = arena.block;
        arena.resetStaging();
        if (lend) {
            region();
            count = Math.min(count, windows);
            forgetPlainHeaders();
        } else {
            count = Math.min(count, plainSlots);
        }
        int touched = kernelTouched;
        for (int i = 0; i < count; i++) {
            ByteBuffer control = batch.control(i);
            if (lend) {
                Iovec.set(block, arena.iov(i), regionAddress + (long) i * WINDOW, Arena.MAX_DATAGRAM);
                arena.setReceiveHeader(i, control);
            } else {
                ByteBuffer payload = batch.buffer(i);
                if (control == null && plainHeader[i] && arena.receivePrepared(i, payload)) {
                    // The header still describes this buffer: a busy receiver's read returns a few
                    // datagrams, so rewriting all its slots would cost more than the datagrams.
                    if (i < touched) {
                        arena.restoreReceiveLengths(i, sticky ? Arena.CONTROL_SLOT : 0);
                    }
                    continue;
                }
                plainHeader[i] = false; // until the header is written whole
                if (arena.prepareReceive(i, payload, control) < 0) {
                    count = i; // staging full: read what fits now, the rest next call
                    break;
                }
                plainHeader[i] = control == null && payload.isDirect();
            }
            if (sticky && control == null) {
                // No caller buffer: receive the control data into the slot's own, for the source.
                int hdr = arena.mmsg(i);
                block.putLong(hdr + Msghdr.MSG_CONTROL, arena.base + arena.controlSlot(i));
                block.putLong(hdr + Msghdr.MSG_CONTROLLEN, Arena.CONTROL_SLOT);
            }
        }
        // Slots to restore next time: those this read may write lengths into, and those an earlier
        // read wrote into that this one did not prepare.
        int unrestored = touched > count ? touched : 0;
        kernelTouched = lend ? 0 : Math.max(unrestored, count); // if the call fails
        int n = recvmmsg(arena, count);
        kernelTouched = lend ? 0 : Math.max(unrestored, n);
        if (!lend) {
            // Offer twice what the socket held: a full read doubles the offer, up to the batch.
            plainSlots = n == count ? Math.min(arena.slots, 2 * count) : Math.max(MIN_PLAIN_SLOTS, 2 * n);
        }
        long bytes = 0;
        int truncated = 0;
        for (int i = 0; i < n; i++) {
            int off = arena.mmsg(i);
            long length = Mmsghdr.length(block, off);
            int flags = Msghdr.flags(block, off);
            int controlLength = (int) Msghdr.controlLength(block, off);
            bytes += length;
            if ((flags & MSG_TRUNC) != 0) {
                truncated++;
            }
            if (lend) {
                lend(batch, i, i * WINDOW, (int) Math.min(length, Arena.MAX_DATAGRAM));
            } else {
                ByteBuffer buffer = batch.buffer(i);
                int capacity = buffer.isDirect() ? buffer.remaining() : Math.min(buffer.remaining(), Arena.MAX_DATAGRAM);
                arena.copyOut(i, buffer, (int) Math.min(length, capacity));
            }
            ByteBuffer control = batch.control(i);
            if (control != null && controlLength > 0) {
                arena.copyControlOut(i, control, controlLength);
            }
            InetAddress source = null;
            if (sticky && controlLength > 0) {
                source = decodeSource(arena, i, control, controlLength);
            }
            batch.datagram(i, (int) length, flags, arena.addresses.lookup(i, block, arena.name(i)));
            if (control != null) {
                batch.controlLength(i, controlLength);
            }
            if (source != null) {
                batch.source(i, source, sources.receivedIfIndex());
            }
        }
        counters.received(n, bytes, truncated);
        return n;
    }

    /**
     * A read with GRO on: datagrams left from the last coalesced read first; when none are left, a
     * read into the windows.
     */
    private int readCoalesced(MessageBatch.Fill batch, int count, boolean lend) throws IOException {
        for (int i = 0; !lend && i < count; i++) {
            ByteBuffer b = batch.buffer(i);
            if (b.isReadOnly()) {
                throw new ReadOnlyBufferException();
            }
            if (b.isDirect()) {
                SegmentScopes.checkAccessible(b); // before the read, so no datagram is lost to a bad buffer
            }
        }
        if (!split.hasNext()) {
            receiveCoalesced();
        }
        return deliverSegments(batch, count, lend);
    }

    /** Reads up to {@link #windows} possibly coalesced datagrams into the GRO windows. */
    private void receiveCoalesced() throws IOException {
        receiveCoalesced(0);
    }

    /** As {@link #receiveCoalesced()}, with {@code MSG_DONTWAIT} from the caller; returns the messages read. */
    private int receiveCoalesced(int userFlags) throws IOException {
        // Read as many coalesced datagrams as the windows allow (not only ceil(count/64) as upstream,
        // which lands them in the caller's buffers): surplus segments wait in the windows for the
        // next readBatch, so a busy receiver drains the socket in fewer system calls.
        int w = windows;
        ByteBuffer block = arena.block;
        region();
        forgetPlainHeaders();
        for (int i = 0; i < w; i++) {
            Iovec.set(block, arena.iov(i), regionAddress + (long) i * WINDOW, WINDOW);
            Msghdr.set(block, arena.mmsg(i), arena.base + arena.name(i), SockaddrIn6.SIZE, arena.base + arena.iov(i), 1,
                    arena.base + arena.controlSlot(i), Arena.CONTROL_SLOT);
            Mmsghdr.clearLength(block, arena.mmsg(i));
        }
        int n = recvmmsg(arena, w, userFlags);
        for (int i = 0; i < n; i++) {
            int off = arena.mmsg(i);
            long length = Mmsghdr.length(block, off);
            int flags = Msghdr.flags(block, off);
            int controlLength = (int) Math.min(Msghdr.controlLength(block, off), Arena.CONTROL_SLOT);
            if ((flags & MSG_CTRUNC) != 0 && !controlTruncationLogged) {
                controlTruncationLogged = true;
                LOG.log(Level.WARNING, "control data truncated on {0}: a coalesced datagram may be delivered unsplit",
                        socket.localAddress());
            }
            int gso = controlLength > 0 ? UdpCmsgs.groSegmentSize(block, arena.controlSlot(i), controlLength) : 0;
            int total = (int) Math.min(length, Integer.MAX_VALUE);
            windowStored[i] = Math.min(total, WINDOW);
            windowFlags[i] = flags & MSG_CTRUNC;
            windowControlLength[i] = controlLength;
            windowSender[i] = arena.addresses.lookup(i, block, arena.name(i));
            windowSource[i] = sticky && controlLength > 0 ? sources.decode(block, arena.controlSlot(i), controlLength) : null;
            windowSourceIfIndex[i] = sources.receivedIfIndex();
            split.set(i, total, gso);
        }
        split.reset(n);
        return n;
    }

    /**
     * Decodes the sticky source of plain-read slot {@code i}: from the slot's own control area, or
     * from the caller's direct control buffer the kernel wrote into. The records are in native byte
     * order whatever the buffer's {@link ByteBuffer#order()} (a plain {@code allocateDirect} buffer is
     * big-endian), so such a buffer is read through the slot's area.
     */
    private InetAddress decodeSource(Arena arena, int i, ByteBuffer control, int controlLength) {
        ByteBuffer block = arena.block;
        int at = arena.controlSlot(i);
        if (control != null && control.isDirect()) {
            if (control.order() == ByteOrder.nativeOrder()) {
                return sources.decode(control, 0, Math.min(controlLength, control.capacity()));
            }
            int n = Math.min(Math.min(controlLength, control.capacity()), Arena.CONTROL_SLOT);
            block.put(at, control, 0, n);
            return sources.decode(block, at, n);
        }
        return sources.decode(block, at, Math.min(controlLength, Arena.CONTROL_SLOT));
    }

    /**
     * Delivers the next segments of the last coalesced read into the batch's slots: copied into
     * the slots' buffers, or with {@code lend}, as views of the windows put in their place.
     */
    private int deliverSegments(MessageBatch.Fill batch, int count, boolean lend) {
        ByteBuffer block = arena.block;
        int k = 0;
        long bytes = 0;
        int truncated = 0;
        while (k < count && split.hasNext()) {
            // One kernel message at a time: what its segments share is loaded once.
            int w = split.message();
            int stored = windowStored[w];
            int messageFlags = windowFlags[w];
            int messageControl = windowControlLength[w];
            InetSocketAddress sender = windowSender[w];
            InetAddress source = windowSource[w];
            int ifIndex = windowSourceIfIndex[w];
            ByteBuffer window = region;
            int base = w * WINDOW;
            do {
                split.next();
                int off = split.segmentOffset;
                int len = split.segmentLength;
                int available = Math.max(0, Math.min(off + len, stored) - off);
                int copy;
                if (lend) {
                    copy = Math.min(len, available);
                    lend(batch, k, base + off, copy);
                } else {
                    ByteBuffer dst = batch.buffer(k);
                    copy = Math.min(Math.min(len, dst.remaining()), available);
                    if (copy > 0) {
                        dst.put(dst.position(), window, base + off, copy);
                    }
                }
                int controlLength = 0;
                ByteBuffer control = batch.control(k);
                if (control != null && messageControl > 0) {
                    if (control.isReadOnly()) {
                        throw new ReadOnlyBufferException();
                    }
                    controlLength = UdpCmsgs.copyWithoutGro(block, arena.controlSlot(w), messageControl, control);
                }
                batch.datagram(k, len, copy < len ? messageFlags | MSG_TRUNC : messageFlags, sender);
                bytes += len;
                if (copy < len) {
                    truncated++;
                }
                if (controlLength > 0) {
                    batch.controlLength(k, controlLength);
                }
                if (source != null) {
                    batch.source(k, source, ifIndex);
                }
                k++;
            } while (k < count && split.hasNext() && split.message() == w);
        }
        counters.received(k, bytes, truncated);
        return k;
    }

    /**
     * The socket's single-datagram receive while GRO is on: one datagram of the split.
     *
     * @param dst the buffer, filled from its position, which advances
     * @return the sender
     * @throws IOException as {@link LinuxUdpSocket#receive}
     */
    InetSocketAddress receiveSingle(ByteBuffer dst) throws IOException {
        Objects.requireNonNull(dst, "dst");
        lock.lock();
        try {
            singleBuffer[0] = dst;
            read(single.buffers(singleBuffer).fill(), 1, false);
            int stored = Math.min(single.length(0), dst.remaining());
            dst.position(dst.position() + stored);
            if (single.isTruncated(0)) {
                throw new DatagramTruncatedException(single.sender(0), single.length(0), stored);
            }
            return single.sender(0);
        } finally {
            singleBuffer[0] = null;
            lock.unlock();
        }
    }

    // ---- writes ----------------------------------------------------------------------------------
}
