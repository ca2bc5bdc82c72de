package dev.batchudp.bind;

/**
 * Placeholder, replaced by the real implementation.
 */
public final class StdNetBind {
    private StdNetBind() {}

    /**
     * Placeholder.
     *
     * @param port the port
     * @return nothing
     */
    public Bind.Opened open(int port) {
        throw new UnsupportedOperationException();
    }
}
