package dev.batchudp.network.loopback.junit5;

import dev.batchudp.network.loopback.LoopbackClock;
import dev.batchudp.network.loopback.LoopbackConfiguration;
import dev.batchudp.network.loopback.LoopbackNetwork;
import dev.batchudp.network.loopback.ManualClock;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.ReflectionSupport;

/**
 * The extension behind {@link SimulatedNetwork}: creates a network for each test on first use,
 * injects it, makes the test method's thread a participant of an auto-advancing clock, runs seed
 * sweeps, checks the network for leaked connections and closes it after the test, and reports the seed
 * of a failed test. Register it through {@link SimulatedNetwork} (or {@code @ExtendWith}, which uses the
 * defaults and a random seed).
 *
 * @since 0.1
 */
public final class LoopbackNetworkExtension implements ParameterResolver, AfterEachCallback, InvocationInterceptor {

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

    /**
     * Runs the test method: once, inside a participation of the test's thread when the clock
     * auto-advances; or, for a {@linkplain SimulatedNetwork#seeds() seed sweep}, once per seed on a
     * fresh network, stopping at the first seed that fails.
     *
     * @param invocation the invocation of the test method
     * @param invocationContext the method, its target and its arguments
     * @param context the extension context
     * @throws Throwable what the test method threw, or the failure of the first failing seed
     */
    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> invocationContext,
            ExtensionContext context) throws Throwable {
        int seeds = settings(context).map(SimulatedNetwork::seeds).orElse(1);
        if (seeds < 1) {
            throw new IllegalArgumentException("@SimulatedNetwork(seeds = " + seeds + ") must be at least 1");
        }
        LoopbackNetwork first = context.getStore(NAMESPACE).get(NETWORK, LoopbackNetwork.class);
        if (seeds == 1 || first == null || seedProperty() != null) {
            ManualClock.Participation participation = participate(first);
            try {
                invocation.proceed();
            } finally {
                if (participation != null) {
                    participation.close();
                }
            }
            return;
        }
        invocation.skip();
        sweep(invocationContext, context, first, seeds);
    }

    private static void sweep(ReflectiveInvocationContext<Method> invocationContext, ExtensionContext context,
            LoopbackNetwork first, int seeds) throws Throwable {
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        long base = first.seed();
        boolean checkLeaks = settings(context).map(SimulatedNetwork::checkLeaks).orElse(true);
        LoopbackNetwork network = first;
        for (int i = 0; i < seeds; i++) {
            if (i > 0) {
                network = create(context, base + i);
                store.put(NETWORK, network);
            }
            Object[] arguments = arguments(invocationContext.getArguments(), network);
            ManualClock.Participation participation = participate(network);
            try {
                ReflectionSupport.invokeMethod(invocationContext.getExecutable(),
                        invocationContext.getTarget().orElse(null), arguments);
            } catch (Throwable failure) {
                // The failing network stays in the store: afterEach reports its seed and closes it.
                throw new AssertionError("seed " + network.seed() + " failed (seed " + (i + 1) + " of " + seeds
                        + ", from " + base + "): " + failure, failure);
            } finally {
                if (participation != null) {
                    participation.close();
                }
            }
            if (i == seeds - 1) {
                break; // afterEach checks and closes the last one
            }
            try {
                if (checkLeaks) {
                    network.checkNoOpenConnections();
                }
            } catch (IllegalStateException leak) {
                throw new AssertionError("seed " + network.seed() + " leaked connections (seed " + (i + 1) + " of "
                        + seeds + "): " + leak.getMessage(), leak);
            }
            network.close();
        }
        context.publishReportEntry(REPORT_KEY + ".sweep", seeds + " seeds from " + base + " passed");
    }

    /** The test method's arguments with the network and its clocks replaced by {@code network}'s. */
    private static Object[] arguments(List<Object> original, LoopbackNetwork network) {
        List<Object> out = new ArrayList<>(original.size());
        for (Object a : original) {
            if (a instanceof LoopbackNetwork) {
                out.add(network);
            } else if (a instanceof ManualClock) {
                out.add(network.manualClock());
            } else if (a instanceof LoopbackClock) {
                out.add(network.clock());
            } else {
                out.add(a);
            }
        }
        return out.toArray();
    }

    /** Makes the current thread a participant of an auto-advancing clock; {@code null} otherwise. */
    private static ManualClock.Participation participate(LoopbackNetwork network) {
        if (network != null && network.clock().isManual() && network.manualClock().isAutoAdvance()) {
            return network.manualClock().participate();
        }
        return null;
    }

    private static LoopbackNetwork network(ExtensionContext context) {
        return context.getStore(NAMESPACE).getOrComputeIfAbsent(NETWORK,
                k -> create(context, seed(settings(context))), LoopbackNetwork.class);
    }

    private static LoopbackNetwork create(ExtensionContext context, long seed) {
        Optional<SimulatedNetwork> settings = settings(context);
        LoopbackConfiguration base = settings.<LoopbackConfiguration>map(s -> supplier(s.config()).get())
                .orElse(LoopbackConfiguration.defaults());
        LoopbackConfiguration.Builder builder = base.toBuilder().seed(seed);
        if (settings.map(SimulatedNetwork::manualClock).orElse(false)) {
            builder.manualClock(true);
        }
        if (settings.map(SimulatedNetwork::autoAdvance).orElse(false)) {
            builder.autoAdvance(true);
        }
        context.getStore(NAMESPACE).put(SEED, seed);
        return LoopbackNetwork.create(builder.build());
    }

    private static String seedProperty() {
        String property = System.getProperty(SEED_PROPERTY);
        return property == null || property.isBlank() ? null : property;
    }

    private static Supplier<LoopbackConfiguration> supplier(Class<? extends Supplier<LoopbackConfiguration>> type) {
        return ReflectionSupport.newInstance(type);
    }

    private static long seed(Optional<SimulatedNetwork> settings) {
        String property = seedProperty();
        if (property != null) {
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
