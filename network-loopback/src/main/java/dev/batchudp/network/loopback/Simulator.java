package dev.batchudp.network.loopback;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;

/**
 * The simulated part of a network's delivery path: rules, impairments, partitions, holds, the
 * scheduler of delayed datagrams and the capture taps. {@link Fabric} hands a datagram to it only
 * once something has been simulated ({@link #active}); until then the fabric delivers directly.
 *
 * <p><b>Determinism.</b> One lock guards the random source, the sequence numbers, the rules, every
 * link's simulation state and the schedule. A datagram's fate is decided entirely under the lock, so
 * the same seed and the same sequence of sends (from one thread, or from threads whose interleaving
 * the test fixes) give the same verdicts; with a manual clock, the same deliveries in the same order.
 * Delivery itself (the receive queue) happens outside the lock.
 */
final class Simulator {
    private static final long[] NOW = {0};
    private static final InstalledRule[] NO_RULES = new InstalledRule[0];
    private static final LoopbackCapture[] NO_CAPTURES = new LoopbackCapture[0];

    private final Fabric fabric;
    private final LoopbackClock clock;
    private final String networkName;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition scheduleChanged = lock.newCondition();

    /** Set once anything is simulated; then every datagram goes through {@link #transmit}. */
    volatile boolean active;

    // Guarded by lock.
    private final SplittableRandom random;
    private long sequence;
    private long order;
    private Impairments impairments;
    private InstalledRule[] rules = NO_RULES;
    private LoopbackCapture[] captures = NO_CAPTURES;
    private final PriorityQueue<InFlight> scheduled = new PriorityQueue<>();
    private int held;
    private Thread timer;
    private boolean closed;

    Simulator(Fabric fabric, LoopbackClock clock, long seed, Impairments impairments, String networkName) {
        this.fabric = fabric;
        this.clock = clock;
        this.random = new SplittableRandom(seed);
        this.impairments = impairments;
        this.networkName = networkName;
        this.active = !impairments.isNone();
        if (clock instanceof ManualClock) {
            ((ManualClock) clock).attach(this);
        }
    }

    // ---- configuration, from LoopbackNetwork ----

    void setImpairments(Impairments impairments) {
        Objects.requireNonNull(impairments, "impairments");
        lock.lock();
        try {
            this.impairments = impairments;
            active |= !impairments.isNone();
        } finally {
            lock.unlock();
        }
    }

    Impairments impairments() {
        lock.lock();
        try {
            return impairments;
        } finally {
            lock.unlock();
        }
    }

    void setLinkImpairments(LinkState link, Impairments linkImpairments) {
        lock.lock();
        try {
            link.impairments = linkImpairments;
            active |= linkImpairments != null;
        } finally {
            lock.unlock();
        }
    }

    void setPartitioned(LinkState link, boolean partitioned) {
        lock.lock();
        try {
            link.partitioned = partitioned;
            active |= partitioned;
        } finally {
            lock.unlock();
        }
    }

    boolean isPartitioned(LinkState link) {
        lock.lock();
        try {
            return link.partitioned;
        } finally {
            lock.unlock();
        }
    }

    void hold(LinkState link) {
        lock.lock();
        try {
            link.held = true;
            active = true;
        } finally {
            lock.unlock();
        }
    }

    /** Releases a held link and delivers what it held, in arrival order, on this thread. */
    void release(LinkState link) {
        List<InFlight> out;
        lock.lock();
        try {
            link.held = false;
            out = new ArrayList<>(link.heldDatagrams);
            link.heldDatagrams.clear();
            held -= out.size();
        } finally {
            lock.unlock();
        }
        for (InFlight f : out) {
            arrive(f);
        }
    }

    InstalledRule addRule(LoopbackRule rule) {
        Objects.requireNonNull(rule, "rule");
        InstalledRule installed = new InstalledRule(this, rule);
        lock.lock();
        try {
            InstalledRule[] more = Arrays.copyOf(rules, rules.length + 1);
            more[rules.length] = installed;
            rules = more;
            active = true;
        } finally {
            lock.unlock();
        }
        return installed;
    }

    void removeRule(InstalledRule installed) {
        lock.lock();
        try {
            rules = Arrays.stream(rules).filter(r -> r != installed).toArray(InstalledRule[]::new);
        } finally {
            lock.unlock();
        }
    }

    LoopbackCapture startCapture() {
        LoopbackCapture capture = new LoopbackCapture(this);
        lock.lock();
        try {
            LoopbackCapture[] more = Arrays.copyOf(captures, captures.length + 1);
            more[captures.length] = capture;
            captures = more;
            active = true;
        } finally {
            lock.unlock();
        }
        return capture;
    }

    void removeCapture(LoopbackCapture capture) {
        lock.lock();
        try {
            captures = Arrays.stream(captures).filter(c -> c != capture).toArray(LoopbackCapture[]::new);
        } finally {
            lock.unlock();
        }
    }

    /** Datagrams scheduled or held. */
    long inFlight() {
        lock.lock();
        try {
            return scheduled.size() + (long) held;
        } finally {
            lock.unlock();
        }
    }

    /** Drops everything in flight and stops the timer thread. */
    void close() {
        lock.lock();
        try {
            closed = true;
            scheduled.clear();
            held = 0;
            for (LoopbackHost h : fabric.addresses().hosts()) {
                for (LinkState l : h.outgoing) {
                    l.heldDatagrams.clear();
                }
            }
            scheduleChanged.signalAll();
        } finally {
            lock.unlock();
        }
    }

    // ---- the delivery path ----

    /**
     * Decides a datagram's fate; delivers it now, schedules it, or drops it. {@code link.sent} is
     * already counted.
     */
    void transmit(LinkState link, LoopbackUdpConnection from, boolean ipv6, InetSocketAddress source,
            InetAddress destination, int port, byte[] payload) {
        InFlight first = null;
        InFlight second = null;
        lock.lock();
        try {
            long now = clock.nanos();
            long seq = sequence++;
            InetSocketAddress target = null;
            if (captures.length > 0) {
                target = new InetSocketAddress(destination, port);
                CapturedDatagram captured = CapturedDatagram.own(seq, Duration.ofNanos(now),
                        clock.epoch().plusNanos(now), link.from.name(), source,
                        link.to == null ? null : link.to.name(), target, payload);
                for (LoopbackCapture c : captures) {
                    c.record(captured);
                }
            }
            if (link.partitioned || closed) {
                drop(link, from);
                return;
            }
            long[] delays = null;
            if (rules.length > 0) {
                View view = new View(seq, now, source, target != null ? target : new InetSocketAddress(destination, port),
                        link, payload);
                for (InstalledRule r : rules) {
                    Verdict v = Objects.requireNonNull(r.rule().apply(view), "a LoopbackRule returned null");
                    if (v.isPass()) {
                        continue;
                    }
                    if (v.isDrop()) {
                        drop(link, from);
                        return;
                    }
                    delays = v.delays();
                    break;
                }
            }
            if (delays == null) {
                Impairments imp = link.impairments != null ? link.impairments : impairments;
                if (imp.isNone()) {
                    delays = NOW;
                } else {
                    int packet = payload.length + 8 + (ipv6 ? 40 : 20);
                    if (imp.mtu() > 0 && packet > imp.mtu()) {
                        drop(link, from);
                        return;
                    }
                    if (imp.loss() > 0 && random.nextDouble() < imp.loss()) {
                        drop(link, from);
                        return;
                    }
                    if (imp.corrupt() > 0 && random.nextDouble() < imp.corrupt() && payload.length > 0) {
                        payload = payload.clone(); // the capture keeps the original
                        int bit = random.nextInt(payload.length * 8);
                        payload[bit >>> 3] ^= (byte) (1 << (bit & 7));
                    }
                    long delay = latency(imp);
                    if (imp.reorder() > 0 && random.nextDouble() < imp.reorder()) {
                        delay += imp.reorderDelayNanos();
                    }
                    delay += serialisation(imp, link, now, packet);
                    if (imp.duplicate() > 0 && random.nextDouble() < imp.duplicate()) {
                        long copy = latency(imp) + serialisation(imp, link, now, packet);
                        delays = new long[] {delay, copy};
                    } else {
                        delays = delay == 0 ? NOW : new long[] {delay};
                    }
                }
            }
            if (delays.length > 1) {
                link.duplicated.add(delays.length - 1);
                from.countDuplicated(delays.length - 1);
            }
            for (long delay : delays) {
                InFlight f = new InFlight(now + delay, order++, link, from, ipv6, source, destination, port, payload);
                if (delay > 0) {
                    schedule(f);
                } else if (first == null) {
                    first = f;
                } else {
                    second = f;
                }
            }
        } finally {
            lock.unlock();
        }
        if (first != null) {
            arrive(first);
        }
        if (second != null) {
            arrive(second);
        }
    }

    private long latency(Impairments imp) {
        long min = imp.latencyMinNanos();
        long max = imp.latencyMaxNanos();
        return max > min ? min + random.nextLong(max - min + 1) : min;
    }

    /** Delay from the link's bandwidth: the packet waits for the ones before it, then takes its time. */
    private static long serialisation(Impairments imp, LinkState link, long now, int packet) {
        if (imp.bandwidth() == 0) {
            return 0;
        }
        long transmission = (long) Math.ceil(packet * 8.0 * 1e9 / imp.bandwidth());
        long start = Math.max(now, link.busyUntil);
        link.busyUntil = start + transmission;
        return link.busyUntil - now;
    }

    private static void drop(LinkState link, LoopbackUdpConnection from) {
        link.droppedByRule.increment();
        from.countDroppedByRule();
    }

    /** A datagram reaches the end of its link: held, dropped at a partition, or delivered. */
    private void arrive(InFlight f) {
        lock.lock();
        try {
            if (f.link.partitioned || closed) {
                drop(f.link, f.from);
                return;
            }
            if (f.link.held) {
                f.link.heldDatagrams.add(f);
                held++;
                return;
            }
        } finally {
            lock.unlock();
        }
        fabric.deliver(f.link, f.ipv6, f.source, f.destination, f.port, f.payload);
    }

    private void schedule(InFlight f) {
        // Called with the lock held.
        scheduled.add(f);
        if (clock.isManual()) {
            return;
        }
        if (timer == null && !closed) {
            timer = new Thread(this::runTimer, "loopback-timer-" + networkName);
            timer.setDaemon(true);
            timer.start();
        }
        if (scheduled.peek() == f) {
            scheduleChanged.signal();
        }
    }

    /** For the manual clock: delivers, in order, everything due by {@code target}. */
    void runDue(long target, ManualClock manual) {
        while (true) {
            InFlight f;
            lock.lock();
            try {
                f = scheduled.peek();
                if (f == null || f.due > target) {
                    return;
                }
                scheduled.poll();
                manual.moveTo(f.due);
            } finally {
                lock.unlock();
            }
            arrive(f);
        }
    }

    /** The real-time scheduler thread: one per network, started by the first delayed datagram. */
    private void runTimer() {
        while (true) {
            InFlight f;
            lock.lock();
            try {
                while (true) {
                    if (closed) {
                        return;
                    }
                    f = scheduled.peek();
                    if (f == null) {
                        scheduleChanged.await();
                        continue;
                    }
                    long wait = f.due - clock.nanos();
                    if (wait <= 0) {
                        scheduled.poll();
                        break;
                    }
                    scheduleChanged.awaitNanos(wait);
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            arrive(f);
        }
    }

    /** What a rule sees. */
    private final class View implements LoopbackRule.Datagram {
        private final long sequence;
        private final long time;
        private final InetSocketAddress source;
        private final InetSocketAddress destination;
        private final LinkState link;
        private final byte[] payload;

        View(long sequence, long time, InetSocketAddress source, InetSocketAddress destination, LinkState link,
                byte[] payload) {
            this.sequence = sequence;
            this.time = time;
            this.source = source;
            this.destination = destination;
            this.link = link;
            this.payload = payload;
        }

        @Override
        public long sequence() {
            return sequence;
        }

        @Override
        public Duration time() {
            return Duration.ofNanos(time);
        }

        @Override
        public InetSocketAddress source() {
            return source;
        }

        @Override
        public InetSocketAddress destination() {
            return destination;
        }

        @Override
        public String sourceHost() {
            return link.from.name();
        }

        @Override
        public String destinationHost() {
            return link.to == null ? null : link.to.name();
        }

        @Override
        public ByteBuffer payload() {
            return ByteBuffer.wrap(payload).asReadOnlyBuffer();
        }

        @Override
        public RandomGenerator random() {
            return random;
        }
    }
}
