package dev.batchudp.bind.linux;

import dev.batchudp.bind.Bind;
import dev.batchudp.network.UdpFamily;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A seeded random workload for {@link LinuxVsJdkDifferentialTest}: batches of datagrams, each with
 * its family, receive mode, sizes and buffer shapes. Everything, payload bytes included, follows from
 * the seed, so a failure is reproduced by its seed alone.
 *
 * <p>Every datagram of 12 bytes or more starts with its batch number, index and size (big-endian
 * ints), so a wrong delivery says which datagram arrived instead.
 */
final class DifferentialWorkload {
    /** How a batch is received. */
    enum Mode {
        /** {@code ReceiveFunc.receive}: copied into the test's buffers. */
        COPY,
        /** {@code ReceiveFunc.receiveBorrowed}: lent by the bind. */
        BORROW
    }

    /** Sizes every workload sends in both families (plus the family's largest datagram). */
    static final int[] EXTREMES = {0, 1, 1200, 1472};

    /** Receive buffers have this much room beyond the datagram at most. */
    static final int MAX_RECEIVE_SLACK = 32;

    /**
     * One datagram.
     *
     * @param index its place in the batch
     * @param size its length
     * @param sendShape the buffer it is sent from
     * @param receiveShape the buffer it is received into (copying mode)
     * @param receiveSlack room beyond the datagram in that buffer
     * @param layoutSeed seeds the buffers' offsets
     */
    record Datagram(int index, int size, BufferShape sendShape, BufferShape receiveShape, int receiveSlack,
            long layoutSeed) {}

    /**
     * One batch: sent with one {@code send} call per bind batch, then received completely before
     * the next batch is sent.
     *
     * @param number the batch number
     * @param family where it goes: 127.0.0.1 or ::1
     * @param mode how it is received
     * @param kind how its sizes were drawn
     * @param datagrams the datagrams in sending order
     */
    record Batch(int number, UdpFamily family, Mode mode, String kind, List<Datagram> datagrams) {}

    final long seed;
    final List<Batch> batches;

    private DifferentialWorkload(long seed, List<Batch> batches) {
        this.seed = seed;
        this.batches = List.copyOf(batches);
    }

    /**
     * A receive queue's cost of a datagram, generously: the kernel charges a socket's receive buffer
     * with the skb's true size (payload, headers and allocation slack), not the payload.
     */
    static long estimate(int size) {
        return 2L * size + 1024;
    }

    /**
     * Generates a workload. The first four batches cover every family and mode, each with the
     * extreme sizes.
     *
     * @param seed the seed
     * @param batchCount how many batches
     * @param byteBudget the most {@linkplain #estimate estimated} bytes one batch may have in flight
     */
    static DifferentialWorkload generate(long seed, int batchCount, long byteBudget) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Batch> batches = new ArrayList<>();
        for (int b = 0; b < batchCount; b++) {
            UdpFamily family;
            Mode mode;
            if (b < 4) {
                family = b % 2 == 0 ? UdpFamily.UDP4 : UdpFamily.UDP6;
                mode = b < 2 ? Mode.COPY : Mode.BORROW;
            } else {
                family = r.nextBoolean() ? UdpFamily.UDP4 : UdpFamily.UDP6;
                mode = r.nextBoolean() ? Mode.COPY : Mode.BORROW;
            }
            batches.add(batch(r, b, family, mode, b < 4, byteBudget));
        }
        return new DifferentialWorkload(seed, batches);
    }

    private static Batch batch(SplittableRandom r, int number, UdpFamily family, Mode mode, boolean extremes,
            long byteBudget) {
        int max = family.maxPayload();
        int want = switch (r.nextInt(20)) {
            case 0, 1, 2 -> Bind.IDEAL_BATCH_SIZE;
            case 3, 4, 5, 6, 7, 8, 9 -> 1 + r.nextInt(Bind.IDEAL_BATCH_SIZE);
            default -> 1 + r.nextInt(16);
        };
        // Equal sizes (with a shorter last one) and runs of equal sizes are what GSO coalesces and GRO
        // splits; independent sizes mostly are not.
        String kind = extremes ? "extremes" : switch (r.nextInt(3)) {
            case 0 -> "equal";
            case 1 -> "runs";
            default -> "random";
        };
        List<Integer> sizes = new ArrayList<>();
        long bytes = 0;
        if (extremes) {
            for (int s : EXTREMES) {
                sizes.add(s);
                bytes += estimate(s);
            }
            sizes.add(max);
            bytes += estimate(max);
        }
        int equal = size(r, max);
        int run = 0;
        while (sizes.size() < want) {
            int s;
            if (kind.equals("equal")) {
                s = sizes.size() == want - 1 && r.nextBoolean() ? r.nextInt(equal + 1) : equal;
            } else if (kind.equals("runs")) {
                if (run == 0) {
                    equal = size(r, max);
                    run = 1 + r.nextInt(20);
                }
                run--;
                s = equal;
            } else {
                s = size(r, max);
            }
            if (!sizes.isEmpty() && bytes + estimate(s) > byteBudget) {
                break;
            }
            sizes.add(s);
            bytes += estimate(s);
        }
        if (extremes) {
            Collections.shuffle(sizes, new Random(r.nextLong()));
        }
        List<Datagram> datagrams = new ArrayList<>(sizes.size());
        BufferShape[] shapes = BufferShape.values();
        BufferShape[] writable = java.util.Arrays.stream(shapes).filter(BufferShape::writable).toArray(BufferShape[]::new);
        for (int i = 0; i < sizes.size(); i++) {
            int slack = r.nextInt(3) == 0 ? 0 : r.nextInt(MAX_RECEIVE_SLACK + 1);
            datagrams.add(new Datagram(i, sizes.get(i), shapes[r.nextInt(shapes.length)],
                    writable[r.nextInt(writable.length)], slack, r.nextLong()));
        }
        return new Batch(number, family, mode, kind, datagrams);
    }

    /** Mostly small and medium datagrams, some at the extremes, a few anywhere up to the maximum. */
    private static int size(SplittableRandom r, int max) {
        int p = r.nextInt(100);
        if (p < 8) {
            int e = r.nextInt(EXTREMES.length + 1);
            return e == EXTREMES.length ? max : EXTREMES[e];
        }
        if (p < 58) {
            return r.nextInt(1501);
        }
        if (p < 88) {
            return 1501 + r.nextInt(7500);
        }
        return r.nextInt(max + 1);
    }

    /** Returns the bytes of a datagram. */
    byte[] payload(Batch batch, Datagram d) {
        byte[] p = new byte[d.size()];
        new SplittableRandom(seed ^ (batch.number() * 0x9E3779B97F4A7C15L) ^ (d.index() * 0xC2B2AE3D27D4EB4FL))
                .nextBytes(p);
        if (p.length >= 12) {
            ByteBuffer.wrap(p).putInt(batch.number()).putInt(d.index()).putInt(d.size());
        }
        return p;
    }

    /** Says which datagram some received bytes claim to be, for failure messages. */
    static String identify(ByteBuffer received, int size) {
        if (received == null) {
            return "(no buffer)";
        }
        if (size < 12 || received.remaining() < 12) {
            return "(too short to identify)";
        }
        int p = received.position();
        return "(its header says batch " + received.getInt(p) + ", index " + received.getInt(p + 4) + ", size "
                + received.getInt(p + 8) + ")";
    }

    /** Returns the number of datagrams. */
    int datagramCount() {
        return batches.stream().mapToInt(b -> b.datagrams().size()).sum();
    }

    /** Returns the shapes sent from, and received into (copying batches only). */
    Set<BufferShape> sendShapes() {
        Set<BufferShape> s = EnumSet.noneOf(BufferShape.class);
        batches.forEach(b -> b.datagrams().forEach(d -> s.add(d.sendShape())));
        return s;
    }

    Set<BufferShape> receiveShapes() {
        Set<BufferShape> s = EnumSet.noneOf(BufferShape.class);
        batches.stream().filter(b -> b.mode() == Mode.COPY).forEach(b -> b.datagrams().forEach(d -> s.add(d.receiveShape())));
        return s;
    }

    @Override
    public String toString() {
        return "workload seed 0x" + Long.toHexString(seed) + ": " + batches.size() + " batches, " + datagramCount()
                + " datagrams";
    }
}
