package dev.batchudp.network.loopback.junit5;

import dev.batchudp.network.loopback.LoopbackClock;
import dev.batchudp.network.loopback.LoopbackConfiguration;
import dev.batchudp.network.loopback.LoopbackNetwork;
import dev.batchudp.network.loopback.ManualClock;
import java.lang.reflect.AnnotatedElement;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.ReflectionSupport;

/**
 * The extension behind {@link SimulatedNetwork}: creates a network for each test on first use,
 * injects it, checks it for leaked connections and closes it after the test, and reports the seed of
 * a failed test. Register it through {@link SimulatedNetwork} (or {@code @ExtendWith}, which uses the
 * defaults and a random seed).
 *
 * @since 0.1
 */
public final class LoopbackNetworkExtension implements ParameterResolver, AfterEachCallback {

    /**
     * The system property that, when set, overrides every test's seed:
     * {@code -Ddev.batchudp.loopback.seed=42}.
     */
    public static final String SEED_PROPERTY = "dev.batchudp.loopback.seed";

    /** The key of the report entry that carries a failed test's seed. */
    public static final String REPORT_KEY = "batchudp.loopback.seed";

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(LoopbackNetworkExtension.class);
    private static final String NETWORK = "network";
    private static final String SEED = "seed";

    /** Creates the extension; JUnit calls this. */
    public LoopbackNetworkExtension() {}

    /**
     * Returns whether the parameter is a {@link LoopbackNetwork}, {@link LoopbackClock} or
     * {@link ManualClock} of a test-level method.
     *
     * @param parameter the parameter
     * @param context the extension context
     * @return whether this extension injects it
     */
    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return (type == LoopbackNetwork.class || type == LoopbackClock.class || type == ManualClock.class)
                && context.getTestMethod().isPresent();
    }

    /**
     * Returns the test's network (created now if this is the first request) or its clock.
     *
     * @param parameter the parameter
     * @param context the extension context
     * @return the network or clock
     * @throws ParameterResolutionException if a {@link ManualClock} is asked for and the network runs in
     *     real time
     */
    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        LoopbackNetwork network = network(context);
        Class<?> type = parameter.getParameter().getType();
        if (type == LoopbackNetwork.class) {
            return network;
        }
        if (type == ManualClock.class) {
            if (!network.clock().isManual()) {
                throw new ParameterResolutionException("a ManualClock parameter needs"
                        + " @SimulatedNetwork(manualClock = true) or a configuration with a manual clock");
            }
            return network.manualClock();
        }
        return network.clock();
    }

    /**
     * Fails the test if its network has open connections, reports the seed if the test failed, and
     * closes the network.
     *
     * @param context the extension context
     */
    @Override
    public void afterEach(ExtensionContext context) {
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        LoopbackNetwork network = store.remove(NETWORK, LoopbackNetwork.class);
        if (network == null) {
            return;
        }
        AssertionError leak = null;
        try {
            if (settings(context).map(SimulatedNetwork::checkLeaks).orElse(true)) {
                try {
                    network.checkNoOpenConnections();
                } catch (IllegalStateException e) {
                    leak = new AssertionError("the test leaked connections: " + e.getMessage(), e);
                }
            }
        } finally {
            network.close();
        }
        if (leak != null || context.getExecutionException().isPresent()) {
            long seed = network.seed();
            String line = "batchudp loopback seed=" + seed + " (rerun with -D" + SEED_PROPERTY + "=" + seed + ")";
            System.err.println(context.getDisplayName() + ": " + line);
            context.publishReportEntry(REPORT_KEY, Long.toString(seed));
            if (leak != null) {
                leak.addSuppressed(new Throwable(line));
            }
        }
        if (leak != null) {
            throw leak;
        }
    }

    private static LoopbackNetwork network(ExtensionContext context) {
        return context.getStore(NAMESPACE).getOrComputeIfAbsent(NETWORK, k -> create(context),
                LoopbackNetwork.class);
    }

    private static LoopbackNetwork create(ExtensionContext context) {
        Optional<SimulatedNetwork> settings = settings(context);
        LoopbackConfiguration base = settings.<LoopbackConfiguration>map(s -> supplier(s.config()).get())
                .orElse(LoopbackConfiguration.defaults());
        long seed = seed(settings);
        LoopbackConfiguration.Builder builder = base.toBuilder().seed(seed);
        if (settings.map(SimulatedNetwork::manualClock).orElse(false)) {
            builder.manualClock(true);
        }
        context.getStore(NAMESPACE).put(SEED, seed);
        return LoopbackNetwork.create(builder.build());
    }

    private static Supplier<LoopbackConfiguration> supplier(Class<? extends Supplier<LoopbackConfiguration>> type) {
        return ReflectionSupport.newInstance(type);
    }

    private static long seed(Optional<SimulatedNetwork> settings) {
        String property = System.getProperty(SEED_PROPERTY);
        if (property != null && !property.isBlank()) {
            try {
                return Long.parseLong(property.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        SEED_PROPERTY + " must be a long, got \"" + property + "\"", e);
            }
        }
        long given = settings.map(SimulatedNetwork::seed).orElse(SimulatedNetwork.RANDOM_SEED);
        if (given != SimulatedNetwork.RANDOM_SEED) {
            return given;
        }
        long random;
        do {
            random = ThreadLocalRandom.current().nextLong();
        } while (random == SimulatedNetwork.RANDOM_SEED);
        return random;
    }

    /** The closest annotation: on the method, then its class, then enclosing classes. */
    private static Optional<SimulatedNetwork> settings(ExtensionContext context) {
        Optional<ExtensionContext> c = Optional.of(context);
        while (c.isPresent()) {
            Optional<AnnotatedElement> element = c.get().getElement();
            if (element.isPresent()) {
                Optional<SimulatedNetwork> found = AnnotationSupport.findAnnotation(element.get(),
                        SimulatedNetwork.class);
                if (found.isPresent()) {
                    return found;
                }
            }
            c = c.get().getParent();
        }
        return Optional.empty();
    }
}
