package dev.batchudp.network.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.batchudp.network.ControlMessage;
import dev.batchudp.network.Message;
import dev.batchudp.network.UdpConnection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Helpers of {@link AbstractMessageContractTest}: reading a known number of datagrams with
 * {@link UdpConnection#readBatch} (splitting coalesced reads by their {@code UDP_GRO} segment size),
 * and the datagrams those reads return.
 */
final class Batches {
    /** A message's length field before a read, to tell the messages a read did not fill. */
    static final int UNFILLED = -7;

    private Batches() {}

    /**
     * One datagram as a read returned it: its bytes, sender, flags and parsed control records.
     *
     * @param payload the bytes stored
     * @param sender the sender
     * @param flags the message's flags
     * @param control the control records of the read that returned it
     */
    record Datagram(byte[] payload, InetSocketAddress sender, int flags, ControlMessage control) {}

    /** Returns {@code count} messages each with room for any datagram and for every control record. */
    static Message[] roomy(int count) {
        Message[] msgs = new Message[count];
        for (int i = 0; i < count; i++) {
            msgs[i] = new Message(ByteBuffer.allocate(Datagrams.MAX_BUFFER))
                    .control(ByteBuffer.allocate(ControlMessage.RECEIVE_SPACE));
        }
        return msgs;
    }

    /** Marks messages as not filled, so that {@link #assertUnfilled} can check a read left them alone. */
    static void markUnfilled(Message[] msgs) {
        for (Message m : msgs) {
            m.length(UNFILLED).controlLength(UNFILLED).flags(UNFILLED).address(null);
        }
    }

    /** Checks that {@code msgs[from..]} are as {@link #markUnfilled} left them. */
    static void assertUnfilled(Message[] msgs, int from, String context) {
        for (int i = from; i < msgs.length; i++) {
            assertThat(msgs[i].length()).as("%s: message %d, past the count returned, was written", context, i)
                    .isEqualTo(UNFILLED);
            assertThat(msgs[i].flags()).as("%s: flags of message %d", context, i).isEqualTo(UNFILLED);
            assertThat(msgs[i].address()).as("%s: address of message %d", context, i).isNull();
        }
    }

    /**
     * Reads exactly {@code n} datagrams with blocking {@code readBatch} calls of up to {@code batch}
     * messages, each checked to return between 1 and its count. A read coalesced by {@code UDP_GRO}
     * counts as its segments.
     */
    static List<Datagram> read(UdpConnection c, int n, int batch) throws IOException {
        List<Datagram> out = new ArrayList<>();
        Message[] msgs = roomy(batch);
        while (out.size() < n) {
            for (Message m : msgs) {
                m.reset();
            }
            markUnfilled(msgs);
            int count = Math.min(batch, n - out.size());
            int got = c.readBatch(msgs, 0, count, 0);
            assertThat(got).as("readBatch of %d, %d datagrams still expected", count, n - out.size())
                    .isBetween(1, count);
            assertUnfilled(msgs, got, "readBatch of " + count);
            for (int i = 0; i < got; i++) {
                out.addAll(split(msgs[i]));
            }
        }
        assertThat(out).as("datagrams read").hasSize(n);
        return out;
    }

    /** The datagrams of one filled message: itself, or its segments when it was coalesced. */
    static List<Datagram> split(Message m) {
        ControlMessage control = new ControlMessage().parse(m);
        byte[] all = new byte[m.length()];
        m.buffers()[0].get(m.buffers()[0].position(), all);
        int segment = control.groSegmentSize();
        List<Datagram> out = new ArrayList<>();
        if (segment == 0 || all.length <= segment) {
            out.add(new Datagram(all, m.address(), m.flags(), control));
            return out;
        }
        for (int at = 0; at < all.length; at += segment) {
            byte[] part = java.util.Arrays.copyOfRange(all, at, Math.min(all.length, at + segment));
            out.add(new Datagram(part, m.address(), m.flags(), control));
        }
        return out;
    }

    /** The bytes of a message's buffers from their positions to their limits, in order. */
    static byte[] concat(Message m) {
        ByteBuffer all = ByteBuffer.allocate((int) m.remaining());
        for (ByteBuffer b : m.buffers()) {
            all.put(b.duplicate());
        }
        return all.array();
    }
}
