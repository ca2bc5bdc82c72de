package dev.batchudp.network;

import dev.batchudp.network.spi.NetworkProvider;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Finds {@link NetworkProvider}s with {@link ServiceLoader} and opens networks from them.
 *
 * <p>Selection, as the JDK's {@code SelectorProvider.provider()} does it:
 * <ol>
 *   <li>the name passed to {@link #open(String)};
 *   <li>else the system property {@value #PROVIDER_PROPERTY};
 *   <li>else the available provider with the highest {@link NetworkProvider#priority() priority}
 *       among those {@linkplain NetworkProvider#isSelectableByDefault() selectable by default}. The
 *       loopback network is never chosen this way.
 * </ol>
 * When nothing fits, {@link NetworkProviderNotFoundException} lists every provider and why it is
 * unavailable. A provider that fails to load is logged once and skipped.
 *
 * @since 0.1
 */
public final class Networks {
    /** System property naming the provider {@link #open()} uses. */
    public static final String PROVIDER_PROPERTY = "dev.batchudp.network.provider";

    /** Default of {@link #PROVIDER_PROPERTY}: unset, choose by priority. */
    public static final String PROVIDER_DEFAULT = null;

    private static final Logger LOG = System.getLogger(Networks.class.getName());

    private Networks() {}

    /**
     * Opens a network from the provider named by {@value #PROVIDER_PROPERTY}, or else the default one.
     *
     * @return a new network
     * @throws NetworkProviderNotFoundException if no provider fits
     * @throws IOException if the provider fails to open the network
     */
    public static Network open() throws IOException {
        return open(NetworkOptions.empty());
    }

    /**
     * Like {@link #open()}, passing options to the provider.
     *
     * @param options provider options
     * @return a new network
     * @throws NetworkProviderNotFoundException if no provider fits
     * @throws IOException if the provider fails to open the network
     */
    public static Network open(NetworkOptions options) throws IOException {
        return selectDefault(providers()).open(options);
    }

    /**
     * Opens a network from the provider with the given name.
     *
     * @param providerName the provider name, such as {@code system} or {@code loopback}
     * @return a new network
     * @throws NetworkProviderNotFoundException if there is no such provider or it is unavailable
     * @throws IOException if the provider fails to open the network
     */
    public static Network open(String providerName) throws IOException {
        return open(providerName, NetworkOptions.empty());
    }

    /**
     * Opens a network from the provider with the given name, passing options.
     *
     * @param providerName the provider name
     * @param options provider options
     * @return a new network
     * @throws NetworkProviderNotFoundException if there is no such provider or it is unavailable
     * @throws IOException if the provider fails to open the network
     */
    public static Network open(String providerName, NetworkOptions options) throws IOException {
        return select(providers(), providerName).open(options);
    }

    /**
     * Returns the provider {@link #open()} would use, without opening anything.
     *
     * @return the provider
     * @throws NetworkProviderNotFoundException if no provider fits
     */
    public static NetworkProvider defaultProvider() {
        return selectDefault(providers());
    }

    /**
     * Returns the provider with the given name, available or not.
     *
     * @param providerName the name
     * @return the provider, or empty
     */
    public static Optional<NetworkProvider> provider(String providerName) {
        return providers().stream().filter(p -> p.name().equals(providerName)).findFirst();
    }

    /**
     * Returns every provider visible to the thread's context class loader, highest priority first.
     *
     * @return the providers
     */
    public static List<NetworkProvider> providers() {
        return providers(Thread.currentThread().getContextClassLoader());
    }

    /**
     * Returns every provider visible to a class loader, highest priority first, then by name.
     *
     * @param loader the class loader, or {@code null} for the system class loader
     * @return the providers
     */
    public static List<NetworkProvider> providers(ClassLoader loader) {
        List<NetworkProvider> found = new ArrayList<>();
        Iterator<NetworkProvider> it = ServiceLoader.load(NetworkProvider.class, loader).iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                NetworkProvider provider = it.next();
                if (found.stream().noneMatch(p -> p.getClass() == provider.getClass())) {
                    found.add(provider);
                }
            } catch (ServiceConfigurationError e) {
                LOG.log(Level.WARNING, "skipping a network provider that failed to load", e);
            }
        }
        found.sort(Comparator.comparingInt(NetworkProvider::priority).reversed()
                .thenComparing(NetworkProvider::name));
        return List.copyOf(found);
    }

    /**
     * Selects by name, as {@link #open(String)} does, from the given providers.
     *
     * @param providers the candidates
     * @param providerName the name
     * @return the provider
     * @throws NetworkProviderNotFoundException if it is missing or unavailable
     */
    static NetworkProvider select(List<NetworkProvider> providers, String providerName) {
        for (NetworkProvider p : providers) {
            if (p.name().equals(providerName)) {
                Optional<Throwable> cause = p.unavailabilityCause();
                if (cause.isPresent()) {
                    throw new NetworkProviderNotFoundException("network provider \"" + providerName
                            + "\" is unavailable: " + cause.get() + describe(providers), cause.get());
                }
                return p;
            }
        }
        throw new NetworkProviderNotFoundException(
                "no network provider named \"" + providerName + "\"" + describe(providers), null);
    }

    /**
     * Selects as {@link #open()} does: the system property, else the best default candidate.
     *
     * @param providers the candidates, highest priority first
     * @return the provider
     * @throws NetworkProviderNotFoundException if none fits
     */
    static NetworkProvider selectDefault(List<NetworkProvider> providers) {
        String named = System.getProperty(PROVIDER_PROPERTY);
        if (named != null && !named.isBlank()) {
            return select(providers, named.trim());
        }
        for (NetworkProvider p : providers) {
            if (p.isSelectableByDefault() && p.isAvailable()) {
                return p;
            }
        }
        throw new NetworkProviderNotFoundException(
                "no available network provider can be chosen by default" + describe(providers), null);
    }

    private static String describe(List<NetworkProvider> providers) {
        if (providers.isEmpty()) {
            return "; no providers found on the class path or module path";
        }
        StringBuilder sb = new StringBuilder("; providers found:");
        for (NetworkProvider p : providers) {
            sb.append("\n  ").append(p.name()).append(" (").append(p.getClass().getName())
                    .append(", priority ").append(p.priority()).append("): ");
            Optional<Throwable> cause = p.unavailabilityCause();
            if (cause.isPresent()) {
                sb.append("unavailable: ").append(cause.get());
            } else if (!p.isSelectableByDefault()) {
                sb.append("available, but only when selected by name");
            } else {
                sb.append("available");
            }
        }
        return sb.toString();
    }
}
