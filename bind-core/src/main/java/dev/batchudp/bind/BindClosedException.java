package dev.batchudp.bind;

import java.nio.channels.ClosedChannelException;

/**
 * A {@link ClosedChannelException} with a message: the bind, or the socket a receive function was
 * reading, is closed.
 *
 * @since 0.1
 */
public class BindClosedException extends ClosedChannelException {
    private static final long serialVersionUID = 1L;

    private final String message;

    /**
     * Creates the exception.
     *
     * @param message what was closed
     */
    public BindClosedException(String message) {
        this.message = message;
    }

    @Override
    public String getMessage() {
        return message;
    }
}
