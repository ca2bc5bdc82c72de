package dev.batchudp.network.spi;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;

/**
 * Loads service providers and selects one, the way every discovery in batchudp does it:
 * {@link dev.batchudp.network.Networks} (network providers), the system network (socket backends) and
 * {@code StdNetBind} (batching providers).
 *
 * <p><b>Loading</b> ({@link #load}): built-in providers first, then those a {@link ServiceLoader}
 * yields, in its order. A provider whose loading throws {@link ServiceConfigurationError} is skipped
 * and logged: at WARNING the first time that failure is seen in this JVM, at DEBUG after that (the
 * discoveries load on every lookup). Duplicates (by default: the same class) are dropped and logged at
 * DEBUG. With a {@linkplain Builder#priority priority}, the result is sorted by priority, highest
 * first, then by name; without one it stays in discovery order.
 *
 * <p><b>Selection</b>: {@link #select} by name; {@link #selectDefault} by the name in a system
 * property, else the first available provider that may be chosen by default. A failure message names what was asked
 * for and lists every provider with its class, priority and state.
 *
 * <p>The caller creates the {@link ServiceLoader} (with the class loader of its choice) because on the
 * module path the module that calls {@link ServiceLoader#load(Class, ClassLoader)} must declare
 * {@code uses} for the service, and only the caller's module knows its service type.
 *
 * <p>Instances are immutable and safe for use by many threads.
 *
 * @param <P> the provider type
 * @since 0.1
 */
public final class ProviderLoader<P> {
    /** Failures already reported at WARNING, as "kind: message". */
    private static final Set<String> REPORTED_FAILURES = ConcurrentHashMap.newKeySet();

    private final String kind;
    private final String kindPlural;
    private final Logger log;
    private final Function<? super P, String> name;
    private final ToIntFunction<? super P> priority;
    private final Function<? super P, Optional<Throwable>> unavailabilityCause;
    private final Function<? super P, ?> identity;
    private final Predicate<? super P> selectableByDefault;

    private ProviderLoader(Builder<P> b) {
        this.kind = b.kind;
        this.kindPlural = b.kindPlural;
        this.log = b.log;
        this.name = b.name;
        this.priority = b.priority;
        this.unavailabilityCause = b.unavailabilityCause;
        this.identity = b.identity;
        this.selectableByDefault = b.selectableByDefault;
    }

    /**
     * Starts a loader for one kind of provider.
     *
     * @param <P> the provider type
     * @param kind what one provider is called in messages, such as {@code "network provider"}
     * @param kindPlural what several are called in the list of providers a failure message ends with,
     *     such as {@code "providers"}
     * @param log the logger failures and skipped providers are reported to (the discovering class's)
     * @param unavailabilityCause why a provider cannot be used here, or empty if it can
     * @return a builder
     */
    public static <P> Builder<P> builder(String kind, String kindPlural, Logger log,
            Function<? super P, Optional<Throwable>> unavailabilityCause) {
        return new Builder<>(kind, kindPlural, log, unavailabilityCause);
    }

    /**
     * Loads the providers {@code serviceLoader} yields, skipping those that fail to load and
     * duplicates, sorted as the class documentation says.
     *
     * @param serviceLoader the service loader, created by the caller with the class loader it chooses
     * @return the providers, immutable
     */
    public List<P> load(ServiceLoader<P> serviceLoader) {
        return load(serviceLoader, List.of());
    }

    /**
     * Loads the providers: {@code builtIns} first, then every one {@code serviceLoader} yields, skipping
     * those that fail to load and duplicates, sorted as the class documentation says.
     *
     * @param serviceLoader the service loader, created by the caller with the class loader it chooses
     * @param builtIns providers that exist without {@link ServiceLoader}, such as a portable default
     * @return the providers, immutable
     */
    public List<P> load(ServiceLoader<P> serviceLoader, List<? extends P> builtIns) {
        List<P> found = new ArrayList<>(builtIns);
        Iterator<P> it = serviceLoader.iterator();
        while (true) {
            P provider;
            try {
                if (!it.hasNext()) {
                    break;
                }
                provider = it.next();
            } catch (ServiceConfigurationError e) {
                Level level = REPORTED_FAILURES.add(kind + ": " + e.getMessage()) ? Level.WARNING : Level.DEBUG;
                log.log(level, "skipping a " + kind + " that failed to load", e);
                continue;
            }
            Object key = identity.apply(provider);
            if (found.stream().anyMatch(p -> Objects.equals(identity.apply(p), key))) {
                log.log(Level.DEBUG, "ignoring duplicate " + kind + " " + provider);
            } else {
                found.add(provider);
            }
        }
        if (priority != null) {
            found.sort(Comparator.<P>comparingInt(priority).reversed().thenComparing(name));
        }
        return List.copyOf(found);
    }

    /**
     * Returns why a provider cannot be used, treating an exception thrown while asking as the cause.
     *
     * @param provider the provider
     * @return the cause, or empty if the provider is available
     */
    Optional<Throwable> unavailabilityCause(P provider) {
        try {
            return unavailabilityCause.apply(provider);
        } catch (RuntimeException | LinkageError e) {
            return Optional.of(e);
        }
    }

    /**
     * Returns the first available provider that may be {@linkplain Builder#selectableByDefault chosen by
     * default}; each unavailable one passed over is logged at DEBUG with its cause.
     *
     * @param providers the candidates, in order of preference
     * @return the provider, or empty
     */
    public Optional<P> firstAvailable(List<P> providers) {
        for (P p : providers) {
            if (!selectableByDefault.test(p)) {
                continue;
            }
            Optional<Throwable> cause = unavailabilityCause(p);
            if (cause.isEmpty()) {
                return Optional.of(p);
            }
            log.log(Level.DEBUG, "{0} {1} unavailable: {2}", new Object[] {kind, p, cause.get()});
        }
        return Optional.empty();
    }

    /**
     * Selects the provider with the given name.
     *
     * @param <X> the exception type
     * @param providers the candidates, in order of preference
     * @param requested the name asked for
     * @param failure makes the exception from a message and the provider's unavailability cause (or
     *     {@code null})
     * @return the provider
     * @throws X if no provider has that name or it is unavailable
     */
    public <X extends RuntimeException> P select(List<P> providers, String requested,
            BiFunction<String, Throwable, X> failure) {
        return select(providers, requested, "", failure);
    }

    /**
     * Selects a provider when none is named by the caller: the one named by the system property
     * {@code property} (trimmed; blank counts as unset), else the {@linkplain #firstAvailable first
     * available} one that may be {@linkplain Builder#selectableByDefault chosen by default}.
     *
     * @param <X> the exception type
     * @param providers the candidates, in order of preference
     * @param property the system property that names a provider
     * @param failure makes the exception from a message and the named provider's unavailability cause
     *     (or {@code null})
     * @return the provider
     * @throws X if the property names a provider that is missing or unavailable, or none can be chosen
     */
    public <X extends RuntimeException> P selectDefault(List<P> providers, String property,
            BiFunction<String, Throwable, X> failure) {
        String value = System.getProperty(property);
        if (value != null && !value.isBlank()) {
            return select(providers, value.trim(), " (named by -D" + property + ")", failure);
        }
        return firstAvailable(providers).orElseThrow(() -> failure.apply(
                "no available " + kind + " can be chosen by default" + describe(providers), null));
    }

    private <X extends RuntimeException> P select(List<P> providers, String wanted, String source,
            BiFunction<String, Throwable, X> failure) {
        for (P p : providers) {
            if (name.apply(p).equals(wanted)) {
                Optional<Throwable> cause = unavailabilityCause(p);
                if (cause.isPresent()) {
                    throw failure.apply(kind + " \"" + wanted + "\"" + source + " is unavailable: " + cause.get()
                            + describe(providers), cause.get());
                }
                return p;
            }
        }
        throw failure.apply("no " + kind + " named \"" + wanted + "\"" + source + describe(providers), null);
    }

    /**
     * Describes the providers for an error message: {@code "; <kinds> found:"} and a line per provider
     * with its name, class, priority and state, or a note that none was found.
     *
     * Providers that may not be {@linkplain Builder#selectableByDefault chosen by default} are marked
     * "only when selected by name".
     *
     * @param providers the providers
     * @return the text, starting with {@code "; "}
     */
    private String describe(List<P> providers) {
        if (providers.isEmpty()) {
            return "; no " + kindPlural + " found on the class path or module path";
        }
        StringBuilder sb = new StringBuilder("; ").append(kindPlural).append(" found:");
        for (P p : providers) {
            sb.append("\n  ").append(name.apply(p)).append(" (").append(p.getClass().getName());
            if (priority != null) {
                sb.append(", priority ").append(priority.applyAsInt(p));
            }
            sb.append("): ");
            Optional<Throwable> cause = unavailabilityCause(p);
            if (cause.isPresent()) {
                sb.append("unavailable: ").append(cause.get());
            } else if (!selectableByDefault.test(p)) {
                sb.append("available, but only when selected by name");
            } else {
                sb.append("available");
            }
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "ProviderLoader[" + kindPlural + "]";
    }

    /**
     * Configures a {@link ProviderLoader}.
     *
     * @param <P> the provider type
     * @since 0.1
     */
    public static final class Builder<P> {
        private final String kind;
        private final String kindPlural;
        private final Logger log;
        private final Function<? super P, Optional<Throwable>> unavailabilityCause;
        private Function<? super P, String> name = p -> p.getClass().getName();
        private ToIntFunction<? super P> priority;
        private Function<? super P, ?> identity = Object::getClass;
        private Predicate<? super P> selectableByDefault = p -> true;

        private Builder(String kind, String kindPlural, Logger log,
                Function<? super P, Optional<Throwable>> unavailabilityCause) {
            this.kind = Objects.requireNonNull(kind, "kind");
            this.kindPlural = Objects.requireNonNull(kindPlural, "kindPlural");
            this.log = Objects.requireNonNull(log, "log");
            this.unavailabilityCause = Objects.requireNonNull(unavailabilityCause, "unavailabilityCause");
        }

        /**
         * Sets the name a provider is selected by. Without it, the class name stands in.
         *
         * @param name the provider's name
         * @return this builder
         */
        public Builder<P> name(Function<? super P, String> name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * Sets the priority that orders the providers, highest first, ties by name. Without it,
         * providers stay in discovery order.
         *
         * @param priority the provider's priority
         * @return this builder
         */
        public Builder<P> priority(ToIntFunction<? super P> priority) {
            this.priority = Objects.requireNonNull(priority, "priority");
            return this;
        }

        /**
         * Sets what makes two providers duplicates; the first one loaded is kept. Without it, two
         * instances of the same class are.
         *
         * @param key the key two duplicates share
         * @return this builder
         */
        public Builder<P> distinctBy(Function<? super P, ?> key) {
            this.identity = Objects.requireNonNull(key, "key");
            return this;
        }

        /**
         * Sets which providers may be chosen without being named. Without it, every one may.
         *
         * @param selectable whether a provider may be chosen by default
         * @return this builder
         */
        public Builder<P> selectableByDefault(Predicate<? super P> selectable) {
            this.selectableByDefault = Objects.requireNonNull(selectable, "selectable");
            return this;
        }

        /**
         * Builds the loader.
         *
         * @return the loader
         */
        public ProviderLoader<P> build() {
            return new ProviderLoader<>(this);
        }
    }
}
