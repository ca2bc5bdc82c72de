package dev.batchudp.bind;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * A pair of UDP sockets (IPv4 and IPv6) on one port with batched receive functions: wireguard-go's
 * {@code conn.Bind}.
 *
 * <p><b>Concurrency.</b> {@link #open(int)} and {@link #close()} are lifecycle transitions and are
 * not to be raced with each other. {@link #close()} may race with {@link #send} and with receive
 * functions, and may be repeated. {@link #send} is safe from many threads at once.
 *
 * @since 0.1
 */
public interface Bind extends Closeable {

    /** The largest batch a bind reads or writes at once, as wireguard-go's {@code IdealBatchSize}. */
    int IDEAL_BATCH_SIZE = 128;

    /**
     * The result of {@link #open(int)}.
     *
     * @param receiveFuncs one function per opened socket, IPv4 before IPv6
     * @param port the port actually bound
     */
    record Opened(List<ReceiveFunc> receiveFuncs, int port) {
        /**
         * Copies the list.
         *
         * @param receiveFuncs the functions
         * @param port the port
         */
        public Opened {
            receiveFuncs = List.copyOf(receiveFuncs);
        }
    }

    /**
     * Opens the sockets on {@code port} (0 for an ephemeral port shared by both families).
     *
     * @param port the port, 0–65535
     * @return the receive functions and the bound port
     * @throws IllegalStateException if the bind is already open ("bind is already open")
     * @throws IllegalArgumentException if the port is out of range
     * @throws IOException if the sockets cannot be opened
     */
    Opened open(int port) throws IOException;

    /**
     * Closes the sockets, waking every receive function with a
     * {@link java.nio.channels.ClosedChannelException}. Idempotent; the bind may be opened again.
     *
     * @throws IOException if closing a socket failed (the bind is closed all the same)
     */
    @Override
    void close() throws IOException;

    /**
     * Sets the firewall mark ({@code SO_MARK}) on the open sockets. It is not remembered: call it
     * again after every {@link #open(int)}. Where marks are unsupported this does nothing.
     *
     * @param mark the mark
     * @throws IOException if the mark could not be set
     */
    void setMark(int mark) throws IOException;

    /**
     * Sends each buffer's remaining bytes as one datagram to {@code ep}. Buffers are not modified
     * (positions stay where they were), so the same array can be sent again.
     *
     * @param bufs the datagrams; {@code bufs.length} at most {@link #batchSize()}
     * @param ep the destination, from {@link #parseEndpoint(String)} or a receive function of this
     *     kind of bind
     * @throws IllegalArgumentException if there are more buffers than {@link #batchSize()} or the
     *     endpoint belongs to another kind of bind
     * @throws java.nio.channels.ClosedChannelException if the bind is not open
     * @throws java.net.SocketException if no socket of the endpoint's family is open
     * @throws IOException on any other I/O error
     */
    default void send(ByteBuffer[] bufs, Endpoint ep) throws IOException {
        send(bufs, 0, bufs.length, ep);
    }

    /**
     * Sends {@code count} buffers starting at {@code offset}, as {@link #send(ByteBuffer[], Endpoint)}.
     *
     * @param bufs the datagrams
     * @param offset the first buffer to send
     * @param count how many to send, at most {@link #batchSize()}
     * @param ep the destination
     * @throws IOException as {@link #send(ByteBuffer[], Endpoint)}
     */
    void send(ByteBuffer[] bufs, int offset, int count, Endpoint ep) throws IOException;

    /**
     * Parses {@code ip:port} or {@code [ipv6]:port}. No DNS: host names are refused.
     *
     * @param s the text
     * @return an endpoint of this bind's kind
     * @throws IllegalArgumentException naming what is wrong
     */
    Endpoint parseEndpoint(String s);

    /**
     * Returns how many datagrams a receive function can return and {@link #send} accepts at once.
     *
     * @return the batch size, at least 1
     */
    int batchSize();
}
