package dev.batchudp.network.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.batchudp.network.Network;
import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What every contract suite of this kit shares: a fresh {@link Network} per test from
 * {@link #newNetwork()}, closed after it, a pool for helper threads, and the hooks a subclass answers
 * about its network. Extend one of the suites ({@link AbstractNetworkContractTest},
 * {@link AbstractBufferShapeContractTest}, {@link AbstractMessageContractTest}), not this class.
 *
 * @since 0.2
 */
public abstract class AbstractNetworkFixture {
    private Network network;
    private ExecutorService executor;

    /** Constructor for the suites. */
    protected AbstractNetworkFixture() {}

    /**
     * Opens a fresh network for one test. The suite closes it after the test.
     *
     * @return a new, open network
     * @throws IOException if the network cannot be opened
     */
    protected abstract Network newNetwork() throws IOException;

    /**
     * Returns whether IPv6 ({@code ::1}) tests should run. Override to return {@code false} on hosts
     * without IPv6 loopback; the IPv6 cases are then skipped (not failed).
     *
     * @return {@code true} by default
     */
    protected boolean supportsIpv6() {
        return true;
    }

    /**
     * Names the network under test in failure messages; override to add what the provider name does
     * not say (a backend, an option).
     *
     * @return the provider name by default
     */
    protected String describeNetwork() {
        return network.providerName();
    }

    /**
     * Returns the network under test, opened by {@link #newNetwork()} for the current test.
     *
     * @return the network
     */
    protected final Network network() {
        return network;
    }

    /**
     * Returns the pool for threads a test runs beside its own (readers blocked while another closes);
     * stopped after each test.
     *
     * @return the pool
     */
    protected final ExecutorService executor() {
        return executor;
    }

    /**
     * Opens the network for the next test.
     *
     * @throws IOException if {@link #newNetwork()} fails
     */
    @BeforeEach
    public final void openTestNetwork() throws IOException {
        network = newNetwork();
        assertThat(network).as("newNetwork()").isNotNull();
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "contract-test-" + getClass().getSimpleName());
            t.setDaemon(true);
            return t;
        });
    }

    /** Closes the network and stops helper threads. */
    @AfterEach
    public final void closeTestNetwork() {
        try {
            if (network != null) {
                network.close();
            }
        } finally {
            if (executor != null) {
                executor.shutdownNow();
            }
        }
    }
}
