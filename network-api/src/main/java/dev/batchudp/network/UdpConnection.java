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
