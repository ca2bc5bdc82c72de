package dev.batchudp.network.loopback;

import dev.batchudp.network.SocketAddresses;
import dev.batchudp.network.UdpConnection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Helpers for the simulation tests. */
final class Sim {
    private Sim() {}

    static InetSocketAddress at(String endpoint) {
        return SocketAddresses.parse(endpoint);
    }

    static void send(UdpConnection from, String text, InetSocketAddress to) throws IOException {
        from.send(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), to);
    }

    static void sendInt(UdpConnection from, int value, InetSocketAddress to) throws IOException {
        from.send(ByteBuffer.allocate(4).putInt(0, value), to);
    }

    /** Takes every datagram already queued (never waits), as strings. */
    static List<String> drain(LoopbackConnection c) throws IOException {
        List<String> out = new ArrayList<>();
        ByteBuffer buf = ByteBuffer.allocate(65_536);
        while (c.stats().queuedDatagrams() > 0) {
            buf.clear();
            c.receive(buf);
            out.add(new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8));
        }
        return out;
    }

    /** Takes every datagram already queued (never waits), as the ints {@link #sendInt} sent. */
    static List<Integer> drainInts(LoopbackConnection c) throws IOException {
        List<Integer> out = new ArrayList<>();
        ByteBuffer buf = ByteBuffer.allocate(64);
        while (c.stats().queuedDatagrams() > 0) {
            buf.clear();
            c.receive(buf);
            out.add(buf.getInt(0));
        }
        return out;
    }

    /** Whether a list is in ascending order. */
    static boolean sorted(List<Integer> list) {
        for (int i = 1; i < list.size(); i++) {
            if (list.get(i) < list.get(i - 1)) {
                return false;
            }
        }
        return true;
    }

    /** Receives one datagram, waiting at most a generous real-time bound (for real-time clock tests). */
    static String receive(UdpConnection c, Duration patience) throws IOException {
        c.setReadTimeout(patience);
        ByteBuffer buf = ByteBuffer.allocate(65_536);
        try {
            c.receive(buf);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("nothing received on " + c, e);
        }
        return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
    }
}
