package dev.batchudp.network.loopback;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The switching fabric of one {@link LoopbackNetwork}: the single point where a datagram goes from
 * its sender to a destination queue.
 *
 * <p>Every datagram takes this path, starting on the sender's thread:
 * <ol>
 *   <li>{@link #transmit}: resolves the destination host through the {@link AddressRegistry}, finds
 *       the {@link LinkState} from the sending host to it, and counts the datagram as sent on that link.
 *       While nothing is simulated it goes straight on to {@link #deliver}: no lock, no allocation.
 *       Once something is (impairments, a rule, a partition, a hold, a capture), the {@link Simulator}
 *       decides its fate under its lock: drop (counted), deliver now, or schedule on the clock (the
 *       timer thread or {@link ManualClock#advance} later calls {@link #deliver}).
 *   <li>{@link #deliver}: looks up the connection bound to the destination in the destination host's
 *       {@link PortTable}, applies the connected-socket filter, and offers the payload to the
 *       connection's {@link ReceiveQueue}, counting the outcome on the link.
 * </ol>
 * The payload copy is made by the sender before it gets here, and the source address is the sender's
 * precomputed one. Network-wide counters are the sums of the link counters.
 */
final class Fabric {
    /** {@link #deliver} outcomes. */
    static final int DELIVERED = 0;
    static final int NO_LISTENER = 1;
    static final int QUEUE_FULL = 2;
    static final int HOST_DOWN = 3;

    private final AddressRegistry addresses;
    private Simulator simulator;

    Fabric(AddressRegistry addresses) {
        this.addresses = addresses;
    }

    void attach(Simulator simulator) {
        this.simulator = simulator;
    }

    AddressRegistry addresses() {
        return addresses;
    }

    /**
     * Accepts a datagram from a sender. Never blocks and never throws for an undeliverable datagram.
     *
     * @param from the sending connection
     * @param ipv6 the family of sender and destination (already checked to agree)
     * @param source the source address as the receiver will see it
     * @param destination the destination address, not a wildcard
     * @param port the destination port, 1–65535
     * @param payload the payload, owned by the network from now on
     * @param header its traffic class and hop limit ({@link ReceiveQueue#header(int, int)})
     */
    void transmit(LoopbackUdpConnection from, boolean ipv6, InetSocketAddress source, InetAddress destination,
            int port, byte[] payload, int header) {
        LoopbackHost sender = from.host();
        LoopbackHost receiver = addresses.resolve(sender, destination);
        LinkState link = receiver == null ? sender.unroutable : sender.outgoing[receiver.index()];
        link.sent.increment();
        if (simulator.active) {
            simulator.transmit(link, from, ipv6, source, destination, port, payload, header);
            return;
        }
        deliver(link, ipv6, source, destination, port, payload, header);
    }

    /**
     * Places a datagram in the queue of the connection bound to its destination, or drops it.
     *
     * @param link the link it travelled
     * @param ipv6 the family
     * @param source the source address
     * @param destination the destination address, not a wildcard
     * @param port the destination port
     * @param payload the payload
     * @param header its traffic class and hop limit
     * @return {@link #DELIVERED}, {@link #NO_LISTENER}, {@link #QUEUE_FULL} or {@link #HOST_DOWN}
     */
    int deliver(LinkState link, boolean ipv6, InetSocketAddress source, InetAddress destination, int port,
            byte[] payload, int header) {
        LoopbackHost host = link.to;
        LoopbackUdpConnection target = host == null ? null : host.ports(ipv6).lookup(destination, port);
        if (target == null || !target.acceptsFrom(source)) {
            // A crashed host has nothing bound: counted with the datagrams nobody listens for.
            link.droppedNoListener.increment();
            return host != null && host.isDown() ? HOST_DOWN : NO_LISTENER;
        }
        switch (target.queue().offer(payload, source, destination, header)) {
            case ReceiveQueue.ACCEPTED:
                link.delivered.increment();
                return DELIVERED;
            case ReceiveQueue.FULL:
                link.droppedQueueFull.increment();
                return QUEUE_FULL;
            default:
                // Closed between lookup and offer: as if it had never been bound.
                link.droppedNoListener.increment();
                return host.isDown() ? HOST_DOWN : NO_LISTENER;
        }
    }

    LoopbackStats stats() {
        // Read the outcomes before "sent", so a concurrent snapshot never shows more outcomes than sends.
        long inFlight = simulator.inFlight();
        long dr = 0;
        long dq = 0;
        long dn = 0;
        long d = 0;
        long dup = 0;
        long s = 0;
        LoopbackHost[] hosts = addresses.hosts().toArray(new LoopbackHost[0]);
        for (LoopbackHost h : hosts) {
            for (LinkState l : links(h)) {
                dr += l.droppedByRule.sum();
                dq += l.droppedQueueFull.sum();
                dn += l.droppedNoListener.sum();
                d += l.delivered.sum();
                dup += l.duplicated.sum();
            }
        }
        for (LoopbackHost h : hosts) {
            for (LinkState l : links(h)) {
                s += l.sent.sum();
            }
        }
        return new LoopbackStats(s, d, dn, dq, dr, dup, inFlight);
    }

    private static LinkState[] links(LoopbackHost h) {
        LinkState[] out = h.outgoing;
        LinkState[] all = java.util.Arrays.copyOf(out, out.length + 1);
        all[out.length] = h.unroutable;
        return all;
    }
}
