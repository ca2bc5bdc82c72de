package dev.batchudp.network.loopback;

import dev.batchudp.network.UdpConnection;
import java.util.Optional;

/**
 * A connection of a {@link LoopbackNetwork}: a {@link UdpConnection} with counters. Connections
 * opened through {@link LoopbackNetwork#openUdp} are typed as this interface; code that holds only a
 * {@link UdpConnection} asks for it as a capability:
 *
 * <pre>{@code
 * long drops = connection.capability(LoopbackConnection.class)
 *         .map(c -> c.stats().droppedQueueFull())
 *         .orElse(0L);
 * }</pre>
 *
 * <p><b>Socket options.</b> {@link java.net.StandardSocketOptions#SO_RCVBUF} is the receive queue's
 * capacity in payload bytes: setting it takes effect for the next datagram to arrive, and reading it
 * returns exactly what was set (Linux doubles the value; this network does not). Its initial value is
 * {@link LoopbackConfiguration#receiveQueueBytes()}. {@link java.net.StandardSocketOptions#SO_SNDBUF}
 * is stored and returned but has no effect, since sending never blocks or queues.
 * {@link dev.batchudp.network.UdpSocketOptions#IP_DONTFRAG} (initially
 * {@link LoopbackConfiguration#dontFragment()}) refuses payloads larger than the
 * {@linkplain LoopbackConfiguration#mtu() MTU} allows; without it the family's UDP maximum applies, as
 * on Linux, which fragments. Other options throw {@link UnsupportedOperationException}.
 *
 * <p><b>Interrupts.</b> As with the JDK's interruptible channels, interrupting a thread blocked in
 * {@code receive} closes the connection and throws
 * {@link java.nio.channels.ClosedByInterruptException}.
 *
 * @since 0.1
 */
public sealed interface LoopbackConnection extends UdpConnection permits LoopbackUdpConnection {

    /**
     * Returns the network that opened this connection.
     *
     * @return the loopback network
     */
    @Override
    LoopbackNetwork network();

    /**
     * Returns the simulated host this connection lives on: the host owning its local address, or for
     * a loopback or wildcard address the host it was opened on ({@value LoopbackNetwork#LOCALHOST}
     * when opened through {@link LoopbackNetwork#openUdp}).
     *
     * @return the host
     */
    LoopbackHost host();

    /**
     * Returns a snapshot of this connection's counters.
     *
     * @return the counters now
     */
    LoopbackConnectionStats stats();

    /**
     * Returns where this connection was opened, when the network
     * {@linkplain LoopbackConfiguration#recordOpenStackTraces() records it}: a throwable whose stack
     * trace is the opener's.
     *
     * @return the open site, or empty when not recorded
     */
    Optional<Throwable> openedAt();
}
