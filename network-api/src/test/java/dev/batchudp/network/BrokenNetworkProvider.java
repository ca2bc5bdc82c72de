package dev.batchudp.network;

import dev.batchudp.network.spi.NetworkProvider;
import java.util.Optional;

/** An unavailable provider with a high priority: default selection must skip it. */
public final class BrokenNetworkProvider extends NetworkProvider {
    static final String NAME = "broken";
    static final String CAUSE = "broken on purpose for tests";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 100;
    }

    @Override
    public Optional<Throwable> unavailabilityCause() {
        return Optional.of(new UnsupportedOperationException(CAUSE));
    }

    @Override
    public Network open(NetworkOptions options) {
        throw new IllegalStateException(CAUSE);
    }
}
