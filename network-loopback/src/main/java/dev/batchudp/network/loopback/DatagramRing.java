package dev.batchudp.network.loopback;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The storage of a {@link ReceiveQueue}: a ring of datagrams (payload, sender, the address it was sent
 * to, its IP header fields and its drop-count stamp) in parallel arrays. The ring starts small and
 * doubles up to its capacity, so idle connections cost little even when the configured capacity is
 * large. Not thread-safe: the queue's lock guards every method; only {@link #size()} may be read
 * without it.
 */
final class DatagramRing {
    private static final int INITIAL_SLOTS = 16;
    private static final byte[][] NO_PAYLOADS = new byte[0][];
    private static final InetSocketAddress[] NO_SENDERS = new InetSocketAddress[0];
    private static final InetAddress[] NO_DESTINATIONS = new InetAddress[0];
    private static final int[] NO_HEADERS = new int[0];
    private static final long[] NO_DROPS = new long[0];

    private final int capacity;
    private byte[][] payloads;
    private InetSocketAddress[] senders;
    private InetAddress[] destinations;
    /** Each datagram's traffic class and hop limit: {@link ReceiveQueue#header}. */
    private int[] headers;
    /** Each datagram's {@code SO_RXQ_OVFL} stamp. */
    private long[] drops;
    private int head;
    /** Written under the queue's lock; read without it to drop cheaply when full and by simulated waiters. */
    private volatile int count;
    private long bytes;

    /** @param capacity the most datagrams it holds, at least 1 */
    DatagramRing(int capacity) {
        this.capacity = capacity;
        int initial = Math.min(INITIAL_SLOTS, capacity);
        this.payloads = new byte[initial][];
        this.senders = new InetSocketAddress[initial];
        this.destinations = new InetAddress[initial];
        this.headers = new int[initial];
        this.drops = new long[initial];
    }

    /** Datagrams held; may be read without the queue's lock. */
    int size() {
        return count;
    }

    /** Payload bytes held. */
    long bytes() {
        return bytes;
    }

    /** Appends a datagram; the caller has checked that fewer than the capacity are held. */
    void add(byte[] payload, InetSocketAddress sender, InetAddress destination, int header, long dropStamp) {
        if (count == payloads.length) {
            grow();
        }
        int tail = head + count;
        if (tail >= payloads.length) {
            tail -= payloads.length;
        }
        payloads[tail] = payload;
        senders[tail] = sender;
        destinations[tail] = destination;
        headers[tail] = header;
        drops[tail] = dropStamp;
        count++;
        bytes += payload.length;
    }

    /** The oldest datagram's payload; the ring is not empty. */
    byte[] headPayload() {
        return payloads[head];
    }

    InetSocketAddress headSender() {
        return senders[head];
    }

    InetAddress headDestination() {
        return destinations[head];
    }

    int headHeader() {
        return headers[head];
    }

    long headDrops() {
        return drops[head];
    }

    /**
     * Removes the oldest datagram; the ring is not empty.
     *
     * @return its payload's length
     */
    int removeHead() {
        int h = head;
        int length = payloads[h].length;
        payloads[h] = null;
        senders[h] = null;
        destinations[h] = null;
        head = h + 1 == payloads.length ? 0 : h + 1;
        count--;
        bytes -= length;
        return length;
    }

    /** Discards everything and holds nothing from now on (the queue is closed). */
    void discard() {
        payloads = NO_PAYLOADS;
        senders = NO_SENDERS;
        destinations = NO_DESTINATIONS;
        headers = NO_HEADERS;
        drops = NO_DROPS;
        head = 0;
        count = 0;
        bytes = 0;
    }

    private void grow() {
        int length = payloads.length;
        int newLength = (int) Math.min((long) capacity, Math.max(INITIAL_SLOTS, 2L * length));
        payloads = unroll(payloads, new byte[newLength][], length);
        senders = unroll(senders, new InetSocketAddress[newLength], length);
        destinations = unroll(destinations, new InetAddress[newLength], length);
        headers = unroll(headers, new int[newLength], length);
        drops = unroll(drops, new long[newLength], length);
        head = 0;
    }

    /** Copies the ring {@code from} into {@code to} so that it starts at index 0. */
    private <A> A unroll(A from, A to, int length) {
        int firstPart = Math.min(count, length - head);
        System.arraycopy(from, head, to, 0, firstPart);
        System.arraycopy(from, 0, to, firstPart, count - firstPart);
        return to;
    }
}
