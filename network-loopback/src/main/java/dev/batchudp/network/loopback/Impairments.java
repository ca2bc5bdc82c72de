package dev.batchudp.network.loopback;

import java.time.Duration;
import java.util.Objects;

/**
 * What a simulated link does to the datagrams that cross it: loss, latency with jitter, reordering,
 * duplication, corruption, an MTU and a bandwidth limit. Immutable; start from {@link #none()} or a
 * preset and derive variants with {@link #toBuilder()}:
 *
 * <pre>{@code
 * network.setImpairments(Impairments.builder()
 *         .loss(0.05)
 *         .latency(Duration.ofMillis(20), Duration.ofMillis(40))
 *         .build());
 * network.setLinkImpairments("client", "server", Impairments.wan());
 * }</pre>
 *
 * <p>Each setting is off by default and each says what happens when it is off. Random choices are
 * drawn from the network's seeded random source ({@link LoopbackConfiguration#seed()}), in this
 * order, each only when its setting is on: loss (independent, correlated or Gilbert–Elliott: the
 * last draws the state transition after the loss), corruption, latency, reordering, duplication (and
 * the duplicate's own latency). The link's queue limit and ECN marking threshold are then applied, without a random draw. A datagram whose total delay is zero is delivered synchronously on
 * the sender's thread, as on an unimpaired network; any other is scheduled on the network's
 * {@linkplain LoopbackClock clock}.
 *
 * @since 0.1
 */
public final class Impairments {
    private static final Impairments NONE = new Builder().build();
    private static final Impairments WAN = new Builder()
            .loss(0.01)
            .latency(Duration.ofMillis(20), Duration.ofMillis(40))
            .duplicate(0.001)
            .build();

    private final double loss;
    private final double lossCorrelation;
    private final double gePGoodToBad;
    private final double geRBadToGood;
    private final double geLossBad;
    private final double geLossGood;
    private final int queueLimit;
    private final int ecnMarkThreshold;
    private final long latencyMinNanos;
    private final long latencyMaxNanos;
    private final double reorder;
    private final long reorderDelayNanos;
    private final double duplicate;
    private final double corrupt;
    private final int mtu;
    private final long bandwidth;

    private Impairments(Builder b) {
        this.loss = b.loss;
        this.lossCorrelation = b.lossCorrelation;
        this.gePGoodToBad = b.gePGoodToBad;
        this.geRBadToGood = b.geRBadToGood;
        this.geLossBad = b.geLossBad;
        this.geLossGood = b.geLossGood;
        this.queueLimit = b.queueLimit;
        this.ecnMarkThreshold = b.ecnMarkThreshold;
        this.latencyMinNanos = b.latencyMinNanos;
        this.latencyMaxNanos = b.latencyMaxNanos;
        this.reorder = b.reorder;
        this.reorderDelayNanos = b.reorderDelayNanos;
        this.duplicate = b.duplicate;
        this.corrupt = b.corrupt;
        this.mtu = b.mtu;
        this.bandwidth = b.bandwidth;
    }

    /**
     * Returns the impairments of a perfect link: every datagram arrives at once, intact, once.
     *
     * @return no impairments
     */
    public static Impairments none() {
        return NONE;
    }

    /**
     * Returns a typical wide-area path: 1% loss, 20–40 ms latency (so datagrams sent less than 20 ms
     * apart may be reordered) and 0.1% duplication.
     *
     * @return the WAN preset
     */
    public static Impairments wan() {
        return WAN;
    }

    /**
     * Returns a builder holding no impairments.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns a builder holding these impairments.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * Returns whether this is a perfect link, so that no random number is drawn for a datagram.
     *
     * @return whether every setting is off
     */
    public boolean isNone() {
        return loss == 0 && !isGilbertElliott() && latencyMaxNanos == 0 && reorder == 0 && duplicate == 0
                && corrupt == 0 && mtu == 0 && bandwidth == 0 && queueLimit == 0
                && ecnMarkThreshold == 0;
    }

    /**
     * Returns the probability that a datagram is lost, independently of the others unless
     * {@link #lossCorrelation()} is set. Off (0): none is (unless a
     * {@linkplain #isGilbertElliott() Gilbert–Elliott model} is set instead).
     *
     * @return the loss rate, 0–1
     */
    public double loss() {
        return loss;
    }

    /**
     * Returns the correlation of successive losses on a link: a datagram is lost with probability
     * {@code c + (1 - c) × loss} after a loss and {@code (1 - c) × loss} after a delivery, a two-state
     * Markov chain whose stationary loss rate is exactly {@link #loss()} and whose mean loss burst is
     * {@code 1 / ((1 - c)(1 - loss))} datagrams. Unlike netem's {@code loss P CORR}, which blends
     * successive random numbers and so lowers the loss rate it is given, the rate stays as set. Off (0):
     * losses are independent.
     *
     * @return the correlation, 0 (inclusive) to 1 (exclusive)
     */
    public double lossCorrelation() {
        return lossCorrelation;
    }

    /**
     * Returns whether loss follows a Gilbert–Elliott model (netem's {@code loss gemodel p r 1-h 1-k}):
     * each link is in a good or a bad state; a datagram is lost with {@link #gilbertElliottLossGood()} or
     * {@link #gilbertElliottLossBad()} by the link's state, after which the link goes from good to bad
     * with probability {@link #gilbertElliottP()} and from bad to good with
     * {@link #gilbertElliottR()}. The stationary share of bad is {@code p / (p + r)}, so the loss rate is
     * {@code (r × lossGood + p × lossBad) / (p + r)}; with {@code lossBad = 1, lossGood = 0} (the simple
     * Gilbert model of {@link Builder#burstyLoss}) losses come in bursts of mean length {@code 1 / r}.
     * Each link has its own state, starting good, even when the impairments are network-wide. Off:
     * {@link #loss()} applies.
     *
     * @return whether the Gilbert–Elliott model is on
     */
    public boolean isGilbertElliott() {
        return gePGoodToBad > 0;
    }

    /**
     * Returns the Gilbert–Elliott probability of going from the good state to the bad one.
     *
     * @return p, 0–1; 0 when the model is off
     */
    public double gilbertElliottP() {
        return gePGoodToBad;
    }

    /**
     * Returns the Gilbert–Elliott probability of going from the bad state to the good one.
     *
     * @return r, 0–1
     */
    public double gilbertElliottR() {
        return geRBadToGood;
    }

    /**
     * Returns the Gilbert–Elliott loss probability in the bad state (netem's {@code 1-h}).
     *
     * @return the loss probability in the bad state, 0–1
     */
    public double gilbertElliottLossBad() {
        return geLossBad;
    }

    /**
     * Returns the Gilbert–Elliott loss probability in the good state (netem's {@code 1-k}).
     *
     * @return the loss probability in the good state, 0–1
     */
    public double gilbertElliottLossGood() {
        return geLossGood;
    }

    /**
     * Returns the link's queue limit: how many datagrams may wait for or be in transmission at the
     * {@linkplain #bandwidth() bandwidth} limit. A datagram arriving at a full queue is dropped (tail
     * drop, counted as dropped by the simulation). It bounds only the bandwidth queue, so it has an
     * effect only with a bandwidth set. Off (0): the queue is unbounded, and a burst waits as long as
     * its size requires.
     *
     * <p>To mark ECN-capable datagrams instead of dropping them, see {@link #ecnMarkThreshold()}.
     *
     * @return the queue limit in datagrams, or 0
     */
    public int queueLimit() {
        return queueLimit;
    }

    /**
     * Returns the link's ECN marking threshold: a datagram that finds this many datagrams or more
     * waiting for or in transmission at the {@linkplain #bandwidth() bandwidth} limit has its ECN field
     * set to {@link dev.batchudp.network.Ecn#CE CE} if it was ECN-capable ({@code ECT(0)} or
     * {@code ECT(1)}), as an active queue manager marks rather than drops (RFC 3168 section 5; a step
     * threshold like fq_codel's {@code ce_threshold}). Datagrams that are not ECN-capable pass
     * unmarked; the {@linkplain #queueLimit() queue limit}, when set, still drops every datagram.
     * Marking draws no random number. The receiver sees the mark with
     * {@link dev.batchudp.network.UdpSocketOptions#RECEIVE_TRAFFIC_CLASS}; a trace records it as
     * {@link TraceEvent.Kind#ECN_MARKED}. It needs a bandwidth to have an effect. Off (0): nothing is
     * marked.
     *
     * @return the threshold in datagrams, or 0
     * @since 0.2
     */
    public int ecnMarkThreshold() {
        return ecnMarkThreshold;
    }

    /**
     * Returns the least one-way latency. Off (zero, with {@link #latencyMax()} zero): delivery is
     * immediate.
     *
     * @return the minimum latency
     */
    public Duration latencyMin() {
        return Duration.ofNanos(latencyMinNanos);
    }

    /**
     * Returns the greatest one-way latency; each datagram's latency is drawn uniformly from
     * {@link #latencyMin()} to this (the jitter is the difference), so datagrams sent closer together
     * than the jitter may arrive out of order.
     *
     * @return the maximum latency
     */
    public Duration latencyMax() {
        return Duration.ofNanos(latencyMaxNanos);
    }

    /**
     * Returns the probability that a datagram is held back by {@link #reorderDelay()} on top of its
     * latency, letting the datagrams sent after it overtake it. Off (0): only jitter reorders.
     *
     * @return the reordering rate, 0–1
     */
    public double reorder() {
        return reorder;
    }

    /**
     * Returns the extra delay of a reordered datagram.
     *
     * @return the reordering delay
     */
    public Duration reorderDelay() {
        return Duration.ofNanos(reorderDelayNanos);
    }

    /**
     * Returns the probability that a datagram arrives twice; the copy gets its own latency. Off (0):
     * none is duplicated.
     *
     * @return the duplication rate, 0–1
     */
    public double duplicate() {
        return duplicate;
    }

    /**
     * Returns the probability that one random bit of a datagram's payload is flipped (an empty
     * payload is left alone). Off (0, the default): payloads arrive intact, as UDP checksums would
     * otherwise ensure.
     *
     * @return the corruption rate, 0–1
     */
    public double corrupt() {
        return corrupt;
    }

    /**
     * Returns the MTU of the link: a datagram whose IP packet (payload + 8 bytes UDP + 20 or 40 bytes
     * IP) is larger is dropped, as a router on a path with a smaller MTU drops a packet with the
     * don't-fragment bit. The sender gets no error: that is the interface MTU's job
     * ({@link LoopbackConfiguration#mtu()}). Off (0): no limit beyond the interface's.
     *
     * @return the link MTU in bytes, or 0
     */
    public int mtu() {
        return mtu;
    }

    /**
     * Returns the link's bandwidth in bits per second. Each datagram occupies the link for its IP
     * packet size divided by the bandwidth, after the datagrams before it: a burst is spread out and
     * queues behind itself, up to the {@linkplain #queueLimit() queue limit} (unbounded without one).
     * Off (0): infinite.
     *
     * @return the bandwidth in bits per second, or 0
     */
    public long bandwidth() {
        return bandwidth;
    }

    long latencyMinNanos() {
        return latencyMinNanos;
    }

    long latencyMaxNanos() {
        return latencyMaxNanos;
    }

    long reorderDelayNanos() {
        return reorderDelayNanos;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Impairments)) {
            return false;
        }
        Impairments i = (Impairments) o;
        return loss == i.loss && lossCorrelation == i.lossCorrelation && gePGoodToBad == i.gePGoodToBad
                && geRBadToGood == i.geRBadToGood && geLossBad == i.geLossBad && geLossGood == i.geLossGood
                && queueLimit == i.queueLimit && ecnMarkThreshold == i.ecnMarkThreshold
                && latencyMinNanos == i.latencyMinNanos && latencyMaxNanos == i.latencyMaxNanos
                && reorder == i.reorder && reorderDelayNanos == i.reorderDelayNanos && duplicate == i.duplicate
                && corrupt == i.corrupt && mtu == i.mtu && bandwidth == i.bandwidth;
    }

    @Override
    public int hashCode() {
        return Objects.hash(loss, lossCorrelation, gePGoodToBad, geRBadToGood, geLossBad, geLossGood, queueLimit,
                ecnMarkThreshold, latencyMinNanos, latencyMaxNanos, reorder, reorderDelayNanos, duplicate, corrupt, mtu, bandwidth);
    }

    @Override
    public String toString() {
        if (isNone()) {
            return "Impairments{none}";
        }
        StringBuilder sb = new StringBuilder("Impairments{");
        if (loss > 0) {
            sb.append("loss=").append(loss);
            if (lossCorrelation > 0) {
                sb.append(" corr ").append(lossCorrelation);
            }
            sb.append(", ");
        }
        if (isGilbertElliott()) {
            sb.append("gemodel=").append(gePGoodToBad).append('/').append(geRBadToGood).append('/')
                    .append(geLossBad).append('/').append(geLossGood).append(", ");
        }
        if (latencyMaxNanos > 0) {
            sb.append("latency=").append(latencyMin()).append("..").append(latencyMax()).append(", ");
        }
        if (reorder > 0) {
            sb.append("reorder=").append(reorder).append('+').append(reorderDelay()).append(", ");
        }
        if (duplicate > 0) {
            sb.append("duplicate=").append(duplicate).append(", ");
        }
        if (corrupt > 0) {
            sb.append("corrupt=").append(corrupt).append(", ");
        }
        if (mtu > 0) {
            sb.append("mtu=").append(mtu).append(", ");
        }
        if (bandwidth > 0) {
            sb.append("bandwidth=").append(bandwidth).append("bit/s, ");
        }
        if (queueLimit > 0) {
            sb.append("queueLimit=").append(queueLimit).append(", ");
        }
        if (ecnMarkThreshold > 0) {
            sb.append("ecnMarkThreshold=").append(ecnMarkThreshold).append(", ");
        }
        sb.setLength(sb.length() - 2);
        return sb.append('}').toString();
    }

    /**
     * Builds {@link Impairments}. Each setter checks its argument at once and throws
     * {@link IllegalArgumentException} naming the bad value. Not thread-safe.
     *
     * @since 0.1
     */
    public static final class Builder {
        private double loss;
        private double lossCorrelation;
        private double gePGoodToBad;
        private double geRBadToGood;
        private double geLossBad;
        private double geLossGood;
        private int queueLimit;
        private int ecnMarkThreshold;
        private long latencyMinNanos;
        private long latencyMaxNanos;
        private double reorder;
        private long reorderDelayNanos;
        private double duplicate;
        private double corrupt;
        private int mtu;
        private long bandwidth;

        private Builder() {}

        private Builder(Impairments i) {
            this.loss = i.loss;
            this.lossCorrelation = i.lossCorrelation;
            this.gePGoodToBad = i.gePGoodToBad;
            this.geRBadToGood = i.geRBadToGood;
            this.geLossBad = i.geLossBad;
            this.geLossGood = i.geLossGood;
            this.queueLimit = i.queueLimit;
            this.ecnMarkThreshold = i.ecnMarkThreshold;
            this.latencyMinNanos = i.latencyMinNanos;
            this.latencyMaxNanos = i.latencyMaxNanos;
            this.reorder = i.reorder;
            this.reorderDelayNanos = i.reorderDelayNanos;
            this.duplicate = i.duplicate;
            this.corrupt = i.corrupt;
            this.mtu = i.mtu;
            this.bandwidth = i.bandwidth;
        }

        /**
         * Sets the probability that a datagram is lost.
         *
         * @param rate 0 (off) to 1 (everything is lost)
         * @return this builder
         * @throws IllegalArgumentException if {@code rate} is not in 0–1
         */
        public Builder loss(double rate) {
            return loss(rate, 0);
        }

        /**
         * Sets correlated loss: a loss rate and the correlation of successive losses on a link (see
         * {@link Impairments#lossCorrelation()}). Replaces a Gilbert–Elliott model.
         *
         * @param rate 0 (off) to 1
         * @param correlation 0 (independent) to less than 1
         * @return this builder
         * @throws IllegalArgumentException if a value is out of range
         */
        public Builder loss(double rate, double correlation) {
            double c = rate("loss correlation", correlation);
            if (c >= 1) {
                throw new IllegalArgumentException("loss correlation must be less than 1, got " + correlation);
            }
            this.loss = rate("loss", rate);
            this.lossCorrelation = c;
            this.gePGoodToBad = 0;
            this.geRBadToGood = 0;
            this.geLossBad = 0;
            this.geLossGood = 0;
            return this;
        }

        /**
         * Sets a Gilbert–Elliott loss model, as netem's {@code loss gemodel p r 1-h 1-k} (see
         * {@link Impairments#isGilbertElliott()}). Replaces {@link #loss(double)}.
         *
         * @param p probability of going from good to bad, more than 0, at most 1
         * @param r probability of going from bad to good, 0–1
         * @param lossBad loss probability in the bad state ({@code 1-h}), 0–1
         * @param lossGood loss probability in the good state ({@code 1-k}), 0–1
         * @return this builder
         * @throws IllegalArgumentException if a value is out of range
         */
        public Builder gilbertElliott(double p, double r, double lossBad, double lossGood) {
            double gp = rate("Gilbert-Elliott p", p);
            if (gp == 0) {
                throw new IllegalArgumentException("Gilbert-Elliott p must be positive (0 never leaves the good"
                        + " state: use loss(rate) for that)");
            }
            this.gePGoodToBad = gp;
            this.geRBadToGood = rate("Gilbert-Elliott r", r);
            this.geLossBad = rate("Gilbert-Elliott bad-state loss", lossBad);
            this.geLossGood = rate("Gilbert-Elliott good-state loss", lossGood);
            this.loss = 0;
            this.lossCorrelation = 0;
            return this;
        }

        /**
         * Sets bursty loss: the simple Gilbert model (every datagram lost in the bad state, none in the
         * good one) with the given stationary loss rate and mean burst length, so
         * {@code r = 1 / meanBurstLength} and {@code p = rate × r / (1 - rate)}.
         *
         * @param rate the long-run loss rate, more than 0 and less than 1
         * @param meanBurstLength the mean number of datagrams lost in a row, at least 1
         * @return this builder
         * @throws IllegalArgumentException if a value is out of range, or the rate is too high for the
         *     burst length ({@code p} would exceed 1)
         */
        public Builder burstyLoss(double rate, double meanBurstLength) {
            if (!(rate > 0 && rate < 1)) {
                throw new IllegalArgumentException("bursty loss rate must be between 0 and 1 (exclusive), got "
                        + rate);
            }
            if (!(meanBurstLength >= 1)) {
                throw new IllegalArgumentException("mean burst length must be at least 1, got " + meanBurstLength);
            }
            double r = 1 / meanBurstLength;
            double p = rate * r / (1 - rate);
            if (p > 1) {
                throw new IllegalArgumentException("a loss rate of " + rate + " with bursts of " + meanBurstLength
                        + " needs p = " + p + " > 1: lengthen the bursts");
            }
            return gilbertElliott(p, r, 1, 0);
        }

        /**
         * Sets the link's queue limit (see {@link Impairments#queueLimit()}).
         *
         * @param datagrams 0 (off, unbounded) or positive
         * @return this builder
         * @throws IllegalArgumentException if {@code datagrams} is negative
         */
        public Builder queueLimit(int datagrams) {
            if (datagrams < 0) {
                throw new IllegalArgumentException("queue limit must not be negative, got " + datagrams);
            }
            this.queueLimit = datagrams;
            return this;
        }

        /**
         * Sets the link's ECN marking threshold (see {@link Impairments#ecnMarkThreshold()}).
         *
         * @param datagrams 0 (off) or positive
         * @return this builder
         * @throws IllegalArgumentException if {@code datagrams} is negative
         * @since 0.2
         */
        public Builder ecnMarkThreshold(int datagrams) {
            if (datagrams < 0) {
                throw new IllegalArgumentException("ECN mark threshold must not be negative, got " + datagrams);
            }
            this.ecnMarkThreshold = datagrams;
            return this;
        }

        /**
         * Sets a fixed latency, without jitter: datagrams keep their order.
         *
         * @param latency the one-way latency, not negative
         * @return this builder
         * @throws IllegalArgumentException if {@code latency} is negative
         */
        public Builder latency(Duration latency) {
            return latency(latency, latency);
        }

        /**
         * Sets a latency drawn uniformly from {@code min} to {@code max} for each datagram; the
         * jitter is {@code max - min}.
         *
         * @param min the least latency, not negative
         * @param max the greatest latency, at least {@code min}
         * @return this builder
         * @throws IllegalArgumentException if {@code min} is negative or {@code max < min}
         */
        public Builder latency(Duration min, Duration max) {
            long lo = nanos("latency min", min);
            long hi = nanos("latency max", max);
            if (hi < lo) {
                throw new IllegalArgumentException("latency max " + max + " is less than latency min " + min);
            }
            this.latencyMinNanos = lo;
            this.latencyMaxNanos = hi;
            return this;
        }

        /**
         * Sets the probability that a datagram is held back by an extra {@code delay}, so that later
         * datagrams overtake it.
         *
         * @param rate 0 (off) to 1
         * @param delay the extra delay, positive when {@code rate} is
         * @return this builder
         * @throws IllegalArgumentException if {@code rate} is not in 0–1, or {@code delay} is negative,
         *     or zero with a positive rate
         */
        public Builder reorder(double rate, Duration delay) {
            double r = rate("reorder", rate);
            long d = nanos("reorder delay", delay);
            if (r > 0 && d == 0) {
                throw new IllegalArgumentException("reorder delay must be positive when the rate is " + rate);
            }
            this.reorder = r;
            this.reorderDelayNanos = d;
            return this;
        }

        /**
         * Sets the probability that a datagram is delivered twice.
         *
         * @param rate 0 (off) to 1
         * @return this builder
         * @throws IllegalArgumentException if {@code rate} is not in 0–1
         */
        public Builder duplicate(double rate) {
            this.duplicate = rate("duplicate", rate);
            return this;
        }

        /**
         * Sets the probability that one bit of a datagram's payload is flipped.
         *
         * @param rate 0 (off) to 1
         * @return this builder
         * @throws IllegalArgumentException if {@code rate} is not in 0–1
         */
        public Builder corrupt(double rate) {
            this.corrupt = rate("corrupt", rate);
            return this;
        }

        /**
         * Sets the link MTU; larger packets are dropped.
         *
         * @param bytes 0 (off), or {@value LoopbackConfiguration#MTU_MIN}–{@value LoopbackConfiguration#MTU_MAX}
         * @return this builder
         * @throws IllegalArgumentException if {@code bytes} is out of range
         */
        public Builder mtu(int bytes) {
            if (bytes != 0 && (bytes < LoopbackConfiguration.MTU_MIN || bytes > LoopbackConfiguration.MTU_MAX)) {
                throw new IllegalArgumentException("link mtu must be 0 or " + LoopbackConfiguration.MTU_MIN + "-"
                        + LoopbackConfiguration.MTU_MAX + " bytes, got " + bytes);
            }
            this.mtu = bytes;
            return this;
        }

        /**
         * Sets the link bandwidth.
         *
         * @param bitsPerSecond 0 (off, infinite) or positive
         * @return this builder
         * @throws IllegalArgumentException if {@code bitsPerSecond} is negative
         */
        public Builder bandwidth(long bitsPerSecond) {
            if (bitsPerSecond < 0) {
                throw new IllegalArgumentException("bandwidth must not be negative, got " + bitsPerSecond);
            }
            this.bandwidth = bitsPerSecond;
            return this;
        }

        /**
         * Builds the impairments.
         *
         * @return new immutable impairments
         */
        public Impairments build() {
            return new Impairments(this);
        }

        private static double rate(String what, double rate) {
            if (!(rate >= 0 && rate <= 1)) {
                throw new IllegalArgumentException(what + " rate must be 0-1, got " + rate);
            }
            return rate;
        }

        private static long nanos(String what, Duration d) {
            Objects.requireNonNull(d, what);
            if (d.isNegative()) {
                throw new IllegalArgumentException(what + " must not be negative, got " + d);
            }
            try {
                return d.toNanos();
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException(what + " is too long: " + d, e);
            }
        }
    }
}
