package dev.batchudp.bind.linux.internal;

import static dev.batchudp.bind.linux.internal.LinuxConstants.*;

import dev.batchudp.bind.linux.LinuxBatching;
import dev.batchudp.bind.linux.NativeIoException;
import dev.batchudp.bind.linux.OffloadStatus;
import dev.batchudp.bind.linux.UdpGsoDisabledException;
import dev.batchudp.bind.spi.BatchingConn;
import dev.batchudp.bind.spi.Message;
import dev.batchudp.bind.spi.MessageBatch;
import dev.batchudp.network.DatagramTooLargeException;
import dev.batchudp.network.DatagramTruncatedException;
import dev.batchudp.network.Network;
import dev.batchudp.network.UdpConnection;
import dev.batchudp.network.UdpFamily;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketOption;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * batchudp's {@code BatchingConn} over a {@link LinuxUdpSocket}: {@code recvmmsg}/{@code sendmmsg}
 * over two preallocated {@link Arena}s of {@link #batchSize()} slots, one for reads and one for
 * writes, with UDP segmentation offload (GSO) on writes and receive coalescing (GRO) on reads where
 * the kernel offers them.
 *
 * <p><b>Offload set-up</b> (when the socket is upgraded): GSO is on when
 * {@code getsockopt(SOL_UDP, UDP_SEGMENT)} succeeds on this socket and
 * {@value LinuxBatching#GSO_DISABLED_PROPERTY} is not {@code true}; GRO when the kernel is 5.12 or
 * later, {@value LinuxBatching#GRO_DISABLED_PROPERTY} is not {@code true},
 * {@code setsockopt(SOL_UDP, UDP_GRO, 1)} succeeds and {@code getsockopt} reads 1 back. The state is
 * visible through {@link OffloadStatus} ({@code capability(OffloadStatus.class)}).
 *
 * <p><b>Reads without GRO</b> ({@link #readBatch}) call {@code recvmmsg(MSG_WAITFORONE | MSG_TRUNC)}
 * into the caller's buffers, blocking until the first datagram when no read timeout is set; with a
 * timeout they use {@code MSG_DONTWAIT}; on {@code EAGAIN} they poll the socket and its close eventfd
 * (with the read timeout) and loop. Each filled slot of the {@link MessageBatch} gets the datagram's
 * full length (larger than the buffer when {@link Message#FLAG_TRUNCATED} is set), its sender (IPv4-mapped
 * addresses unmapped, the object reused while the sender repeats), the control length and
 * {@code msg_flags}. An {@code ECONNREFUSED} left by an ICMP error (connected sockets only) is
 * swallowed and counted in {@link #portUnreachableCount()}.
 *
 * <p><b>Reads with GRO</b> receive up to {@code max(4, ceil(batchSize / 64))} kernel messages per
 * call into connection-owned direct windows of {@code 64 ×} the largest caller buffer (at least 64 KiB, at most
 * 64 × 65,535 bytes; pitfalls 1.8), each with its own control slot (pitfalls 1.9). The
 * {@code UDP_GRO} control message (a native {@code int}) gives the segment size; {@link GroSplit}
 * cuts each kernel message into datagrams, which are copied into the caller's buffers, each with the
 * kernel message's sender and its control data minus the {@code UDP_GRO} record. The system call's
 * message count ends the split, so zero-length datagrams are datagrams (pitfalls 1.11);
 * {@code MSG_TRUNC} marks datagrams that did not fit a window or a caller buffer and
 * {@code MSG_CTRUNC} is passed on (and logged once). Datagrams beyond the caller's {@code count}
 * stay buffered and are returned by the next read, before any system call. {@link #readBatchLending}
 * lends the datagrams where they lie in the windows instead of copying them (one buffer object per
 * slot, re-framed each time).
 *
 * <p><b>Writes</b> ({@link #writeBatch}) point one iovec at each caller buffer and, with GSO, make
 * runs of datagrams that {@link GsoPlan} allows to coalesce into one {@code sendmmsg} entry whose
 * {@code msg_iov} lists the run (scatter-gather: no copy, no spare capacity needed) and which carries
 * a {@code UDP_SEGMENT} control message (never on a single-datagram entry). {@code sendmmsg} is
 * called until every entry is accepted, continuing partial counts. {@code EAGAIN} (socket buffer
 * full) polls for {@code POLLOUT}, for at most 10 s without progress. A pending {@code ECONNREFUSED}
 * is swallowed, counted and the same entry re-sent; {@code ENOBUFS} drops and counts the entry's
 * datagrams. Oversize datagrams are refused with {@link DatagramTooLargeException} after the ones
 * before them have been sent. {@link #writeMessages} sends each message as given (no coalescing).
 *
 * <p><b>GSO fallback.</b> When a segmented entry fails, the entries before it have been sent
 * (sendmmsg reports them); the datagrams from the failing entry on are resent unsegmented, one entry
 * each, so none is lost or sent twice. {@code EIO} or {@code EINVAL} also turn GSO off for this socket
 * until it closes (logged once at {@code WARNING}, counted, reported to the
 * {@link dev.batchudp.bind.linux.OffloadListener}); {@code EMSGSIZE} does not (a path MTU problem of
 * this batch). A resend that succeeds is a success; one that fails throws
 * {@link UdpGsoDisabledException} (after {@code EIO}/{@code EINVAL}) or its own exception with the GSO
 * failure suppressed (after {@code EMSGSIZE}). {@code EINVAL}/{@code EIO} on an unsegmented entry are
 * ordinary errors.
 *
 * <p><b>Sticky sources</b> (reference 2.15, pitfalls 1.12). The constructor enables
 * {@code IP_PKTINFO} (IPv4 sockets) or {@code IPV6_RECVPKTINFO} (IPv6 and dual-stack sockets). Every
 * read decodes the first packet-info record of each datagram ({@link Pktinfo}) into
 * {@link MessageBatch#sourceAddress}/{@link MessageBatch#sourceIfIndex}, also when the caller gives no
 * control buffer (the slot's own control area is used) and for every datagram split from a GRO read;
 * the caller's control buffer, if any, still receives the raw records. {@link #writeBatch(ByteBuffer[],
 * int, int, InetSocketAddress, InetAddress, int)} attaches a source to every entry; a refused source
 * is dropped and the rest resent, before any GSO fallback (see that method).
 *
 * <p><b>Buffers.</b> Direct buffers are used in place (recommended: no copy). Heap buffers work but
 * are copied through per-slot direct scratch buffers allocated on first use. Control buffers are
 * used from index 0; heap control buffers are limited to {@value Arena#CONTROL_SLOT} bytes.
 *
 * <p><b>Threads.</b> One reader and any number of concurrent writers: reads and writes use separate
 * arenas; writers are serialised by a lock (a {@code sendmmsg} of a whole batch is one system call, so
 * the lock is held briefly). Close from any thread wakes the reader.
 */
public final class LinuxBatchingConn implements BatchingConn, OffloadStatus {
    /** The kernel's {@code UIO_MAXIOV}: {@code recvmmsg}/{@code sendmmsg} handle at most this many. */
    public static final int MAX_BATCH_SIZE = 1024;

    /** Datagrams one coalesced read may hold, for sizing the GRO read window (the kernel's 64). */
    static final int GRO_SEGMENTS = 64;
    /** Coalesced datagrams read per {@code recvmmsg} at least (bounded by the batch size). */
    static final int MIN_GRO_READ = 4;
    /** Coalesced datagrams read per {@code recvmmsg}: the windows this connection owns. */
    private final int readWindows;
    /** Smallest GRO window: a kernel-coalesced datagram never exceeds 64 KiB on loopback. */
    static final int GRO_WINDOW_MIN = 65_536;
    /** Largest GRO window: 64 datagrams of 65,535 bytes. */
    static final int GRO_WINDOW_MAX = GRO_SEGMENTS * Arena.MAX_DATAGRAM;

    private static final Logger LOG = Logger.getLogger(LinuxBatchingConn.class.getName());

    private final LinuxUdpSocket socket;
    private final int batchSize;
    private final Arena readArena;
    private final Arena writeArena;
    private final ReentrantLock readLock = new ReentrantLock();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final LongAdder portUnreachable = new LongAdder();

    // ---- offload state ----
    private final boolean rxOffload;
    /** Written under {@link #writeLock} only; stays false once cleared. */
    private volatile boolean txOffload;
    private volatile IOException gsoDisabledCause;
    private final LongAdder gsoDisabled = new LongAdder();
    private final LongAdder gsoFallbacks = new LongAdder();
    private boolean controlTruncationLogged;

    // ---- counters (each written by one lock holder) ----
    private volatile long sendCalls;
    private volatile long sentKernelMessages;
    private volatile long receiveCalls;
    private volatile long receivedKernelMessages;

    // ---- write side, guarded by writeLock ----
    private final GsoPlan plan;
    private final int[] lengths;
    /** Where each datagram of the current send lies (the caller's direct buffer or a scratch copy). */
    private final long[] addresses;
    /** Set by {@link #sendAll} when a segmented entry failed in a way the fallback handles. */
    private IOException gsoFailure;
    /** The packet-info record attached to every entry of the current send, {@link #srcLen} bytes. */
    private final ByteBuffer srcCmsg = ByteBuffer.allocate(Pktinfo.V6_SPACE).order(ByteOrder.nativeOrder());
    /** Bytes of {@link #srcCmsg} in use for the current send; 0 without a source. */
    private int srcLen;
    /** Set by {@link #sendAll} when the kernel refused the attached source. */
    private IOException sourceFailure;
    /** Whether the current send dropped its source. */
    private boolean sourceRefused;
    private InetAddress lastSendSource;
    private byte[] lastSendSourceRaw;
    private final LongAdder sourcesDropped = new LongAdder();

    // ---- sticky-source capture, guarded by readLock ----
    /** Whether the kernel delivers packet information (IP_PKTINFO / IPV6_RECVPKTINFO enabled). */
    private final boolean sticky;
    private byte[] lastSourceRaw = new byte[0];
    private InetAddress lastSource;
    private int decodedIfIndex;

    // ---- GRO read side, guarded by readLock ----
    private final GroSplit split;
    /** One direct allocation holding every window back to back; null until the first GRO read. */
    private ByteBuffer windowArena;
    /** Slices of {@link #windowArena}, {@link #windowSize} bytes each. */
    private final ByteBuffer[] windows;
    private int windowSize;
    /**
     * Lent buffers, one per slot: duplicates of {@link #windowArena} whose position and limit are
     * moved to the datagram, so that the same object goes to the same slot every time (a reader's
     * array keeps its references and G1 pays no write barrier per datagram).
     */
    private final ByteBuffer[] slotViews;
    private final int[] windowStored;
    private final int[] windowFlags;
    private final int[] windowControlLength;
    private final InetSocketAddress[] windowSender;
    private final InetAddress[] windowSource;
    private final int[] windowSourceIfIndex;
    /** The one-slot batch of {@link #receiveSingle}, and its buffer array. */
    private final MessageBatch single = new MessageBatch(1);
    private final ByteBuffer[] singleBuffer = new ByteBuffer[1];

    /**
     * Wraps a socket, setting up GSO and GRO as the properties and the kernel allow.
     *
     * @param socket the socket
     * @param batchSize the batch size, 1 to {@link #MAX_BATCH_SIZE}
     * @throws IllegalArgumentException if the batch size is out of range
     */
    public LinuxBatchingConn(LinuxUdpSocket socket, int batchSize) {
        this(socket, batchSize, !OffloadEvents.gsoDisabledByProperty(),
                !OffloadEvents.groDisabledByProperty() && OffloadEvents.kernelAllowsGro());
    }

    /**
     * Wraps a socket.
     *
     * @param socket the socket
     * @param batchSize the batch size, 1 to {@link #MAX_BATCH_SIZE}
     * @param tryGso whether to use GSO if this socket accepts {@code UDP_SEGMENT}
     * @param tryGro whether to enable {@code UDP_GRO} if this socket accepts it
     * @throws IllegalArgumentException if the batch size is out of range
     */
    public LinuxBatchingConn(LinuxUdpSocket socket, int batchSize, boolean tryGso, boolean tryGro) {
        this.socket = Objects.requireNonNull(socket, "socket");
        if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
            throw new IllegalArgumentException("batch size " + batchSize + " outside 1-" + MAX_BATCH_SIZE);
        }
        this.batchSize = batchSize;
        this.readArena = new Arena(batchSize);
        this.writeArena = new Arena(batchSize);
        this.plan = new GsoPlan(batchSize);
        this.lengths = new int[batchSize];
        this.addresses = new long[batchSize];
        int maxWindows = Math.min(batchSize, Math.max(MIN_GRO_READ, windowsFor(batchSize)));
        this.readWindows = maxWindows;
        this.split = new GroSplit(maxWindows);
        this.windowStored = new int[maxWindows];
        this.windowFlags = new int[maxWindows];
        this.windowControlLength = new int[maxWindows];
        this.windowSender = new InetSocketAddress[maxWindows];
        this.windowSource = new InetAddress[maxWindows];
        this.windowSourceIfIndex = new int[maxWindows];
        this.windows = new ByteBuffer[maxWindows];
        this.slotViews = new ByteBuffer[batchSize];
        this.sticky = socket.enablePacketInfo();
        this.txOffload = tryGso && probeGso(socket);
        this.rxOffload = tryGro && enableGro(socket);
        if (rxOffload) {
            // The socket now receives coalesced datagrams: its single-datagram receive must split too.
            socket.coalescedReceiver(this::receiveSingle);
        }
    }

    private static boolean probeGso(LinuxUdpSocket socket) {
        try {
            socket.begin();
        } catch (ClosedChannelException e) {
            return false;
        }
        try {
            socket.sys.getsockoptInt(socket.fd, SOL_UDP, UDP_SEGMENT);
            return true;
        } catch (IOException e) {
            return false;
        } finally {
            socket.end();
        }
    }

    private static boolean enableGro(LinuxUdpSocket socket) {
        try {
            socket.begin();
        } catch (ClosedChannelException e) {
            return false;
        }
        try {
            return socket.sys.trySetsockoptInt(socket.fd, SOL_UDP, UDP_GRO, 1) == 0
                    && socket.sys.getsockoptInt(socket.fd, SOL_UDP, UDP_GRO) == 1;
        } catch (IOException e) {
            return false;
        } finally {
            socket.end();
        }
    }

    /** {@code ceil(count / 64)}: kernel messages one GRO read asks for (upstream's window). */
    static int windowsFor(int count) {
        return Math.max(1, (count + GRO_SEGMENTS - 1) / GRO_SEGMENTS);
    }

    /**
     * Returns the socket underneath.
     *
     * @return the socket
     */
    public LinuxUdpSocket socket() {
        return socket;
    }

    /**
     * Returns how many {@code ECONNREFUSED} errors (ICMP port unreachable) reads and writes
     * swallowed.
     *
     * @return the count
     */
    public long portUnreachableCount() {
        return portUnreachable.sum();
    }

    @Override
    public boolean txOffload() {
        return txOffload;
    }

    @Override
    public boolean rxOffload() {
        return rxOffload;
    }

    @Override
    public long gsoDisabledCount() {
        return gsoDisabled.sum();
    }

    @Override
    public Optional<IOException> gsoDisabledCause() {
        return Optional.ofNullable(gsoDisabledCause);
    }

    @Override
    public long gsoFallbackCount() {
        return gsoFallbacks.sum();
    }

    @Override
    public long sendCalls() {
        return sendCalls;
    }

    @Override
    public long sentKernelMessages() {
        return sentKernelMessages;
    }

    @Override
    public long receiveCalls() {
        return receiveCalls;
    }

    @Override
    public long receivedKernelMessages() {
        return receivedKernelMessages;
    }

    @Override
    public int batchSize() {
        return batchSize;
    }

    private void checkCount(Object[] array, int offset, int count) {
        checkBatchSize(count);
        Objects.checkFromIndexSize(offset, count, array.length);
    }

    private void checkBatchSize(int count) {
        if (count > batchSize) {
            throw new IllegalArgumentException("batch size exceeds batching connection capacity");
        }
    }

    // ---- reads -----------------------------------------------------------------------------------

    @Override
    public int readBatch(MessageBatch batch, int count) throws IOException {
        return read(batch, count, false);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Here: with GRO on (the only case that lends), {@link #readBatchLending} copies nothing.
     */
    @Override
    public boolean lendsBuffers() {
        return rxOffload;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Here every datagram is lent where the kernel put it, in the GRO windows: slot {@code i}
     * always gets the same buffer object (a duplicate of the windows' one allocation) with its
     * position and limit moved to the datagram, so nothing is allocated or copied per datagram.
     *
     * @throws UnsupportedOperationException if GRO is off ({@link #lendsBuffers()} is false)
     */
    @Override
    public int readBatchLending(MessageBatch batch, int count) throws IOException {
        if (!rxOffload) {
            throw new UnsupportedOperationException("lending reads need UDP GRO, which is off on this socket");
        }
        return read(batch, count, true);
    }

    private int read(MessageBatch batch, int count, boolean lend) throws IOException {
        Objects.requireNonNull(batch, "batch");
        checkBatchSize(count);
        if (count < 0 || count > batch.capacity()) {
            throw new IllegalArgumentException("count " + count + " outside 0-" + batch.capacity()
                    + " (the message batch's capacity)");
        }
        if (count == 0) {
            return 0;
        }
        socket.begin();
        readLock.lock();
        try {
            return rxOffload ? readCoalesced(batch, count, lend) : receivePlain(batch, count);
        } finally {
            readLock.unlock();
            socket.end();
        }
    }

    /**
     * Calls {@code recvmmsg} until it returns at least one message, handling close, timeouts,
     * {@code EAGAIN} and {@code ECONNREFUSED}.
     */
    private int recvmmsg(Arena arena, int count) throws IOException {
        long deadline = socket.deadline();
        for (;;) {
            if (socket.isClosed()) {
                throw new AsynchronousCloseException();
            }
            int n;
            try {
                // Without a timeout, block in the kernel until the first datagram (one call per
                // wake-up); close() wakes it with shutdown. With one, poll below.
                receiveCalls++;
                n = socket.sys.recvmmsg(socket.fd, arena.base, count,
                        deadline == 0 ? MSG_WAITFORONE | MSG_TRUNC : MSG_DONTWAIT | MSG_TRUNC);
            } catch (PortUnreachableException e) {
                portUnreachable.increment();
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
                receivedKernelMessages += n;
                return n;
            }
            if (!socket.await(arena, POLLIN, deadline)) {
                throw new SocketTimeoutException("read timed out after "
                        + socket.readTimeout().toMillis() + " ms");
            }
        }
    }

    private int receivePlain(MessageBatch batch, int count) throws IOException {
        Arena arena = readArena;
        ByteBuffer block = arena.block;
        for (int i = 0; i < count; i++) {
            ByteBuffer control = batch.control(i);
            arena.prepareReceive(i, batch.buffer(i), control);
            if (sticky && control == null) {
                // No caller buffer: receive the control data into the slot's own, for the source.
                int hdr = arena.mmsg(i);
                block.putLong(hdr + Msghdr.MSG_CONTROL, arena.base + controlSlot(arena, i));
                block.putLong(hdr + Msghdr.MSG_CONTROLLEN, Arena.CONTROL_SLOT);
            }
        }
        int n = recvmmsg(arena, count);
        for (int i = 0; i < n; i++) {
            int off = arena.mmsg(i);
            long length = Mmsghdr.length(block, off);
            int flags = Msghdr.flags(block, off);
            int controlLength = (int) Msghdr.controlLength(block, off);
            ByteBuffer buffer = batch.buffer(i);
            int capacity = buffer.isDirect() ? buffer.remaining() : Math.min(buffer.remaining(), Arena.MAX_DATAGRAM);
            arena.copyOut(i, buffer, (int) Math.min(length, capacity));
            ByteBuffer control = batch.control(i);
            if (control != null && controlLength > 0) {
                arena.copyControlOut(i, control, controlLength);
            }
            InetAddress source = null;
            if (sticky && controlLength > 0) {
                boolean inCaller = control != null && control.isDirect();
                source = decodeSource(inCaller ? control : block, inCaller ? 0 : controlSlot(arena, i),
                        Math.min(controlLength, inCaller ? control.capacity() : Arena.CONTROL_SLOT));
            }
            batch.set(i, (int) length, flags, control == null ? 0 : controlLength,
                    arena.addresses.lookup(i, block, arena.name(i)), source, decodedIfIndex);
        }
        return n;
    }

    /**
     * A read with GRO on: datagrams left from the last coalesced read first; when none are left, a
     * read into the windows.
     */
    private int readCoalesced(MessageBatch batch, int count, boolean lend) throws IOException {
        if (!split.hasNext()) {
            // Windows of 64 x the largest datagram the caller can take; when lending, any datagram.
            int largest = lend ? Arena.MAX_DATAGRAM : 0;
            for (int i = 0; !lend && i < count; i++) {
                ByteBuffer b = batch.buffer(i);
                if (b.isReadOnly()) {
                    throw new ReadOnlyBufferException();
                }
                largest = Math.max(largest, b.remaining());
            }
            ensureWindows((int) Math.min(GRO_WINDOW_MAX, Math.max(GRO_WINDOW_MIN, (long) GRO_SEGMENTS * largest)));
            receiveCoalesced();
        }
        return deliverSegments(batch, count, lend);
    }

    /** Reads up to {@link #readWindows} possibly coalesced datagrams into the GRO windows. */
    private void receiveCoalesced() throws IOException {
        // Read as many coalesced datagrams as the windows allow (not only ceil(count/64) as upstream,
        // which lands them in the caller's buffers): surplus segments wait in the windows for the
        // next readBatch, so a busy receiver drains the socket in fewer system calls.
        int w = readWindows;
        Arena arena = readArena;
        ByteBuffer block = arena.block;
        for (int i = 0; i < w; i++) {
            arena.payload(i, windows[i], windowSize, false);
            Msghdr.set(block, arena.mmsg(i), arena.base + arena.name(i), SockaddrIn6.SIZE, arena.base + arena.iov(i), 1,
                    arena.base + controlSlot(arena, i), Arena.CONTROL_SLOT);
            Mmsghdr.clearLength(block, arena.mmsg(i));
        }
        int n = recvmmsg(arena, w);
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
            int gso = controlLength > 0 ? UdpCmsgs.groSegmentSize(block, controlSlot(arena, i), controlLength) : 0;
            int total = (int) Math.min(length, Integer.MAX_VALUE);
            windowStored[i] = Math.min(total, windowSize);
            windowFlags[i] = flags & MSG_CTRUNC;
            windowControlLength[i] = controlLength;
            windowSender[i] = arena.addresses.lookup(i, block, arena.name(i));
            windowSource[i] = sticky && controlLength > 0 ? decodeSource(block, controlSlot(arena, i), controlLength) : null;
            windowSourceIfIndex[i] = decodedIfIndex;
            split.set(i, total, gso);
        }
        split.reset(n);
    }

    /**
     * Decodes the sticky source from a received control region (reference 2.15: none when there is
     * no packet-info record or the region is malformed), reusing the last address object while the
     * local address repeats. Sets {@link #decodedIfIndex}.
     */
    private InetAddress decodeSource(ByteBuffer control, int offset, int length) {
        int record = Pktinfo.find(control, offset, length);
        if (record < 0) {
            decodedIfIndex = 0;
            return null;
        }
        decodedIfIndex = Pktinfo.ifIndex(control, record);
        if (lastSource == null || !Pktinfo.addressEquals(control, record, lastSourceRaw)) {
            lastSourceRaw = Pktinfo.addressBytes(control, record);
            lastSource = Pktinfo.address(control, record);
        }
        return lastSource;
    }

    private static int controlSlot(Arena arena, int i) {
        return arena.controlOffset + i * Arena.CONTROL_SLOT;
    }

    private void ensureWindows(int size) {
        if (windowArena == null || size > windowSize) {
            // First read, or (rarely) the caller's buffers got bigger: nothing is pending here.
            windowSize = size;
            windowArena = DirectMemory.allocate(Math.multiplyExact(windows.length, size));
            for (int i = 0; i < windows.length; i++) {
                windows[i] = windowArena.slice(i * size, size);
            }
            java.util.Arrays.fill(slotViews, null);
        }
    }

    /**
     * Delivers the next segments of the last coalesced read into the batch's slots: copied into
     * the slots' buffers, or with {@code lend}, as views of the windows put in their place.
     */
    private int deliverSegments(MessageBatch batch, int count, boolean lend) {
        ByteBuffer block = readArena.block;
        int k = 0;
        while (k < count && split.hasNext()) {
            // One kernel message at a time: what its segments share is loaded once.
            int w = split.message();
            int stored = windowStored[w];
            int messageFlags = windowFlags[w];
            int messageControl = windowControlLength[w];
            InetSocketAddress sender = windowSender[w];
            InetAddress source = windowSource[w];
            int ifIndex = windowSourceIfIndex[w];
            ByteBuffer window = windows[w];
            int base = w * windowSize;
            do {
                split.next();
                int off = split.segmentOffset;
                int len = split.segmentLength;
                int available = Math.max(0, Math.min(off + len, stored) - off);
                int copy;
                if (lend) {
                    copy = Math.min(len, available);
                    ByteBuffer view = slotViews[k];
                    if (view == null) {
                        view = windowArena.duplicate();
                        slotViews[k] = view;
                    }
                    view.limit(base + off + copy).position(base + off);
                    batch.lend(k, view);
                } else {
                    ByteBuffer dst = batch.buffer(k);
                    copy = Math.min(Math.min(len, dst.remaining()), available);
                    if (copy > 0) {
                        dst.put(dst.position(), window, off, copy);
                    }
                }
                int controlLength = 0;
                ByteBuffer control = batch.control(k);
                if (control != null && messageControl > 0) {
                    if (control.isReadOnly()) {
                        throw new ReadOnlyBufferException();
                    }
                    controlLength = UdpCmsgs.copyWithoutGro(block, controlSlot(readArena, w), messageControl, control);
                }
                batch.set(k, len, copy < len ? messageFlags | MSG_TRUNC : messageFlags, controlLength, sender,
                        source, ifIndex);
                k++;
            } while (k < count && split.hasNext() && split.message() == w);
        }
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
        readLock.lock();
        try {
            singleBuffer[0] = dst;
            readBatch(single.buffers(singleBuffer), 1);
            int stored = Math.min(single.length(0), dst.remaining());
            dst.position(dst.position() + stored);
            if (single.isTruncated(0)) {
                throw new DatagramTruncatedException(single.sender(0), single.length(0), stored);
            }
            return single.sender(0);
        } finally {
            singleBuffer[0] = null;
            readLock.unlock();
        }
    }

    // ---- writes ----------------------------------------------------------------------------------

    @Override
    public void writeBatch(ByteBuffer[] bufs, int offset, int count, InetSocketAddress target) throws IOException {
        writeBatch(bufs, offset, count, target, null, 0);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Here the source goes into every {@code sendmmsg} entry as an {@code IP_PKTINFO}
     * ({@code ipi_spec_dst}, {@code ipi_ifindex}) or {@code IPV6_PKTINFO} record, before the
     * {@code UDP_SEGMENT} record of a coalesced entry; an IPv6 source on an IPv4 socket is not
     * attached. <b>Refused source</b>: when an entry carrying it fails with {@code EINVAL},
     * {@code ENETUNREACH} or {@code EADDRNOTAVAIL}, the source is dropped from that entry and the ones after it, and they
     * are sent again (still coalesced), counted in {@link #stickySourceDropCount()}. Only if that
     * resend fails too is the failure treated as a GSO failure (the fallback the class describes), so
     * a vanished address never turns GSO off.
     */
    @Override
    public boolean writeBatch(ByteBuffer[] bufs, int offset, int count, InetSocketAddress target,
            InetAddress source, int sourceIfIndex) throws IOException {
        Objects.requireNonNull(bufs, "bufs");
        checkCount(bufs, offset, count);
        InetSocketAddress dest = socket.checkTarget(Objects.requireNonNull(target, "target"));
        if (count == 0) {
            return true;
        }
        int limit = LinuxUdpSocket.limitFor(dest);
        int sendable = count;
        boolean refused = false;
        socket.begin();
        writeLock.lock();
        try {
            // One pass over the caller's buffers: lengths and addresses, up to the first oversize one.
            Arena arena = writeArena;
            for (int i = 0; i < count; i++) {
                ByteBuffer b = bufs[offset + i];
                int length = b.remaining();
                if (length > limit) {
                    sendable = i;
                    break;
                }
                lengths[i] = length;
                addresses[i] = arena.payloadAddress(i, b, length, true);
            }
            if (sendable > 0) {
                srcLen = source == null ? 0 : encodeSource(source, sourceIfIndex);
                sourceRefused = false;
                int nameLength = arena.encodeName(0, dest, socket.inet6);
                int entries = txOffload && sendable > 1 ? plan.plan(lengths, sendable, limit, null) : sendable;
                if (entries < sendable) {
                    sendSegmented(arena, entries, sendable, nameLength, bufs, offset);
                } else {
                    setIovecs(arena, 0, sendable);
                    for (int i = 0; i < sendable; i++) {
                        setEntry(arena, i, i, 1, nameLength, 0);
                    }
                    sendTracked(arena, sendable, bufs, offset, false);
                }
            }
        } finally {
            refused = sourceRefused;
            srcLen = 0;
            sourceFailure = null;
            writeLock.unlock();
            socket.end();
        }
        if (sendable < count) {
            throw new DatagramTooLargeException(bufs[offset + sendable].remaining(), limit);
        }
        return !refused;
    }

    /** Encodes the packet-info record of a source into {@link #srcCmsg}; returns its size or 0. */
    private int encodeSource(InetAddress source, int ifIndex) {
        if (source != lastSendSource) {
            lastSendSourceRaw = source.getAddress();
            lastSendSource = source;
        }
        return Pktinfo.put(srcCmsg, 0, srcCmsg.capacity(), lastSendSourceRaw, ifIndex, socket.inet6);
    }

    /**
     * {@link #sendAll}, dropping the sticky source and continuing once when the kernel refuses it.
     *
     * @return as {@link #sendAll}: -1, or the index of a segmented entry that failed as GSO
     */
    private int sendTracked(Arena arena, int count, ByteBuffer[] bufs, int offset, boolean planned)
            throws IOException {
        int failed = sendAll(arena, count, bufs, offset, null, planned, 0);
        if (failed >= 0 && sourceFailure != null) {
            IOException cause = sourceFailure;
            sourceFailure = null;
            dropSource(arena, failed, count, cause);
            failed = sendAll(arena, count, bufs, offset, null, planned, failed);
        }
        return failed;
    }

    /** Removes the packet-info record (the first {@link #srcLen} control bytes) from entries. */
    private void dropSource(Arena arena, int from, int count, IOException cause) {
        ByteBuffer block = arena.block;
        for (int e = from; e < count; e++) {
            int m = arena.mmsg(e);
            long control = block.getLong(m + Msghdr.MSG_CONTROL);
            long length = block.getLong(m + Msghdr.MSG_CONTROLLEN) - srcLen;
            block.putLong(m + Msghdr.MSG_CONTROL, length > 0 ? control + srcLen : 0);
            block.putLong(m + Msghdr.MSG_CONTROLLEN, Math.max(0, length));
        }
        srcLen = 0;
        sourceRefused = true;
        sourcesDropped.increment();
        LOG.log(Level.FINE, "sticky source refused on {0} ({1}); sending from the kernel''s choice",
                new Object[] {socket.localAddress(), cause.getMessage()});
    }

    /**
     * Returns how many sends found their sticky source refused by the kernel and resent without it.
     *
     * @return the count
     */
    public long stickySourceDropCount() {
        return sourcesDropped.sum();
    }

    /**
     * Returns whether the kernel delivers packet information on this socket (sticky sources).
     *
     * @return whether sources are captured
     */
    public boolean capturesSources() {
        return sticky;
    }

    /** Points the iovecs of datagrams {@code [from, to)} at {@link #addresses}/{@link #lengths}, one each. */
    private void setIovecs(Arena arena, int from, int to) {
        ByteBuffer block = arena.block;
        for (int i = from; i < to; i++) {
            Iovec.set(block, arena.iov(i), addresses[i], lengths[i]);
        }
    }

    /**
     * Writes the iovecs of one coalesced entry (datagrams {@code first .. first + count - 1}) from
     * {@code arena.iov(first)} on, merging datagrams that lie back to back in memory into one iovec
     * (the kernel then copies one long region, as from udplimit's single buffer; segment boundaries
     * come from {@code UDP_SEGMENT}, not from iovecs).
     *
     * @return the number of iovecs written
     */
    private int setMergedIovecs(Arena arena, int first, int count) {
        ByteBuffer block = arena.block;
        int out = arena.iov(first);
        long base = addresses[first];
        long length = lengths[first];
        int iovecs = 1;
        for (int i = first + 1; i < first + count; i++) {
            long b = addresses[i];
            if (b == base + length) {
                length += lengths[i];
            } else {
                Iovec.set(block, out, base, length);
                out += Iovec.SIZE;
                base = b;
                length = lengths[i];
                iovecs++;
            }
        }
        Iovec.set(block, out, base, length);
        return iovecs;
    }

    private void setEntry(Arena arena, int e, int first, int segments, int nameLength, int segmentSize) {
        ByteBuffer block = arena.block;
        int at = controlSlot(arena, e);
        int controlLength = 0;
        if (srcLen > 0) {
            // The packet-info record first (32 or 40 bytes, so UDP_SEGMENT stays 8-byte aligned).
            block.put(at, srcCmsg, 0, srcLen);
            controlLength = srcLen;
        }
        if (segmentSize > 0) {
            controlLength += UdpCmsgs.putSegmentSize(block, at + controlLength, Arena.CONTROL_SLOT - controlLength,
                    segmentSize);
        }
        long control = controlLength > 0 ? arena.base + at : 0;
        int m = arena.mmsg(e);
        Msghdr.set(block, m, arena.base + arena.name(0), nameLength, arena.base + arena.iov(first), segments,
                control, controlLength);
        Mmsghdr.clearLength(block, m);
    }

    /** Sends a GSO plan; on a segmented entry's failure, falls back as the class describes. */
    private void sendSegmented(Arena arena, int entries, int datagrams, int nameLength, ByteBuffer[] bufs, int offset)
            throws IOException {
        boolean merged = false;
        for (int e = 0; e < entries; e++) {
            int iovecs = setMergedIovecs(arena, plan.first(e), plan.count(e));
            merged |= iovecs < plan.count(e);
            setEntry(arena, e, plan.first(e), iovecs, nameLength, plan.segmentSize(e));
        }
        int failed = sendTracked(arena, entries, bufs, offset, true);
        if (failed < 0) {
            return;
        }
        if (merged) {
            // The fallback sends one iovec per datagram again (heap buffers' scratch copies are still
            // in place).
            setIovecs(arena, plan.first(failed), datagrams);
        }
        IOException cause = gsoFailure;
        gsoFailure = null;
        boolean disable = !(cause instanceof DatagramTooLargeException);
        gsoFallbacks.increment();
        if (disable) {
            disableGso(cause);
        } else {
            LOG.log(Level.FINE, "segmented send on {0} refused with EMSGSIZE; resending {1} datagrams unsegmented",
                    new Object[] {socket.localAddress(), datagrams - plan.first(failed)});
        }
        // Entries before the failing one went out; resend the rest one datagram per entry.
        int from = plan.first(failed);
        int rest = datagrams - from;
        for (int k = 0; k < rest; k++) {
            setEntry(arena, k, from + k, 1, nameLength, 0);
        }
        try {
            sendTracked(arena, rest, bufs, offset + from, false);
        } catch (ClosedChannelException | DatagramTooLargeException e) {
            e.addSuppressed(cause);
            throw e;
        } catch (IOException e) {
            if (disable) {
                throw new UdpGsoDisabledException(socket.localAddress(), cause, e);
            }
            e.addSuppressed(cause);
            throw e;
        }
    }

    private void disableGso(IOException cause) {
        if (!txOffload) {
            return;
        }
        txOffload = false; // under writeLock: only one writer gets here
        gsoDisabledCause = cause;
        gsoDisabled.increment();
        LOG.log(Level.WARNING, "disabled UDP GSO on {0}, NIC(s) may not support checksum offload: {1};"
                + " resending unsegmented", new Object[] {socket.localAddress(), cause.getMessage()});
        OffloadEvents.gsoDisabled(socket.localAddress(), cause);
    }

    /**
     * What the kernel answers for a source that is not a local address: {@code ENETUNREACH} (IPv4:
     * the route lookup with that source fails), {@code EINVAL} (IPv6: {@code ipv6_chk_addr}) or
     * {@code EADDRNOTAVAIL} (a {@link java.net.BindException}). With a source attached each may also
     * have another cause; the resend without it tells, at the cost of forgetting the source once.
     */
    private static boolean isSourceFailure(IOException e) {
        if (e instanceof java.net.BindException) {
            return true;
        }
        if (e instanceof NativeIoException) {
            int errno = ((NativeIoException) e).errno();
            return errno == EINVAL || errno == ENETUNREACH;
        }
        return false;
    }

    private static boolean isGsoFailure(IOException e) {
        if (e instanceof DatagramTooLargeException) {
            return true;
        }
        if (e instanceof NativeIoException) {
            int errno = ((NativeIoException) e).errno();
            return errno == EIO || errno == EINVAL;
        }
        return false;
    }

    @Override
    public void writeMessages(Message[] msgs, int count) throws IOException {
        Objects.requireNonNull(msgs, "msgs");
        checkCount(msgs, 0, count);
        if (count == 0) {
            return;
        }
        int sendable = count;
        int refusedLimit = -1;
        for (int i = 0; i < count; i++) {
            Message m = msgs[i];
            ByteBuffer buffer = Objects.requireNonNull(m.buffer(), "message buffer");
            InetSocketAddress dest = socket.checkTarget(m.address());
            int limit = LinuxUdpSocket.limitFor(dest);
            if (buffer.remaining() > limit) {
                sendable = i;
                refusedLimit = limit;
                break;
            }
            int cl = m.controlLength();
            if (cl > 0) {
                ByteBuffer control = m.control();
                if (control == null || cl > control.capacity()) {
                    throw new IllegalArgumentException("message " + i + ": control length " + cl
                            + " exceeds its control buffer");
                }
                if (!control.isDirect() && cl > Arena.CONTROL_SLOT) {
                    throw new IllegalArgumentException("message " + i + ": " + cl
                            + " control bytes in a heap buffer; at most " + Arena.CONTROL_SLOT
                            + " (use a direct buffer)");
                }
            }
        }
        if (sendable > 0) {
            socket.begin();
            writeLock.lock();
            try {
                Arena arena = writeArena;
                for (int i = 0; i < sendable; i++) {
                    Message m = msgs[i];
                    int nameSlot = -1;
                    int nameLength = 0;
                    if (m.address() != null) {
                        nameSlot = i;
                        nameLength = arena.encodeName(i, m.address(), socket.inet6);
                    }
                    arena.prepareSend(i, m.buffer(), nameSlot, nameLength, m.control(), m.controlLength());
                }
                sendAll(arena, sendable, null, 0, msgs, false, 0);
            } finally {
                writeLock.unlock();
                socket.end();
            }
        }
        if (sendable < count) {
            throw new DatagramTooLargeException(msgs[sendable].buffer().remaining(), refusedLimit);
        }
    }

    /**
     * Sends the {@code count} entries prepared in {@code arena}, continuing partial sends.
     * {@code bufs} (from {@code offset}) or {@code msgs} give the sizes for error reports; with
     * {@code planned}, entries follow {@link #plan} and sizes are its first datagrams'.
     *
     * @return -1 when all were sent; with {@code planned}, the index of a segmented entry that failed
     *     with {@code EIO}, {@code EINVAL} or {@code EMSGSIZE} (the failure in {@link #gsoFailure};
     *     entries before it were sent)
     */
    private int sendAll(Arena arena, int count, ByteBuffer[] bufs, int offset, Message[] msgs, boolean planned,
            int from) throws IOException {
        int sent = from;
        int refusals = 0;
        long stallDeadline = 0;
        while (sent < count) {
            if (socket.isClosed()) {
                throw new AsynchronousCloseException();
            }
            int n;
            try {
                sendCalls++;
                n = socket.sys.sendmmsg(socket.fd, arena.mmsgAddress(sent), count - sent, MSG_DONTWAIT | MSG_NOSIGNAL);
            } catch (PortUnreachableException e) {
                // An ICMP error from an earlier datagram; the message was not sent: count and resend.
                portUnreachable.increment();
                if (++refusals > count) {
                    throw e;
                }
                continue;
            } catch (IOException e) {
                if (srcLen > 0 && isSourceFailure(e) && !socket.isClosed()) {
                    sourceFailure = e;
                    return sent;
                }
                if (planned && plan.count(sent) > 1 && isGsoFailure(e) && !socket.isClosed()) {
                    gsoFailure = e;
                    return sent;
                }
                if (e instanceof DatagramTooLargeException) {
                    int first = planned ? plan.first(sent) : sent;
                    throw LinuxUdpSocket.tooLarge(bufs != null ? bufs[offset + first].remaining()
                            : msgs[first].buffer().remaining(), (DatagramTooLargeException) e);
                }
                if (LinuxUdpSocket.isNoBuffers(e)) {
                    // The first remaining entry could not be queued (full interface queue): drop
                    // and count its datagrams, keep sending the rest, never spin (pitfalls 1.15).
                    int dropped = planned ? plan.count(sent) : 1;
                    for (int d = 0; d < dropped; d++) {
                        socket.countNoBufferDrop();
                    }
                    sent++;
                    continue;
                }
                throw socket.closedOr(e);
            }
            if (n == Syscalls.WOULD_BLOCK || n == 0) {
                if (stallDeadline == 0) {
                    stallDeadline = System.nanoTime() + LinuxUdpSocket.SEND_STALL_NANOS;
                }
                if (!socket.await(arena, POLLOUT, stallDeadline)) {
                    throw new SocketTimeoutException("send buffer stayed full for "
                            + TimeUnit.NANOSECONDS.toSeconds(LinuxUdpSocket.SEND_STALL_NANOS) + " s");
                }
                continue;
            }
            sent += n;
            sentKernelMessages += n;
            stallDeadline = 0;
        }
        return -1;
    }

    // ---- delegation ------------------------------------------------------------------------------

    /**
     * Unsupported: batching connections read with {@link #readBatch}.
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    public InetSocketAddress receive(ByteBuffer dst) {
        throw new UnsupportedOperationException("single-packet reads are unsupported on batching connections");
    }

    @Override
    public void send(ByteBuffer src, InetSocketAddress target) throws IOException {
        socket.send(src, target);
    }

    @Override
    public Network network() {
        return socket.network();
    }

    @Override
    public UdpFamily family() {
        return socket.family();
    }

    @Override
    public boolean isDualStack() {
        return socket.isDualStack();
    }

    @Override
    public InetSocketAddress localAddress() {
        return socket.localAddress();
    }

    @Override
    public Optional<InetSocketAddress> remoteAddress() {
        return socket.remoteAddress();
    }

    @Override
    public void setReadTimeout(Duration timeout) {
        socket.setReadTimeout(timeout);
    }

    @Override
    public Duration readTimeout() {
        return socket.readTimeout();
    }

    @Override
    public <T> UdpConnection setOption(SocketOption<T> name, T value) throws IOException {
        socket.setOption(name, value);
        return this;
    }

    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        return socket.getOption(name);
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return socket.supportedOptions();
    }

    @Override
    public <T> Optional<T> capability(Class<T> type) {
        return type.isInstance(this) ? Optional.of(type.cast(this)) : socket.capability(type);
    }

    @Override
    public boolean isOpen() {
        return socket.isOpen();
    }

    @Override
    public void close() {
        socket.close();
    }

    @Override
    public String toString() {
        return "LinuxBatchingConn[batchSize=" + batchSize + " gso=" + txOffload + " gro=" + rxOffload + " " + socket + "]";
    }
}
