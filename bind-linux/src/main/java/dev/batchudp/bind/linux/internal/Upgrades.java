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
     * Makes the {@link LinuxBatchingConn} of a socket of this module, or returns the one it has.
     *
     * @param connection the connection
     * @param family the family the caller opened it as, or {@code null}/{@link UdpFamily#UDP} for any
     * @param batchSize the batch size; 0 or less for {@value #DEFAULT_BATCH_SIZE}; ignored when the
     *     socket is already upgraded
     * @return the batching connection, or empty if the connection is not this module's socket or
     *     its family differs
     * @throws IllegalArgumentException if {@code batchSize} exceeds {@link LinuxBatchingConn#MAX_BATCH_SIZE}
     */
    public static Optional<BatchingConn> tryUpgrade(UdpConnection connection, UdpFamily family, int batchSize) {
        if (!(connection instanceof LinuxUdpSocket)) {
            return Optional.empty();
        }
        LinuxUdpSocket socket = (LinuxUdpSocket) connection;
        if (family != null && family != UdpFamily.UDP && family != socket.family()) {
            return Optional.empty();
        }
        int size = batchSize <= 0 ? DEFAULT_BATCH_SIZE : batchSize;
        if (size > LinuxBatchingConn.MAX_BATCH_SIZE) {
            throw new IllegalArgumentException("batch size " + size + " outside 1-" + LinuxBatchingConn.MAX_BATCH_SIZE);
        }
        synchronized (socket) {
            LinuxBatchingConn existing = socket.batching();
            return Optional.of(existing != null ? existing : new LinuxBatchingConn(socket, size));
        }
    }
}
