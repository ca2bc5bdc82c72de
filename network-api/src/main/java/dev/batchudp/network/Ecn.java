package dev.batchudp.network;

/**
 * The Explicit Congestion Notification codepoint of a datagram: the two low bits of the IPv4 TOS byte
 * or IPv6 traffic class (RFC 3168 section 5). QUIC senders mark datagrams {@link #ECT0} (or
 * {@link #ECT1}) and routers under congestion rewrite that to {@link #CE} instead of dropping (RFC
 * 9000 section 13.4).
 *
 * @since 0.2
 */
public enum Ecn {
    /** {@code 00}: not ECN-capable. */
    NOT_ECT(0),
    /** {@code 01}: ECN-capable transport, ECT(1) (L4S, RFC 9331). */
    ECT1(1),
    /** {@code 10}: ECN-capable transport, ECT(0). */
    ECT0(2),
    /** {@code 11}: congestion experienced. */
    CE(3);

    private static final Ecn[] BY_CODEPOINT = {NOT_ECT, ECT1, ECT0, CE};

    private final int codepoint;

    Ecn(int codepoint) {
        this.codepoint = codepoint;
    }

    /**
     * Returns the two-bit codepoint.
     *
     * @return 0 to 3
     */
    public int codepoint() {
        return codepoint;
    }

    /**
     * Returns the codepoint of a TOS byte or traffic class (its two low bits).
     *
     * @param trafficClass the TOS byte or traffic class
     * @return its ECN codepoint
     */
    public static Ecn ofTrafficClass(int trafficClass) {
        return BY_CODEPOINT[trafficClass & 3];
    }

    /**
     * Returns {@code trafficClass} with its two low bits replaced by this codepoint.
     *
     * @param trafficClass a TOS byte or traffic class (its DSCP bits are kept)
     * @return the new traffic class, 0 to 255
     */
    public int applyTo(int trafficClass) {
        return (trafficClass & 0xfc) | codepoint;
    }
}
