package dev.batchudp.bind.spi;

import dev.batchudp.network.UdpConnection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * A {@link UdpConnection} that reads and writes many datagrams per system call
 * ({@code recvmmsg}/{@code sendmmsg}): batchudp's {@code BatchingConn}. Obtained from a
 * {@link BatchingConnProvider}; {@code bind-linux} implements it.
 *
 * <p>Single-datagram reads ({@link UdpConnection#receive}) throw
 * {@link UnsupportedOperationException} ("single-packet reads are unsupported on batching
 * connections"); every other {@link UdpConnection} method works as on the original connection.
 *
 * @since 0.1
 */
public interface BatchingConn extends UdpConnection {

    /**
     * Returns the most datagrams one call reads or writes.
     *
     * @return the batch size
     */
    int batchSize();

    /**
     * Reads at least one datagram into {@code msgs[0..count)}, blocking until one arrives or the
     * connection is closed, and returns how many messages were filled. Each message's
     * {@link Message#length()}, {@link Message#address()}, {@link Message#controlLength()} and
     * {@link Message#flags()} are set.
     *
     * @param msgs the messages, each with a payload buffer (and optionally a control buffer)
     * @param count how many of them to use, at most {@link #batchSize()}
     * @return the number of messages filled, at least 1
     * @throws IllegalArgumentException if {@code count} exceeds {@link #batchSize()}
     * @throws java.nio.channels.ClosedChannelException if the connection is or becomes closed
     * @throws IOException on any other I/O error
     */
    int readBatch(Message[] msgs, int count) throws IOException;

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
     * Sends {@code count} prepared messages, each with its own destination and control data (sticky
     * source, {@code UDP_SEGMENT}), continuing partial sends.
     *
     * @param msgs the messages
     * @param count how many, at most {@link #batchSize()}
     * @throws IOException on an I/O error; messages before the failing one were sent
     */
    void writeMessages(Message[] msgs, int count) throws IOException;
}
