package dev.batchudp.network.loopback;

import dev.batchudp.network.Ecn;
import dev.batchudp.network.SocketAddresses;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * One thing that happened to a datagram on a {@link LoopbackNetwork}, recorded by a
 * {@link LoopbackTrace}. Every datagram has a {@link Kind#SENT} event, then, for each copy, the events
 * of its way: {@link Kind#CORRUPTED}, {@link Kind#DUPLICATED} (the copy's first event),
 * {@link Kind#ECN_MARKED}, {@link Kind#HELD} and {@link Kind#RELEASED}, and exactly one outcome, {@link Kind#DELIVERED} or
 * {@link Kind#DROPPED} with a {@link Cause}.
 *
 * @param sequence the datagram's number on the network, as {@link LoopbackRule.Datagram#sequence()}
 * @param copy 0 for the datagram as sent, 1 for a duplicate
 * @param kind what happened
 * @param cause why it was dropped, for {@link Kind#DROPPED}; else {@code null}
 * @param time when, on the network's clock (time since the network was created)
 * @param sourceHost the sending host's name
 * @param source the source address
 * @param destinationHost the name of the host owning the destination, or {@code null} if none does
 * @param destination the destination address
 * @param length the payload length in bytes
 * @param trafficClass the IPv4 TOS byte or IPv6 traffic class at this point, 0-255: as sent, and with the
 *     ECN codepoint {@code CE} from {@link Kind#ECN_MARKED} on (since 0.2)
 * @param hopLimit the TTL or hop limit the datagram was sent with, 0-255 (since 0.2)
 * @since 0.1
 */
public record TraceEvent(long sequence, int copy, Kind kind, Cause cause, Duration time, String sourceHost,
        InetSocketAddress source, String destinationHost, InetSocketAddress destination, int length,
        int trafficClass, int hopLimit) {

    /**
     * Checks the components.
     *
     * @param sequence the sequence number
     * @param copy the copy number
     * @param kind the kind
     * @param cause the drop cause, for drops only
     * @param time the clock time
     * @param sourceHost the source host
     * @param source the source address
     * @param destinationHost the destination host, or {@code null}
     * @param destination the destination address
     * @param length the payload length
     * @param trafficClass the traffic class, 0-255
     * @param hopLimit the hop limit, 0-255
     */
    public TraceEvent {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(sourceHost, "sourceHost");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(destination, "destination");
        if ((kind == Kind.DROPPED) != (cause != null)) {
            throw new IllegalArgumentException("a drop needs a cause, and only a drop has one: " + kind + " " + cause);
        }
        if (trafficClass < 0 || trafficClass > 255 || hopLimit < 0 || hopLimit > 255) {
            throw new IllegalArgumentException("traffic class " + trafficClass + " and hop limit " + hopLimit
                    + " must be 0-255");
        }
    }

    /**
     * Creates an event of a datagram sent without control messages: traffic class 0, hop limit 64.
     *
     * @param sequence the sequence number
     * @param copy the copy number
     * @param kind the kind
     * @param cause the drop cause, for drops only
     * @param time the clock time
     * @param sourceHost the source host
     * @param source the source address
     * @param destinationHost the destination host, or {@code null}
     * @param destination the destination address
     * @param length the payload length
     */
    public TraceEvent(long sequence, int copy, Kind kind, Cause cause, Duration time, String sourceHost,
            InetSocketAddress source, String destinationHost, InetSocketAddress destination, int length) {
        this(sequence, copy, kind, cause, time, sourceHost, source, destinationHost, destination, length, 0, 64);
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

    /** What happened to a datagram. */
    public enum Kind {
        /** Accepted by {@code send}; each datagram has exactly one, first. */
        SENT,
        /** Dropped (an outcome); {@link TraceEvent#cause()} says why. */
        DROPPED,
        /** A copy was made; this is the copy's first event, and it gets its own outcome. */
        DUPLICATED,
        /** A bit of the payload was flipped. */
        CORRUPTED,
        /**
         * An ECN-capable datagram was marked {@link Ecn#CE} by a link queue above its
         * {@linkplain Impairments#ecnMarkThreshold() threshold}; {@link TraceEvent#trafficClass()} is the
         * new value.
         *
         * @since 0.2
         */
        ECN_MARKED,
        /** Reached the end of a held link and waits there. */
        HELD,
        /** Released from a held link; its outcome follows at once. */
        RELEASED,
        /** Placed in the destination connection's receive queue (an outcome). */
        DELIVERED;

        /**
         * Returns the lower-case name used in JSON Lines and pcapng comments.
         *
         * @return for example {@code "delivered"}
         */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Why a datagram was dropped. */
    public enum Cause {
        /** Random loss: independent, correlated or Gilbert–Elliott ({@link Impairments}). */
        LOSS,
        /** A partition cut the link, when it was sent or when it arrived. */
        PARTITION,
        /** A {@link LoopbackRule} returned {@link Verdict#drop()}. */
        RULE,
        /** A {@link LoopbackRule} threw; the exception reached the sender. */
        RULE_FAILED,
        /** Larger than the link's {@link Impairments#mtu()}. */
        LINK_MTU,
        /** The link's bandwidth queue was full ({@link Impairments#queueLimit()}): tail drop. */
        QUEUE_LIMIT,
        /** Nothing was bound to the destination (or the destination address is no host's). */
        NO_LISTENER,
        /** The destination host was down ({@link LoopbackHost#crash()}). */
        HOST_DOWN,
        /** The destination connection's receive queue was full. */
        QUEUE_FULL,
        /** The network closed while the datagram was in flight or held. */
        NETWORK_CLOSED;

        /**
         * Returns the lower-case name used in JSON Lines and pcapng comments.
         *
         * @return for example {@code "queue_full"}
         */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Returns whether this event ends a copy's way: {@link Kind#DELIVERED} or {@link Kind#DROPPED}.
     *
     * @return whether this is an outcome
     */
    public boolean isOutcome() {
        return kind == Kind.DELIVERED || kind == Kind.DROPPED;
    }

    /**
     * Returns this event as one line of JSON, without the line break: the keys {@code seq},
     * {@code copy}, {@code event}, {@code cause} (drops only), {@code timeNanos}, {@code from},
     * {@code to} (absent when no host owns the destination), {@code src}, {@code dst}, {@code length},
     * {@code tclass} and {@code hopLimit}.
     *
     * @return the JSON object
     */
    public String toJson() {
        StringBuilder sb = new StringBuilder(160).append("{\"seq\":").append(sequence).append(",\"copy\":").append(copy)
                .append(",\"event\":\"").append(kind.label()).append('"');
        if (cause != null) {
            sb.append(",\"cause\":\"").append(cause.label()).append('"');
        }
        sb.append(",\"timeNanos\":").append(time.toNanos()).append(",\"from\":");
        string(sb, sourceHost);
        if (destinationHost != null) {
            sb.append(",\"to\":");
            string(sb, destinationHost);
        }
        sb.append(",\"src\":\"").append(SocketAddresses.format(source)).append("\",\"dst\":\"")
                .append(SocketAddresses.format(destination)).append("\",\"length\":").append(length)
                .append(",\"tclass\":").append(trafficClass).append(",\"hopLimit\":").append(hopLimit).append('}');
        return sb.toString();
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        sb.append('"');
    }

    @Override
    public String toString() {
        return "#" + sequence + (copy > 0 ? "." + copy : "") + " " + time + " " + kind.label()
                + (cause != null ? " (" + cause.label() + ")" : "") + " " + sourceHost + " "
                + SocketAddresses.format(source) + " -> " + (destinationHost == null ? "?" : destinationHost) + " "
                + SocketAddresses.format(destination) + " (" + length + " bytes)";
    }
}
