package dev.batchudp.network;

import dev.batchudp.network.spi.NetworkProvider;
import dev.batchudp.network.spi.ProviderLoader;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
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
 * unavailable. A provider that fails to load is logged once and skipped. Loading and selection are
 * {@link ProviderLoader}'s.
 *
 * @since 0.1
 */
public final class Networks {
    /** System property naming the provider {@link #open()} uses. */
    public static final String PROVIDER_PROPERTY = "dev.batchudp.network.provider";

    /** Default of {@link #PROVIDER_PROPERTY}: unset, choose by priority. */
    public static final String PROVIDER_DEFAULT = null;

    private static final ProviderLoader<NetworkProvider> LOADER = ProviderLoader
            .<NetworkProvider>builder("network provider", "providers",
                    System.getLogger(Networks.class.getName()), NetworkProvider::unavailabilityCause)
            .name(NetworkProvider::name)
            .priority(NetworkProvider::priority)
            .selectableByDefault(NetworkProvider::isSelectableByDefault)
            .build();

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
        return LOADER.load(ServiceLoader.load(NetworkProvider.class, loader));
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
        return LOADER.select(providers, providerName, NetworkProviderNotFoundException::new);
    }

    /**
     * Selects as {@link #open()} does: the system property, else the best default candidate.
     *
     * @param providers the candidates, highest priority first
     * @return the provider
     * @throws NetworkProviderNotFoundException if none fits
     */
    static NetworkProvider selectDefault(List<NetworkProvider> providers) {
        return LOADER.selectDefault(providers, PROVIDER_PROPERTY, NetworkProviderNotFoundException::new);
    }
}
