package dev.batchudp.network.loopback;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/** A datagram on its way: scheduled for a time on the clock, or held on its link. Immutable. */
final class InFlight implements Comparable<InFlight> {
    final long due;
    /** Tie-breaker: order of scheduling, so that equal due times deliver in send order. */
    final long order;
    final LinkState link;
    final LoopbackUdpConnection from;
    final boolean ipv6;
    final InetSocketAddress source;
    final InetAddress destination;
    final int port;
    final byte[] payload;

    InFlight(long due, long order, LinkState link, LoopbackUdpConnection from, boolean ipv6,
            InetSocketAddress source, InetAddress destination, int port, byte[] payload) {
        this.due = due;
        this.order = order;
        this.link = link;
        this.from = from;
        this.ipv6 = ipv6;
        this.source = source;
        this.destination = destination;
        this.port = port;
        this.payload = payload;
    }

    @Override
    public int compareTo(InFlight o) {
        int c = Long.compare(due, o.due);
        return c != 0 ? c : Long.compare(order, o.order);
    }

    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(order);
    }
}
