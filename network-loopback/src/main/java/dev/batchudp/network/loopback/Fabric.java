package dev.batchudp.network.loopback;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.LongAdder;

/**
 * The switching fabric of one {@link LoopbackNetwork}: who is bound where, and the single point
 * where a datagram goes from its sender to a destination queue.
 *
 * <p>Every datagram takes this path, synchronously on the sender's thread:
 * <ol>
 *   <li>{@link #transmit}: counts it as sent. <em>Impairments hook in here:</em> a rule chain
 *       (loss, delay, reorder, partitions, per-link rules; a seeded RNG and a manual clock) will
 *       return a verdict per datagram: pass on to {@link #deliver} now, drop (counted), or hold for
 *       later delivery by the clock. A capture tap (pcap) also belongs here, since it sees each
 *       datagram once with its source and destination.
 *   <li>{@link #deliver}: resolves the destination through the {@link AddressRegistry} and the
 *       family's {@link PortTable}, applies the connected-socket filter, and offers the payload to
 *       the destination's {@link ReceiveQueue}, counting the outcome.
 * </ol>
 * Nothing on this path allocates; the payload copy is made by the sender before it gets here, and
 * the source address is the sender's precomputed one.
 */
final class Fabric {
    private final AddressRegistry addresses;
    private final PortTable ipv4;
    private final PortTable ipv6;

    private final LongAdder sent = new LongAdder();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder droppedNoListener = new LongAdder();
    private final LongAdder droppedQueueFull = new LongAdder();

    Fabric(AddressRegistry addresses, LoopbackConfiguration configuration) {
        this.addresses = addresses;
        this.ipv4 = new PortTable("udp4", configuration.ephemeralPortFirst(), configuration.ephemeralPortLast());
        this.ipv6 = new PortTable("udp6", configuration.ephemeralPortFirst(), configuration.ephemeralPortLast());
    }

    AddressRegistry addresses() {
        return addresses;
    }

    PortTable ports(boolean ipv6) {
        return ipv6 ? this.ipv6 : this.ipv4;
    }

    /**
     * Accepts a datagram from a sender. Never blocks and never throws for an undeliverable datagram.
     *
     * @param ipv6 the family of sender and destination (already checked to agree)
     * @param source the source address as the receiver will see it
     * @param destination the destination address, not a wildcard
     * @param port the destination port, 1–65535
     * @param payload the payload, owned by the network from now on
     */
    void transmit(boolean ipv6, InetSocketAddress source, InetAddress destination, int port, byte[] payload) {
        sent.increment();
        // Future: verdict = rules.apply(source, destination, port, payload); PASS -> deliver,
        // DROP -> droppedByRule, DELAY -> scheduler.hold(...) which later calls deliver.
        deliver(ipv6, source, destination, port, payload);
    }

    /**
     * Places a datagram in the queue of the connection bound to its destination, or drops it.
     *
     * @param ipv6 the family
     * @param source the source address
     * @param destination the destination address, not a wildcard
     * @param port the destination port
     * @param payload the payload
     */
    void deliver(boolean ipv6, InetSocketAddress source, InetAddress destination, int port, byte[] payload) {
        LoopbackUdpConnection target = addresses.isLocal(destination)
                ? ports(ipv6).lookup(destination, port)
                : null;
        if (target == null || !target.acceptsFrom(source)) {
            droppedNoListener.increment();
            return;
        }
        switch (target.queue().offer(payload, source)) {
            case ReceiveQueue.ACCEPTED:
                delivered.increment();
                break;
            case ReceiveQueue.FULL:
                droppedQueueFull.increment();
                break;
            default:
                // Closed between lookup and offer: as if it had never been bound.
                droppedNoListener.increment();
                break;
        }
    }

    LoopbackStats stats() {
        // Read the outcomes before "sent", so a concurrent snapshot never shows more outcomes than sends.
        long dq = droppedQueueFull.sum();
        long dn = droppedNoListener.sum();
        long d = delivered.sum();
        return new LoopbackStats(sent.sum(), d, dn, dq);
    }
}
