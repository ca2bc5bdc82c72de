package dev.batchudp.bind.linux.internal;

/**
 * {@code struct sockaddr_in6} ({@code <netinet/in.h>}, ipv6(7)):
 * <pre>
 * struct sockaddr_in6 {
 *     sa_family_t     sin6_family;   // offset  0: AF_INET6 (uint16, host order)
 *     in_port_t       sin6_port;     // offset  2: port, network byte order
 *     uint32_t        sin6_flowinfo; // offset  4
 *     struct in6_addr sin6_addr;     // offset  8: 16 bytes
 *     uint32_t        sin6_scope_id; // offset 24
 * };                                 // size 28
 * </pre>
 * Slots for received addresses are {@link #SLOT} bytes apart (28 rounded up to 8) so that every
 * slot is 8-byte aligned. Encoding and decoding is in {@link SocketAddressCodec}.
 */
public final class SockaddrIn6 {
    private SockaddrIn6() {}

    /** {@code sizeof(struct sockaddr_in6)}. */
    public static final int SIZE = 28;
    /** {@code offsetof(struct sockaddr_in6, sin6_family)}. */
    public static final int SIN6_FAMILY = 0;
    /** {@code offsetof(struct sockaddr_in6, sin6_port)}. */
    public static final int SIN6_PORT = 2;
    /** {@code offsetof(struct sockaddr_in6, sin6_flowinfo)}. */
    public static final int SIN6_FLOWINFO = 4;
    /** {@code offsetof(struct sockaddr_in6, sin6_addr)}. */
    public static final int SIN6_ADDR = 8;
    /** {@code offsetof(struct sockaddr_in6, sin6_scope_id)}. */
    public static final int SIN6_SCOPE_ID = 24;
    /** Stride of a socket-address slot in a preallocated array: large enough for either family. */
    public static final int SLOT = 32;
}
