package dev.batchudp.network.loopback;

/**
 * A {@link LoopbackRule} installed on a network; closing it uninstalls the rule, so that a rule can
 * be scoped with try-with-resources.
 *
 * @since 0.1
 */
public final class InstalledRule implements AutoCloseable {
    private final Simulator simulator;
    private final LoopbackRule rule;

    InstalledRule(Simulator simulator, LoopbackRule rule) {
        this.simulator = simulator;
        this.rule = rule;
    }

    /**
     * Returns the rule.
     *
     * @return the installed rule
     */
    public LoopbackRule rule() {
        return rule;
    }

    /** Uninstalls the rule; datagrams sent afterwards no longer see it. Idempotent. */
    @Override
    public void close() {
        simulator.removeRule(this);
    }
}
