package dev.batchudp.network;

/**
 * Thrown by {@link Networks} when no provider fits: the named provider does not exist or is
 * unavailable, or no provider can be chosen by default. The message lists every provider found and
 * why each is unavailable.
 *
 * @since 0.1
 */
public class NetworkProviderNotFoundException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was asked for and the providers found
     * @param cause the unavailability cause of the named provider, or {@code null}
     */
    public NetworkProviderNotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
