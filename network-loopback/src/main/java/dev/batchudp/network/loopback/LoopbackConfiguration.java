package dev.batchudp.network.loopback;

import java.util.Objects;

/**
 * The immutable settings of a {@link LoopbackNetwork}. Start from a preset ({@link #defaults()} or
 * {@link #linuxLike()}) or {@link #builder()}, and derive variants with {@link #toBuilder()}:
 *
 * <pre>{@code
 * LoopbackNetwork network = LoopbackNetwork.create(
 *         LoopbackConfiguration.defaults().toBuilder().mtu(1500).build());
 * }</pre>
 *
 * <table class="striped">
 *   <caption>Settings</caption>
 *   <thead>
 *     <tr><th>Setting</th><th>{@link #defaults()}</th><th>{@link #linuxLike()}</th><th>Meaning</th></tr>
 *   </thead>
 *   <tbody>
 *     <tr><td>{@link #mtu()}</td><td>65,536</td><td>65,536</td><td>MTU of the {@code lo} interface;
 *         bounds the payload of connections with don't-fragment set</td></tr>
 *     <tr><td>{@link #dontFragment()}</td><td>false</td><td>false</td><td>new connections start with
 *         {@link dev.batchudp.network.UdpSocketOptions#IP_DONTFRAG} set</td></tr>
 *     <tr><td>{@link #receiveQueueCapacity()}</td><td>4,096</td><td>4,096</td><td>datagrams each
 *         connection's receive queue holds</td></tr>
 *     <tr><td>{@link #receiveQueueBytes()}</td><td>16 MiB</td><td>212,992</td><td>payload bytes each
 *         receive queue holds; the initial {@code SO_RCVBUF}</td></tr>
 *     <tr><td>{@link #ephemeralPortFirst()}–{@link #ephemeralPortLast()}</td><td>49152–65535</td>
 *         <td>32768–60999</td><td>ports handed out for port 0</td></tr>
 *     <tr><td>{@link #recordOpenStackTraces()}</td><td>true</td><td>true</td><td>remember where each
 *         connection was opened, for {@link LoopbackNetwork#checkNoOpenConnections()}</td></tr>
 *     <tr><td>{@link #seed()}</td><td>{@value #SEED_DEFAULT}</td><td>{@value #SEED_DEFAULT}</td><td>seed
 *         of the network's random source (loss, latency, reordering, ...)</td></tr>
 *     <tr><td>{@link #manualClock()}</td><td>false</td><td>false</td><td>delays, receive timeouts and
 *         the clock's executors run on a {@link ManualClock} instead of real time</td></tr>
 *     <tr><td>{@link #autoAdvance()}</td><td>false</td><td>false</td><td>the manual clock jumps to the
 *         next event when every participating thread waits on it</td></tr>
 *     <tr><td>{@link #impairments()}</td><td>none</td><td>none</td><td>the network-wide
 *         {@link Impairments} it starts with</td></tr>
 *   </tbody>
 * </table>
 *
 * @since 0.1
 */
public final class LoopbackConfiguration {

    /** Default {@link #mtu()}: 65,536 bytes, the MTU of Linux's {@code lo}. */
    public static final int MTU_DEFAULT = 65_536;

    /** Smallest accepted {@link #mtu()}: 68 bytes, the IPv4 minimum (RFC 791). */
    public static final int MTU_MIN = 68;

    /** Largest accepted {@link #mtu()}: 65,536 bytes; no IP datagram is larger anyway. */
    public static final int MTU_MAX = 65_536;

    /** Default {@link #receiveQueueCapacity()}: 4,096 datagrams. */
    public static final int RECEIVE_QUEUE_CAPACITY_DEFAULT = 4_096;

    /**
     * Default {@link #receiveQueueBytes()}: 16 MiB, so that with the default capacity every datagram of
     * up to 4 KiB fits and the datagram count is what limits the queue.
     */
    public static final int RECEIVE_QUEUE_BYTES_DEFAULT = 16 * 1024 * 1024;

    /** {@link #receiveQueueBytes()} of {@link #linuxLike()}: 212,992 bytes, Linux's {@code net.core.rmem_default}. */
    public static final int LINUX_RMEM_DEFAULT = 212_992;

    /** Default {@link #ephemeralPortFirst()}: 49152, the start of the IANA dynamic range (as gonnect). */
    public static final int EPHEMERAL_PORT_FIRST_DEFAULT = 49_152;

    /** Default {@link #ephemeralPortLast()}: 65535. */
    public static final int EPHEMERAL_PORT_LAST_DEFAULT = 65_535;

    /** First ephemeral port of {@link #linuxLike()}: 32768, from Linux's {@code net.ipv4.ip_local_port_range}. */
    public static final int LINUX_EPHEMERAL_PORT_FIRST = 32_768;

    /** Last ephemeral port of {@link #linuxLike()}: 60999, from Linux's {@code net.ipv4.ip_local_port_range}. */
    public static final int LINUX_EPHEMERAL_PORT_LAST = 60_999;

    /**
     * Default {@link #seed()}: a fixed value, so that a network built without a seed still behaves
     * the same on every run.
     */
    public static final long SEED_DEFAULT = 0x5EED;

    private static final LoopbackConfiguration DEFAULTS = new Builder().build();

    private static final LoopbackConfiguration LINUX_LIKE = new Builder()
            .receiveQueueBytes(LINUX_RMEM_DEFAULT)
            .ephemeralPortRange(LINUX_EPHEMERAL_PORT_FIRST, LINUX_EPHEMERAL_PORT_LAST)
            .build();

    private final int mtu;
    private final int receiveQueueCapacity;
    private final int receiveQueueBytes;
    private final int ephemeralPortFirst;
    private final int ephemeralPortLast;
    private final boolean recordOpenStackTraces;
    private final long seed;
    private final boolean manualClock;
    private final Impairments impairments;
    private final boolean dontFragment;
    private final boolean autoAdvance;

    private LoopbackConfiguration(Builder b) {
        this.mtu = b.mtu;
        this.receiveQueueCapacity = b.receiveQueueCapacity;
        this.receiveQueueBytes = b.receiveQueueBytes;
        this.ephemeralPortFirst = b.ephemeralPortFirst;
        this.ephemeralPortLast = b.ephemeralPortLast;
        this.recordOpenStackTraces = b.recordOpenStackTraces;
        this.seed = b.seed;
        this.manualClock = b.manualClock;
        this.impairments = b.impairments;
        this.dontFragment = b.dontFragment;
        this.autoAdvance = b.autoAdvance;
    }

    /**
     * Returns the default configuration: see the table above. It suits tests: queues deep enough
     * that a burst of a few thousand datagrams is not dropped, and IANA ephemeral ports.
     *
     * @return the defaults
     */
    public static LoopbackConfiguration defaults() {
        return DEFAULTS;
    }

    /**
     * Returns a configuration close to an untuned Linux host: receive queues bounded by
     * {@value #LINUX_RMEM_DEFAULT} payload bytes ({@code net.core.rmem_default}) and ephemeral ports
     * {@value #LINUX_EPHEMERAL_PORT_FIRST}–{@value #LINUX_EPHEMERAL_PORT_LAST}. Linux also charges
     * each datagram's kernel overhead to the buffer, so it holds fewer small datagrams than this
     * network does.
     *
     * @return the Linux-like preset
     */
    public static LoopbackConfiguration linuxLike() {
        return LINUX_LIKE;
    }

    /**
     * Returns a builder holding the {@linkplain #defaults() defaults}.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns a builder holding this configuration's values.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * Returns the MTU of the {@code lo} interface. A connection with
     * {@link dev.batchudp.network.UdpSocketOptions#IP_DONTFRAG} set (see {@link #dontFragment()}) may send
     * payloads of at most the MTU minus the IP header (20 bytes for IPv4, 40 for IPv6) minus the 8-byte
     * UDP header; larger ones are refused with {@link dev.batchudp.network.DatagramTooLargeException}.
     * Without it, as on Linux, which fragments, the limit is
     * {@link dev.batchudp.network.UdpFamily#maxPayload()} whatever the MTU.
     *
     * @return the MTU in bytes
     */
    public int mtu() {
        return mtu;
    }

    /**
     * Returns how many datagrams each connection's receive queue holds. A datagram arriving at a full
     * queue is dropped and counted; the sender never blocks.
     *
     * @return the capacity in datagrams
     */
    public int receiveQueueCapacity() {
        return receiveQueueCapacity;
    }

    /**
     * Returns how many payload bytes each connection's receive queue holds at first; a connection may
     * change it with {@link java.net.StandardSocketOptions#SO_RCVBUF}. As on Linux, an empty queue
     * always accepts one datagram, however large.
     *
     * @return the capacity in bytes
     */
    public int receiveQueueBytes() {
        return receiveQueueBytes;
    }

    /**
     * Returns the first port handed out when port 0 is asked for.
     *
     * @return the first ephemeral port
     */
    public int ephemeralPortFirst() {
        return ephemeralPortFirst;
    }

    /**
     * Returns the last port handed out when port 0 is asked for.
     *
     * @return the last ephemeral port (inclusive)
     */
    public int ephemeralPortLast() {
        return ephemeralPortLast;
    }

    /**
     * Returns whether the network records a stack trace where each connection is opened, so that
     * {@link LoopbackNetwork#checkNoOpenConnections()} can say where a leaked connection came from.
     * Recording costs some microseconds per open and nothing per datagram.
     *
     * @return whether open sites are recorded
     */
    public boolean recordOpenStackTraces() {
        return recordOpenStackTraces;
    }

    /**
     * Returns the seed of the network's random source. Every random choice the network makes (loss,
     * latency, reordering, duplication, corruption, and rules that use
     * {@link LoopbackRule.Datagram#random()}) comes from one generator seeded with it, so the same seed
     * and the same sends give the same fates.
     *
     * @return the seed
     */
    public long seed() {
        return seed;
    }

    /**
     * Returns whether delays run on a {@link ManualClock} ({@link LoopbackNetwork#manualClock()}) that
     * moves only when the test advances it, rather than in real time on a scheduler thread.
     *
     * @return whether the clock is manual
     */
    public boolean manualClock() {
        return manualClock;
    }

    /**
     * Returns the network-wide impairments the network starts with; they can be changed later with
     * {@link LoopbackNetwork#setImpairments(Impairments)}.
     *
     * @return the initial impairments
     */
    public Impairments impairments() {
        return impairments;
    }

    /**
     * Returns whether new connections start with {@link dev.batchudp.network.UdpSocketOptions#IP_DONTFRAG}
     * set, so that the {@linkplain #mtu() MTU} bounds every payload (the strict MTU of earlier versions).
     * Off (the default): connections start without it, and payloads up to the family's UDP maximum are
     * sent, as on Linux. A connection may change it with {@code setOption}.
     *
     * @return whether don't-fragment is on by default
     */
    public boolean dontFragment() {
        return dontFragment;
    }

    /**
     * Returns whether the network's {@link ManualClock} advances by itself: when every participating
     * thread ({@link ManualClock#participate()}, {@link ManualClock#threadFactory()}, the clock's
     * executors) waits on simulated time, the clock
     * jumps to the next timer or delivery. Implies {@link #manualClock()}. Off (the default): the
     * manual clock moves only when {@linkplain ManualClock#advance advanced}.
     *
     * @return whether the manual clock advances by itself
     */
    public boolean autoAdvance() {
        return autoAdvance;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof LoopbackConfiguration)) {
            return false;
        }
        LoopbackConfiguration c = (LoopbackConfiguration) o;
        return mtu == c.mtu && receiveQueueCapacity == c.receiveQueueCapacity
                && receiveQueueBytes == c.receiveQueueBytes && ephemeralPortFirst == c.ephemeralPortFirst
                && ephemeralPortLast == c.ephemeralPortLast && recordOpenStackTraces == c.recordOpenStackTraces
                && seed == c.seed && manualClock == c.manualClock && impairments.equals(c.impairments)
                && dontFragment == c.dontFragment && autoAdvance == c.autoAdvance;
    }

    @Override
    public int hashCode() {
        return Objects.hash(mtu, receiveQueueCapacity, receiveQueueBytes, ephemeralPortFirst,
                ephemeralPortLast, recordOpenStackTraces, seed, manualClock, impairments, dontFragment, autoAdvance);
    }

    @Override
    public String toString() {
        return "LoopbackConfiguration{mtu=" + mtu + ", receiveQueueCapacity=" + receiveQueueCapacity
                + ", receiveQueueBytes=" + receiveQueueBytes + ", ephemeralPorts=" + ephemeralPortFirst
                + "-" + ephemeralPortLast + ", recordOpenStackTraces=" + recordOpenStackTraces + ", seed=" + seed
                + ", manualClock=" + manualClock + ", autoAdvance=" + autoAdvance + ", impairments=" + impairments
                + ", dontFragment=" + dontFragment + "}";
    }

    /**
     * Builds {@link LoopbackConfiguration}s. Each setter checks its argument at once and throws
     * {@link IllegalArgumentException} naming the bad value. Not thread-safe.
     *
     * @since 0.1
     */
    public static final class Builder {
        private int mtu = MTU_DEFAULT;
        private int receiveQueueCapacity = RECEIVE_QUEUE_CAPACITY_DEFAULT;
        private int receiveQueueBytes = RECEIVE_QUEUE_BYTES_DEFAULT;
        private int ephemeralPortFirst = EPHEMERAL_PORT_FIRST_DEFAULT;
        private int ephemeralPortLast = EPHEMERAL_PORT_LAST_DEFAULT;
        private boolean recordOpenStackTraces = true;
        private long seed = SEED_DEFAULT;
        private boolean manualClock;
        private Impairments impairments = Impairments.none();
        private boolean dontFragment;
        private boolean autoAdvance;

        private Builder() {}

        private Builder(LoopbackConfiguration c) {
            this.mtu = c.mtu;
            this.receiveQueueCapacity = c.receiveQueueCapacity;
            this.receiveQueueBytes = c.receiveQueueBytes;
            this.ephemeralPortFirst = c.ephemeralPortFirst;
            this.ephemeralPortLast = c.ephemeralPortLast;
            this.recordOpenStackTraces = c.recordOpenStackTraces;
            this.seed = c.seed;
            this.manualClock = c.manualClock;
            this.impairments = c.impairments;
            this.dontFragment = c.dontFragment;
            this.autoAdvance = c.autoAdvance;
        }

        /**
         * Sets the MTU of the {@code lo} interface.
         *
         * @param mtu the MTU in bytes, {@value LoopbackConfiguration#MTU_MIN} to
         *     {@value LoopbackConfiguration#MTU_MAX}
         * @return this builder
         * @throws IllegalArgumentException if {@code mtu} is out of range
         */
        public Builder mtu(int mtu) {
            if (mtu < MTU_MIN || mtu > MTU_MAX) {
                throw new IllegalArgumentException(
                        "mtu must be " + MTU_MIN + "-" + MTU_MAX + " bytes, got " + mtu);
            }
            this.mtu = mtu;
            return this;
        }

        /**
         * Sets how many datagrams each receive queue holds.
         *
         * @param datagrams the capacity, at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code datagrams} is less than 1
         */
        public Builder receiveQueueCapacity(int datagrams) {
            if (datagrams < 1) {
                throw new IllegalArgumentException(
                        "receiveQueueCapacity must be at least 1 datagram, got " + datagrams);
            }
            this.receiveQueueCapacity = datagrams;
            return this;
        }

        /**
         * Sets how many payload bytes each receive queue holds at first.
         *
         * @param bytes the capacity, at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code bytes} is less than 1
         */
        public Builder receiveQueueBytes(int bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("receiveQueueBytes must be at least 1 byte, got " + bytes);
            }
            this.receiveQueueBytes = bytes;
            return this;
        }

        /**
         * Sets the ports handed out when port 0 is asked for.
         *
         * @param first the first port, 1–65535
         * @param last the last port (inclusive), {@code first}–65535
         * @return this builder
         * @throws IllegalArgumentException if a port is out of range or {@code first > last}
         */
        public Builder ephemeralPortRange(int first, int last) {
            if (first < 1 || first > 65_535) {
                throw new IllegalArgumentException("first ephemeral port must be 1-65535, got " + first);
            }
            if (last < first || last > 65_535) {
                throw new IllegalArgumentException(
                        "last ephemeral port must be " + first + "-65535, got " + last);
            }
            this.ephemeralPortFirst = first;
            this.ephemeralPortLast = last;
            return this;
        }

        /**
         * Sets whether each connection remembers where it was opened.
         *
         * @param record {@code true} to record a stack trace at each open
         * @return this builder
         */
        public Builder recordOpenStackTraces(boolean record) {
            this.recordOpenStackTraces = record;
            return this;
        }

        /**
         * Sets the seed of the network's random source.
         *
         * @param seed any value
         * @return this builder
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Sets whether delays run on a {@link ManualClock}.
         *
         * @param manual {@code true} for a manual clock, {@code false} for real time (which also turns
         *     {@linkplain #autoAdvance(boolean) auto-advance} off)
         * @return this builder
         */
        public Builder manualClock(boolean manual) {
            this.manualClock = manual;
            if (!manual) {
                this.autoAdvance = false;
            }
            return this;
        }

        /**
         * Sets whether new connections start with don't-fragment set.
         *
         * @param dontFragment {@code true} to refuse payloads the MTU cannot carry unfragmented
         * @return this builder
         */
        public Builder dontFragment(boolean dontFragment) {
            this.dontFragment = dontFragment;
            return this;
        }

        /**
         * Sets whether the manual clock advances by itself when every participating thread waits on
         * it; {@code true} also turns the {@linkplain #manualClock(boolean) manual clock} on.
         *
         * @param autoAdvance {@code true} for a self-advancing manual clock
         * @return this builder
         */
        public Builder autoAdvance(boolean autoAdvance) {
            this.autoAdvance = autoAdvance;
            if (autoAdvance) {
                this.manualClock = true;
            }
            return this;
        }

        /**
         * Sets the network-wide impairments the network starts with.
         *
         * @param impairments the impairments; {@link Impairments#none()} for a perfect network
         * @return this builder
         */
        public Builder impairments(Impairments impairments) {
            this.impairments = Objects.requireNonNull(impairments, "impairments");
            return this;
        }

        /**
         * Builds the configuration.
         *
         * @return a new immutable configuration
         */
        public LoopbackConfiguration build() {
            return new LoopbackConfiguration(this);
        }
    }
}
