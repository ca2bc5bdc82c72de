package dev.batchudp.bind.linux.internal;

/**
 * {@code struct cmsghdr}, the header of one control message ({@code <bits/socket.h>}, cmsg(3)):
 * <pre>
 * struct cmsghdr {
 *     size_t cmsg_len;    // offset  0: CMSG_LEN(data length)
 *     int    cmsg_level;  // offset  8
 *     int    cmsg_type;   // offset 12
 *     // unsigned char cmsg_data[]; at offset 16
 * };                      // size 16 on LP64
 * </pre>
 * Records are aligned to {@code sizeof(size_t)} = 8: {@code CMSG_LEN(n) = 16 + n},
 * {@code CMSG_SPACE(n) = 16 + align8(n)}.
 */
public final class Cmsghdr {
    private Cmsghdr() {}

    /** {@code sizeof(struct cmsghdr)}. */
    public static final int SIZE = 16;
    /** {@code offsetof(struct cmsghdr, cmsg_len)}. */
    public static final int CMSG_LEN = 0;
    /** {@code offsetof(struct cmsghdr, cmsg_level)}. */
    public static final int CMSG_LEVEL = 8;
    /** {@code offsetof(struct cmsghdr, cmsg_type)}. */
    public static final int CMSG_TYPE = 12;
    /** Offset of {@code cmsg_data}: {@code CMSG_LEN(0)}. */
    public static final int CMSG_DATA = 16;

    /**
     * {@code CMSG_ALIGN(n)}.
     *
     * @param n bytes
     * @return {@code n} rounded up to a multiple of 8
     */
    public static int align(int n) {
        return (n + 7) & ~7;
    }

    /**
     * {@code CMSG_LEN(n)}: the {@code cmsg_len} of a record with {@code n} data bytes.
     *
     * @param n data bytes
     * @return {@code 16 + n}
     */
    public static int len(int n) {
        return CMSG_DATA + n;
    }

    /**
     * {@code CMSG_SPACE(n)}: the room a record with {@code n} data bytes takes.
     *
     * @param n data bytes
     * @return {@code 16 + align(n)}
     */
    public static int space(int n) {
        return SIZE + align(n);
    }
}
