package dev.batchudp.network.testing;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Locale;

/**
 * Payloads and addresses for network tests: deterministic datagram contents that differ by seed, so
 * a test can tell which datagram it received, and the loopback socket addresses the contract suite
 * binds to.
 *
 * @since 0.1
 */
public final class Datagrams {
    /** {@code 127.0.0.1}. */
    public static final InetAddress LOOPBACK4 = literal(new byte[] {127, 0, 0, 1});

    /** {@code ::1}. */
    public static final InetAddress LOOPBACK6 =
            literal(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});

    /** {@code 0.0.0.0}. */
    public static final InetAddress WILDCARD4 = literal(new byte[4]);

    /** {@code ::}. */
    public static final InetAddress WILDCARD6 = literal(new byte[16]);

    /** A buffer size that holds any UDP datagram: 65,536 bytes. */
    public static final int MAX_BUFFER = 65_536;

    private Datagrams() {}

    private static InetAddress literal(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Returns {@code 127.0.0.1:port}.
     *
     * @param port the port, 0 for an ephemeral one
     * @return the socket address
     */
    public static InetSocketAddress loopback4(int port) {
        return new InetSocketAddress(LOOPBACK4, port);
    }

    /**
     * Returns {@code [::1]:port}.
     *
     * @param port the port, 0 for an ephemeral one
     * @return the socket address
     */
    public static InetSocketAddress loopback6(int port) {
        return new InetSocketAddress(LOOPBACK6, port);
    }

    /**
     * Returns deterministic pseudo-random bytes; equal arguments give equal bytes and different seeds
     * give different bytes.
     *
     * @param length the number of bytes, not negative
     * @param seed selects the contents
     * @return a new array
     */
    public static byte[] bytes(int length, int seed) {
        byte[] b = new byte[length];
        int x = seed * 0x9E3779B9 + 0x7F4A7C15;
        for (int i = 0; i < length; i++) {
            x ^= x << 13;
            x ^= x >>> 17;
            x ^= x << 5;
            b[i] = (byte) x;
        }
        return b;
    }

    /**
     * Returns a heap buffer holding {@link #bytes(int, int)}, positioned at 0 with the limit at
     * {@code length}, ready to send.
     *
     * @param length the number of bytes
     * @param seed selects the contents
     * @return a new buffer
     */
    public static ByteBuffer payload(int length, int seed) {
        return ByteBuffer.wrap(bytes(length, seed));
    }

    /**
     * Returns the bytes a receive stored: those between {@code start} and the buffer's position.
     * The buffer is not modified.
     *
     * @param buffer a buffer a receive wrote into
     * @param start the position the buffer had before the receive
     * @return a new array
     */
    public static byte[] received(ByteBuffer buffer, int start) {
        byte[] b = new byte[buffer.position() - start];
        ByteBuffer view = buffer.duplicate();
        view.position(start);
        view.get(b);
        return b;
    }

    /**
     * Returns the first {@code length} bytes of an array, for comparing a truncated datagram.
     *
     * @param bytes the array
     * @param length how many bytes to keep
     * @return a new array
     */
    public static byte[] prefix(byte[] bytes, int length) {
        return Arrays.copyOf(bytes, length);
    }

    /**
     * Fails unless two payloads are equal, with a short message (lengths, the first differing byte
     * and how many differ) instead of printing both arrays, which can be 64 KiB long.
     *
     * @param expected the bytes that should have arrived
     * @param actual the bytes that did
     * @param context what was done, for the failure message
     * @throws AssertionError if they differ
     */
    public static void assertSameBytes(byte[] expected, byte[] actual, String context) {
        String difference = difference(expected, actual);
        if (difference != null) {
            throw new AssertionError(context + ": got " + difference);
        }
    }

    /**
     * Describes how {@code actual} differs from {@code expected}, or returns {@code null} if they are
     * equal.
     */
    static String difference(byte[] expected, byte[] actual) {
        int common = Math.min(expected.length, actual.length);
        int first = -1;
        int differing = 0;
        for (int i = 0; i < common; i++) {
            if (expected[i] != actual[i]) {
                if (first < 0) {
                    first = i;
                }
                differing++;
            }
        }
        if (first < 0 && expected.length == actual.length) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        b.append(actual.length).append(" bytes");
        if (actual.length != expected.length) {
            b.append(" instead of ").append(expected.length);
        }
        if (first >= 0) {
            b.append(String.format(Locale.ROOT,
                    "; %d of the first %d differ, the first at index %d: 0x%02x, expected 0x%02x",
                    differing, common, first, actual[first] & 0xff, expected[first] & 0xff));
        } else {
            b.append(" (the first ").append(common).append(" are right)");
        }
        return b.toString();
    }
}
