package dev.batchudp.network.system;

import dev.batchudp.network.DatagramTruncatedException;
import dev.batchudp.network.Message;
import dev.batchudp.network.SocketAddresses;
import dev.batchudp.network.UdpStatistics;
import dev.batchudp.network.spi.SingleMessageIo;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The receive paths of a {@link JdkUdpConnection}, into a buffer or a {@link Message}, and their
 * counters.
 *
 * <p>Without a read timeout it calls {@link DatagramChannel#receive} directly when the destination
 * is one buffer with room for any UDP datagram ({@value #DIRECT_RECEIVE_THRESHOLD} bytes or more),
 * and otherwise receives into a per-connection 64 KiB direct scratch buffer and copies, which is how
 * truncation is detected: the JDK itself silently discards what does not fit. With a read timeout it
 * receives through the channel's {@linkplain DatagramChannel#socket() socket adaptor}, whose
 * {@link DatagramSocket#setSoTimeout} the JDK implements by polling the socket internally while the
 * channel stays in blocking mode (so concurrent senders are unaffected), into a per-connection 64 KiB
 * array, and copies. Scratch space is allocated on first use and guarded by a lock; the JDK
 * serialises receivers on one channel anyway. A receive allocates nothing beyond the sender address
 * the JDK returns.
 *
 * <p>A closed channel surfaces as {@link java.nio.channels.ClosedChannelException}, which the
 * connection turns into its own closing.
 */
final class JdkReceiver {
    /** A buffer with at least this much room can hold any UDP datagram: receive into it directly. */
    static final int DIRECT_RECEIVE_THRESHOLD = 65_535;

    /** Size of the scratch buffers: more than the largest UDP payload (65,527 bytes). */
    static final int SCRATCH_SIZE = 65_536;

    private final JdkUdpConnection connection;
    private final DatagramChannel channel;

    private final ReentrantLock scratchLock = new ReentrantLock();
    private ByteBuffer directScratch; // guarded by scratchLock
    private DatagramPacket timedPacket; // guarded by scratchLock
    private ByteBuffer timedView; // over timedPacket's array; guarded by scratchLock

    private final LongAdder datagramsReceived = new LongAdder();
    private final LongAdder bytesReceived = new LongAdder();
    private final LongAdder truncated = new LongAdder();

    JdkReceiver(JdkUdpConnection connection, DatagramChannel channel) {
        this.connection = connection;
        this.channel = channel;
    }

    /**
     * Receives one datagram into {@code dst}, as {@link JdkUdpConnection#receive} documents.
     *
     * @param timeoutMillis the read timeout, 0 for none
     */
    InetSocketAddress receive(ByteBuffer dst, int timeoutMillis) throws IOException {
        if (timeoutMillis > 0) {
            return receiveTimed(dst, timeoutMillis);
        }
        if (dst.remaining() >= DIRECT_RECEIVE_THRESHOLD) {
            int start = dst.position();
            InetSocketAddress sender = sender(channel.receive(dst));
            countReceived(dst.position() - start, false);
            return sender;
        }
        return receiveViaScratch(dst);
    }

    /**
     * Receives one datagram into a message's buffers and sets its address, length and flags
     * (truncation as {@link Message#TRUNCATED}); never any control messages.
     *
     * @param timeoutMillis the read timeout, 0 for none
     */
    void receive(Message m, int timeoutMillis) throws IOException {
        ByteBuffer[] buffers = m.buffers();
        if (timeoutMillis == 0 && buffers.length == 1 && buffers[0].remaining() >= DIRECT_RECEIVE_THRESHOLD) {
            ByteBuffer into = buffers[0].duplicate();
            int start = into.position();
            InetSocketAddress sender = sender(channel.receive(into));
            int length = into.position() - start;
            countReceived(length, false);
            m.address(sender).length(length).controlLength(0).flags(0);
            return;
        }
        scratchLock.lock();
        try {
            InetSocketAddress sender;
            ByteBuffer staged;
            if (timeoutMillis > 0) {
                DatagramPacket packet = receiveTimedLocked(timeoutMillis);
                sender = sender(packet.getSocketAddress());
                staged = timedView.limit(packet.getLength()).position(0);
            } else {
                ByteBuffer scratch = directScratchLocked();
                sender = sender(channel.receive(scratch));
                staged = scratch.flip();
            }
            int length = staged.remaining();
            int stored = SingleMessageIo.scatter(staged, m);
            countReceived(length, stored < length);
            m.address(sender).length(stored).controlLength(0).flags(stored < length ? Message.TRUNCATED : 0);
        } finally {
            scratchLock.unlock();
        }
    }

    private InetSocketAddress receiveViaScratch(ByteBuffer dst) throws IOException {
        scratchLock.lock();
        try {
            ByteBuffer scratch = directScratchLocked();
            InetSocketAddress sender = sender(channel.receive(scratch));
            scratch.flip();
            int length = scratch.remaining();
            int room = dst.remaining();
            countReceived(length, length > room);
            if (length <= room) {
                dst.put(scratch);
                return sender;
            }
            scratch.limit(room);
            dst.put(scratch);
            throw new DatagramTruncatedException(sender, length, room);
        } finally {
            scratchLock.unlock();
        }
    }

    /** The direct scratch buffer, cleared; the caller holds {@link #scratchLock}. */
    private ByteBuffer directScratchLocked() {
        ByteBuffer scratch = directScratch;
        if (scratch == null) {
            scratch = ByteBuffer.allocateDirect(SCRATCH_SIZE);
            directScratch = scratch;
        }
        return scratch.clear();
    }

    private InetSocketAddress receiveTimed(ByteBuffer dst, int timeoutMillis) throws IOException {
        scratchLock.lock();
        try {
            DatagramPacket packet = receiveTimedLocked(timeoutMillis);
            InetSocketAddress sender = sender(packet.getSocketAddress());
            int length = packet.getLength();
            int room = dst.remaining();
            countReceived(length, length > room);
            dst.put(packet.getData(), 0, Math.min(length, room));
            if (length > room) {
                throw new DatagramTruncatedException(sender, length, room);
            }
            return sender;
        } finally {
            scratchLock.unlock();
        }
    }

    /** Receives into the timed packet through the socket adaptor; the caller holds {@link #scratchLock}. */
    private DatagramPacket receiveTimedLocked(int timeoutMillis) throws IOException {
        DatagramPacket packet = timedPacket;
        if (packet == null) {
            packet = new DatagramPacket(new byte[SCRATCH_SIZE], SCRATCH_SIZE);
            timedPacket = packet;
            timedView = ByteBuffer.wrap(packet.getData());
        }
        packet.setLength(SCRATCH_SIZE);
        DatagramSocket socket = channel.socket();
        try {
            socket.setSoTimeout(timeoutMillis);
            socket.receive(packet);
        } catch (SocketTimeoutException | PortUnreachableException e) {
            throw e;
        } catch (SocketException e) {
            // the adaptor reports a closed channel as SocketException("Socket closed")
            if (!channel.isOpen()) {
                throw connection.closed(e);
            }
            throw e;
        }
        return packet;
    }

    private void countReceived(int length, boolean cut) {
        datagramsReceived.increment();
        bytesReceived.add(length);
        if (cut) {
            truncated.increment();
        }
    }

    private InetSocketAddress sender(SocketAddress address) throws IOException {
        if (address == null) {
            // only a non-blocking channel answers null; ours is blocking, so it was closed under us
            connection.ensureOpen();
            throw new AsynchronousCloseException();
        }
        return SocketAddresses.unmap((InetSocketAddress) address);
    }

    /**
     * Adds datagrams and bytes received and truncated datagrams to {@code b}.
     *
     * @return {@code b}
     */
    UdpStatistics.Builder statistics(UdpStatistics.Builder b) {
        return b.datagramsReceived(datagramsReceived.sum()).bytesReceived(bytesReceived.sum())
                .truncatedDatagrams(truncated.sum());
    }
}
