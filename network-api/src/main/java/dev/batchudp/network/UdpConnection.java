package dev.batchudp.network;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * A UDP socket handed out by a {@link Network}: the Java counterpart of gonnect's {@code UDPConn}.
 *
 * <p><b>Addresses are literals.</b> Every {@link InetSocketAddress} passed in must be resolved
 * ({@link InetSocketAddress#isUnresolved()} false); an unresolved one is rejected with
 * {@link IllegalArgumentException}. No method performs a DNS lookup.
 *
 * <p><b>Threads.</b> One thread may receive while others send; {@link #close()} may be called from any
 * thread at any time. A thread blocked in {@link #receive} when the connection (or its network) is
 * closed returns promptly with {@link java.nio.channels.ClosedChannelException} (possibly its subclass
 * {@link java.nio.channels.AsynchronousCloseException}).
 *
 * <p><b>Sizes.</b> A datagram longer than its network accepts is refused with
 * {@link DatagramTooLargeException}; a received datagram longer than the buffer is reported with
 * {@link DatagramTruncatedException}, never cut silently.
 *
 * @since 0.1
 */
public interface UdpConnection extends Closeable {

    /**
     * Returns the network that opened this connection.
     *
     * @return the network
     */
    Network network();

    /**
     * Returns the family this connection was opened with.
     *
     * @return the family
     */
    UdpFamily family();

    /**
     * Returns whether this is an IPv6 socket that also carries IPv4 traffic (a dual-stack socket,
     * {@code IPV6_V6ONLY=0}). IPv4 peers then appear as {@link java.net.Inet4Address}es.
     *
     * @return whether IPv4 and IPv6 share this socket
     */
    boolean isDualStack();

    /**
     * Returns the bound local address, with the actual port when port 0 was asked for.
     *
     * @return the local address
     */
    InetSocketAddress localAddress();

    /**
     * Returns the remote address this connection is connected to, if any. A connected connection
     * receives only from that address and sends to it when no target is given.
     *
     * @return the remote address, or empty when not connected
     */
    Optional<InetSocketAddress> remoteAddress();

    /**
     * Receives one datagram, blocking until one arrives, the read timeout expires or the connection is
     * closed. Its bytes are stored from the buffer's position; the position advances by the number of
     * bytes stored.
     *
     * @param dst where to store the datagram
     * @return the sender's address
     * @throws DatagramTruncatedException if the datagram was longer than {@code dst.remaining()}
     * @throws java.nio.ReadOnlyBufferException if {@code dst} is read-only (nothing is received)
     * @throws java.net.SocketTimeoutException if the read timeout expired first
     * @throws java.nio.channels.ClosedChannelException if the connection is or becomes closed
     * @throws IOException on any other I/O error
     */
    InetSocketAddress receive(ByteBuffer dst) throws IOException;

    /**
     * Sends the buffer's remaining bytes as one datagram. The buffer's position advances to its limit.
     * A datagram that cannot be delivered (no one listening) is dropped silently, as UDP does.
     *
     * @param src the payload
     * @param target the destination; {@code null} for a connected connection's remote address
     * @throws DatagramTooLargeException if the datagram is larger than the network accepts
     * @throws java.nio.channels.ClosedChannelException if the connection is closed
     * @throws IllegalArgumentException if the target is unresolved, of the wrong family, or missing on
     *     an unconnected connection
     * @throws IOException on any other I/O error
     */
    void send(ByteBuffer src, InetSocketAddress target) throws IOException;

    /**
     * Reads up to {@code count} datagrams into {@code msgs[offset, offset + count)}, golang.org/x/net's
     * {@code ReadBatch}: blocks until at least one datagram arrives (unless {@link BatchFlags#DONTWAIT}),
     * the read timeout expires or the connection is closed, then fills as many messages as datagrams
     * are queued, in arrival order, and returns how many it filled. Each filled message gets its
     * {@link Message#length() length}, {@link Message#address() sender}, {@link Message#flags() flags}
     * ({@link Message#TRUNCATED}, {@link Message#CONTROL_TRUNCATED}) and, when it has a control buffer,
     * the control messages the connection's receive options ask for
     * ({@link UdpSocketOptions#RECEIVE_TRAFFIC_CLASS} and the others) with their
     * {@link Message#controlLength() length}. A truncated datagram is reported in its message's flags,
     * not thrown. Messages past the returned count are left as they were.
     *
     * <p>The Linux backend reads the batch with one {@code recvmmsg(2)} into the callers' buffers
     * (scatter I/O, no copy of the payload); other networks read one datagram per call, as x/net does
     * where the platform has no batch call.
     *
     * <p>The default implementation reads one datagram with {@link #receive} and delivers no control
     * messages; it supports no flags.
     *
     * @param msgs the messages, each with buffers (and optionally a control buffer)
     * @param offset the first message to fill
     * @param count how many messages may be filled
     * @param flags 0, or {@link BatchFlags} read flags
     * @return the number of messages filled: at least 1 when {@code count > 0}, except 0 with
     *     {@link BatchFlags#DONTWAIT} when nothing is queued
     * @throws IndexOutOfBoundsException if {@code offset} and {@code count} do not fit {@code msgs}
     * @throws IllegalArgumentException if {@code flags} has bits that are not read flags
     * @throws UnsupportedOperationException if the connection cannot honour a flag
     * @throws java.nio.ReadOnlyBufferException if a message's buffer or control buffer is read-only
     *     (nothing is received)
     * @throws java.net.SocketTimeoutException if the read timeout expired first
     * @throws java.nio.channels.ClosedChannelException if the connection is or becomes closed
     * @throws IOException on any other I/O error; if it happens after a datagram was read, the
     *     datagrams read are returned and the error is reported by the next call
     * @since 0.2
     */
    default int readBatch(Message[] msgs, int offset, int count, int flags) throws IOException {
        return dev.batchudp.network.spi.SingleMessageIo.read(this, msgs, offset, count, flags);
    }

    /**
     * Sends the messages {@code msgs[offset, offset + count)} in order, one datagram each,
     * golang.org/x/net's {@code WriteBatch}, and returns how many were sent. Each message's buffers
     * (position to limit, in order) form its datagram; its {@link Message#address() address} is the
     * destination ({@code null} on a connected connection); its control buffer, if it has bytes
     * remaining, holds control messages for that datagram only ({@link ControlMessage#marshal}: a
     * source address, a traffic class or ECN codepoint, a segment size for {@code UDP_SEGMENT}).
     * Each sent message's {@link Message#length()} is set to its bytes.
     *
     * <p>A partial send by the kernel is continued. When message {@code k > 0} fails, the first
     * {@code k} were sent and {@code k} is returned: the failure is reported by the next call, which
     * starts with that message (so a {@link DatagramTooLargeException} is always for the first message
     * of the call that throws it). With {@link BatchFlags#DONTWAIT} a send that would block ends the
     * call early, possibly returning 0.
     *
     * <p>The Linux backend sends the batch with {@code sendmmsg(2)} straight from the callers' buffers
     * (gather I/O); other networks send one datagram per message.
     *
     * <p>The default implementation sends each datagram with {@link #send} (copying vectored buffers
     * into one) and refuses control data and flags.
     *
     * @param msgs the messages
     * @param offset the first message to send
     * @param count how many to send
     * @param flags 0, or {@link BatchFlags} write flags
     * @return the number of messages sent, {@code count} unless a message failed or would block
     * @throws IndexOutOfBoundsException if {@code offset} and {@code count} do not fit {@code msgs}
     * @throws IllegalArgumentException if {@code flags} has bits that are not write flags, a destination
     *     is unresolved, of the wrong family or missing, or control data is malformed
     * @throws UnsupportedOperationException if the connection cannot honour a flag or a control message
     *     (the message and those after it are not sent)
     * @throws DatagramTooLargeException if the first message is larger than the network (or, with
     *     {@link UdpSocketOptions#IP_DONTFRAG}, the path MTU) accepts
     * @throws java.nio.channels.ClosedChannelException if the connection is closed
     * @throws IOException on any other I/O error of the first message
     * @since 0.2
     */
    default int writeBatch(Message[] msgs, int offset, int count, int flags) throws IOException {
        return dev.batchudp.network.spi.SingleMessageIo.write(this, msgs, offset, count, flags);
    }

    /**
     * Returns a snapshot of this connection's counters: datagrams and bytes, drops by cause, offload
     * state. Counters the implementation does not keep are {@link UdpStatistics#UNAVAILABLE}; the
     * default keeps none.
     *
     * @return the counters now
     * @since 0.2
     */
    default UdpStatistics statistics() {
        return UdpStatistics.NONE;
    }

    /**
     * Sets how long {@link #receive} may block; {@link Duration#ZERO} (the default) blocks forever.
     *
     * @param timeout the timeout, not negative
     */
    void setReadTimeout(Duration timeout);

    /**
     * Returns the read timeout.
     *
     * @return the timeout; {@link Duration#ZERO} for none
     */
    Duration readTimeout();

    /**
     * Sets a socket option, as {@link java.nio.channels.NetworkChannel#setOption} does.
     *
     * @param <T> the option's value type
     * @param name the option
     * @param value its value
     * @return this connection
     * @throws UnsupportedOperationException if the option is not in {@link #supportedOptions()}
     * @throws IOException if setting it failed
     */
    <T> UdpConnection setOption(SocketOption<T> name, T value) throws IOException;

    /**
     * Returns a socket option's value.
     *
     * @param <T> the option's value type
     * @param name the option
     * @return its value
     * @throws UnsupportedOperationException if the option is not in {@link #supportedOptions()}
     * @throws IOException if reading it failed
     */
    <T> T getOption(SocketOption<T> name) throws IOException;

    /**
     * Returns the socket options this connection supports.
     *
     * @return the options; may be empty for virtual networks
     */
    Set<SocketOption<?>> supportedOptions();

    /**
     * Returns an implementation-specific view of this connection, the counterpart of Go's
     * {@code SyscallConn} and wrapper unwrapping: a native socket handle, control-message access,
     * statistics. Callers ask for an interface and get it only if the implementation offers it.
     *
     * <p>Networks that wrap another network's connections should forward unknown requests to the
     * wrapped connection only where that is safe (a proxy that rewrites payloads must not expose the
     * raw socket underneath).
     *
     * @param <T> the capability type
     * @param type the capability's interface
     * @return the capability, or empty when not offered
     */
    default <T> Optional<T> capability(Class<T> type) {
        return type.isInstance(this) ? Optional.of(type.cast(this)) : Optional.empty();
    }

    /**
     * Returns whether this connection is open.
     *
     * @return {@code false} once closed, directly or by its network
     */
    boolean isOpen();

    /**
     * Closes this connection and wakes every thread blocked in {@link #receive}. Idempotent.
     */
    @Override
    void close();
}
