package dev.batchudp.network.loopback;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * A packet-level rule of a {@link LoopbackNetwork}: sees every datagram sent on the network and
 * returns a {@link Verdict}. Rules run in the order they were {@linkplain LoopbackNetwork#addRule
 * installed}; the first verdict that is not {@linkplain Verdict#pass() pass} wins, and when every rule
 * passes, the link's {@link Impairments} apply. A partitioned link drops datagrams before any rule
 * sees them.
 *
 * <pre>{@code
 * // Drop every third datagram from the client, for the duration of the block.
 * try (InstalledRule rule = network.addRule(d -> d.sourceHost().equals("client") && d.sequence() % 3 == 0
 *         ? Verdict.drop() : Verdict.pass())) {
 *     ...
 * }
 * }</pre>
 *
 * <p>Rules are called on the sender's thread, one at a time (the network serialises them with its
 * random source), so they need no synchronisation of their own; they must be quick and must not
 * send on the network.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface LoopbackRule {

    /**
     * Decides the fate of one datagram.
     *
     * @param datagram the datagram, valid only during this call
     * @return the verdict, not {@code null}
     */
    Verdict apply(Datagram datagram);

    /**
     * A datagram as a {@link LoopbackRule} sees it.
     *
     * @since 0.1
     */
    interface Datagram {

        /**
         * Returns the datagram's number: 0 for the first datagram sent on the network, then 1, 2 and
         * so on, in the order the network accepted them.
         *
         * @return the sequence number
         */
        long sequence();

        /**
         * Returns when the datagram was sent, on the network's clock.
         *
         * @return the time since the network was created
         */
        Duration time();

        /**
         * Returns the source address, as the receiver will see it.
         *
         * @return the source
         */
        InetSocketAddress source();

        /**
         * Returns the destination address.
         *
         * @return the destination
         */
        InetSocketAddress destination();

        /**
         * Returns the name of the sending host.
         *
         * @return the source host's name
         */
        String sourceHost();

        /**
         * Returns the name of the host owning the destination address, or {@code null} when no host
         * of the network has that address (the datagram will be dropped as having no listener).
         *
         * @return the destination host's name, or {@code null}
         */
        String destinationHost();

        /**
         * Returns the payload, read-only.
         *
         * @return a read-only buffer over the payload
         */
        ByteBuffer payload();

        /**
         * Returns the datagram's IPv4 TOS byte or IPv6 traffic class as sent: its DSCP and
         * {@linkplain dev.batchudp.network.Ecn ECN} codepoint ({@code IP_TOS}/{@code IPV6_TCLASS} control
         * message of {@link dev.batchudp.network.UdpConnection#writeBatch}, else 0).
         *
         * <p>The default returns 0, for test doubles written before 0.2; the network's datagrams return
         * their own.
         *
         * @return 0 to 255
         * @since 0.2
         */
        default int trafficClass() {
            return 0;
        }

        /**
         * Returns the datagram's TTL or hop limit as sent (the {@code IP_TTL}/{@code IPV6_HOPLIMIT}
         * control message of {@link dev.batchudp.network.UdpConnection#writeBatch}, else
         * 64).
         *
         * <p>The default returns 64, for test doubles
         * written before 0.2.
         *
         * @return 0 to 255
         * @since 0.2
         */
        default int hopLimit() {
            return 64;
        }

        /**
         * Returns the network's seeded random source, for rules that decide by chance and should be
         * repeatable with the seed. Use it only during the call.
         *
         * @return the random source
         */
        RandomGenerator random();
    }
}
