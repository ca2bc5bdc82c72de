package dev.batchudp.network.system;

import dev.batchudp.network.Network;
import dev.batchudp.network.NetworkOptions;
import dev.batchudp.network.spi.NetworkProvider;
import java.util.Optional;

/**
 * The {@code system} network provider: the host's network stack, through {@link SystemNetwork}.
 * Always available (the built-in {@code jdk} backend needs nothing), priority 0.
 *
 * <p>Options: {@value #BACKEND_OPTION} names the socket backend, overriding the system property
 * {@value SystemNetwork#BACKEND_PROPERTY}.
 *
 * @since 0.1
 */
public final class SystemNetworkProvider extends NetworkProvider {
    /** Network option naming the socket backend, such as {@code jdk} or {@code linux}. */
    public static final String BACKEND_OPTION = "system.backend";

    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public SystemNetworkProvider() {}

    /**
     * Returns {@value SystemNetwork#PROVIDER_NAME}.
     *
     * @return the name
     */
    @Override
    public String name() {
        return SystemNetwork.PROVIDER_NAME;
    }

    /**
     * Returns 0.
     *
     * @return the priority
     */
    @Override
    public int priority() {
        return 0;
    }

    /**
     * Returns empty: the {@code jdk} backend works wherever the JDK does.
     *
     * @return empty
     */
    @Override
    public Optional<Throwable> unavailabilityCause() {
        return Optional.empty();
    }

    /**
     * Opens a {@link SystemNetwork}, with the backend named by {@value #BACKEND_OPTION} if given.
     *
     * @param options the options
     * @return a new network
     * @throws IllegalStateException if the named backend is missing or unavailable
     */
    @Override
    public Network open(NetworkOptions options) {
        return SystemNetwork.open(options.get(BACKEND_OPTION).map(String::trim).orElse(null));
    }
}
