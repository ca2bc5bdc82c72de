package dev.batchudp.bind.spi;

import dev.batchudp.network.UdpConnection;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * Batched I/O for a {@link UdpConnection}: reads and writes of many datagrams per system call
 * ({@code recvmmsg}/{@code sendmmsg}), batchudp's {@code BatchingConn}. It is a capability of a
 * connection, not a connection: {@link #connection()} is the connection it batches for, which keeps
 * doing everything else (single sends and receives, addresses, options, close). Obtained from a
 * {@link BatchingConnProvider}; {@code bind-linux} implements it, and its sockets also offer it as
 * {@code connection.capability(BatchingConn.class)} once upgraded.
 *
 * @since 0.1
 */
public interface BatchingConn {

    /**
     * Returns the connection this batches for. Closing it ends the batched I/O too.
     *
     * @return the connection
     */
    UdpConnection connection();

    /**
     * Returns the most datagrams one call reads or writes.
     *
     * @return the batch size
     */
    int batchSize();

    /**
     * Reads at least one datagram into slots {@code [0, count)} of {@code batch}, blocking until one
     * arrives or the connection is closed, and returns how many slots were filled. Each filled slot
     * gets its {@link MessageBatch.Fill#datagram datagram} (length, flags, sender), its
     * {@link MessageBatch.Fill#controlLength control length} when it has a control buffer, and its
     * {@link MessageBatch.Fill#source source} on connections that capture sticky sources; the reader
     * then reads them from the {@link MessageBatch}. This is the receive path of a bind;
     * implementations should not allocate per datagram.
     *
     * @param batch the fill side of the slots ({@link MessageBatch#fill()}), with a payload buffer
     *     each (and optionally control buffers)
     * @param count how many of them to use, at most {@link #batchSize()} and the batch's capacity
     * @return the number of slots filled, at least 1
     * @throws IllegalArgumentException if {@code count} exceeds {@link #batchSize()}
     * @throws java.nio.channels.ClosedChannelException if the connection is or becomes closed
     * @throws IOException on any other I/O error
     */
    int readBatch(MessageBatch.Fill batch, int count) throws IOException;

    /**
     * Returns whether {@link #readBatchLending} works: whether this connection can lend its own
     * memory for every datagram it reads. The default is {@code false}.
     *
     * @return whether reads can lend
     */
    default boolean lendsBuffers() {
        return false;
    }

    /**
     * Reads as {@link #readBatch(MessageBatch.Fill, int)}, but lends its own memory instead of writing
     * into buffers the caller provides: for each filled slot {@code i} it sets the batch's buffer
     * {@code i} ({@link MessageBatch.Fill#lend}) to a buffer of its own holding the datagram from its
     * position to its limit (the stored bytes). The lent buffers are valid until the next read on this
     * connection. The batch's buffer array is only written. Available when {@link #lendsBuffers()}.
     *
     * <p>This serves {@link dev.batchudp.bind.ReceiveFunc#receiveBorrowed}: with UDP GRO,
     * {@code bind-linux} lends the coalesced reads rather than copying every segment out.
     *
     * @param batch the fill side of the slots; its buffer array receives the lent buffers
     * @param count how many slots to use
     * @return the number of slots filled, at least 1
     * @throws UnsupportedOperationException if {@link #lendsBuffers()} is false (the default)
     * @throws IllegalArgumentException if {@code count} exceeds {@link #batchSize()}
     * @throws java.nio.channels.ClosedChannelException if the connection is or becomes closed
     * @throws IOException on any other I/O error
     */
    default int readBatchLending(MessageBatch.Fill batch, int count) throws IOException {
        throw new UnsupportedOperationException(getClass().getName() + " does not lend buffers");
    }

    /**
     * Sends {@code count} buffers to one destination, one datagram each (Go's {@code WriteBatchTo}).
     * A partial send by the kernel is continued, never dropped.
     *
     * @param bufs the payloads (position to limit; not modified)
     * @param offset the first buffer
     * @param count how many, at most {@link #batchSize()}
     * @param target the destination
     * @throws IllegalArgumentException if {@code count} exceeds {@link #batchSize()} ("batch size
     *     exceeds batching connection capacity")
     * @throws IOException on an I/O error; datagrams before the failing one were sent
     */
    void writeBatch(ByteBuffer[] bufs, int offset, int count, InetSocketAddress target) throws IOException;

    /**
     * Sends {@code count} buffers to one destination from a sticky source: as
     * {@link #writeBatch(ByteBuffer[], int, int, InetSocketAddress)}, with the source address and
     * interface attached to every datagram (also to coalesced GSO sends), so that the kernel sends
     * from that local address. When the kernel refuses the source (the address went away; on Linux
     * {@code ENETUNREACH} for IPv4, {@code EINVAL} for IPv6, or {@code EADDRNOTAVAIL}), the datagrams
     * not yet sent are sent once more without it, and the method returns {@code false} so that the
     * caller forgets the source.
     *
     * <p>The default, for connections that cannot attach a source, ignores it and returns
     * {@code true}.
     *
     * @param bufs the payloads (position to limit; not modified)
     * @param offset the first buffer
     * @param count how many, at most {@link #batchSize()}
     * @param target the destination
     * @param source the local address to send from, or {@code null} for the kernel's choice
     * @param sourceIfIndex the interface to send through, or 0
     * @return {@code false} if the source was refused and dropped (the datagrams were sent from the
     *     kernel's choice), else {@code true}
     * @throws IllegalArgumentException as {@link #writeBatch(ByteBuffer[], int, int, InetSocketAddress)}
     * @throws IOException as {@link #writeBatch(ByteBuffer[], int, int, InetSocketAddress)}
     * @since 0.1
     */
    default boolean writeBatch(ByteBuffer[] bufs, int offset, int count, InetSocketAddress target,
            InetAddress source, int sourceIfIndex) throws IOException {
        writeBatch(bufs, offset, count, target);
        return true;
    }
}
