package dev.batchudp.network;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * Thrown by {@link UdpConnection#receive} when a datagram was longer than the space left in the
 * buffer. The buffer holds the datagram's first bytes (its position advanced by that many); the
 * rest of the datagram is gone, as with {@code MSG_TRUNC}. The datagram has been consumed: the next
 * receive returns the next datagram.
 *
 * @since 0.1
 */
public class DatagramTruncatedException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient InetSocketAddress sender;
    private final int datagramLength;
    private final int storedLength;

    /**
     * Creates the exception.
     *
     * @param sender the datagram's source address
     * @param datagramLength the datagram's full length, or -1 if the network cannot tell
     * @param storedLength how many of its bytes were stored in the buffer
     */
    public DatagramTruncatedException(InetSocketAddress sender, int datagramLength, int storedLength) {
        super("datagram from " + sender + " truncated: "
                + (datagramLength >= 0 ? datagramLength + " bytes" : "more bytes")
                + " received but the buffer had room for " + storedLength);
        this.sender = sender;
        this.datagramLength = datagramLength;
        this.storedLength = storedLength;
    }

    /**
     * Returns the source address of the truncated datagram.
     *
     * @return the sender
     */
    public InetSocketAddress sender() {
        return sender;
    }

    /**
     * Returns the datagram's full length.
     *
     * @return bytes, or -1 if the network cannot tell
     */
    public int datagramLength() {
        return datagramLength;
    }

    /**
     * Returns how many bytes of the datagram were stored.
     *
     * @return bytes
     */
    public int storedLength() {
        return storedLength;
    }
}
