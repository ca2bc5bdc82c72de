package dev.batchudp.bind.linux.internal;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Sticky sources as packet-info control records ({@code IP_PKTINFO}, ip(7); {@code IPV6_PKTINFO},
 * ipv6(7)), on top of {@link Pktinfo}'s raw codec: decoding a received record into the local address
 * the peer wrote to, and encoding the record that makes a send leave from a chosen source. Both reuse
 * the last address object while it repeats, so a steady flow allocates nothing.
 *
 * <p>One instance per direction (the reader's and the writer's), each confined to its lock holder.
 */
final class StickySourceCodec {
    private final boolean inet6Socket;

    private InetAddress lastReceived;
    private boolean lastReceivedV6;
    private long lastReceivedHigh;
    private long lastReceivedLow;
    /** The order the words above were read in (the same bytes read in another order differ). */
    private ByteOrder lastReceivedOrder;
    private int receivedIfIndex;

    private final ByteBuffer record = ByteBuffer.allocate(Pktinfo.V6_SPACE).order(ByteOrder.nativeOrder());
    private InetAddress lastSent;
    private byte[] lastSentRaw;

    /**
     * Creates a codec for one socket.
     *
     * @param inet6Socket whether the socket is {@code AF_INET6} (its records are {@code in6_pktinfo})
     */
    StickySourceCodec(boolean inet6Socket) {
        this.inet6Socket = inet6Socket;
    }

    /**
     * Decodes the first packet-info record of a received control region: the local address the
     * datagram was sent to ({@code ipi_spec_dst} for IPv4, as wireguard-go's
     * {@code conn/sticky_linux.go} uses), or {@code null} when there is no record or the region is
     * malformed. Sets {@link #receivedIfIndex()}.
     *
     * @param control native-order control bytes
     * @param offset where the region starts
     * @param length bytes of it
     * @return the source, or {@code null}
     */
    InetAddress decode(ByteBuffer control, int offset, int length) {
        int at = Pktinfo.find(control, offset, length);
        if (at < 0) {
            receivedIfIndex = 0;
            return null;
        }
        boolean v6 = Pktinfo.isV6(control, at);
        receivedIfIndex = control.getInt(at + Cmsghdr.CMSG_DATA + (v6 ? 16 : 0));
        // The address as two words, compared with the last one's (a read per datagram, not a loop).
        long high = v6 ? control.getLong(at + Cmsghdr.CMSG_DATA) : 0;
        long low = v6 ? control.getLong(at + Cmsghdr.CMSG_DATA + 8)
                : control.getInt(at + Cmsghdr.CMSG_DATA + 4) & 0xffff_ffffL;
        if (lastReceived == null || v6 != lastReceivedV6 || high != lastReceivedHigh || low != lastReceivedLow
                || control.order() != lastReceivedOrder) {
            lastReceived = Pktinfo.address(control, at);
            lastReceivedV6 = v6;
            lastReceivedHigh = high;
            lastReceivedLow = low;
            lastReceivedOrder = control.order();
        }
        return lastReceived;
    }

    /**
     * Returns the interface index of the record {@link #decode} read last (0 without one).
     *
     * @return the interface index
     */
    int receivedIfIndex() {
        return receivedIfIndex;
    }

    /**
     * Encodes the record that sends from {@code source} into {@link #record()}.
     *
     * @param source the local address to send from
     * @param ifIndex the interface index, or 0
     * @return the record's length ({@code CMSG_SPACE}), or 0 if it cannot be attached (an IPv6
     *     source on an IPv4 socket)
     */
    int encode(InetAddress source, int ifIndex) {
        if (source != lastSent) {
            lastSentRaw = source.getAddress();
            lastSent = source;
        }
        return Pktinfo.put(record, 0, record.capacity(), lastSentRaw, ifIndex, inet6Socket);
    }

    /**
     * Returns the buffer {@link #encode} writes into (native order, from index 0).
     *
     * @return the record buffer
     */
    ByteBuffer record() {
        return record;
    }
}
