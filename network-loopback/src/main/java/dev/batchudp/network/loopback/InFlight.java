package dev.batchudp.network.loopback;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/** A datagram on its way: scheduled for a time on the clock, or held on its link. Immutable. */
final class InFlight extends Scheduled {
    /** The datagram's sequence number ({@link LoopbackRule.Datagram#sequence()}). */
    final long sequence;
    /** 0 for the original, 1 for a duplicate. */
    final int copy;
    final LinkState link;
    final LoopbackUdpConnection from;
    final boolean ipv6;
    final InetSocketAddress source;
    final InetAddress destination;
    final int port;
    final byte[] payload;
    /** Traffic class and hop limit ({@link ReceiveQueue#header(int, int)}), CE-marked on the way if so decided. */
    final int header;
    private final Simulator simulator;

    InFlight(long due, long order, Simulator simulator, long sequence, int copy, LinkState link,
            LoopbackUdpConnection from, boolean ipv6, InetSocketAddress source, InetAddress destination, int port,
            byte[] payload, int header) {
        super(due, order);
        this.simulator = simulator;
        this.sequence = sequence;
        this.copy = copy;
        this.link = link;
        this.from = from;
        this.ipv6 = ipv6;
        this.source = source;
        this.destination = destination;
        this.port = port;
        this.payload = payload;
        this.header = header;
    }

    @Override
    boolean isDatagram() {
        return true;
    }

    @Override
    void fire() {
        simulator.arrive(this);
    }
}
