package dev.batchudp.bind.linux.internal;

import static dev.batchudp.bind.linux.internal.LinuxConstants.*;

import dev.batchudp.bind.spi.BatchingConn;
import dev.batchudp.bind.spi.Message;
import dev.batchudp.network.DatagramTooLargeException;
import dev.batchudp.network.Network;
import dev.batchudp.network.UdpConnection;
import dev.batchudp.network.UdpFamily;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketOption;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * batchudp's {@code BatchingConn} over a {@link LinuxUdpSocket}: {@code recvmmsg}/{@code sendmmsg}
 * over two preallocated {@link Arena}s of {@link #batchSize()} slots, one for reads and one for
 * writes.
 *
 * <p><b>Reads</b> ({@link #readBatch}) call {@code recvmmsg(MSG_WAITFORONE | MSG_TRUNC)}, blocking
 * until the first datagram when no read timeout is set; with a timeout they use {@code MSG_DONTWAIT}; on
 * {@code EAGAIN} they poll the socket and its close eventfd (with the read timeout) and loop. Each
 * filled {@link Message} gets the datagram's full length (larger than the buffer when
 * {@link Message#FLAG_TRUNCATED} is set), its sender (IPv4-mapped addresses unmapped, the object
 * reused while the sender repeats), the control length and {@code msg_flags}. An
 * {@code ECONNREFUSED} left by an ICMP error (connected sockets only) is swallowed and counted in
 * {@link #portUnreachableCount()}.
 *
 * <p><b>Writes</b> ({@link #writeBatch}, {@link #writeMessages}) call {@code sendmmsg} until every
 * message is accepted, continuing partial counts. {@code EAGAIN} (socket buffer full) polls for
 * {@code POLLOUT}, for at most 10 s without progress. A pending {@code ECONNREFUSED} is swallowed,
 * counted and the same message re-sent. Oversize datagrams are refused with
 * {@link DatagramTooLargeException} after the ones before them have been sent.
 *
 * <p><b>Buffers.</b> Direct buffers are used in place (recommended: no copy). Heap buffers work but
 * are copied through per-slot direct scratch buffers allocated on first use. Control buffers are
 * used from index 0; heap control buffers are limited to {@value Arena#CONTROL_SLOT} bytes.
 *
 * <p><b>Threads.</b> One reader and any number of concurrent writers: reads and writes use separate
 * arenas; writers are serialised by a lock (a {@code sendmmsg} of a whole batch is one system call, so
 * the lock is held briefly). Close from any thread wakes the reader.
 */
public final class LinuxBatchingConn implements BatchingConn {
    /** The kernel's {@code UIO_MAXIOV}: {@code recvmmsg}/{@code sendmmsg} handle at most this many. */
    public static final int MAX_BATCH_SIZE = 1024;

    private final LinuxUdpSocket socket;
    private final int batchSize;
    private final Arena readArena;
    private final Arena writeArena;
    private final ReentrantLock readLock = new ReentrantLock();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final LongAdder portUnreachable = new LongAdder();

    /**
     * Wraps a socket.
     *
     * @param socket the socket
     * @param batchSize the batch size, 1 to {@link #MAX_BATCH_SIZE}
     * @throws IllegalArgumentException if the batch size is out of range
     */
    public LinuxBatchingConn(LinuxUdpSocket socket, int batchSize) {
        this.socket = Objects.requireNonNull(socket, "socket");
        if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
            throw new IllegalArgumentException("batch size " + batchSize + " outside 1-" + MAX_BATCH_SIZE);
        }
        this.batchSize = batchSize;
        this.readArena = new Arena(batchSize);
        this.writeArena = new Arena(batchSize);
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
    public int batchSize() {
        return batchSize;
    }

    private void checkCount(Object[] array, int offset, int count) {
        if (count > batchSize) {
            throw new IllegalArgumentException("batch size exceeds batching connection capacity");
        }
        Objects.checkFromIndexSize(offset, count, array.length);
    }

    @Override
    public int readBatch(Message[] msgs, int count) throws IOException {
        Objects.requireNonNull(msgs, "msgs");
        checkCount(msgs, 0, count);
        if (count == 0) {
            return 0;
        }
        socket.begin();
        readLock.lock();
        try {
            Arena arena = readArena;
            ByteBuffer block = arena.block;
            for (int i = 0; i < count; i++) {
                Message m = msgs[i];
                arena.prepareReceive(i, Objects.requireNonNull(m.buffer(), "message buffer"), m.control());
            }
            long deadline = socket.deadline();
            int n;
            for (;;) {
                if (socket.isClosed()) {
                    throw new AsynchronousCloseException();
                }
                try {
                    // Without a timeout, block in the kernel until the first datagram (one call per
                    // wake-up); close() wakes it with shutdown. With one, poll below.
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
                    break;
                }
                if (!socket.await(arena, POLLIN, deadline)) {
                    throw new SocketTimeoutException("read timed out after "
                            + socket.readTimeout().toMillis() + " ms");
                }
            }
            for (int i = 0; i < n; i++) {
                Message m = msgs[i];
                int off = arena.mmsg(i);
                long length = Mmsghdr.length(block, off);
                int flags = Msghdr.flags(block, off);
                int controlLength = (int) Msghdr.controlLength(block, off);
                ByteBuffer buffer = m.buffer();
                int capacity = buffer.isDirect() ? buffer.remaining() : Math.min(buffer.remaining(), Arena.MAX_DATAGRAM);
                arena.copyOut(i, buffer, (int) Math.min(length, capacity));
                if (m.control() != null && controlLength > 0) {
                    arena.copyControlOut(i, m.control(), controlLength);
                }
                m.length((int) length)
                        .controlLength(controlLength)
                        .flags(flags)
                        .address(arena.addresses.lookup(i, block, arena.name(i)));
            }
            return n;
        } finally {
            readLock.unlock();
            socket.end();
        }
    }

    @Override
    public void writeBatch(ByteBuffer[] bufs, int offset, int count, InetSocketAddress target) throws IOException {
        Objects.requireNonNull(bufs, "bufs");
        checkCount(bufs, offset, count);
        InetSocketAddress dest = socket.checkTarget(Objects.requireNonNull(target, "target"));
        if (count == 0) {
            return;
        }
        int limit = LinuxUdpSocket.limitFor(dest);
        int sendable = count;
        for (int i = 0; i < count; i++) {
            if (bufs[offset + i].remaining() > limit) {
                sendable = i;
                break;
            }
        }
        if (sendable > 0) {
            socket.begin();
            writeLock.lock();
            try {
                Arena arena = writeArena;
                int nameLength = arena.encodeName(0, dest, socket.inet6);
                for (int i = 0; i < sendable; i++) {
                    arena.prepareSend(i, bufs[offset + i], 0, nameLength, null, 0);
                }
                sendAll(arena, sendable, bufs, offset, null);
            } finally {
                writeLock.unlock();
                socket.end();
            }
        }
        if (sendable < count) {
            throw new DatagramTooLargeException(bufs[offset + sendable].remaining(), limit);
        }
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
                sendAll(arena, sendable, null, 0, msgs);
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
     * Sends the {@code count} messages prepared in {@code arena}, continuing partial sends.
     * {@code bufs} (from {@code offset}) or {@code msgs} give the sizes for error reports.
     */
    private void sendAll(Arena arena, int count, ByteBuffer[] bufs, int offset, Message[] msgs) throws IOException {
        int sent = 0;
        int refusals = 0;
        long stallDeadline = 0;
        while (sent < count) {
            if (socket.isClosed()) {
                throw new AsynchronousCloseException();
            }
            int n;
            try {
                n = socket.sys.sendmmsg(socket.fd, arena.mmsgAddress(sent), count - sent, MSG_DONTWAIT | MSG_NOSIGNAL);
            } catch (PortUnreachableException e) {
                // An ICMP error from an earlier datagram; the message was not sent: count and resend.
                portUnreachable.increment();
                if (++refusals > count) {
                    throw e;
                }
                continue;
            } catch (DatagramTooLargeException e) {
                throw LinuxUdpSocket.tooLarge(
                        bufs != null ? bufs[offset + sent].remaining() : msgs[sent].buffer().remaining(), e);
            } catch (IOException e) {
                if (LinuxUdpSocket.isNoBuffers(e)) {
                    // The first remaining message could not be queued (full interface queue): drop
                    // and count it, keep sending the rest, never spin (pitfalls 1.15).
                    socket.countNoBufferDrop();
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
            stallDeadline = 0;
        }
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
        return "LinuxBatchingConn[batchSize=" + batchSize + " " + socket + "]";
    }
}
