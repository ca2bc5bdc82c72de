package dev.batchudp.network;

/**
 * Thrown when a connection is opened on a {@link Network} that has been closed (taken down), the
 * counterpart of {@link java.nio.file.ClosedFileSystemException}.
 *
 * @since 0.1
 */
public class ClosedNetworkException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param networkName the name of the closed network, used in the message
     */
    public ClosedNetworkException(String networkName) {
        super("network \"" + networkName + "\" is closed (taken down); open a new one");
    }
}
