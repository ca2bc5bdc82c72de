package dev.batchudp.network.spi;

import dev.batchudp.network.Network;
import dev.batchudp.network.NetworkOptions;
import java.io.IOException;
import java.util.Optional;

/**
 * A source of {@link Network}s, found with {@link java.util.ServiceLoader}. Register an
 * implementation in {@code META-INF/services/dev.batchudp.network.spi.NetworkProvider} and, on the
 * module path, with {@code provides dev.batchudp.network.spi.NetworkProvider with ...}.
 *
 * <p>Implementations are public, final, stateless and have a public no-argument constructor; they
 * must not throw from the constructor or from {@link #unavailabilityCause()} even on platforms they
 * do not support.
 *
 * @see dev.batchudp.network.Networks
 * @since 0.1
 */
public abstract class NetworkProvider {

    /** Constructor for subclasses. */
    protected NetworkProvider() {}

    /**
     * Returns the name users select this provider by: lower case, such as {@code system}.
     *
     * @return the name
     */
    public abstract String name();

    /**
     * Returns the priority of this provider when one is chosen by default: the available provider
     * with the highest priority wins; ties go by name. The system network has priority 0.
     *
     * @return the priority
     */
    public int priority() {
        return 0;
    }

    /**
     * Returns whether this provider may be chosen when the user names none. Test and simulated
     * networks (the loopback network) answer {@code false}, so they are never picked implicitly.
     *
     * @return whether default selection may pick this provider
     */
    public boolean isSelectableByDefault() {
        return true;
    }

    /**
     * Returns why this provider cannot open networks here, or empty if it can.
     *
     * @return the cause of unavailability
     */
    public abstract Optional<Throwable> unavailabilityCause();

    /**
     * Returns whether this provider can open networks here.
     *
     * @return {@code unavailabilityCause().isEmpty()}
     */
    public final boolean isAvailable() {
        return unavailabilityCause().isEmpty();
    }

    /**
     * Opens a new network.
     *
     * @param options provider-specific options; unknown keys are ignored
     * @return a new, open network
     * @throws IOException if the network cannot be opened
     * @throws IllegalStateException if the provider is unavailable
     * @throws IllegalArgumentException if an option has an invalid value
     */
    public abstract Network open(NetworkOptions options) throws IOException;

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + name() + "]";
    }
}
