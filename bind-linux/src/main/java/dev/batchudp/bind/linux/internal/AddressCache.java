package dev.batchudp.bind.linux.internal;

import static dev.batchudp.bind.linux.internal.LinuxConstants.AF_INET;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * Avoids building an {@link InetSocketAddress} per received datagram: each slot of a batch
 * remembers the raw socket address it decoded last (as three longs: family, port and address
 * bytes, scope; never the flow label) and the object it built. A datagram whose raw address
 * matches its slot's entry, or the entry of the slot before it (consecutive datagrams from one
 * peer), reuses that object. A hit allocates nothing.
 *
 * <p>Confined to the thread that holds the owning arena's lock.
 */
final class AddressCache {
    private final long[] key0;
    private final long[] key1;
    private final long[] key2;
    private final InetSocketAddress[] values;

    AddressCache(int slots) {
        key0 = new long[slots];
        key1 = new long[slots];
        key2 = new long[slots];
        values = new InetSocketAddress[slots];
    }

    /**
     * Returns the address at {@code offset}, decoding it only when it differs from what slot
     * {@code slot} or {@code slot - 1} saw last.
     *
     * @param slot the slot
     * @param block the block
     * @param offset the socket address's offset
     * @return the address
     */
    InetSocketAddress lookup(int slot, ByteBuffer block, int offset) {
        int family = block.getShort(offset) & 0xffff;
        long k0;
        long k1;
        long k2;
        if (family == AF_INET) {
            k0 = block.getLong(offset); // family, port, address: 8 bytes
            k1 = 0;
            k2 = 0;
        } else {
            // family and port, then the scope id; the flow label (bytes 4..8) is left out.
            k0 = (block.getInt(offset) & 0xFFFF_FFFFL) | ((long) block.getInt(offset + SockaddrIn6.SIN6_SCOPE_ID) << 32);
            k1 = block.getLong(offset + SockaddrIn6.SIN6_ADDR);
            k2 = block.getLong(offset + SockaddrIn6.SIN6_ADDR + 8);
        }
        InetSocketAddress cached = values[slot];
        if (cached != null && key0[slot] == k0 && key1[slot] == k1 && key2[slot] == k2) {
            return cached;
        }
        InetSocketAddress value;
        int prev = slot - 1;
        if (prev >= 0 && values[prev] != null && key0[prev] == k0 && key1[prev] == k1 && key2[prev] == k2) {
            value = values[prev];
        } else {
            value = SocketAddressCodec.decode(block, offset);
        }
        key0[slot] = k0;
        key1[slot] = k1;
        key2[slot] = k2;
        values[slot] = value;
        return value;
    }
}
