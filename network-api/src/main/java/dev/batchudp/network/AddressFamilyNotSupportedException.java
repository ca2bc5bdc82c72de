package dev.batchudp.network;

import java.net.SocketException;

/**
 * Thrown when a network cannot open a socket of the requested family at all, for example IPv6 on a
 * host without it or with {@code -Djava.net.preferIPv4Stack=true}: the counterpart of
 * {@code EAFNOSUPPORT}. Binds treat it as "this family is absent" rather than as a failure.
 *
 * @since 0.1
 */
public class AddressFamilyNotSupportedException extends SocketException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param family the family that is not supported
     * @param detail why, or {@code null}
     */
    public AddressFamilyNotSupportedException(UdpFamily family, String detail) {
        super("Address family not supported: " + family + (detail == null ? "" : " (" + detail + ")"));
    }
}
