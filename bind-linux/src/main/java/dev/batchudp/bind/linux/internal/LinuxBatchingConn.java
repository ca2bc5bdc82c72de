package dev.batchudp.bind.linux.internal;

import static dev.batchudp.bind.linux.internal.LinuxConstants.SOL_UDP;
import static dev.batchudp.bind.linux.internal.LinuxConstants.UDP_GRO;
import static dev.batchudp.bind.linux.internal.LinuxConstants.UDP_SEGMENT;

import dev.batchudp.bind.linux.LinuxBatching;
import dev.batchudp.bind.linux.OffloadStatus;
import dev.batchudp.bind.spi.BatchingConn;
import dev.batchudp.bind.spi.MessageBatch;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.Objects;
import java.util.Optional;

/**
 * batchudp's {@code BatchingConn} for a {@link LinuxUdpSocket}: {@code recvmmsg}/{@code sendmmsg}
 * in batches of up to {@link #batchSize()}, with UDP segmentation offload (GSO) on writes and receive
 * coalescing (GRO) on reads where the kernel offers them. This class sets the socket up and wires
 * the parts: {@link BatchReader} reads, {@link BatchWriter} writes (its failures decided by
 * {@link SendFailure}), {@link StickySourceCodec} encodes and decodes sticky sources, and
 * the socket's {@link ConnectionCounters} count. Everything that is not batched is the socket's
 * ({@link #connection()}).
 *
 * <p><b>One per socket.</b> Creating it attaches it to its socket, which from then on answers
 * {@code capability(BatchingConn.class)}, {@code capability(OffloadStatus.class)} and
 * {@code capability(LinuxBatchingConn.class)} with it; a socket that already has one cannot get a
 * second.
 *
 * <p><b>Offload set-up</b> (when the socket is upgraded): GSO is on when
 * {@code getsockopt(SOL_UDP, UDP_SEGMENT)} succeeds on this socket and
 * {@value LinuxBatching#GSO_DISABLED_PROPERTY} is not {@code true}; GRO when the kernel is 5.12 or
 * later (older kernels accept {@code UDP_GRO} but do not coalesce for it, as wireguard-go's
 * {@code conn/features_linux.go} notes), {@value LinuxBatching#GRO_DISABLED_PROPERTY} is not
 * {@code true}, {@code setsockopt(SOL_UDP, UDP_GRO, 1)} succeeds and {@code getsockopt} reads 1
 * back. The state is visible through {@link OffloadStatus} ({@code capability(OffloadStatus.class)}).
 *
 * <p><b>Sticky sources.</b> The constructor enables {@code IP_PKTINFO} (IPv4 sockets) or
 * {@code IPV6_RECVPKTINFO} (IPv6 and dual-stack sockets); every read decodes each datagram's local
 * destination address into {@link MessageBatch#sourceAddress}/{@link MessageBatch#sourceIfIndex}, and
 * {@link #writeBatch(ByteBuffer[], int, int, InetSocketAddress, InetAddress, int)} sends from a given
 * source.
 *
 * <p><b>Buffers.</b> Direct buffers are used in place (no copy), at any position. Heap buffers work
 * but are copied through the arenas' staging. Control buffers are used from index 0; heap control
 * buffers are limited to {@value Arena#CONTROL_SLOT} bytes.
 *
 * <p><b>Memory</b> comes from the {@link dev.batchudp.bind.spi.DirectBufferPool} and goes back when the
 * socket is released (closed, no call in flight): under 1 MiB per connection.
 *
 * <p><b>Threads.</b> One reader and any number of concurrent writers (serialised by the writer's
 * lock). Close from any thread wakes the reader.
 */
public final class LinuxBatchingConn implements BatchingConn, OffloadStatus, AutoCloseable {
    /** The kernel's {@code UIO_MAXIOV}: {@code recvmmsg}/{@code sendmmsg} handle at most this many. */
    public static final int MAX_BATCH_SIZE = 1024;

    private final LinuxUdpSocket socket;
    private final int batchSize;
    private final boolean rxOffload;
    private final boolean sticky;
    private final ConnectionCounters counters;
    private final BatchReader reader;
    private final BatchWriter writer;

    /**
     * Wraps a socket, setting up GSO and GRO as the properties and the kernel allow.
     *
     * @param socket the socket
     * @param batchSize the batch size, 1 to {@link #MAX_BATCH_SIZE}
     * @throws IllegalArgumentException if the batch size is out of range
     * @throws IllegalStateException if the socket already has a batching view
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
     * @throws IllegalStateException if the socket already has a batching view
     */
    public LinuxBatchingConn(LinuxUdpSocket socket, int batchSize, boolean tryGso, boolean tryGro) {
        this.socket = Objects.requireNonNull(socket, "socket");
        if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
            throw new IllegalArgumentException("batch size " + batchSize + " outside 1-" + MAX_BATCH_SIZE);
        }
        if (socket.batching() != null) {
            throw new IllegalStateException("socket already has a batching view: " + socket);
        }
        this.batchSize = batchSize;
        this.counters = socket.counters;
        this.sticky = socket.enablePacketInfo();
        this.rxOffload = tryGro && enableGro(socket);
        this.reader = new BatchReader(socket, batchSize, rxOffload, sticky, counters);
        this.writer = new BatchWriter(socket, batchSize, tryGso && probeGso(socket), counters);
        // The memory goes back to the pool once the socket is closed and no call is using it.
        socket.whenReleased(() -> {
            reader.release();
            writer.release();
        });
        if (rxOffload) {
            // The socket now receives coalesced datagrams: its single-datagram receive must split too.
            socket.coalescedReceiver(reader::receiveSingle);
        }
        socket.attachBatching(this);
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

    /**
     * {@inheritDoc}
     *
     * <p>Here: the socket this batches for.
     */
    @Override
    public LinuxUdpSocket connection() {
        return socket;
    }

    /**
     * Returns how many {@code ECONNREFUSED} errors (ICMP port unreachable) reads and writes
     * swallowed.
     *
     * @return the count
     */
    public long portUnreachableCount() {
        return counters.portUnreachable.sum();
    }

    /**
     * Returns how many sends found their sticky source refused by the kernel and resent without it.
     *
     * @return the count
     */
    public long stickySourceDropCount() {
        return counters.sourcesDropped.sum();
    }

    /**
     * Returns whether the kernel delivers packet information on this socket (sticky sources).
     *
     * @return whether sources are captured
     */
    public boolean capturesSources() {
        return sticky;
    }

    @Override
    public boolean txOffload() {
        return writer.gso();
    }

    @Override
    public boolean rxOffload() {
        return rxOffload;
    }

    @Override
    public long gsoDisabledCount() {
        return counters.gsoDisabled.sum();
    }

    @Override
    public Optional<IOException> gsoDisabledCause() {
        return Optional.ofNullable(counters.gsoDisabledCause);
    }

    @Override
    public long gsoFallbackCount() {
        return counters.gsoFallbacks.sum();
    }

    @Override
    public long sendCalls() {
        return counters.sendCalls;
    }

    @Override
    public long sentKernelMessages() {
        return counters.sentKernelMessages;
    }

    @Override
    public long receiveCalls() {
        return counters.receiveCalls;
    }

    @Override
    public long receivedKernelMessages() {
        return counters.receivedKernelMessages;
    }

    @Override
    public int batchSize() {
        return batchSize;
    }

    /** The reader, which the socket's message API shares once the socket is upgraded. */
    BatchReader reader() {
        return reader;
    }

    /** The writer, which the socket's message API shares once the socket is upgraded. */
    BatchWriter writer() {
        return writer;
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

    /**
     * {@inheritDoc}
     *
     * <p>Here: {@code recvmmsg} into the batch's buffers (direct ones in place, at any position);
     * with GRO, coalesced reads are split into datagrams. Each filled slot gets the datagram's full
     * length (larger than the buffer when {@code MSG_TRUNC} is set), its sender, its
     * sticky source, the control length and {@code msg_flags}.
     */
    @Override
    public int readBatch(MessageBatch.Fill batch, int count) throws IOException {
        return read(batch, count, false);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Here always: {@link #readBatchLending} lends the read region, where the kernel wrote.
     */
    @Override
    public boolean lendsBuffers() {
        return true;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Here every datagram is lent where the kernel put it, in the read region (the GRO windows, or
     * without GRO one {@value BatchReader#WINDOW}-byte window per datagram, so at most
     * {@value BatchReader#READ_WINDOWS} datagrams per call): slot {@code i} always gets the same buffer
     * object with its position and limit moved to the datagram.
     */
    @Override
    public int readBatchLending(MessageBatch.Fill batch, int count) throws IOException {
        return read(batch, count, true);
    }

    private int read(MessageBatch.Fill batch, int count, boolean lend) throws IOException {
        Objects.requireNonNull(batch, "batch");
        checkBatchSize(count);
        if (count < 0 || count > batch.capacity()) {
            throw new IllegalArgumentException("count " + count + " outside 0-" + batch.capacity()
                    + " (the message batch's capacity)");
        }
        return count == 0 ? 0 : reader.read(batch, count, lend);
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
     * attached. A source the kernel refuses is dropped and the datagrams sent without it; see
     * {@link SendFailure} for how that is told apart from a GSO failure.
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
        return writer.write(bufs, offset, count, dest, source, sourceIfIndex);
    }

    // ---- the socket -------------------------------------------------------------------------------

    /**
     * Closes the socket ({@link #connection()}), which ends the batched I/O with it: for
     * try-with-resources.
     */
    @Override
    public void close() {
        socket.close();
    }

    @Override
    public String toString() {
        return "LinuxBatchingConn[batchSize=" + batchSize + " gso=" + writer.gso() + " gro=" + rxOffload + " " + socket + "]";
    }
}
