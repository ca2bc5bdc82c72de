package dev.batchudp.bind.linux.internal;

import static dev.batchudp.bind.linux.internal.LinuxConstants.MSG_DONTWAIT;
import static dev.batchudp.bind.linux.internal.LinuxConstants.MSG_NOSIGNAL;

import dev.batchudp.bind.linux.UdpGsoDisabledException;
import dev.batchudp.network.Message;
import dev.batchudp.network.DatagramTooLargeException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.ref.Reference;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The write side of a batching connection: stages a batch (direct buffers in place, heap ones copied
 * through the arena's staging), plans UDP segmentation ({@link GsoPlan}), writes the iovecs and the
 * control records of each {@code sendmmsg} entry (a sticky source first, then {@code UDP_SEGMENT}),
 * and runs the {@code sendmmsg} loop, handling failures as {@link SendFailure} decides.
 *
 * <p>A segmented entry is one {@code mmsghdr} whose {@code msg_iov} lists the run of datagrams
 * (scatter-gather: no copy), with iovecs of datagrams that lie back to back in memory merged into
 * one (segment boundaries come from {@code UDP_SEGMENT}, see udp(7)). Entries of one datagram carry
 * no {@code UDP_SEGMENT} record. {@code sendmmsg} is called until every entry is accepted,
 * continuing partial counts; {@code EAGAIN} polls for {@code POLLOUT} for at most 10 s without
 * progress.
 *
 * <p>Writers are serialised by one lock; the arena and every array here are confined to its holder.
 */
final class BatchWriter {
    /** Bytes through which a send stages heap buffers (direct ones are sent in place). */
    static final int STAGING = 256 << 10;

    private static final System.Logger LOG = System.getLogger(LinuxBatchingConn.class.getName());

    /** How a run of {@code sendmmsg} calls ended. */
    private record Outcome(SendFailure failure, int at, IOException cause) {
        static final Outcome DONE = new Outcome(null, -1, null);

        boolean done() {
            return failure == null;
        }
    }

    private final LinuxUdpSocket socket;
    private final Arena arena;
    private final GsoPlan plan;
    private final int[] lengths;
    /** Where each staged datagram lies (the caller's direct buffer or a staged copy). */
    private final long[] addresses;
    private final StickySourceCodec sources;
    /** Datagrams the kernel makes of each prepared entry (segments of a segmented one). */
    private final int[] entryDatagrams;
    /** Payload bytes of each prepared entry. */
    private final long[] entryBytes;
    /** The first iovec of each entry of a message send. */
    private final int[] firstIov;
    private final ReentrantLock lock = new ReentrantLock();
    private final ConnectionCounters counters;

    /** Whether the current message send was given {@code MSG_DONTWAIT}; under {@link #lock}. */
    private boolean dontWait;
    /** Written under {@link #lock} only; stays false once cleared. */
    private volatile boolean gso;
    /** Bytes of {@link StickySourceCodec#record()} attached to every entry of the current send. */
    private int sourceLength;
    /**
     * Where the current send's packet-info record already lies in the arena (0: not written yet).
     * Entries without {@code UDP_SEGMENT} all point their {@code msg_control} at this one copy: the
     * kernel only reads a send's control data, so the record is written once per send, not per entry.
     */
    private long sharedSource;

    BatchWriter(LinuxUdpSocket socket, int batchSize, boolean gso, ConnectionCounters counters) {
        this.socket = socket;
        this.arena = new Arena(batchSize, Math.max(batchSize, BatchReader.MESSAGE_IOVECS), STAGING);
        this.entryDatagrams = new int[batchSize];
        this.entryBytes = new long[batchSize];
        this.firstIov = new int[batchSize];
        this.plan = new GsoPlan(batchSize);
        this.lengths = new int[batchSize];
        this.addresses = new long[batchSize];
        this.sources = new StickySourceCodec(socket.inet6);
        this.gso = gso;
        this.counters = counters;
    }

    boolean gso() {
        return gso;
    }

    /** Returns the arena's memory to the pool; only once no call can use it. */
    void release() {
        arena.release();
    }

    /**
     * Sends {@code bufs[offset .. offset + count)} (position to limit each) to {@code dest}, from
     * {@code source} when it is not {@code null}.
     *
     * @return whether the source was kept (false: the kernel refused it and it was dropped)
     */
    boolean write(ByteBuffer[] bufs, int offset, int count, InetSocketAddress dest, InetAddress source,
            int sourceIfIndex) throws IOException {
        int limit = LinuxUdpSocket.limitFor(dest);
        int done = 0;
        boolean oversize = false;
        boolean sourceKept = true;
        socket.begin();
        lock.lock();
        try {
            sourceLength = source == null ? 0 : sources.encode(source, sourceIfIndex);
            sharedSource = 0;
            int nameLength = arena.encodeName(0, dest, socket.inet6);
            while (done < count && !oversize) {
                // One pass over the caller's buffers: lengths and addresses, up to the first oversize
                // one or, for heap buffers, until the staging is full (the rest goes next round).
                arena.resetStaging();
                int staged = 0;
                for (int i = done; i < count; i++) {
                    ByteBuffer b = bufs[offset + i];
                    int length = b.remaining();
                    if (length > limit) {
                        oversize = true;
                        break;
                    }
                    long address = arena.sendAddress(staged, b, length);
                    if (address < 0) {
                        break;
                    }
                    lengths[staged] = length;
                    addresses[staged] = address;
                    staged++;
                }
                if (staged == 0 && !oversize) {
                    throw new IllegalStateException("staging of " + STAGING + " bytes holds no datagram");
                }
                if (staged > 0) {
                    sourceKept &= sendStaged(staged, nameLength, limit, bufs, offset + done);
                }
                done += staged;
            }
        } finally {
            sourceLength = 0;
            lock.unlock();
            socket.end();
            // The kernel read the caller's buffers and our blocks: keep them reachable until here.
            Reference.reachabilityFence(bufs);
            Reference.reachabilityFence(this);
        }
        if (oversize) {
            throw new DatagramTooLargeException(bufs[offset + done].remaining(), limit);
        }
        return sourceKept;
    }

    /**
     * Sends the {@code staged} datagrams whose lengths and addresses are in place, coalesced where
     * GSO allows.
     *
     * @return whether the source was kept
     */
    private boolean sendStaged(int staged, int nameLength, int limit, ByteBuffer[] bufs, int offset)
            throws IOException {
        int entries = gso && staged > 1 ? plan.plan(lengths, staged, limit, null) : staged;
        if (entries < staged) {
            return sendSegmented(entries, staged, nameLength, bufs, offset);
        }
        setIovecs(0, staged);
        for (int i = 0; i < staged; i++) {
            setEntry(i, i, 1, 1, nameLength, 0);
        }
        return !sendDroppingRefusedSource(staged, bufs, offset, false).sourceDropped;
    }

    /** The result of a send that may have dropped its source, and a GSO failure it left. */
    private static final class SourceOutcome {
        final Outcome outcome;
        final boolean sourceDropped;

        SourceOutcome(Outcome outcome, boolean sourceDropped) {
            this.outcome = outcome;
            this.sourceDropped = sourceDropped;
        }
    }

    /** Sends a GSO plan; on a segmented entry's failure falls back to one datagram per entry. */
    private boolean sendSegmented(int entries, int datagrams, int nameLength, ByteBuffer[] bufs, int offset)
            throws IOException {
        boolean merged = false;
        for (int e = 0; e < entries; e++) {
            int iovecs = setMergedIovecs(plan.first(e), plan.count(e));
            merged |= iovecs < plan.count(e);
            setEntry(e, plan.first(e), plan.count(e), iovecs, nameLength, plan.segmentSize(e));
        }
        SourceOutcome first = sendDroppingRefusedSource(entries, bufs, offset, true);
        if (first.outcome.done()) {
            return !first.sourceDropped;
        }
        // A segmented entry failed as GSO: entries before it went out. Resend the rest one datagram
        // per entry, keeping the source; if the kernel then refuses the source, GSO was not at fault.
        IOException cause = first.outcome.cause;
        counters.gsoFallbacks.increment();
        int from = plan.first(first.outcome.at);
        int rest = datagrams - from;
        if (merged) {
            setIovecs(from, datagrams); // heap datagrams' staged copies are still in place
        }
        for (int k = 0; k < rest; k++) {
            setEntry(k, from + k, 1, 1, nameLength, 0);
        }
        SourceOutcome second = null;
        IOException resendFailure = null;
        try {
            second = sendDroppingRefusedSource(rest, bufs, offset + from, false);
        } catch (IOException e) {
            resendFailure = e;
        }
        boolean sourceToBlame = second != null && second.sourceDropped;
        boolean disable = !(cause instanceof DatagramTooLargeException) && !sourceToBlame;
        if (disable) {
            disableGso(cause);
        } else {
            LOG.log(Level.DEBUG, "segmented send on {0} refused ({1}); resent {2} datagrams unsegmented",
                    socket.localAddress(), cause.getMessage(), rest);
        }
        if (resendFailure != null) {
            if (disable && !(resendFailure instanceof ClosedChannelException)
                    && !(resendFailure instanceof DatagramTooLargeException)) {
                throw new UdpGsoDisabledException(socket.localAddress(), cause, resendFailure);
            }
            resendFailure.addSuppressed(cause);
            throw resendFailure;
        }
        return !first.sourceDropped && !second.sourceDropped;
    }

    /**
     * Sends entries {@code [0, count)}; when the kernel refuses the attached source, drops it from
     * the failing entry on and continues.
     *
     * @return the outcome (done, or a segmented entry that failed as GSO) and whether the source was
     *     dropped
     */
    private SourceOutcome sendDroppingRefusedSource(int count, ByteBuffer[] bufs, int offset, boolean planned)
            throws IOException {
        Outcome o = sendEntries(count, 0, bufs, offset, null, planned);
        if (o.failure != SendFailure.SOURCE) {
            return new SourceOutcome(o, false);
        }
        dropSource(o.at, count, o.cause);
        return new SourceOutcome(sendEntries(count, o.at, bufs, offset, null, planned), true);
    }

    /** Removes the packet-info record (the first {@link #sourceLength} control bytes) from entries. */
    private void dropSource(int from, int count, IOException cause) {
        ByteBuffer block = arena.block;
        for (int e = from; e < count; e++) {
            int m = arena.mmsg(e);
            long control = block.getLong(m + Msghdr.MSG_CONTROL);
            long length = block.getLong(m + Msghdr.MSG_CONTROLLEN) - sourceLength;
            block.putLong(m + Msghdr.MSG_CONTROL, length > 0 ? control + sourceLength : 0);
            block.putLong(m + Msghdr.MSG_CONTROLLEN, Math.max(0, length));
        }
        sourceLength = 0;
        counters.sourcesDropped.increment();
        LOG.log(Level.DEBUG, "sticky source refused on {0} ({1}); sending from the kernel''s choice",
                socket.localAddress(), cause.getMessage());
    }

    private void disableGso(IOException cause) {
        if (!gso) {
            return;
        }
        gso = false; // under the lock: only one writer gets here
        counters.gsoDisabledCause = cause;
        counters.gsoDisabled.increment();
        LOG.log(Level.WARNING, "disabled UDP GSO on {0}, NIC(s) may not support checksum offload: {1};"
                + " resending unsegmented", socket.localAddress(), cause.getMessage());
        OffloadEvents.gsoDisabled(socket.localAddress(), cause);
    }

    /** Points the iovecs of datagrams {@code [from, to)} at {@link #addresses}/{@link #lengths}, one each. */
    private void setIovecs(int from, int to) {
        ByteBuffer block = arena.block;
        for (int i = from; i < to; i++) {
            Iovec.set(block, arena.iov(i), addresses[i], lengths[i]);
        }
    }

    /**
     * Writes the iovecs of one coalesced entry (datagrams {@code first .. first + count - 1}) from
     * {@code arena.iov(first)} on, merging datagrams that lie back to back in memory into one iovec.
     *
     * @return the number of iovecs written
     */
    private int setMergedIovecs(int first, int count) {
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

    /**
     * Entry {@code e} of {@code datagrams} datagrams: iovecs from datagram {@code first}'s, the source
     * record, {@code UDP_SEGMENT} if segmented.
     */
    private void setEntry(int e, int first, int datagrams, int iovecs, int nameLength, int segmentSize) {
        ByteBuffer block = arena.block;
        long bytes = 0;
        for (int i = first; i < first + datagrams; i++) {
            bytes += lengths[i];
        }
        entryDatagrams[e] = datagrams;
        entryBytes[e] = bytes;
        int at = arena.controlSlot(e);
        int controlLength = 0;
        long control = 0;
        if (segmentSize == 0 && sharedSource != 0 && sourceLength > 0) {
            // The record written for an earlier entry of this send (a slot's control starts with it).
            control = sharedSource;
            controlLength = sourceLength;
        } else {
            if (sourceLength > 0) {
                // The packet-info record first (32 or 40 bytes, so UDP_SEGMENT stays 8-byte aligned).
                block.put(at, sources.record(), 0, sourceLength);
                controlLength = sourceLength;
                if (sharedSource == 0) {
                    sharedSource = arena.base + at;
                }
            }
            if (segmentSize > 0) {
                controlLength += UdpCmsgs.putSegmentSize(block, at + controlLength,
                        Arena.CONTROL_SLOT - controlLength, segmentSize);
            }
            control = controlLength > 0 ? arena.base + at : 0;
        }
        int m = arena.mmsg(e);
        Msghdr.set(block, m, arena.base + arena.name(0), nameLength, arena.base + arena.iov(first), iovecs,
                control, controlLength);
        Mmsghdr.clearLength(block, m);
    }

    /**
     * Sends {@code msgs[offset, offset + count)}, each message one {@code sendmmsg} entry as given
     * (its buffers gathered, its own destination and control data): the message API
     * ({@link LinuxUdpSocket#writeBatch}). The caller checked the arguments, the destinations and the
     * sizes. A failure after the first message ends the call and returns the messages before it;
     * {@code MSG_DONTWAIT} ends it when the kernel would block.
     *
     * @return messages sent (or dropped on {@code ENOBUFS}, which UDP may do)
     * @throws IOException the failure of the first message
     */
    int writeMessages(Message[] msgs, int offset, int count, int flags) throws IOException {
        socket.begin();
        lock.lock();
        try {
            dontWait = (flags & MSG_DONTWAIT) != 0;
            int done = 0;
            while (done < count) {
                // Heap payloads are staged; when the staging or the iovecs are full, send what is
                // prepared first.
                arena.resetStaging();
                int prepared = 0;
                int iov = 0;
                for (int i = done; i < count && prepared < arena.slots; i++) {
                    Message m = msgs[offset + i];
                    int nameSlot = -1;
                    int nameLength = 0;
                    if (m.address() != null) {
                        nameSlot = prepared;
                        nameLength = arena.encodeName(prepared, m.address(), socket.inet6);
                    }
                    int used = arena.prepareMessageSend(prepared, iov, m, nameSlot, nameLength, offset + i);
                    if (used < 0) {
                        break;
                    }
                    long bytes = m.remaining();
                    ByteBuffer control = m.control();
                    int segment = control == null || !control.hasRemaining() ? 0
                            : UdpCmsgs.sendSegmentSize(control, control.position(), control.remaining());
                    entryDatagrams[prepared] = segment > 0 && bytes > segment ? (int) ((bytes + segment - 1) / segment) : 1;
                    entryBytes[prepared] = bytes;
                    firstIov[prepared] = iov;
                    iov += used;
                    prepared++;
                }
                if (prepared == 0) {
                    throw new IllegalArgumentException("message " + (offset + done) + " has more than "
                            + arena.iovecs + " buffers");
                }
                Outcome o;
                try {
                    o = sendEntries(prepared, 0, null, offset + done, msgs, false);
                } catch (IOException | RuntimeException e) {
                    // Entries the kernel took before the failure (a close, a send stall, repeated
                    // refusals) were sent: report them; the failure comes again with the next call.
                    int partial = entriesHandedOver;
                    for (int i = 0; i < partial; i++) {
                        msgs[offset + done + i].length((int) entryBytes[i]);
                    }
                    if (done + partial == 0) {
                        throw e;
                    }
                    return done + partial;
                }
                int sent = o.done() ? prepared : o.at;
                for (int i = 0; i < sent; i++) {
                    msgs[offset + done + i].length((int) entryBytes[i]);
                }
                done += sent;
                if (!o.done()) {
                    return done; // a later message failed, or MSG_DONTWAIT and the kernel would block
                }
            }
            return done;
        } finally {
            dontWait = false;
            lock.unlock();
            socket.end();
            Reference.reachabilityFence(msgs);
            Reference.reachabilityFence(this);
        }
    }

    /**
     * Entries of the current {@link #sendEntries} round the kernel has taken (or dropped on
     * {@code ENOBUFS}), kept so that a failure thrown mid-round still reports them; lock holder only.
     */
    private int entriesHandedOver;

    /** Counts entries {@code [from, to)} as handed to the kernel. */
    private void countSent(int from, int to) {
        long datagrams = 0;
        long bytes = 0;
        for (int e = from; e < to; e++) {
            datagrams += entryDatagrams[e];
            bytes += entryBytes[e];
        }
        counters.sent(datagrams, bytes);
    }

    /**
     * Sends the entries {@code [from, count)} prepared in the arena, continuing partial sends.
     * {@code bufs} or {@code msgs} (from {@code offset}) give datagram sizes for error reports; with
     * {@code planned}, entries follow {@link #plan}.
     *
     * @return {@link Outcome#DONE}, or where a {@link SendFailure#GSO} or {@link SendFailure#SOURCE}
     *     failure stopped it (entries before were sent)
     */
    private Outcome sendEntries(int count, int from, ByteBuffer[] bufs, int offset, Message[] msgs, boolean planned)
            throws IOException {
        int sent = from;
        entriesHandedOver = from;
        int refusals = 0;
        long stallDeadline = 0;
        while (sent < count) {
            if (socket.isClosed()) {
                throw new AsynchronousCloseException();
            }
            int n;
            try {
                counters.sendCalls++;
                n = socket.sys.sendmmsg(socket.fd, arena.mmsgAddress(sent), count - sent, MSG_DONTWAIT | MSG_NOSIGNAL);
            } catch (IOException e) {
                boolean segmented = planned && plan.count(sent) > 1;
                if (msgs != null && sent > 0 && !socket.isClosed()
                        && !(e instanceof java.net.PortUnreachableException) && !LinuxUdpSocket.isNoBuffers(e)) {
                    // The message API returns what was sent; the next call starts with this message.
                    return new Outcome(SendFailure.FATAL, sent, null);
                }
                switch (SendFailure.classify(e, segmented, sourceLength > 0, socket.isClosed())) {
                    case PORT_UNREACHABLE:
                        // An ICMP error from an earlier datagram; this one was not sent: count, resend.
                        counters.portUnreachable.increment();
                        if (++refusals > count) {
                            throw e;
                        }
                        continue;
                    case GSO:
                        return new Outcome(SendFailure.GSO, sent, e);
                    case SOURCE:
                        return new Outcome(SendFailure.SOURCE, sent, e);
                    case NO_BUFFERS:
                        // A full interface queue: drop and count the entry's datagrams, send the rest.
                        counters.noBufferDrops.add(entryDatagrams[sent]);
                        sent++;
                        entriesHandedOver = sent;
                        continue;
                    default:
                        if (e instanceof DatagramTooLargeException) {
                            int first = offset + (planned ? plan.first(sent) : sent);
                            throw LinuxUdpSocket.tooLarge(bufs != null ? bufs[first].remaining()
                                    : (int) Math.min(Integer.MAX_VALUE, msgs[first].remaining()),
                                    (DatagramTooLargeException) e);
                        }
                        throw socket.closedOr(e);
                }
            }
            if (n == Syscalls.WOULD_BLOCK || n == 0) {
                if (dontWait) {
                    return new Outcome(SendFailure.FATAL, sent, null);
                }
                stallDeadline = socket.awaitSendRoom(arena, stallDeadline);
                continue;
            }
            countSent(sent, sent + n);
            sent += n;
            entriesHandedOver = sent;
            counters.sentKernelMessages += n;
            stallDeadline = 0;
        }
        return Outcome.DONE;
    }
}
