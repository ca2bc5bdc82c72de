package dev.batchudp.bind.spi;

import dev.batchudp.network.Network;
import dev.batchudp.network.UdpConnection;
import java.util.Optional;

/**
 * Upgrades connections to {@link BatchingConn}s. Found with {@link java.util.ServiceLoader}, so that
 * {@code bind-core} never depends on a platform module: register an implementation in
 * {@code META-INF/services/dev.batchudp.bind.spi.BatchingConnProvider}. {@code bind-linux} provides
 * one for the sockets it owns.
 *
 * <p>Implementations must not throw from their constructor on any platform.
 *
 * @since 0.1
 */
public abstract class BatchingConnProvider {

    /** Constructor for subclasses. */
    protected BatchingConnProvider() {}

    /**
     * Returns why this provider cannot upgrade anything here, or empty if it can.
     *
     * @return the cause
     */
    public abstract Optional<Throwable> unavailabilityCause();

    /**
     * Returns whether connections opened by {@code network} can be upgraded, which makes
     * {@link dev.batchudp.bind.StdNetBind}'s default batch size
     * {@link dev.batchudp.bind.Bind#IDEAL_BATCH_SIZE}.
     *
     * @param network the network
     * @return whether its connections are upgradable
     */
    public abstract boolean supports(Network network);

    /**
     * Returns whether the batching connections this provider makes for {@code network} capture the
     * local address each datagram was sent to and send replies from it (sticky sources), which makes
     * {@link dev.batchudp.bind.StdNetBind#supportsStickySockets()} true. The default is {@code false}.
     *
     * @param network the network
     * @return whether upgraded connections of that network capture and use sources
     * @since 0.2
     */
    public boolean capturesSources(Network network) {
        return false;
    }

    /**
     * Upgrades a connection, as batchudp's {@code TryUpgradeToBatchingConn}.
     *
     * @param connection the connection
     * @param batchSize the batch size, positive
     * @return the batching connection, or empty if this connection cannot be upgraded
     */
    public abstract Optional<BatchingConn> tryUpgrade(UdpConnection connection, int batchSize);
}
