package dev.batchudp.network;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import java.util.Arrays;
import java.util.Objects;

/**
 * The socket control messages of one datagram that QUIC-style protocols need, and their codec:
 * golang.org/x/net's {@code ipv4.ControlMessage}/{@code ipv6.ControlMessage} with {@code Marshal} and
 * {@code Parse}, extended with UDP segmentation and the receive-queue drop count. A control message is
 * mutable and reusable: {@link #reset()} it, set fields and {@link #marshal} them into a
 * {@link Message#control()} buffer to send; {@link #parse(Message)} a received message's control
 * bytes into it to read them.
 *
 * <p><b>Records</b> (Linux names; {@code ip(7)}, {@code ipv6(7)}, {@code udp(7)}, {@code socket(7)}):
 * <table class="striped">
 *   <caption>What each field maps to</caption>
 *   <thead><tr><th>field</th><th>IPv4</th><th>IPv6</th><th>direction</th></tr></thead>
 *   <tbody>
 *     <tr><td>{@link #source()}, {@link #interfaceIndex()}</td><td>{@code IP_PKTINFO}
 *         ({@code ipi_spec_dst}, {@code ipi_ifindex})</td><td>{@code IPV6_PKTINFO}</td><td>send</td></tr>
 *     <tr><td>{@link #destination()}, {@link #interfaceIndex()}</td><td>{@code IP_PKTINFO}
 *         ({@code ipi_addr})</td><td>{@code IPV6_PKTINFO}</td><td>receive
 *         ({@link UdpSocketOptions#RECEIVE_PACKET_INFO})</td></tr>
 *     <tr><td>{@link #hopLimit()}</td><td>{@code IP_TTL}</td><td>{@code IPV6_HOPLIMIT}</td><td>both
 *         ({@link UdpSocketOptions#RECEIVE_HOP_LIMIT})</td></tr>
 *     <tr><td>{@link #trafficClass()}, {@link #ecn()}</td><td>{@code IP_TOS}</td><td>{@code IPV6_TCLASS}</td>
 *         <td>both ({@link UdpSocketOptions#RECEIVE_TRAFFIC_CLASS})</td></tr>
 *     <tr><td>{@link #segmentSize()}</td><td colspan="2">{@code UDP_SEGMENT}: the kernel splits the
 *         datagram into segments of this size (GSO)</td><td>send</td></tr>
 *     <tr><td>{@link #groSegmentSize()}</td><td colspan="2">{@code UDP_GRO}: the datagram is several
 *         coalesced ones of this size (the last may be shorter)</td><td>receive
 *         ({@link UdpSocketOptions#UDP_GRO})</td></tr>
 *     <tr><td>{@link #dropCount()}</td><td colspan="2">{@code SO_RXQ_OVFL}: datagrams the socket has
 *         dropped so far</td><td>receive ({@link UdpSocketOptions#RECEIVE_QUEUE_OVERFLOW})</td></tr>
 *   </tbody>
 * </table>
 *
 * <p><b>Format.</b> Bytes are Linux's {@code struct cmsghdr} records for 64-bit platforms ({@code cmsg(3)}:
 * an 8-byte {@code cmsg_len}, {@code int} level and type, data, padding to 8 bytes) in the platform's
 * byte order, whatever the buffer's {@link ByteBuffer#order()}: what the Linux kernel reads and writes,
 * and what every network in this project speaks (the loopback network and the JDK backend interpret
 * the same records).
 *
 * <p><b>Untrusted input.</b> {@link #parse(ByteBuffer, int, int)} reads only inside the range it is
 * given, skips records it does not know, and rejects a malformed record (a length that is too small or
 * runs past the range, a data size that does not fit its type) with {@link IllegalArgumentException}.
 *
 * @since 0.2
 */
public final class ControlMessage {
    /** The value of an unset {@link #hopLimit()}, {@link #trafficClass()} or {@link #dropCount()}. */
    public static final int UNSET = -1;

    /**
     * Bytes of control buffer that hold every record a read can deliver (packet info of both families,
     * hop limit, traffic class, GRO segment size, drop count); size {@link Message#control()} buffers
     * for reads with it.
     */
    public static final int RECEIVE_SPACE = 256;

    /** Bytes of control buffer that hold every record {@link #marshal} writes. */
    public static final int SEND_SPACE = 128;

    // struct cmsghdr on 64-bit Linux: size_t cmsg_len; int cmsg_level; int cmsg_type; data at 16.
    private static final int HEADER = 16;
    private static final int ALIGN = 8;

    private static final int SOL_SOCKET = 1;
    private static final int SOL_IP = 0;
    private static final int SOL_IPV6 = 41;
    private static final int SOL_UDP = 17;
    private static final int IP_TOS = 1;
    private static final int IP_TTL = 2;
    private static final int IP_PKTINFO = 8;
    private static final int IPV6_PKTINFO = 50;
    private static final int IPV6_HOPLIMIT = 52;
    private static final int IPV6_TCLASS = 67;
    private static final int UDP_SEGMENT = 103;
    private static final int UDP_GRO = 104;
    private static final int SO_RXQ_OVFL = 40;

    private static final int IN_PKTINFO_SIZE = 12; // int ipi_ifindex; in_addr ipi_spec_dst; in_addr ipi_addr
    private static final int IN6_PKTINFO_SIZE = 20; // in6_addr ipi6_addr; int ipi6_ifindex

    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());
    private static final VarHandle SHORT = MethodHandles.byteBufferViewVarHandle(short[].class, ByteOrder.nativeOrder());

    private InetAddress source;
    private InetAddress destination;
    private int interfaceIndex;
    private int hopLimit = UNSET;
    private int trafficClass = UNSET;
    private int segmentSize;
    private int groSegmentSize;
    private long dropCount = UNSET;

    // The last address parsed, reused while the bytes stay the same (a socket's reads mostly carry one).
    private final byte[] lastBytes = new byte[16];
    private int lastLength;
    private InetAddress lastAddress;

    /** Creates a control message with every field unset. */
    public ControlMessage() {}

    /**
     * Unsets every field.
     *
     * @return this
     */
    public ControlMessage reset() {
        source = null;
        destination = null;
        interfaceIndex = 0;
        hopLimit = UNSET;
        trafficClass = UNSET;
        segmentSize = 0;
        groSegmentSize = 0;
        dropCount = UNSET;
        return this;
    }

    // ---- fields ----

    /**
     * Returns the local address to send from ({@code IP_PKTINFO}'s {@code ipi_spec_dst},
     * {@code IPV6_PKTINFO}'s address). It must be an address of this host; the kernel refuses others.
     *
     * @return the address, or {@code null} to let the kernel choose
     */
    public InetAddress source() {
        return source;
    }

    /**
     * Sets the local address to send from.
     *
     * @param source a literal address of this host, or {@code null}
     * @return this
     */
    public ControlMessage source(InetAddress source) {
        this.source = source;
        return this;
    }

    /**
     * Returns the address a received datagram was sent to: one of this host's addresses (useful on a
     * socket bound to a wildcard address, to reply from the address the peer used).
     *
     * @return the destination, or {@code null} if the read delivered no packet info
     */
    public InetAddress destination() {
        return destination;
    }

    /**
     * Sets the destination, as a read would; for networks implementing {@link UdpConnection#readBatch}
     * and for tests ({@link #marshalAsReceived}).
     *
     * @param destination the address, or {@code null}
     * @return this
     */
    public ControlMessage destination(InetAddress destination) {
        this.destination = destination;
        return this;
    }

    /**
     * Returns the interface index: the one a datagram arrived on, or the one to send through.
     *
     * @return the index, or 0 for none
     */
    public int interfaceIndex() {
        return interfaceIndex;
    }

    /**
     * Sets the interface index to send through (0: the routing table's choice).
     *
     * @param interfaceIndex the index, not negative
     * @return this
     */
    public ControlMessage interfaceIndex(int interfaceIndex) {
        if (interfaceIndex < 0) {
            throw new IllegalArgumentException("interface index " + interfaceIndex + " is negative");
        }
        this.interfaceIndex = interfaceIndex;
        return this;
    }

    /**
     * Returns the IPv4 TTL or IPv6 hop limit.
     *
     * @return 0 to 255, or {@link #UNSET}
     */
    public int hopLimit() {
        return hopLimit;
    }

    /**
     * Sets the TTL or hop limit for one datagram.
     *
     * @param hopLimit 1 to 255, or {@link #UNSET}
     * @return this
     */
    public ControlMessage hopLimit(int hopLimit) {
        this.hopLimit = checkByte(hopLimit, "hop limit");
        return this;
    }

    /**
     * Returns the IPv4 TOS byte or IPv6 traffic class: the DSCP in the six high bits, the ECN codepoint
     * in the two low bits.
     *
     * @return 0 to 255, or {@link #UNSET}
     */
    public int trafficClass() {
        return trafficClass;
    }

    /**
     * Sets the TOS byte or traffic class of one datagram.
     *
     * @param trafficClass 0 to 255, or {@link #UNSET}
     * @return this
     */
    public ControlMessage trafficClass(int trafficClass) {
        this.trafficClass = checkByte(trafficClass, "traffic class");
        return this;
    }

    /**
     * Returns the ECN codepoint of {@link #trafficClass()}.
     *
     * @return the codepoint; {@link Ecn#NOT_ECT} when the traffic class is unset
     */
    public Ecn ecn() {
        return Ecn.ofTrafficClass(trafficClass == UNSET ? 0 : trafficClass);
    }

    /**
     * Sets the ECN codepoint, keeping the DSCP bits of {@link #trafficClass()} (0 if it was unset).
     *
     * @param ecn the codepoint
     * @return this
     */
    public ControlMessage ecn(Ecn ecn) {
        this.trafficClass = ecn.applyTo(trafficClass == UNSET ? 0 : trafficClass);
        return this;
    }

    /**
     * Returns the segment size of a send with UDP generic segmentation offload ({@code UDP_SEGMENT}):
     * the kernel splits the message's payload into datagrams of this size, the last possibly shorter,
     * all with the same destination, source and traffic class.
     *
     * @return bytes, or 0 for none
     */
    public int segmentSize() {
        return segmentSize;
    }

    /**
     * Sets the segment size of a send ({@code UDP_SEGMENT}). Linux accepts at most 64 segments per send
     * and a payload below 64 KiB; a socket or device without segmentation fails the send with
     * {@code EIO} or {@code EINVAL}.
     *
     * @param segmentSize 1 to 65,535 bytes, or 0 for none
     * @return this
     */
    public ControlMessage segmentSize(int segmentSize) {
        if (segmentSize < 0 || segmentSize > 0xffff) {
            throw new IllegalArgumentException("segment size " + segmentSize + " is outside 0..65535");
        }
        this.segmentSize = segmentSize;
        return this;
    }

    /**
     * Returns the segment size of a coalesced read ({@code UDP_GRO}): the datagram's bytes are several
     * datagrams of this size from one sender, the last possibly shorter.
     *
     * @return bytes, or 0 if the read was not coalesced (or did not report it)
     */
    public int groSegmentSize() {
        return groSegmentSize;
    }

    /**
     * Sets the GRO segment size, as a read would; for networks and tests.
     *
     * @param groSegmentSize bytes, 0 to 65,535
     * @return this
     */
    public ControlMessage groSegmentSize(int groSegmentSize) {
        if (groSegmentSize < 0 || groSegmentSize > 0xffff) {
            throw new IllegalArgumentException("GRO segment size " + groSegmentSize + " is outside 0..65535");
        }
        this.groSegmentSize = groSegmentSize;
        return this;
    }

    /**
     * Returns the socket's count of dropped datagrams when this one was queued ({@code SO_RXQ_OVFL}:
     * the kernel's {@code sk_drops}, an unsigned 32-bit counter): a rise between two reads means
     * datagrams were lost in between, most often to a full receive queue.
     *
     * @return 0 to 2<sup>32</sup>-1, or {@link #UNSET}
     */
    public long dropCount() {
        return dropCount;
    }

    /**
     * Sets the drop count, as a read would; for networks and tests.
     *
     * @param dropCount 0 to 2<sup>32</sup>-1, or {@link #UNSET}
     * @return this
     */
    public ControlMessage dropCount(long dropCount) {
        if (dropCount < UNSET || dropCount > 0xffffffffL) {
            throw new IllegalArgumentException("drop count " + dropCount + " is outside 0..2^32-1");
        }
        this.dropCount = dropCount;
        return this;
    }

    // ---- parsing ----

    /**
     * Parses the control bytes a read stored in a message: {@code message.controlLength()} bytes from
     * its control buffer's position. Fields without a record are unset.
     *
     * @param message a message filled by {@link UdpConnection#readBatch}
     * @return this
     * @throws IllegalArgumentException if a record is malformed
     */
    public ControlMessage parse(Message message) {
        ByteBuffer control = message.control();
        if (control == null || message.controlLength() == 0) {
            return reset();
        }
        return parse(control, control.position(), message.controlLength(), message.isControlTruncated());
    }

    /**
     * Parses the records in {@code control[offset, offset + length)} (absolute indices; the buffer's
     * position, limit and order are not used or changed). Fields without a record are unset; unknown
     * records are skipped; when a record appears twice the last one wins.
     *
     * <p>Packet info has one layout for both directions: an {@code IP_PKTINFO} record whose
     * {@code ipi_addr} is {@code 0.0.0.0} was built for sending ({@link #marshal}) and yields
     * {@link #source()} from {@code ipi_spec_dst}; any other yields {@link #destination()} from
     * {@code ipi_addr}. An {@code IPV6_PKTINFO} record has one address, which always yields
     * {@link #destination()}: on a send record it is the source.
     *
     * @param control the bytes
     * @param offset where the first record starts
     * @param length how many bytes of records
     * @return this
     * @throws IndexOutOfBoundsException if the range does not lie within the buffer's capacity
     * @throws IllegalArgumentException if a record is malformed
     */
    public ControlMessage parse(ByteBuffer control, int offset, int length) {
        return parse(control, offset, length, false);
    }

    /**
     * {@link #parse(ByteBuffer, int, int)}; with {@code cutLast} (the read was
     * {@link Message#CONTROL_TRUNCATED}) a last record too short for its type is skipped rather than
     * refused: the kernel cuts the record that does not fit, setting its {@code cmsg_len} to the room
     * that was left ({@code put_cmsg} in net/core/scm.c).
     */
    private ControlMessage parse(ByteBuffer control, int offset, int length, boolean cutLast) {
        Objects.checkFromIndexSize(offset, length, control.capacity());
        if (offset + length > control.limit()) {
            // Absolute gets stop at the limit; the range is documented against the capacity.
            control = control.duplicate().clear();
        }
        reset();
        int end = offset + length;
        int at = offset;
        while (end - at >= HEADER) {
            long declared = (long) LONG.get(control, at);
            if (declared < HEADER || declared > end - at) {
                throw new IllegalArgumentException("malformed control message at byte " + (at - offset)
                        + ": cmsg_len " + declared + " outside " + HEADER + ".." + (end - at));
            }
            int level = (int) INT.get(control, at + 8);
            int type = (int) INT.get(control, at + 12);
            try {
                parseRecord(control, level, type, at + HEADER, (int) declared - HEADER);
            } catch (IllegalArgumentException e) {
                if (!(cutLast && declared == end - at)) {
                    throw e;
                }
                // the kernel's cut-off last record: its field stays unset
            }
            at += align((int) declared);
        }
        return this;
    }

    private void parseRecord(ByteBuffer b, int level, int type, int data, int size) {
        if (level == SOL_IP) {
            switch (type) {
                case IP_PKTINFO:
                    need(size, IN_PKTINFO_SIZE, "IP_PKTINFO");
                    interfaceIndex = interfaceIndex((int) INT.get(b, data), "IP_PKTINFO");
                    if ((int) INT.get(b, data + 8) == 0 && (int) INT.get(b, data + 4) != 0) {
                        // A record built for sending (marshal writes ipi_addr as 0.0.0.0; the kernel always
                        // fills it on receive): the source is ipi_spec_dst, which ip_cmsg_send reads.
                        source = address(b, data + 4, 4);
                    } else {
                        destination = address(b, data + 8, 4);
                    }
                    return;
                case IP_TOS:
                    trafficClass = byteOrInt(b, data, size, "IP_TOS");
                    return;
                case IP_TTL:
                    hopLimit = byteOrInt(b, data, size, "IP_TTL");
                    return;
                default:
                    return;
            }
        }
        if (level == SOL_IPV6) {
            switch (type) {
                case IPV6_PKTINFO:
                    need(size, IN6_PKTINFO_SIZE, "IPV6_PKTINFO");
                    destination = address(b, data, 16);
                    interfaceIndex = interfaceIndex((int) INT.get(b, data + 16), "IPV6_PKTINFO");
                    return;
                case IPV6_TCLASS:
                    need(size, 4, "IPV6_TCLASS");
                    trafficClass = ((int) INT.get(b, data)) & 0xff;
                    return;
                case IPV6_HOPLIMIT:
                    need(size, 4, "IPV6_HOPLIMIT");
                    hopLimit = ((int) INT.get(b, data)) & 0xff;
                    return;
                default:
                    return;
            }
        }
        if (level == SOL_UDP) {
            if (type == UDP_GRO) {
                // The kernel writes an int (udp_cmsg_recv in include/net/udp.h); accept a uint16_t too.
                need(size, 2, "UDP_GRO");
                groSegmentSize = size >= 4 ? ((int) INT.get(b, data)) & 0xffff : ((short) SHORT.get(b, data)) & 0xffff;
            } else if (type == UDP_SEGMENT) {
                need(size, 2, "UDP_SEGMENT");
                segmentSize = ((short) SHORT.get(b, data)) & 0xffff;
            }
            return;
        }
        if (level == SOL_SOCKET && type == SO_RXQ_OVFL) {
            need(size, 4, "SO_RXQ_OVFL");
            dropCount = ((int) INT.get(b, data)) & 0xffffffffL;
        }
    }

    private static int interfaceIndex(int index, String name) {
        if (index < 0) {
            throw new IllegalArgumentException("malformed control message: " + name + " has interface index " + index);
        }
        return index;
    }

    /** {@code IP_TOS}/{@code IP_TTL}: the kernel delivers one byte for TOS, an int for TTL; senders use either. */
    private static int byteOrInt(ByteBuffer b, int data, int size, String name) {
        if (size >= 4) {
            return ((int) INT.get(b, data)) & 0xff;
        }
        need(size, 1, name);
        return b.get(data) & 0xff;
    }

    private static void need(int size, int minimum, String name) {
        if (size < minimum) {
            throw new IllegalArgumentException(
                    "malformed control message: " + name + " has " + size + " data bytes, needs " + minimum);
        }
    }

    private InetAddress address(ByteBuffer b, int at, int length) {
        boolean same = length == lastLength && lastAddress != null;
        for (int i = 0; same && i < length; i++) {
            same = b.get(at + i) == lastBytes[i];
        }
        if (same) {
            return lastAddress;
        }
        byte[] bytes = new byte[length];
        b.get(at, bytes);
        try {
            // An IPv4-mapped IPv6 address comes back as an Inet4Address, as everywhere in the JDK.
            lastAddress = InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // 4 or 16 bytes: never
        }
        System.arraycopy(bytes, 0, lastBytes, 0, length);
        lastLength = length;
        return lastAddress;
    }

    // ---- marshalling ----

    /**
     * Writes the records to send with a datagram ({@link #source()} and {@link #interfaceIndex()},
     * {@link #hopLimit()}, {@link #trafficClass()}, {@link #segmentSize()}, each only if set) at
     * {@code dst}'s position, which advances past them. Receive-only fields are not written.
     *
     * <p>The records follow the family of the datagram's <em>destination</em>: an IPv4 destination
     * takes IPv4 records ({@code IP_TOS}, ...) even on a dual-stack IPv6 socket, where Linux sends it
     * through its IPv4 code ({@code udpv6_sendmsg} hands IPv4-mapped destinations to
     * {@code udp_sendmsg}); an IPv6 destination takes IPv6 records.
     *
     * @param dst the control buffer; at least {@link #SEND_SPACE} bytes remaining always suffice
     * @param destination the family of the destination: {@link UdpFamily#UDP4} or {@link UdpFamily#UDP6}
     * @return the bytes written
     * @throws IllegalArgumentException if {@code destination} is {@link UdpFamily#UDP}, or the source is
     *     an IPv6 address for an IPv4 destination
     * @throws BufferOverflowException if the records do not fit {@code dst} (nothing is written)
     * @throws ReadOnlyBufferException if {@code dst} is read-only
     */
    public int marshal(ByteBuffer dst, UdpFamily destination) {
        boolean v4 = family(destination);
        if (v4 && source instanceof Inet6Address) {
            throw new IllegalArgumentException("source " + source.getHostAddress() + " is IPv6 but the destination is IPv4");
        }
        boolean pktinfo = source != null || interfaceIndex != 0;
        int size = (pktinfo ? space(v4 ? IN_PKTINFO_SIZE : IN6_PKTINFO_SIZE) : 0)
                + (hopLimit != UNSET ? space(4) : 0)
                + (trafficClass != UNSET ? space(4) : 0)
                + (segmentSize != 0 ? space(2) : 0);
        int at = reserve(dst, size);
        if (pktinfo) {
            if (v4) {
                at = header(dst, at, IN_PKTINFO_SIZE, SOL_IP, IP_PKTINFO);
                INT.set(dst, at, interfaceIndex);
                putAddress(dst, at + 4, source, 4); // ipi_spec_dst: the source
                putAddress(dst, at + 8, null, 4); // ipi_addr: ignored on send
                at = pad(dst, at, IN_PKTINFO_SIZE);
            } else {
                at = header(dst, at, IN6_PKTINFO_SIZE, SOL_IPV6, IPV6_PKTINFO);
                putAddress(dst, at, source, 16);
                INT.set(dst, at + 16, interfaceIndex);
                at = pad(dst, at, IN6_PKTINFO_SIZE);
            }
        }
        if (hopLimit != UNSET) {
            at = putInt(dst, at, v4 ? SOL_IP : SOL_IPV6, v4 ? IP_TTL : IPV6_HOPLIMIT, hopLimit);
        }
        if (trafficClass != UNSET) {
            at = putInt(dst, at, v4 ? SOL_IP : SOL_IPV6, v4 ? IP_TOS : IPV6_TCLASS, trafficClass);
        }
        if (segmentSize != 0) {
            at = header(dst, at, 2, SOL_UDP, UDP_SEGMENT);
            SHORT.set(dst, at, (short) segmentSize);
            at = pad(dst, at, 2);
        }
        dst.position(at);
        return size;
    }

    /**
     * Writes the records as the Linux kernel delivers them to a read, at {@code dst}'s position (from
     * there to its limit is the room, {@code msg_controllen}), which advances past them: for networks
     * that implement {@link UdpConnection#readBatch} and for tests. In the kernel's order
     * ({@code udp_recvmsg}/{@code udpv6_recvmsg}: {@code sock_recv_cmsgs}, then {@code udp_cmsg_recv},
     * then the IP records): {@link #dropCount()}, {@link #groSegmentSize()}, packet info
     * ({@link #destination()}, {@link #interfaceIndex()}), {@link #hopLimit()}, {@link #trafficClass()}
     * (one byte for IPv4, as {@code ip_cmsg_recv_tos} writes it), each only if set. When the room runs
     * out it does what {@code put_cmsg} (net/core/scm.c) does: a record that does not fit whole is cut,
     * its {@code cmsg_len} set to the room left (if at least a header's 16 bytes), and nothing follows;
     * {@link #parse(Message)} skips such a record.
     *
     * @param dst the control buffer; {@link #RECEIVE_SPACE} bytes remaining always suffice
     * @param family the family of the datagram's IP header: {@link UdpFamily#UDP4} or {@link UdpFamily#UDP6}
     * @return the bytes written, or their bitwise complement ({@code ~written}) if some records did not
     *     fit whole (the read's {@link Message#CONTROL_TRUNCATED})
     * @throws IllegalArgumentException if {@code family} is {@link UdpFamily#UDP}, or the destination is an
     *     IPv6 address for an IPv4 datagram
     * @throws ReadOnlyBufferException if {@code dst} is read-only
     */
    public int marshalAsReceived(ByteBuffer dst, UdpFamily family) {
        boolean v4 = family(family);
        if (dst.isReadOnly()) {
            throw new ReadOnlyBufferException();
        }
        if (v4 && destination instanceof Inet6Address) {
            throw new IllegalArgumentException(
                    "destination " + destination.getHostAddress() + " is IPv6 but the datagram is IPv4");
        }
        ReceivedRecords out = new ReceivedRecords(dst);
        if (dropCount != UNSET) {
            INT.set(out.scratch, HEADER, (int) dropCount);
            out.put(SOL_SOCKET, SO_RXQ_OVFL, 4);
        }
        if (groSegmentSize != 0) {
            INT.set(out.scratch, HEADER, groSegmentSize);
            out.put(SOL_UDP, UDP_GRO, 4);
        }
        if (destination != null || interfaceIndex != 0) {
            if (v4) {
                INT.set(out.scratch, HEADER, interfaceIndex);
                putAddress(out.scratch, HEADER + 4, destination, 4); // ipi_spec_dst: the local address
                putAddress(out.scratch, HEADER + 8, destination, 4); // ipi_addr: the header's destination
                out.put(SOL_IP, IP_PKTINFO, IN_PKTINFO_SIZE);
            } else {
                putAddress(out.scratch, HEADER, destination, 16);
                INT.set(out.scratch, HEADER + 16, interfaceIndex);
                out.put(SOL_IPV6, IPV6_PKTINFO, IN6_PKTINFO_SIZE);
            }
        }
        if (hopLimit != UNSET) {
            INT.set(out.scratch, HEADER, hopLimit);
            out.put(v4 ? SOL_IP : SOL_IPV6, v4 ? IP_TTL : IPV6_HOPLIMIT, 4);
        }
        if (trafficClass != UNSET) {
            if (v4) {
                out.scratch.put(HEADER, (byte) trafficClass);
                out.put(SOL_IP, IP_TOS, 1);
            } else {
                INT.set(out.scratch, HEADER, trafficClass);
                out.put(SOL_IPV6, IPV6_TCLASS, 4);
            }
        }
        return out.finish();
    }

    /** Received records written with {@code put_cmsg}'s rules; each record's data is staged in {@link #scratch} at 16. */
    private static final class ReceivedRecords {
        final ByteBuffer scratch = ByteBuffer.allocate(HEADER + 24);
        private final ByteBuffer dst;
        private final int start;
        private final int end;
        private int at;
        private boolean truncated;

        ReceivedRecords(ByteBuffer dst) {
            this.dst = dst;
            this.start = dst.position();
            this.end = dst.limit();
            this.at = start;
        }

        void put(int level, int type, int dataLength) {
            int room = end - at;
            if (room < HEADER) {
                truncated = true;
                return;
            }
            int length = HEADER + dataLength;
            if (room < length) {
                truncated = true;
                length = room; // cut: cmsg_len is the room left
            }
            header(scratch, 0, length - HEADER, level, type);
            dst.put(at, scratch, 0, length);
            int space = Math.min(space(dataLength), room);
            for (int i = at + length; i < at + space; i++) {
                dst.put(i, (byte) 0);
            }
            at += space;
            scratch.clear();
            for (int i = HEADER; i < scratch.capacity(); i++) {
                scratch.put(i, (byte) 0);
            }
        }

        int finish() {
            dst.position(at);
            return truncated ? ~(at - start) : at - start;
        }
    }

    private static boolean family(UdpFamily family) {
        switch (family) {
            case UDP4:
                return true;
            case UDP6:
                return false;
            default:
                throw new IllegalArgumentException("control messages follow an IP header's family: UDP4 or UDP6, not " + family);
        }
    }

    private static int space(int dataSize) {
        return align(HEADER + dataSize);
    }

    private static int align(int length) {
        return (length + ALIGN - 1) & -ALIGN;
    }

    private static int reserve(ByteBuffer dst, int size) {
        if (dst.isReadOnly()) {
            throw new ReadOnlyBufferException();
        }
        if (dst.remaining() < size) {
            throw new BufferOverflowException();
        }
        return dst.position();
    }

    /** Writes a record header at {@code at}; returns where its data starts. */
    private static int header(ByteBuffer dst, int at, int dataSize, int level, int type) {
        LONG.set(dst, at, (long) (HEADER + dataSize));
        INT.set(dst, at + 8, level);
        INT.set(dst, at + 12, type);
        return at + HEADER;
    }

    /** Zeroes the padding after {@code dataSize} bytes of data at {@code data}; returns the next record. */
    private static int pad(ByteBuffer dst, int data, int dataSize) {
        int next = data - HEADER + space(dataSize);
        for (int i = data + dataSize; i < next; i++) {
            dst.put(i, (byte) 0);
        }
        return next;
    }

    private static int putInt(ByteBuffer dst, int at, int level, int type, int value) {
        int data = header(dst, at, 4, level, type);
        INT.set(dst, data, value);
        return pad(dst, data, 4);
    }

    private static void putAddress(ByteBuffer dst, int at, InetAddress address, int length) {
        byte[] bytes = address == null ? new byte[length] : address.getAddress();
        if (bytes.length == 4 && length == 16) {
            byte[] mapped = new byte[16]; // ::ffff:a.b.c.d
            mapped[10] = (byte) 0xff;
            mapped[11] = (byte) 0xff;
            System.arraycopy(bytes, 0, mapped, 12, 4);
            bytes = mapped;
        }
        dst.put(at, bytes, 0, length);
    }

    private static int checkByte(int value, String what) {
        if (value < UNSET || value > 255) {
            throw new IllegalArgumentException(what + " " + value + " is outside 0..255");
        }
        return value;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ControlMessage)) {
            return false;
        }
        ControlMessage c = (ControlMessage) o;
        return Objects.equals(source, c.source) && Objects.equals(destination, c.destination)
                && interfaceIndex == c.interfaceIndex && hopLimit == c.hopLimit && trafficClass == c.trafficClass
                && segmentSize == c.segmentSize && groSegmentSize == c.groSegmentSize && dropCount == c.dropCount;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new Object[] {source, destination, interfaceIndex, hopLimit, trafficClass,
                segmentSize, groSegmentSize, dropCount});
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("ControlMessage[");
        if (source != null) {
            s.append("source=").append(source.getHostAddress()).append(", ");
        }
        if (destination != null) {
            s.append("destination=").append(destination.getHostAddress()).append(", ");
        }
        if (interfaceIndex != 0) {
            s.append("interfaceIndex=").append(interfaceIndex).append(", ");
        }
        if (hopLimit != UNSET) {
            s.append("hopLimit=").append(hopLimit).append(", ");
        }
        if (trafficClass != UNSET) {
            s.append("trafficClass=0x").append(Integer.toHexString(trafficClass)).append(" (").append(ecn()).append("), ");
        }
        if (segmentSize != 0) {
            s.append("segmentSize=").append(segmentSize).append(", ");
        }
        if (groSegmentSize != 0) {
            s.append("groSegmentSize=").append(groSegmentSize).append(", ");
        }
        if (dropCount != UNSET) {
            s.append("dropCount=").append(dropCount).append(", ");
        }
        if (s.charAt(s.length() - 1) == ' ') {
            s.setLength(s.length() - 2);
        }
        return s.append(']').toString();
    }
}
