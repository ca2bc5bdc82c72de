package dev.batchudp.bind.linux;

import dev.batchudp.bind.linux.internal.LinuxUdpSocket;
import dev.batchudp.bind.linux.internal.Syscalls;
import dev.batchudp.network.Network;
import dev.batchudp.network.NetworkFeature;
import dev.batchudp.network.UdpConnection;
import dev.batchudp.network.UdpFamily;
import dev.batchudp.network.system.spi.UdpSocketBackend;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * The system network's {@code linux} socket backend: sockets this module owns through
 * {@code socket(2)}, so that {@code udp6} sockets are IPv6-only (a {@code udp4} and a {@code udp6}
 * socket share a port, as in wireguard-go) and {@code StdNetBind} can batch their I/O. Priority 100,
 * above the portable {@code jdk} backend (0), so it is chosen wherever it is
 * {@linkplain LinuxBatching#isAvailable() available}.
 *
 * <p>Registered in {@code META-INF/services/dev.batchudp.network.system.spi.UdpSocketBackend}.
 * Stateless; constructing it and asking for {@link #unavailabilityCause()} never throws.
 *
 * @since 0.1
 */
public final class LinuxUdpBackend extends UdpSocketBackend {
    /** The backend's name. */
    public static final String NAME = "linux";

    /** The backend's priority: above the {@code jdk} backend's 0. */
    public static final int PRIORITY = 100;

    private static final Set<NetworkFeature> FEATURES =
            java.util.Collections.unmodifiableSet(EnumSet.of(NetworkFeature.V6ONLY, NetworkFeature.STRICT_DATAGRAM_SIZES));

    /** Creates the backend (for {@link java.util.ServiceLoader}). */
    public LinuxUdpBackend() {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    @Override
    public Optional<Throwable> unavailabilityCause() {
        return LinuxBatching.unavailabilityCause();
    }

    /**
     * Returns {@link NetworkFeature#V6ONLY} and {@link NetworkFeature#STRICT_DATAGRAM_SIZES}.
     */
    @Override
    public Set<NetworkFeature> features() {
        return FEATURES;
    }

    /**
     * Opens a native socket.
     *
     * @throws UnsupportedOperationException if the backend is unavailable
     */
    @Override
    public UdpConnection open(Network network, UdpFamily family, InetSocketAddress local, InetSocketAddress remote,
            Runnable onClose) throws IOException {
        LinuxBatching.ensureAvailability();
        return LinuxUdpSocket.open(Syscalls.system(), network, family, local, remote, onClose);
    }
}
