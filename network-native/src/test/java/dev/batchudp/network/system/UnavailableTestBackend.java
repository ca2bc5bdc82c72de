package dev.batchudp.network.system;

import dev.batchudp.network.Network;
import dev.batchudp.network.NetworkFeature;
import dev.batchudp.network.UdpConnection;
import dev.batchudp.network.UdpFamily;
import dev.batchudp.network.system.spi.UdpSocketBackend;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.Set;

/** A backend registered on the test class path that is never available, with a high priority. */
public final class UnavailableTestBackend extends UdpSocketBackend {
    static final String NAME = "unavailable-test";
    static final String CAUSE = "only exists to be skipped";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 1000;
    }

    @Override
    public Optional<Throwable> unavailabilityCause() {
        return Optional.of(new UnsupportedOperationException(CAUSE));
    }

    @Override
    public Set<NetworkFeature> features() {
        return Set.of();
    }

    @Override
    public UdpConnection open(Network network, UdpFamily family, InetSocketAddress local,
            InetSocketAddress remote, Runnable onClose) {
        throw new IllegalStateException(CAUSE);
    }
}
