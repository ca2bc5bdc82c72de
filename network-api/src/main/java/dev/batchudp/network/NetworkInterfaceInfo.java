package dev.batchudp.network;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * An interface a {@link Network} knows, the counterpart of Go's {@code net.Interface}.
 *
 * @param name the interface name, such as {@code lo} or {@code eth0}
 * @param index the interface index (positive), as used by {@code IP_PKTINFO} and {@code IP_UNICAST_IF}
 * @param mtu the MTU in bytes, or -1 if unknown
 * @param up whether the interface is up
 * @param loopback whether it is a loopback interface
 * @param addresses its addresses
 * @since 0.1
 */
public record NetworkInterfaceInfo(
        String name, int index, int mtu, boolean up, boolean loopback, List<InetAddress> addresses) {

    /**
     * Validates and copies the components.
     *
     * @param name the interface name
     * @param index the interface index
     * @param mtu the MTU or -1
     * @param up whether it is up
     * @param loopback whether it is loopback
     * @param addresses its addresses
     */
    public NetworkInterfaceInfo {
        Objects.requireNonNull(name, "name");
        addresses = List.copyOf(addresses);
    }
}
