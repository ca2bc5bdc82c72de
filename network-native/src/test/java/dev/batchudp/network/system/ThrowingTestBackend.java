package dev.batchudp.network.system;

import dev.batchudp.network.Network;
import dev.batchudp.network.NetworkFeature;
import dev.batchudp.network.UdpConnection;
import dev.batchudp.network.UdpFamily;
import dev.batchudp.network.system.spi.UdpSocketBackend;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.Set;

/** A backend registered on the test class path whose constructor fails: it must be skipped. */
public final class ThrowingTestBackend extends UdpSocketBackend {
    /** Fails, as a broken backend would. */
    public ThrowingTestBackend() {
        throw new IllegalStateException("broken backend for tests");
    }

    @Override
    public String name() {
        return "throwing-test";
    }

    @Override
    public Optional<Throwable> unavailabilityCause() {
        return Optional.empty();
    }

    @Override
    public Set<NetworkFeature> features() {
        return Set.of();
    }

    @Override
    public UdpConnection open(Network network, UdpFamily family, InetSocketAddress local,
            InetSocketAddress remote, Runnable onClose) {
        throw new IllegalStateException();
    }
}
