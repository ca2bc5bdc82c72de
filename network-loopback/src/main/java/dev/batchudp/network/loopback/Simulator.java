package dev.batchudp.network.loopback;

import dev.batchudp.network.Ecn;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
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
    private static final LoopbackTrace[] NO_TRACES = new LoopbackTrace[0];

    private final Fabric fabric;
    private final LoopbackClock clock;
    private final Timeline timeline;
    private final ReentrantLock lock;

    /** Set once anything is simulated; then every datagram goes through {@link #transmit}. */
    volatile boolean active;

    // Guarded by lock.
    private final SplittableRandom random;
    private long sequence;
    private Impairments impairments;
    private InstalledRule[] rules = NO_RULES;
    private LoopbackCapture[] captures = NO_CAPTURES;
    /** Written under the lock; read without it after a delivery. */
    private volatile LoopbackTrace[] traces = NO_TRACES;
    private int held;
    private boolean closed;

    Simulator(Fabric fabric, LoopbackClock clock, long seed, Impairments impairments, boolean autoAdvance,
            String networkName) {
        this.fabric = fabric;
        this.clock = clock;
        this.timeline = new Timeline(clock, autoAdvance, networkName);
        this.lock = timeline.lock;
        this.random = new SplittableRandom(seed);
        this.impairments = impairments;
        this.active = !impairments.isNone();
        if (clock instanceof ManualClock) {
            ((ManualClock) clock).attach(timeline);
        } else {
            ((RealTimeClock) clock).attach(timeline);
        }
    }

    Timeline timeline() {
        return timeline;
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
            if (traces.length > 0) {
                for (InFlight f : out) {
                    trace(TraceEvent.Kind.RELEASED, null, f);
                }
            }
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

    LoopbackTrace startTrace() {
        LoopbackTrace trace = new LoopbackTrace(this, clock);
        lock.lock();
        try {
            LoopbackTrace[] more = Arrays.copyOf(traces, traces.length + 1);
            more[traces.length] = trace;
            traces = more;
            active = true;
        } finally {
            lock.unlock();
        }
        return trace;
    }

    void removeTrace(LoopbackTrace trace) {
        lock.lock();
        try {
            traces = Arrays.stream(traces).filter(t -> t != trace).toArray(LoopbackTrace[]::new);
        } finally {
            lock.unlock();
        }
    }

    /** Datagrams scheduled or held. */
    long inFlight() {
        lock.lock();
        try {
            return timeline.scheduledDatagrams() + (long) held;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Drops everything in flight or held, counting each as dropped by the simulation, stops the timer
     * thread and shuts down the clock's executors.
     */
    void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            for (InFlight f : timeline.closeLocked()) {
                drop(f, TraceEvent.Cause.NETWORK_CLOSED);
            }
            for (LoopbackHost h : fabric.addresses().hosts()) {
                for (LinkState l : h.outgoing) {
                    for (InFlight f : l.heldDatagrams) {
                        drop(f, TraceEvent.Cause.NETWORK_CLOSED);
                    }
                    l.heldDatagrams.clear();
                }
            }
            held = 0;
        } finally {
            lock.unlock();
        }
        timeline.shutdownExecutors();
    }

    // ---- the delivery path ----

    /**
     * Decides a datagram's fate; delivers it now, schedules it, or drops it. {@code link.sent} is
     * already counted.
     */
    void transmit(LinkState link, LoopbackUdpConnection from, boolean ipv6, InetSocketAddress source,
            InetAddress destination, int port, byte[] payload, int header) {
        InFlight first = null;
        InFlight second = null;
        lock.lock();
        try {
            long now = clock.nanos();
            long seq = sequence++;
            InetSocketAddress target = null;
            if (captures.length > 0 || traces.length > 0) {
                target = new InetSocketAddress(destination, port);
            }
            if (captures.length > 0) {
                CapturedDatagram captured = CapturedDatagram.own(seq, Duration.ofNanos(now),
                        clock.epoch().plusNanos(now), link.from.name(), source,
                        link.to == null ? null : link.to.name(), target, payload, ReceiveQueue.trafficClass(header),
                        ReceiveQueue.hopLimit(header));
                for (LoopbackCapture c : captures) {
                    c.record(captured);
                }
            }
            if (traces.length > 0) {
                trace(TraceEvent.Kind.SENT, null, seq, 0, link, source, target, payload.length, header, payload);
            }
            if (link.partitioned || closed) {
                drop(link, from, seq, 0, source, destination, port, payload.length, header,
                        closed ? TraceEvent.Cause.NETWORK_CLOSED : TraceEvent.Cause.PARTITION);
                return;
            }
            long[] delays = null;
            if (rules.length > 0) {
                View view = new View(seq, now, source, target != null ? target : new InetSocketAddress(destination, port),
                        link, payload, header);
                for (InstalledRule r : rules) {
                    Verdict v;
                    try {
                        v = Objects.requireNonNull(r.rule().apply(view), "a LoopbackRule returned null");
                    } catch (RuntimeException | Error e) {
                        // The datagram was counted as sent: give it an outcome before the failure
                        // reaches the sender.
                        drop(link, from, seq, 0, source, destination, port, payload.length, header,
                                TraceEvent.Cause.RULE_FAILED);
                        throw e;
                    }
                    if (v.isPass()) {
                        continue;
                    }
                    if (v.isDrop()) {
                        drop(link, from, seq, 0, source, destination, port, payload.length, header,
                                TraceEvent.Cause.RULE);
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
                        drop(link, from, seq, 0, source, destination, port, payload.length, header,
                                TraceEvent.Cause.LINK_MTU);
                        return;
                    }
                    if (lost(imp, link)) {
                        drop(link, from, seq, 0, source, destination, port, payload.length, header,
                                TraceEvent.Cause.LOSS);
                        return;
                    }
                    if (imp.corrupt() > 0 && random.nextDouble() < imp.corrupt() && payload.length > 0) {
                        payload = payload.clone(); // the capture keeps the original
                        int bit = random.nextInt(payload.length * 8);
                        payload[bit >>> 3] ^= (byte) (1 << (bit & 7));
                        if (traces.length > 0) {
                            trace(TraceEvent.Kind.CORRUPTED, null, seq, 0, link, source, target, payload.length,
                                    header, null);
                        }
                    }
                    long delay = latency(imp);
                    if (imp.reorder() > 0 && random.nextDouble() < imp.reorder()) {
                        delay += imp.reorderDelayNanos();
                    }
                    boolean duplicate = imp.duplicate() > 0 && random.nextDouble() < imp.duplicate();
                    long copyLatency = duplicate ? latency(imp) : 0;
                    if (imp.bandwidth() > 0) {
                        // Tail drop at the link's queue limit; above the marking threshold an ECN-capable
                        // datagram is marked CE instead (RFC 3168 section 5), the others pass.
                        int queued = imp.queueLimit() > 0 || imp.ecnMarkThreshold() > 0 ? queued(link, now) : 0;
                        if (imp.queueLimit() > 0 && queued >= imp.queueLimit()) {
                            drop(link, from, seq, 0, source, destination, port, payload.length, header,
                                    TraceEvent.Cause.QUEUE_LIMIT);
                            return;
                        }
                        Ecn ecn = Ecn.ofTrafficClass(ReceiveQueue.trafficClass(header));
                        if (imp.ecnMarkThreshold() > 0 && queued >= imp.ecnMarkThreshold()
                                && (ecn == Ecn.ECT0 || ecn == Ecn.ECT1)) {
                            header = ReceiveQueue.header(Ecn.CE.applyTo(ReceiveQueue.trafficClass(header)),
                                    ReceiveQueue.hopLimit(header));
                            if (traces.length > 0) {
                                trace(TraceEvent.Kind.ECN_MARKED, null, seq, 0, link, source, target, payload.length,
                                        header, null);
                            }
                        }
                        delay += serialisation(imp, link, now, packet);
                        if (duplicate) {
                            copyLatency += serialisation(imp, link, now, packet);
                        }
                    }
                    if (duplicate) {
                        delays = new long[] {delay, copyLatency};
                    } else {
                        delays = delay == 0 ? NOW : new long[] {delay};
                    }
                }
            }
            if (delays.length > 1) {
                link.duplicated.add(delays.length - 1);
                from.countDuplicated(delays.length - 1);
            }
            for (int copy = 0; copy < delays.length; copy++) {
                long delay = delays[copy];
                if (copy > 0 && traces.length > 0) {
                    trace(TraceEvent.Kind.DUPLICATED, null, seq, copy, link, source, target, payload.length, header,
                            null);
                }
                InFlight f = new InFlight(now + delay, timeline.nextOrder(), this, seq, copy, link, from, ipv6, source,
                        destination, port, payload, header);
                if (delay > 0) {
                    timeline.add(f);
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

    /**
     * Draws whether the link loses this datagram: independent, correlated (a chain on whether the
     * previous datagram was lost) or Gilbert–Elliott (a chain on the link's good or bad state).
     */
    private boolean lost(Impairments imp, LinkState link) {
        if (imp.isGilbertElliott()) {
            double p = link.lossState ? imp.gilbertElliottLossBad() : imp.gilbertElliottLossGood();
            boolean lost = p >= 1 || (p > 0 && random.nextDouble() < p);
            double u = random.nextDouble();
            if (link.lossState ? u < imp.gilbertElliottR() : u < imp.gilbertElliottP()) {
                link.lossState = !link.lossState;
            }
            return lost;
        }
        double rate = imp.loss();
        if (rate == 0) {
            return false;
        }
        double c = imp.lossCorrelation();
        if (c == 0) {
            return random.nextDouble() < rate;
        }
        double p = link.lossState ? c + (1 - c) * rate : (1 - c) * rate;
        boolean lost = random.nextDouble() < p;
        link.lossState = lost;
        return lost;
    }

    private long latency(Impairments imp) {
        long min = imp.latencyMinNanos();
        long max = imp.latencyMaxNanos();
        return max > min ? min + random.nextLong(max - min + 1) : min;
    }

    /** Datagrams waiting for or in transmission on the link at {@code now}. */
    private static int queued(LinkState link, long now) {
        while (!link.departures.isEmpty() && link.departures.peekFirst() <= now) {
            link.departures.pollFirst();
        }
        return link.departures.size();
    }

    /** Delay from the link's bandwidth: the packet waits for the ones before it, then takes its time. */
    private static long serialisation(Impairments imp, LinkState link, long now, int packet) {
        long transmission = (long) Math.ceil(packet * 8.0 * 1e9 / imp.bandwidth());
        long start = Math.max(now, link.busyUntil);
        link.busyUntil = start + transmission;
        if (imp.queueLimit() > 0 || imp.ecnMarkThreshold() > 0) {
            link.departures.addLast(link.busyUntil);
        }
        return link.busyUntil - now;
    }

    /** Counts a drop by the simulation and traces it. The caller holds the lock. */
    private void drop(LinkState link, LoopbackUdpConnection from, long seq, int copy, InetSocketAddress source,
            InetAddress destination, int port, int length, int header, TraceEvent.Cause cause) {
        link.droppedByRule.increment();
        from.countDroppedByRule();
        if (traces.length > 0) {
            trace(TraceEvent.Kind.DROPPED, cause, seq, copy, link, source, new InetSocketAddress(destination, port),
                    length, header, null);
        }
    }

    private void drop(InFlight f, TraceEvent.Cause cause) {
        drop(f.link, f.from, f.sequence, f.copy, f.source, f.destination, f.port, f.payload.length, f.header, cause);
    }

    private void trace(TraceEvent.Kind kind, TraceEvent.Cause cause, InFlight f) {
        trace(kind, cause, f.sequence, f.copy, f.link, f.source, new InetSocketAddress(f.destination, f.port),
                f.payload.length, f.header, null);
    }

    private void trace(TraceEvent.Kind kind, TraceEvent.Cause cause, long seq, int copy, LinkState link,
            InetSocketAddress source, InetSocketAddress destination, int length, int header, byte[] sentPayload) {
        TraceEvent e = new TraceEvent(seq, copy, kind, cause, Duration.ofNanos(clock.nanos()), link.from.name(), source,
                link.to == null ? null : link.to.name(), destination, length, ReceiveQueue.trafficClass(header),
                ReceiveQueue.hopLimit(header));
        for (LoopbackTrace t : traces) {
            t.record(e, sentPayload);
        }
    }

    /** A datagram reaches the end of its link: held, dropped at a partition, or delivered. */
    void arrive(InFlight f) {
        lock.lock();
        try {
            if (f.link.partitioned || closed) {
                drop(f, closed ? TraceEvent.Cause.NETWORK_CLOSED : TraceEvent.Cause.PARTITION);
                return;
            }
            if (f.link.held) {
                f.link.heldDatagrams.add(f);
                held++;
                if (traces.length > 0) {
                    trace(TraceEvent.Kind.HELD, null, f);
                }
                return;
            }
        } finally {
            lock.unlock();
        }
        int outcome = fabric.deliver(f.link, f.ipv6, f.source, f.destination, f.port, f.payload, f.header);
        LoopbackTrace[] t = traces;
        if (t.length > 0) {
            lock.lock();
            try {
                switch (outcome) {
                    case Fabric.DELIVERED:
                        trace(TraceEvent.Kind.DELIVERED, null, f);
                        break;
                    case Fabric.QUEUE_FULL:
                        trace(TraceEvent.Kind.DROPPED, TraceEvent.Cause.QUEUE_FULL, f);
                        break;
                    case Fabric.HOST_DOWN:
                        trace(TraceEvent.Kind.DROPPED, TraceEvent.Cause.HOST_DOWN, f);
                        break;
                    default:
                        trace(TraceEvent.Kind.DROPPED, TraceEvent.Cause.NO_LISTENER, f);
                        break;
                }
            } finally {
                lock.unlock();
            }
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
        private final int header;

        View(long sequence, long time, InetSocketAddress source, InetSocketAddress destination, LinkState link,
                byte[] payload, int header) {
            this.header = header;
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
        public int trafficClass() {
            return ReceiveQueue.trafficClass(header);
        }

        @Override
        public int hopLimit() {
            return ReceiveQueue.hopLimit(header);
        }

        @Override
        public RandomGenerator random() {
            return random;
        }
    }
}
