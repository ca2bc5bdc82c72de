package dev.batchudp.network;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Immutable string options passed to a provider when it opens a network. Each provider documents
 * the keys it reads (for example {@code loopback.mtu}); unknown keys are ignored.
 *
 * @since 0.1
 */
public final class NetworkOptions {
    private static final NetworkOptions EMPTY = new NetworkOptions(Map.of());

    private final Map<String, String> values;

    private NetworkOptions(Map<String, String> values) {
        this.values = values;
    }

    /**
     * Returns options with no entries.
     *
     * @return empty options
     */
    public static NetworkOptions empty() {
        return EMPTY;
    }

    /**
     * Returns a builder for new options.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder(Map.of());
    }

    /**
     * Returns a builder that starts from these options.
     *
     * @return a builder
     */
    public Builder toBuilder() {
        return new Builder(values);
    }

    /**
     * Returns the value of a key.
     *
     * @param key the key
     * @return the value, or empty if absent
     */
    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    /**
     * Returns an integer value.
     *
     * @param key the key
     * @param defaultValue returned when the key is absent
     * @return the value
     * @throws IllegalArgumentException if the value is not a decimal integer
     */
    public int getInt(String key, int defaultValue) {
        String value = values.get(key);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "network option " + key + " must be an integer, got \"" + value + "\"", e);
        }
    }

    /**
     * Returns a boolean value ({@code true} or {@code false}, case-insensitive).
     *
     * @param key the key
     * @param defaultValue returned when the key is absent
     * @return the value
     * @throws IllegalArgumentException if the value is neither {@code true} nor {@code false}
     */
    public boolean getBoolean(String key, boolean defaultValue) {
        String value = values.get(key);
        if (value == null) {
            return defaultValue;
        }
        if (value.trim().equalsIgnoreCase("true")) {
            return true;
        }
        if (value.trim().equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException(
                "network option " + key + " must be true or false, got \"" + value + "\"");
    }

    /**
     * Returns all entries.
     *
     * @return an unmodifiable map
     */
    public Map<String, String> asMap() {
        return values;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NetworkOptions && ((NetworkOptions) o).values.equals(values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return "NetworkOptions" + values;
    }

    /** Builds {@link NetworkOptions}. */
    public static final class Builder {
        private final Map<String, String> values;

        private Builder(Map<String, String> initial) {
            this.values = new LinkedHashMap<>(initial);
        }

        /**
         * Sets a key.
         *
         * @param key the key
         * @param value the value
         * @return this builder
         */
        public Builder set(String key, String value) {
            values.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Removes a key.
         *
         * @param key the key
         * @return this builder
         */
        public Builder remove(String key) {
            values.remove(key);
            return this;
        }

        /**
         * Builds the options.
         *
         * @return immutable options
         */
        public NetworkOptions build() {
            return values.isEmpty() ? EMPTY : new NetworkOptions(Map.copyOf(values));
        }
    }
}
