package dev.batchudp.bind;

import java.io.IOException;

/**
 * A {@link Bind} whose sockets can be pinned to an interface: wireguard-go's
 * {@code BindSocketToInterface}. On Linux this sets {@code IP_UNICAST_IF} / {@code IPV6_UNICAST_IF}
 * (unicast sends leave through that interface; receiving is unaffected).
 *
 * <p><b>Blackhole.</b> With {@code blackhole} set, every send to that family returns at once
 * without sending anything and without an error, until the next call for that family with
 * {@code false} or until the bind is closed (close clears it).
 *
 * @since 0.1
 */
public interface BindSocketToInterface {

    /**
     * Pins the IPv4 socket to an interface.
     *
     * @param interfaceIndex the interface index, 0 for none
     * @param blackhole whether IPv4 sends are to be dropped locally
     * @throws java.nio.channels.ClosedChannelException if no IPv4 socket is open
     * @throws UnsupportedOperationException if the socket has no native control (portable sockets,
     *     the loopback network)
     * @throws IOException if the kernel refuses the option
     */
    void bindSocketToInterface4(int interfaceIndex, boolean blackhole) throws IOException;

    /**
     * Pins the IPv6 socket to an interface.
     *
     * @param interfaceIndex the interface index, 0 for none
     * @param blackhole whether IPv6 sends are to be dropped locally
     * @throws java.nio.channels.ClosedChannelException if no IPv6 socket is open
     * @throws UnsupportedOperationException if the socket has no native control
     * @throws IOException if the kernel refuses the option
     */
    void bindSocketToInterface6(int interfaceIndex, boolean blackhole) throws IOException;
}
