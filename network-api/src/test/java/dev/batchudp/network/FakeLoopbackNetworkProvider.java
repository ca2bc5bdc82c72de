package dev.batchudp.network;

import dev.batchudp.network.spi.NetworkProvider;
import java.util.Optional;

/** Like the loopback provider: available, highest priority, but never chosen by default. */
public final class FakeLoopbackNetworkProvider extends NetworkProvider {
    static final String NAME = "fakeloop";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 1000;
    }

    @Override
    public boolean isSelectableByDefault() {
        return false;
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
