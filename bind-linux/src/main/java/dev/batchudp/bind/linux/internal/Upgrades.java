package dev.batchudp.bind.linux.internal;

import dev.batchudp.bind.spi.BatchingConn;
import dev.batchudp.network.UdpConnection;
import dev.batchudp.network.UdpFamily;
import java.util.Optional;

/**
 * batchudp's {@code TryUpgradeToBatchingConn}, for the public entry points. Only loaded once
 * {@code LinuxBatching} knows the module is available.
 */
public final class Upgrades {
    private Upgrades() {}

    /** batchudp's {@code IdealBatchSize}, used when the caller asks for 0 or less. */
    public static final int DEFAULT_BATCH_SIZE = dev.batchudp.bind.Bind.IDEAL_BATCH_SIZE;

    /**
     * Wraps a socket of this module in a {@link LinuxBatchingConn}.
     *
     * @param connection the connection
     * @param family the family the caller opened it as, or {@code null}/{@link UdpFamily#UDP} for any
     * @param batchSize the batch size; 0 or less for {@value #DEFAULT_BATCH_SIZE}
     * @return the batching connection, or empty if the connection is not this module's socket or
     *     its family differs
     */
    public static Optional<BatchingConn> tryUpgrade(UdpConnection connection, UdpFamily family, int batchSize) {
        if (connection instanceof BatchingConn) {
            return Optional.of((BatchingConn) connection);
        }
        if (!(connection instanceof LinuxUdpSocket)) {
            return Optional.empty();
        }
        LinuxUdpSocket socket = (LinuxUdpSocket) connection;
        if (family != null && family != UdpFamily.UDP && family != socket.family()) {
            return Optional.empty();
        }
        return Optional.of(new LinuxBatchingConn(socket, batchSize <= 0 ? DEFAULT_BATCH_SIZE : batchSize));
    }
}
