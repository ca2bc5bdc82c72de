package dev.batchudp.network;

/**
 * A snapshot of a connection's (or a bind's) counters: what was sent and received, what was dropped
 * and why, and the state of UDP offloads. Counts are cumulative since the connection opened; a count
 * the implementation does not keep is {@link #UNAVAILABLE}. Obtained from
 * {@link UdpConnection#statistics()} (and {@code StdNetBind.statistics()}); read without
 * synchronisation, so exact only once the connection is idle.
 *
 * @since 0.2
 */
public final class UdpStatistics {
    /** The value of a count the implementation does not keep. */
    public static final long UNAVAILABLE = -1;

    /** Statistics of a connection that keeps no counters. */
    public static final UdpStatistics NONE = builder().build();

    private final long datagramsSent;
    private final long bytesSent;
    private final long datagramsReceived;
    private final long bytesReceived;
    private final long receiveQueueDrops;
    private final long sendBufferDrops;
    private final long truncatedDatagrams;
    private final long portUnreachable;
    private final long gsoFallbacks;
    private final long sourceDrops;
    private final boolean transmitOffload;
    private final boolean receiveOffload;

    private UdpStatistics(Builder b) {
        datagramsSent = b.datagramsSent;
        bytesSent = b.bytesSent;
        datagramsReceived = b.datagramsReceived;
        bytesReceived = b.bytesReceived;
        receiveQueueDrops = b.receiveQueueDrops;
        sendBufferDrops = b.sendBufferDrops;
        truncatedDatagrams = b.truncatedDatagrams;
        portUnreachable = b.portUnreachable;
        gsoFallbacks = b.gsoFallbacks;
        sourceDrops = b.sourceDrops;
        transmitOffload = b.transmitOffload;
        receiveOffload = b.receiveOffload;
    }

    /**
     * Returns a builder with every count {@link #UNAVAILABLE} and offloads off.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns datagrams handed to the network for sending (a segmented send counts each segment).
     *
     * @return the count, or {@link #UNAVAILABLE}
     */
    public long datagramsSent() {
        return datagramsSent;
    }

    /**
     * Returns payload bytes of {@link #datagramsSent()}.
     *
     * @return the count, or {@link #UNAVAILABLE}
     */
    public long bytesSent() {
        return bytesSent;
    }

    /**
     * Returns datagrams delivered to the reader (a coalesced read counts each segment).
     *
     * @return the count, or {@link #UNAVAILABLE}
     */
    public long datagramsReceived() {
        return datagramsReceived;
    }

    /**
     * Returns payload bytes of {@link #datagramsReceived()}.
     *
     * @return the count, or {@link #UNAVAILABLE}
     */
    public long bytesReceived() {
        return bytesReceived;
    }

    /**
     * Returns datagrams the receiving socket dropped before anyone read them, as the network counts
     * them: on Linux the kernel's per-socket drop count ({@code sk_drops}, the {@code drops} column of
     * {@code /proc/net/udp}, also delivered by {@code SO_RXQ_OVFL}), mostly a full receive queue; on the
     * loopback network, datagrams refused by a full simulated queue.
     *
     * @return the count, or {@link #UNAVAILABLE}
     */
    public long receiveQueueDrops() {
        return receiveQueueDrops;
    }

    /**
     * Returns datagrams dropped on send because the kernel had no buffer space ({@code ENOBUFS}).
     *
     * @return the count, or {@link #UNAVAILABLE}
     */
    public long sendBufferDrops() {
        return sendBufferDrops;
    }

    /**
     * Returns received datagrams that were longer than the reader's buffer ({@code MSG_TRUNC}).
     *
     * @return the count, or {@link #UNAVAILABLE}
     */
    public long truncatedDatagrams() {
        return truncatedDatagrams;
    }

    /**
     * Returns ICMP port-unreachable reports ({@code ECONNREFUSED}) reads and sends absorbed.
     *
     * @return the count, or {@link #UNAVAILABLE}
     */
    public long portUnreachable() {
        return portUnreachable;
    }

    /**
     * Returns segmented (GSO) sends the kernel refused and that were resent without segmentation.
     *
     * @return the count, or {@link #UNAVAILABLE}
     */
    public long gsoFallbacks() {
        return gsoFallbacks;
    }

    /**
     * Returns sends whose sticky source address the kernel refused, so that the datagrams left from
     * the kernel's choice of address and the source was forgotten.
     *
     * @return the count, or {@link #UNAVAILABLE}
     */
    public long sourceDrops() {
        return sourceDrops;
    }

    /**
     * Returns whether sends are segmented by the kernel (UDP GSO) now.
     *
     * @return whether transmit offload is on
     */
    public boolean transmitOffload() {
        return transmitOffload;
    }

    /**
     * Returns whether reads receive coalesced datagrams (UDP GRO) now.
     *
     * @return whether receive offload is on
     */
    public boolean receiveOffload() {
        return receiveOffload;
    }

    /**
     * Returns the sum of this and {@code other}: counts add up (an unavailable count counts as absent,
     * unavailable only if both are), offloads are on if on in either. Aggregates the sockets of a
     * bind.
     *
     * @param other more counters
     * @return the sum
     */
    public UdpStatistics plus(UdpStatistics other) {
        return builder()
                .datagramsSent(add(datagramsSent, other.datagramsSent))
                .bytesSent(add(bytesSent, other.bytesSent))
                .datagramsReceived(add(datagramsReceived, other.datagramsReceived))
                .bytesReceived(add(bytesReceived, other.bytesReceived))
                .receiveQueueDrops(add(receiveQueueDrops, other.receiveQueueDrops))
                .sendBufferDrops(add(sendBufferDrops, other.sendBufferDrops))
                .truncatedDatagrams(add(truncatedDatagrams, other.truncatedDatagrams))
                .portUnreachable(add(portUnreachable, other.portUnreachable))
                .gsoFallbacks(add(gsoFallbacks, other.gsoFallbacks))
                .sourceDrops(add(sourceDrops, other.sourceDrops))
                .transmitOffload(transmitOffload || other.transmitOffload)
                .receiveOffload(receiveOffload || other.receiveOffload)
                .build();
    }

    private static long add(long a, long b) {
        if (a == UNAVAILABLE) {
            return b;
        }
        return b == UNAVAILABLE ? a : a + b;
    }

    /**
     * Returns a builder holding these values.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        return builder().datagramsSent(datagramsSent).bytesSent(bytesSent).datagramsReceived(datagramsReceived)
                .bytesReceived(bytesReceived).receiveQueueDrops(receiveQueueDrops).sendBufferDrops(sendBufferDrops)
                .truncatedDatagrams(truncatedDatagrams).portUnreachable(portUnreachable).gsoFallbacks(gsoFallbacks)
                .sourceDrops(sourceDrops).transmitOffload(transmitOffload).receiveOffload(receiveOffload);
    }

    @Override
    public String toString() {
        return "UdpStatistics[sent=" + datagramsSent + " (" + bytesSent + " B), received=" + datagramsReceived
                + " (" + bytesReceived + " B), receiveQueueDrops=" + receiveQueueDrops + ", sendBufferDrops="
                + sendBufferDrops + ", truncated=" + truncatedDatagrams + ", portUnreachable=" + portUnreachable
                + ", gsoFallbacks=" + gsoFallbacks + ", sourceDrops=" + sourceDrops + ", gso=" + transmitOffload
                + ", gro=" + receiveOffload + "]";
    }

    /** Builds {@link UdpStatistics}; for implementations. */
    public static final class Builder {
        private long datagramsSent = UNAVAILABLE;
        private long bytesSent = UNAVAILABLE;
        private long datagramsReceived = UNAVAILABLE;
        private long bytesReceived = UNAVAILABLE;
        private long receiveQueueDrops = UNAVAILABLE;
        private long sendBufferDrops = UNAVAILABLE;
        private long truncatedDatagrams = UNAVAILABLE;
        private long portUnreachable = UNAVAILABLE;
        private long gsoFallbacks = UNAVAILABLE;
        private long sourceDrops = UNAVAILABLE;
        private boolean transmitOffload;
        private boolean receiveOffload;

        private Builder() {}

        /**
         * Sets {@link UdpStatistics#datagramsSent()}.
         *
         * @param v the count
         * @return this
         */
        public Builder datagramsSent(long v) {
            datagramsSent = v;
            return this;
        }

        /**
         * Sets {@link UdpStatistics#bytesSent()}.
         *
         * @param v the count
         * @return this
         */
        public Builder bytesSent(long v) {
            bytesSent = v;
            return this;
        }

        /**
         * Sets {@link UdpStatistics#datagramsReceived()}.
         *
         * @param v the count
         * @return this
         */
        public Builder datagramsReceived(long v) {
            datagramsReceived = v;
            return this;
        }

        /**
         * Sets {@link UdpStatistics#bytesReceived()}.
         *
         * @param v the count
         * @return this
         */
        public Builder bytesReceived(long v) {
            bytesReceived = v;
            return this;
        }

        /**
         * Sets {@link UdpStatistics#receiveQueueDrops()}.
         *
         * @param v the count
         * @return this
         */
        public Builder receiveQueueDrops(long v) {
            receiveQueueDrops = v;
            return this;
        }

        /**
         * Sets {@link UdpStatistics#sendBufferDrops()}.
         *
         * @param v the count
         * @return this
         */
        public Builder sendBufferDrops(long v) {
            sendBufferDrops = v;
            return this;
        }

        /**
         * Sets {@link UdpStatistics#truncatedDatagrams()}.
         *
         * @param v the count
         * @return this
         */
        public Builder truncatedDatagrams(long v) {
            truncatedDatagrams = v;
            return this;
        }

        /**
         * Sets {@link UdpStatistics#portUnreachable()}.
         *
         * @param v the count
         * @return this
         */
        public Builder portUnreachable(long v) {
            portUnreachable = v;
            return this;
        }

        /**
         * Sets {@link UdpStatistics#gsoFallbacks()}.
         *
         * @param v the count
         * @return this
         */
        public Builder gsoFallbacks(long v) {
            gsoFallbacks = v;
            return this;
        }

        /**
         * Sets {@link UdpStatistics#sourceDrops()}.
         *
         * @param v the count
         * @return this
         */
        public Builder sourceDrops(long v) {
            sourceDrops = v;
            return this;
        }

        /**
         * Sets {@link UdpStatistics#transmitOffload()}.
         *
         * @param v whether GSO is on
         * @return this
         */
        public Builder transmitOffload(boolean v) {
            transmitOffload = v;
            return this;
        }

        /**
         * Sets {@link UdpStatistics#receiveOffload()}.
         *
         * @param v whether GRO is on
         * @return this
         */
        public Builder receiveOffload(boolean v) {
            receiveOffload = v;
            return this;
        }

        /**
         * Returns the statistics.
         *
         * @return a new snapshot
         */
        public UdpStatistics build() {
            return new UdpStatistics(this);
        }
    }
}
