package dev.batchudp.network;

import dev.batchudp.network.spi.NetworkProvider;
import java.util.Optional;

/** An available provider, priority 5: the one {@link Networks#open()} picks on the test class path. */
public final class FakeNetworkProvider extends NetworkProvider {
    static final String NAME = "fake";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 5;
    }

    @Override
    public Optional<Throwable> unavailabilityCause() {
        return Optional.empty();
    }

    @Override
    public Network open(NetworkOptions options) {
        return new FakeNetwork(NAME, options);
    }
}
