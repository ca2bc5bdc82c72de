package dev.batchudp.network.loopback;

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
 * @since 0.1
 */
public record CapturedDatagram(long sequence, Duration time, Instant timestamp, String sourceHost,
        InetSocketAddress source, String destinationHost, InetSocketAddress destination, byte[] payload) {

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
     */
    public CapturedDatagram {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(sourceHost, "sourceHost");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(destination, "destination");
        payload = payload.clone();
    }

    /** Wraps a payload the network owns and never changes, without copying it. */
    static CapturedDatagram own(long sequence, Duration time, Instant timestamp, String sourceHost,
            InetSocketAddress source, String destinationHost, InetSocketAddress destination, byte[] payload) {
        return new CapturedDatagram(sequence, time, timestamp, sourceHost, source, destinationHost, destination,
                payload);
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
                && Arrays.equals(payload, c.payload);
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
