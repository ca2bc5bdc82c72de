package dev.batchudp.bind.linux.internal;

import static dev.batchudp.bind.linux.internal.LinuxConstants.AF_INET;
import static dev.batchudp.bind.linux.internal.LinuxConstants.AF_INET6;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/**
 * Converts between {@link InetSocketAddress} and {@code sockaddr_in}/{@code sockaddr_in6} in a
 * native-order block. Never touches DNS: addresses are built from raw bytes. IPv4-mapped IPv6
 * addresses ({@code ::ffff:a.b.c.d}) decode as {@link Inet4Address}.
 */
public final class SocketAddressCodec {
    private SocketAddressCodec() {}

    /**
     * Encodes an address for a socket of the given domain. For an {@code AF_INET6} socket an IPv4
     * address is written IPv4-mapped.
     *
     * @param block native-order block
     * @param offset where to write; {@link SockaddrIn6#SLOT} bytes are overwritten for
     *     {@code AF_INET6}, {@link SockaddrIn#SIZE} for {@code AF_INET}
     * @param address a resolved address
     * @param inet6 whether the socket is {@code AF_INET6}
     * @return the length to pass as {@code socklen_t}
     * @throws IllegalArgumentException if an IPv6 address is given for an {@code AF_INET} socket
     */
    public static int encode(ByteBuffer block, int offset, InetSocketAddress address, boolean inet6) {
        InetAddress ip = address.getAddress();
        int port = address.getPort();
        if (!inet6) {
            if (!(ip instanceof Inet4Address)) {
                throw new IllegalArgumentException("IPv6 address " + address + " on an IPv4 socket");
            }
            block.putLong(offset, 0L);
            block.putLong(offset + 8, 0L);
            block.putShort(offset + SockaddrIn.SIN_FAMILY, (short) AF_INET);
            putPort(block, offset + SockaddrIn.SIN_PORT, port);
            byte[] b = ip.getAddress();
            for (int i = 0; i < 4; i++) {
                block.put(offset + SockaddrIn.SIN_ADDR + i, b[i]);
            }
            return SockaddrIn.SIZE;
        }
        for (int i = 0; i < SockaddrIn6.SLOT; i += 8) {
            block.putLong(offset + i, 0L);
        }
        block.putShort(offset + SockaddrIn6.SIN6_FAMILY, (short) AF_INET6);
        putPort(block, offset + SockaddrIn6.SIN6_PORT, port);
        byte[] b = ip.getAddress();
        int at = offset + SockaddrIn6.SIN6_ADDR;
        if (b.length == 4) {
            block.put(at + 10, (byte) 0xff);
            block.put(at + 11, (byte) 0xff);
            for (int i = 0; i < 4; i++) {
                block.put(at + 12 + i, b[i]);
            }
        } else {
            for (int i = 0; i < 16; i++) {
                block.put(at + i, b[i]);
            }
            block.putInt(offset + SockaddrIn6.SIN6_SCOPE_ID, ((Inet6Address) ip).getScopeId());
        }
        return SockaddrIn6.SIZE;
    }

    private static void putPort(ByteBuffer block, int at, int port) {
        block.put(at, (byte) (port >>> 8));
        block.put(at + 1, (byte) port);
    }

    /**
     * Decodes a socket address the kernel wrote.
     *
     * @param block the block
     * @param offset where the address starts
     * @return the address, IPv4-mapped addresses unmapped
     * @throws IllegalArgumentException if the family is neither {@code AF_INET} nor {@code AF_INET6}
     */
    public static InetSocketAddress decode(ByteBuffer block, int offset) {
        int family = block.getShort(offset) & 0xffff;
        try {
            if (family == AF_INET) {
                byte[] b = new byte[4];
                for (int i = 0; i < 4; i++) {
                    b[i] = block.get(offset + SockaddrIn.SIN_ADDR + i);
                }
                return new InetSocketAddress(InetAddress.getByAddress(b), port(block, offset + SockaddrIn.SIN_PORT));
            }
            if (family == AF_INET6) {
                byte[] b = new byte[16];
                for (int i = 0; i < 16; i++) {
                    b[i] = block.get(offset + SockaddrIn6.SIN6_ADDR + i);
                }
                int port = port(block, offset + SockaddrIn6.SIN6_PORT);
                int scope = block.getInt(offset + SockaddrIn6.SIN6_SCOPE_ID);
                // getByAddress turns an IPv4-mapped address into an Inet4Address by itself.
                InetAddress ip = scope != 0 && !isMapped(b)
                        ? Inet6Address.getByAddress(null, b, scope)
                        : InetAddress.getByAddress(b);
                return new InetSocketAddress(ip, port);
            }
        } catch (UnknownHostException e) {
            throw new AssertionError("raw address of fixed length rejected", e);
        }
        throw new IllegalArgumentException("unexpected address family " + family);
    }

    private static boolean isMapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }

    private static int port(ByteBuffer block, int at) {
        return ((block.get(at) & 0xff) << 8) | (block.get(at + 1) & 0xff);
    }
}
