package dev.batchudp.bind;

/**
 * Which family {@link StdNetBind#open(int)} opens first; the second is opened on the first's port.
 *
 * @since 0.1
 */
public enum FamilyOrder {
    /** IPv4 first, then IPv6 (the default, as wireguard-go). */
    IPV4_FIRST,
    /** IPv6 first, then IPv4. */
    IPV6_FIRST
}
