package dev.batchudp.network;

import java.net.SocketException;

/**
 * Thrown when a datagram is larger than the network can send ({@code EMSGSIZE}, "Message too long").
 * Every network raises this same type, so code tested on the loopback network sees what it will see
 * in production.
 *
 * @since 0.1
 */
public class DatagramTooLargeException extends SocketException {
    private static final long serialVersionUID = 1L;

    private final int size;
    private final int limit;

    /**
     * Creates the exception.
     *
     * @param size the size of the datagram that was refused, in bytes
     * @param limit the largest datagram the network accepts here, in bytes, or -1 if unknown
     */
    public DatagramTooLargeException(int size, int limit) {
        super("Message too long: datagram of " + size + " bytes"
                + (limit >= 0 ? " exceeds the limit of " + limit + " bytes" : ""));
        this.size = size;
        this.limit = limit;
    }

    /**
     * Returns the size of the refused datagram.
     *
     * @return bytes
     */
    public int size() {
        return size;
    }

    /**
     * Returns the largest datagram the network accepts here.
     *
     * @return bytes, or -1 if unknown
     */
    public int limit() {
        return limit;
    }
}
