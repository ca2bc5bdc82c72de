package dev.batchudp.network.spi;

import dev.batchudp.network.BatchFlags;
import dev.batchudp.network.DatagramTruncatedException;
import dev.batchudp.network.Message;
import dev.batchudp.network.UdpConnection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.Objects;

/**
 * Message I/O one datagram per call on top of {@link UdpConnection#receive} and
 * {@link UdpConnection#send}: the default of {@link UdpConnection#readBatch} and
 * {@link UdpConnection#writeBatch}, and the vectored-buffer helpers ({@link #gather},
 * {@link #scatter}) for providers that implement those methods one datagram at a time themselves.
 *
 * @since 0.2
 */
public final class SingleMessageIo {
    private SingleMessageIo() {}

    /**
     * Reads one datagram into {@code msgs[offset]} with {@link UdpConnection#receive}; no control
     * messages, no flags. See {@link UdpConnection#readBatch}.
     *
     * @param connection the connection to read from
     * @param msgs the messages
     * @param offset the message to fill
     * @param count how many may be filled (only one is)
     * @param flags must be 0
     * @return 1, or 0 when {@code count} is 0
     * @throws IOException as {@link UdpConnection#readBatch}
     */
    public static int read(UdpConnection connection, Message[] msgs, int offset, int count, int flags)
            throws IOException {
        Objects.checkFromIndexSize(offset, count, msgs.length);
        BatchFlags.checkRead(flags);
        if (count == 0) {
            return 0;
        }
        if (flags != 0) {
            throw new UnsupportedOperationException(
                    connection.getClass().getName() + " supports no batch read flags, got 0x" + Integer.toHexString(flags));
        }
        Message m = msgs[offset];
        checkWritable(m);
        ByteBuffer[] buffers = m.buffers();
        ByteBuffer into = buffers.length == 1
                ? buffers[0].duplicate()
                : ByteBuffer.allocate((int) Math.min(Integer.MAX_VALUE, m.remaining()));
        int start = into.position();
        InetSocketAddress sender;
        int stored;
        int messageFlags = 0;
        try {
            sender = connection.receive(into);
            stored = into.position() - start;
        } catch (DatagramTruncatedException e) {
            sender = e.sender();
            stored = e.storedLength();
            messageFlags = Message.TRUNCATED;
        }
        if (buffers.length != 1) {
            into.flip();
            scatter(into, m);
        }
        m.address(sender).length(stored).controlLength(0).flags(messageFlags);
        return 1;
    }

    /**
     * Sends {@code msgs[offset, offset + count)} one datagram each with {@link UdpConnection#send}; no
     * control messages, no flags. See {@link UdpConnection#writeBatch}.
     *
     * @param connection the connection to send on
     * @param msgs the messages
     * @param offset the first message
     * @param count how many
     * @param flags must be 0
     * @return how many were sent
     * @throws IOException as {@link UdpConnection#writeBatch}
     */
    public static int write(UdpConnection connection, Message[] msgs, int offset, int count, int flags)
            throws IOException {
        Objects.checkFromIndexSize(offset, count, msgs.length);
        BatchFlags.checkWrite(flags);
        if (count > 0 && flags != 0) {
            throw new UnsupportedOperationException(
                    connection.getClass().getName() + " supports no batch write flags, got 0x" + Integer.toHexString(flags));
        }
        for (int i = 0; i < count; i++) {
            Message m = msgs[offset + i];
            try {
                ByteBuffer control = m.control();
                if (control != null && control.hasRemaining()) {
                    throw new UnsupportedOperationException(connection.getClass().getName()
                            + " cannot send control messages (message " + (offset + i) + ")");
                }
                ByteBuffer payload = gather(m);
                int bytes = payload.remaining();
                connection.send(payload, m.address());
                m.length(bytes).controlLength(0).flags(0);
            } catch (IOException | RuntimeException e) {
                if (i == 0) {
                    throw e;
                }
                return i; // reported again by the next call, which starts with this message
            }
        }
        return count;
    }

    /**
     * Returns a message's datagram as one buffer: a duplicate of its only buffer, or a new heap buffer
     * holding all of them in order. Positions of the message's buffers do not move.
     *
     * @param m the message
     * @return a buffer whose remaining bytes are the datagram
     */
    public static ByteBuffer gather(Message m) {
        ByteBuffer[] buffers = m.buffers();
        if (buffers.length == 1) {
            return buffers[0].duplicate();
        }
        long total = m.remaining();
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("message of " + total + " bytes is too large for a datagram");
        }
        ByteBuffer all = ByteBuffer.allocate((int) total);
        for (ByteBuffer b : buffers) {
            all.put(b.duplicate());
        }
        return all.flip();
    }

    /**
     * Copies {@code src}'s remaining bytes into a message's buffers from their positions, filling each
     * to its limit before the next, without moving any position; {@code src}'s position advances by
     * the bytes copied.
     *
     * @param src the datagram
     * @param m the message to store it in
     * @return bytes stored (fewer than {@code src} had when the buffers were too small)
     */
    public static int scatter(ByteBuffer src, Message m) {
        int stored = 0;
        for (ByteBuffer b : m.buffers()) {
            int n = Math.min(b.remaining(), src.remaining());
            if (n == 0) {
                continue;
            }
            b.put(b.position(), src, src.position(), n);
            src.position(src.position() + n);
            stored += n;
        }
        return stored;
    }

    /**
     * Throws {@link ReadOnlyBufferException} if a buffer of {@code m} a read would write is read-only.
     *
     * @param m the message
     */
    public static void checkWritable(Message m) {
        for (ByteBuffer b : m.buffers()) {
            if (b.isReadOnly()) {
                throw new ReadOnlyBufferException();
            }
        }
        if (m.control() != null && m.control().isReadOnly()) {
            throw new ReadOnlyBufferException();
        }
    }
}
