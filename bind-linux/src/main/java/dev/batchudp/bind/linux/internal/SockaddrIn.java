package dev.batchudp.bind.linux.internal;

/**
 * {@code struct sockaddr_in} ({@code <netinet/in.h>}, ip(7)):
 * <pre>
 * struct sockaddr_in {
 *     sa_family_t    sin_family;  // offset 0: AF_INET (uint16, host order)
 *     in_port_t      sin_port;    // offset 2: port, network byte order
 *     struct in_addr sin_addr;    // offset 4: 4 bytes, network byte order
 *     unsigned char  sin_zero[8]; // offset 8
 * };                              // size 16
 * </pre>
 * Encoding and decoding is in {@link SocketAddressCodec}.
 */
public final class SockaddrIn {
    private SockaddrIn() {}

    /** {@code sizeof(struct sockaddr_in)}. */
    public static final int SIZE = 16;
    /** {@code offsetof(struct sockaddr_in, sin_family)}. */
    public static final int SIN_FAMILY = 0;
    /** {@code offsetof(struct sockaddr_in, sin_port)}. */
    public static final int SIN_PORT = 2;
    /** {@code offsetof(struct sockaddr_in, sin_addr)}. */
    public static final int SIN_ADDR = 4;
    /** {@code offsetof(struct sockaddr_in, sin_zero)}. */
    public static final int SIN_ZERO = 8;
}
