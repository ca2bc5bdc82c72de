package dev.batchudp.bind;

import dev.batchudp.bind.spi.BatchingConnProvider;
import dev.batchudp.network.UdpFamily;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Options of a {@link StdNetBind} (batchudp's {@code StdNetBindOptions}). The defaults behave as
 * wireguard-go: IPv4 first, both families required, batch size chosen by the network.
 *
 * @since 0.1
 */
public final class StdNetBindOptions {
    private static final StdNetBindOptions DEFAULTS = builder().build();

    private final FamilyOrder familyOrder;
    private final boolean allowSingleFamily;
    private final BiConsumer<UdpFamily, IOException> onFamilyOpenError;
    private final int batchSize;
    private final BatchingConnProvider batchingProvider;
    private final boolean batchingDisabled;

    private StdNetBindOptions(Builder b) {
        this.familyOrder = b.familyOrder;
        this.allowSingleFamily = b.allowSingleFamily;
        this.onFamilyOpenError = b.onFamilyOpenError;
        this.batchSize = b.batchSize;
        this.batchingProvider = b.batchingProvider;
        this.batchingDisabled = b.batchingDisabled;
    }

    /**
     * Returns the default options.
     *
     * @return the defaults
     */
    public static StdNetBindOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Returns a builder with the defaults.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns a builder starting from these options.
     *
     * @return a builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.familyOrder = familyOrder;
        b.allowSingleFamily = allowSingleFamily;
        b.onFamilyOpenError = onFamilyOpenError;
        b.batchSize = batchSize;
        b.batchingProvider = batchingProvider;
        b.batchingDisabled = batchingDisabled;
        return b;
    }

    /**
     * Returns which family is opened first.
     *
     * @return the order
     */
    public FamilyOrder familyOrder() {
        return familyOrder;
    }

    /**
     * Returns whether {@link StdNetBind#open(int)} succeeds with one family when the other fails.
     *
     * @return whether a single family is enough
     */
    public boolean allowSingleFamily() {
        return allowSingleFamily;
    }

    /**
     * Returns the callback told about the family that failed in single-family mode.
     *
     * @return the callback, or empty
     */
    public Optional<BiConsumer<UdpFamily, IOException>> onFamilyOpenError() {
        return Optional.ofNullable(onFamilyOpenError);
    }

    /**
     * Returns the configured batch size.
     *
     * @return the batch size, or 0 for the network's default
     */
    public int batchSize() {
        return batchSize;
    }

    /**
     * Returns the batching provider set explicitly.
     *
     * @return the provider, or empty to discover one with {@link java.util.ServiceLoader}
     */
    public Optional<BatchingConnProvider> batchingProvider() {
        return Optional.ofNullable(batchingProvider);
    }

    /**
     * Returns whether batched I/O is turned off for this bind.
     *
     * @return whether batching is disabled
     */
    public boolean batchingDisabled() {
        return batchingDisabled;
    }

    /** Builds {@link StdNetBindOptions}. */
    public static final class Builder {
        private FamilyOrder familyOrder = FamilyOrder.IPV4_FIRST;
        private boolean allowSingleFamily;
        private BiConsumer<UdpFamily, IOException> onFamilyOpenError;
        private int batchSize;
        private BatchingConnProvider batchingProvider;
        private boolean batchingDisabled;

        private Builder() {}

        /**
         * Sets which family is opened first (default {@link FamilyOrder#IPV4_FIRST}).
         *
         * @param familyOrder the order
         * @return this builder
         */
        public Builder familyOrder(FamilyOrder familyOrder) {
            this.familyOrder = Objects.requireNonNull(familyOrder, "familyOrder");
            return this;
        }

        /**
         * Lets {@link StdNetBind#open(int)} succeed with the first family when the second cannot be
         * opened (default {@code false}: both are required, except when a family is not supported
         * at all).
         *
         * @param allowSingleFamily whether one family is enough
         * @return this builder
         */
        public Builder allowSingleFamily(boolean allowSingleFamily) {
            this.allowSingleFamily = allowSingleFamily;
            return this;
        }

        /**
         * Sets a callback told, after {@link StdNetBind#open(int)} returns, which family failed in
         * single-family mode and why.
         *
         * @param callback the callback, or {@code null}
         * @return this builder
         */
        public Builder onFamilyOpenError(BiConsumer<UdpFamily, IOException> callback) {
            this.onFamilyOpenError = callback;
            return this;
        }

        /**
         * Sets the batch size. 0 (the default) means {@link Bind#IDEAL_BATCH_SIZE} where the network's
         * sockets support batched I/O, else 1.
         *
         * @param batchSize the batch size, 0 or positive
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder batchSize(int batchSize) {
            if (batchSize < 0) {
                throw new IllegalArgumentException("batchSize must be 0 (default) or positive: " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Uses this provider for batched I/O instead of the one discovered with
         * {@link java.util.ServiceLoader}; for tests and custom platforms.
         *
         * @param provider the provider, or {@code null} to discover
         * @return this builder
         */
        public Builder batchingProvider(BatchingConnProvider provider) {
            this.batchingProvider = provider;
            return this;
        }

        /**
         * Turns batched I/O off: every socket uses single-datagram reads and writes.
         *
         * @param disabled whether to disable batching
         * @return this builder
         */
        public Builder batchingDisabled(boolean disabled) {
            this.batchingDisabled = disabled;
            return this;
        }

        /**
         * Builds the options.
         *
         * @return immutable options
         */
        public StdNetBindOptions build() {
            return new StdNetBindOptions(this);
        }
    }
}
