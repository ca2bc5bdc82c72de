package dev.batchudp.bind.linux;

import dev.batchudp.bind.linux.internal.Upgrades;
import dev.batchudp.bind.spi.BatchingConn;
import dev.batchudp.bind.spi.BatchingConnProvider;
import dev.batchudp.network.Network;
import dev.batchudp.network.UdpConnection;
import dev.batchudp.network.system.SystemNetwork;
import java.util.Optional;

/**
 * Lets {@code StdNetBind} (in {@code bind-core}, which does not depend on this module) upgrade the
 * system network's {@code linux} sockets to batching connections. Registered in
 * {@code META-INF/services/dev.batchudp.bind.spi.BatchingConnProvider}.
 *
 * @since 0.1
 */
public final class LinuxBatchingConnProvider extends BatchingConnProvider {

    /** Creates the provider (for {@link java.util.ServiceLoader}); never throws. */
    public LinuxBatchingConnProvider() {}

    @Override
    public Optional<Throwable> unavailabilityCause() {
        return LinuxBatching.unavailabilityCause();
    }

    /**
     * Returns whether {@code network} hands out this module's sockets: it is the native system
     * network running on the {@code linux} backend, and this module is available. Nothing is opened.
     */
    @Override
    public boolean supports(Network network) {
        return network instanceof SystemNetwork
                && network.isNative()
                && LinuxUdpBackend.NAME.equals(((SystemNetwork) network).backendName())
                && LinuxBatching.isAvailable();
    }

    /**
     * Returns {@link #supports}: this module's batching connections always capture packet info
     * ({@code IP_PKTINFO}, {@code IPV6_RECVPKTINFO}) and send replies from it.
     */
    @Override
    public boolean capturesSources(Network network) {
        return supports(network);
    }

    /**
     * Upgrades a socket of the {@code linux} backend (or returns the batched I/O it already has).
     *
     * @return the batching connection, or empty for any other connection or when unavailable
     */
    @Override
    public Optional<BatchingConn> tryUpgrade(UdpConnection connection, int batchSize) {
        if (connection == null || !LinuxBatching.isAvailable()) {
            return Optional.empty();
        }
        return Upgrades.tryUpgrade(connection, null, batchSize);
    }
}
