package dev.batchudp.bind;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Receives a batch of datagrams from one socket of a {@link Bind}: wireguard-go's
 * {@code ReceiveFunc}. Each function is meant to be driven by one thread in a loop.
 *
 * <p>A call blocks until at least one datagram is available, then fills up to
 * {@code Bind.batchSize()} slots: datagram {@code i} is stored in {@code packets[i]} from the
 * buffer's position (up to its limit; position and limit are left unchanged), its length goes to
 * {@code sizes[i]} and its source to {@code eps[i]}. Slots with {@code sizes[i] == 0} and
 * {@code eps[i] == null} carry nothing and must be skipped. A zero-length datagram has
 * {@code sizes[i] == 0} and a non-null endpoint.
 *
 * <p><b>Truncation is reported, not silent:</b> when a datagram is longer than the space in its
 * buffer, the buffer holds its first bytes and {@code sizes[i]} is the datagram's <em>full</em>
 * length, which is then larger than {@code packets[i].remaining()} (the {@code MSG_TRUNC}
 * convention). Buffers of {@link dev.batchudp.network.UdpFamily#MAX_IPV6_PAYLOAD} bytes never see it.
 *
 * @since 0.1
 */
public interface ReceiveFunc {

    /**
     * Receives at least one datagram.
     *
     * @param packets buffers, at least {@code batchSize()} of them
     * @param sizes datagram lengths, at least {@code batchSize()} long
     * @param eps source endpoints, at least {@code batchSize()} long
     * @return the number of slots filled, at least 1
     * @throws IllegalArgumentException if an array is shorter than the bind's batch size ("receive
     *     buffers list shorter than bind batch size")
     * @throws java.nio.channels.ClosedChannelException once the bind is closed or re-opened
     * @throws IOException on any other I/O error
     */
    int receive(ByteBuffer[] packets, int[] sizes, Endpoint[] eps) throws IOException;

    /**
     * Receives at least one datagram without copying it into caller buffers: as
     * {@link #receive}, except that {@code packets[i]} is <em>set</em> to a buffer the bind owns,
     * holding datagram {@code i} from its position to its limit ({@code sizes[i]} bytes; the buffers
     * are writable, for in-place decryption, but bytes outside position to limit may belong to other
     * datagrams). The caller's array is only written; what it held before is not used.
     *
     * <p><b>The buffers are lent:</b> they are valid until the next {@code receive} or
     * {@code receiveBorrowed} call on this function (or the bind's close), after which the bind
     * reuses their memory, and the same buffer objects may be
     * handed out again (a slot usually gets the same object every call). Keep a datagram beyond that
     * by copying it. In exchange the bind skips a copy per datagram: on Linux with UDP GRO,
     * {@link StdNetBind} lends its coalesced reads in place, which is the fastest way to receive (see
     * BENCHMARKS.md).
     *
     * <p>The default throws {@link UnsupportedOperationException}; {@link StdNetBind}'s functions
     * support it on every network.
     *
     * @param packets filled with lent buffers, at least {@code batchSize()} long
     * @param sizes datagram lengths, at least {@code batchSize()} long
     * @param eps source endpoints, at least {@code batchSize()} long
     * @return the number of slots filled, at least 1
     * @throws IllegalArgumentException if an array is shorter than the bind's batch size
     * @throws UnsupportedOperationException if this function cannot lend buffers
     * @throws java.nio.channels.ClosedChannelException once the bind is closed or re-opened
     * @throws IOException on any other I/O error
     */
    default int receiveBorrowed(ByteBuffer[] packets, int[] sizes, Endpoint[] eps) throws IOException {
        throw new UnsupportedOperationException(getClass().getName() + " cannot lend receive buffers");
    }

    /**
     * Returns a short name for logs: {@code v4} or {@code v6} for a {@link StdNetBind}'s functions
     * ({@code v4v6} for one dual-stack socket), as wireguard-go's {@code PrettyName}.
     *
     * @return the name
     */
    String name();

    /**
     * Returns whether slot {@code i} of a receive result holds a truncated datagram.
     *
     * @param packet the slot's buffer
     * @param size the slot's size
     * @return whether the datagram was longer than the buffer
     */
    static boolean isTruncated(ByteBuffer packet, int size) {
        return size > packet.remaining();
    }
}
