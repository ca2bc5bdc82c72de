package dev.batchudp.bind.linux.internal;

import dev.batchudp.bind.linux.NativeIoException;
import dev.batchudp.network.DatagramTooLargeException;
import java.io.IOException;
import java.net.BindException;
import java.net.PortUnreachableException;

/**
 * What a batched send does when {@code sendmmsg} fails on an entry: the one decision table for the
 * send path. The order of the rows matters and is the policy:
 *
 * <table>
 * <caption>sendmmsg failures</caption>
 * <tr><th>failure</th><th>entry</th><th>kind</th><th>what the writer does</th></tr>
 * <tr><td>{@code ECONNREFUSED} (an earlier datagram's ICMP error)</td><td>any</td>
 *     <td>{@link #PORT_UNREACHABLE}</td><td>count it, send the same entry again</td></tr>
 * <tr><td>{@code EIO}, {@code EINVAL}, {@code EMSGSIZE}</td><td>segmented</td><td>{@link #GSO}</td>
 *     <td>resend its datagrams unsegmented, keeping the source; turn GSO off after {@code EIO} or
 *     {@code EINVAL} unless the source turns out to be what the kernel refused</td></tr>
 * <tr><td>{@code EINVAL}, {@code ENETUNREACH}, {@code EADDRNOTAVAIL}</td><td>with a source</td>
 *     <td>{@link #SOURCE}</td><td>drop the source from this entry on, send again</td></tr>
 * <tr><td>{@code ENOBUFS}</td><td>any</td><td>{@link #NO_BUFFERS}</td>
 *     <td>drop and count the entry's datagrams, send the rest (UDP may drop; never spin)</td></tr>
 * <tr><td>anything else, or the socket was closed</td><td>any</td><td>{@link #FATAL}</td>
 *     <td>throw</td></tr>
 * </table>
 *
 * <p>Why {@code EINVAL} is taken as GSO's first: the kernel answers it both when it cannot segment
 * (for example with {@code SO_NO_CHECK}, see {@code udp_send_skb()} in net/ipv4/udp.c) and when an
 * IPv6 source is not a local address ({@code ipv6_chk_addr()}); the unsegmented resend with the
 * source tells which, so a GSO failure never costs a valid source and a vanished address never turns
 * GSO off.
 */
enum SendFailure {
    /** The segmented entry failed; fall back to unsegmented sends. */
    GSO,
    /** The kernel refused the attached source. */
    SOURCE,
    /** {@code ENOBUFS}: drop the entry. */
    NO_BUFFERS,
    /** {@code ECONNREFUSED}: count and resend. */
    PORT_UNREACHABLE,
    /** Anything else: throw. */
    FATAL;

    /**
     * Classifies a {@code sendmmsg} failure.
     *
     * @param e the failure
     * @param segmented whether the failing entry carries {@code UDP_SEGMENT}
     * @param withSource whether the failing entry carries a packet-info record
     * @param closed whether the socket has been closed
     * @return what to do
     */
    static SendFailure classify(IOException e, boolean segmented, boolean withSource, boolean closed) {
        if (closed) {
            return FATAL;
        }
        if (e instanceof PortUnreachableException) {
            return PORT_UNREACHABLE;
        }
        int errno = e instanceof NativeIoException ? ((NativeIoException) e).errno() : 0;
        if (segmented && (e instanceof DatagramTooLargeException || errno == LinuxConstants.EIO
                || errno == LinuxConstants.EINVAL)) {
            return GSO;
        }
        if (withSource && (e instanceof BindException || errno == LinuxConstants.EINVAL
                || errno == LinuxConstants.ENETUNREACH)) {
            return SOURCE;
        }
        if (errno == LinuxConstants.ENOBUFS) {
            return NO_BUFFERS;
        }
        return FATAL;
    }
}
