package dev.batchudp.network.spi;

import dev.batchudp.network.BatchFlags;
import dev.batchudp.network.ControlMessage;
import dev.batchudp.network.DatagramTruncatedException;
import dev.batchudp.network.Message;
import dev.batchudp.network.UdpConnection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.Objects;

/**
 * Message I/O one datagram per call on top of {@link UdpConnection#receive} and
 * {@link UdpConnection#send}: the default of {@link UdpConnection#readBatch} and
 * {@link UdpConnection#writeBatch}, and the helpers for providers that implement those methods one
 * datagram at a time themselves: the vectored-buffer copies ({@link #gather}, {@link #scatter}) and
 * the write loop with its partial-write rule and parsed control messages ({@link #writeEach}).
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

    /** Sends one message of {@link #writeEach}. */
    @FunctionalInterface
    public interface MessageSender {
        /**
         * Sends {@code m} and sets its {@link Message#length}, {@link Message#controlLength} and
         * {@link Message#flags}.
         *
         * @param m the message
         * @param control its control messages, parsed into an instance reused for every message of
         *     the batch (valid during this call only), or {@code null} when it has none
         * @throws IOException if it could not be sent; a {@link RuntimeException} for misuse
         */
        void send(Message m, ControlMessage control) throws IOException;
    }

    /**
     * Sends {@code msgs[offset, offset + count)} in order through {@code sender}, parsing each
     * message's control buffer first (a malformed one fails that message with
     * {@link IllegalArgumentException}), with {@link UdpConnection#writeBatch}'s partial-write rule:
     * the failure of the first message is thrown; the failure of a later message {@code k} ends the
     * batch, which returns {@code k}, and is reported again by the next call, which starts with that
     * message. Flags are the caller's to check.
     *
     * @param msgs the messages
     * @param offset the first message
     * @param count how many
     * @param sender sends one message
     * @return how many were sent
     * @throws IOException what sending the first message threw
     */
    public static int writeEach(Message[] msgs, int offset, int count, MessageSender sender) throws IOException {
        Objects.checkFromIndexSize(offset, count, msgs.length);
        ControlMessage control = null;
        for (int i = 0; i < count; i++) {
            Message m = msgs[offset + i];
            try {
                ByteBuffer c = m.control();
                if (c != null && c.hasRemaining()) {
                    if (control == null) {
                        control = new ControlMessage();
                    }
                    control.parse(c, c.position(), c.remaining());
                    sender.send(m, control);
                } else {
                    sender.send(m, null);
                }
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
     * Refuses the records only a receive carries ({@code UDP_GRO}, {@code SO_RXQ_OVFL}) in a send, as
     * {@code udp_cmsg_send} (net/ipv4/udp.c) and {@code __sock_cmsg_send} (net/core/sock.c) refuse
     * types they do not know.
     *
     * @param control a send's parsed control messages
     * @throws IllegalArgumentException if it has either record ({@code EINVAL})
     */
    public static void refuseReceiveOnly(ControlMessage control) {
        if (control.groSegmentSize() != 0 || control.dropCount() != ControlMessage.UNSET) {
            throw new IllegalArgumentException("UDP_GRO and SO_RXQ_OVFL are received, not sent (EINVAL): " + control);
        }
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
        gather(m, all);
        return all.flip();
    }

    /**
     * Copies a message's buffers (each from its position to its limit, in order) into {@code dst}
     * from its position, which advances by the bytes copied; the message's positions do not move.
     *
     * @param m the message
     * @param dst where the datagram goes; needs {@link Message#remaining()} bytes of room
     * @return bytes copied
     * @throws BufferOverflowException if {@code dst} has too little room; part may be copied
     */
    public static int gather(Message m, ByteBuffer dst) {
        int copied = 0;
        for (ByteBuffer b : m.buffers()) {
            int n = b.remaining();
            if (n > dst.remaining()) {
                throw new BufferOverflowException();
            }
            dst.put(dst.position(), b, b.position(), n);
            dst.position(dst.position() + n);
            copied += n;
        }
        return copied;
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
