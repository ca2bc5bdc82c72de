package dev.batchudp.network.loopback;

import dev.batchudp.network.Ecn;
import dev.batchudp.network.SocketAddresses;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * One datagram recorded by a {@link LoopbackCapture}, as it was sent (before loss, corruption or
 * delay).
 *
 * @param sequence the datagram's number on the network, as {@link LoopbackRule.Datagram#sequence()}
 * @param time when it was sent, on the network's clock (time since the network was created)
 * @param timestamp when it was sent, as an instant ({@link LoopbackClock#instant()})
 * @param sourceHost the sending host's name
 * @param source the source address
 * @param destinationHost the name of the host owning the destination, or {@code null} if none does
 * @param destination the destination address
 * @param payload the payload (a copy is returned on every call)
 * @param trafficClass the IPv4 TOS byte or IPv6 traffic class it was sent with (DSCP and ECN), 0-255
 *     (since 0.2)
 * @param hopLimit the TTL or hop limit it was sent with, 0-255 (since 0.2)
 * @since 0.1
 */
public record CapturedDatagram(long sequence, Duration time, Instant timestamp, String sourceHost,
        InetSocketAddress source, String destinationHost, InetSocketAddress destination, byte[] payload,
        int trafficClass, int hopLimit) {

    /**
     * Checks and copies the components.
     *
     * @param sequence the sequence number
     * @param time the clock time
     * @param timestamp the instant
     * @param sourceHost the source host
     * @param source the source address
     * @param destinationHost the destination host or {@code null}
     * @param destination the destination address
     * @param payload the payload, copied
     * @param trafficClass the traffic class, 0-255
     * @param hopLimit the hop limit, 0-255
     */
    public CapturedDatagram {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(sourceHost, "sourceHost");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(destination, "destination");
        payload = payload.clone();
        if (trafficClass < 0 || trafficClass > 255 || hopLimit < 0 || hopLimit > 255) {
            throw new IllegalArgumentException("traffic class " + trafficClass + " and hop limit " + hopLimit
                    + " must be 0-255");
        }
    }

    /**
     * Creates a datagram sent without control messages: traffic class 0, hop limit 64.
     *
     * @param sequence the sequence number
     * @param time the clock time
     * @param timestamp the instant
     * @param sourceHost the source host
     * @param source the source address
     * @param destinationHost the destination host or {@code null}
     * @param destination the destination address
     * @param payload the payload, copied
     */
    public CapturedDatagram(long sequence, Duration time, Instant timestamp, String sourceHost,
            InetSocketAddress source, String destinationHost, InetSocketAddress destination, byte[] payload) {
        this(sequence, time, timestamp, sourceHost, source, destinationHost, destination, payload, 0, 64);
    }

    /**
     * Returns the ECN codepoint of {@link #trafficClass()}.
     *
     * @return the codepoint
     * @since 0.2
     */
    public Ecn ecn() {
        return Ecn.ofTrafficClass(trafficClass);
    }

    /** Wraps a payload the network owns and never changes, without copying it. */
    static CapturedDatagram own(long sequence, Duration time, Instant timestamp, String sourceHost,
            InetSocketAddress source, String destinationHost, InetSocketAddress destination, byte[] payload,
            int trafficClass, int hopLimit) {
        return new CapturedDatagram(sequence, time, timestamp, sourceHost, source, destinationHost, destination,
                payload, trafficClass, hopLimit);
    }

    /**
     * Returns a copy of the payload.
     *
     * @return the payload bytes
     */
    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /** Returns the payload itself, for the pcap writer. */
    byte[] payloadNoCopy() {
        return payload;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof CapturedDatagram)) {
            return false;
        }
        CapturedDatagram c = (CapturedDatagram) o;
        return sequence == c.sequence && time.equals(c.time) && timestamp.equals(c.timestamp)
                && sourceHost.equals(c.sourceHost) && source.equals(c.source)
                && Objects.equals(destinationHost, c.destinationHost) && destination.equals(c.destination)
                && Arrays.equals(payload, c.payload) && trafficClass == c.trafficClass && hopLimit == c.hopLimit;
    }

    @Override
    public int hashCode() {
        return Objects.hash(sequence, time, source, destination) * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "#" + sequence + " " + time + " " + sourceHost + " " + SocketAddresses.format(source) + " -> "
                + (destinationHost == null ? "?" : destinationHost) + " " + SocketAddresses.format(destination)
                + " (" + payload.length + " bytes)";
    }
}
