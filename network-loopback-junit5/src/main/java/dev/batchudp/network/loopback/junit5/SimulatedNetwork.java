package dev.batchudp.network.loopback.junit5;

import dev.batchudp.network.loopback.LoopbackConfiguration;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives each test a fresh simulated network: a {@link dev.batchudp.network.loopback.LoopbackNetwork}
 * injected into any test (or {@code @BeforeEach}/{@code @AfterEach}) method parameter of that type, and
 * into parameters of type {@link dev.batchudp.network.loopback.LoopbackClock} or
 * {@link dev.batchudp.network.loopback.ManualClock}. On a class it applies to every test of the class
 * (and of its {@code @Nested} classes); on a method it overrides the class's settings.
 *
 * <p>After each test, the {@link LoopbackNetworkExtension} fails the test if a connection is still open
 * (listing where each was opened), then closes the network. When the test fails, it prints and
 * publishes (as a report entry) the seed, with the system property that repeats the run:
 * <pre>batchudp loopback seed=42 (rerun with -Ddev.batchudp.loopback.seed=42)</pre>
 *
 * <p><b>Time.</b> With {@link #manualClock()}, delays and receive timeouts run on a
 * {@link dev.batchudp.network.loopback.ManualClock} the test advances; with {@link #autoAdvance()}, the
 * clock jumps to the next event whenever every participating thread (the test method's among them)
 * waits on it.
 *
 * <p><b>Seed sweeps.</b> {@link #seeds()} runs the test body over many seeds and stops at the first that
 * fails:
 * <pre>{@code
 * @Test
 * @SimulatedNetwork(seeds = 1000, autoAdvance = true)
 * void survivesBurstyLoss(LoopbackNetwork network) throws Exception { ... }
 * }</pre>
 *
 * <p><b>Seeds.</b> The network's seed is, in order: the system property
 * {@value LoopbackNetworkExtension#SEED_PROPERTY} when set (so a failing run can be repeated without
 * editing the test); {@link #seed()} when given; otherwise a random seed, new for every test, so that
 * repeated runs explore different fates, as madsim does. Give a seed to make a test fully repeatable.
 *
 * @since 0.1
 */
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(LoopbackNetworkExtension.class)
public @interface SimulatedNetwork {

    /** The value of {@link #seed()} meaning "no seed given: use a random one". */
    long RANDOM_SEED = Long.MIN_VALUE;

    /**
     * Returns the seed of the network's random source.
     *
     * @return the seed, or {@link #RANDOM_SEED} for a random one per test
     */
    long seed() default RANDOM_SEED;

    /**
     * Returns the class that supplies the network's configuration: a class with a no-argument
     * constructor. Its seed is replaced by the one chosen as described above, and {@link #manualClock()}
     * turns the manual clock on.
     *
     * @return the configuration supplier's class
     */
    Class<? extends Supplier<LoopbackConfiguration>> config() default Defaults.class;

    /**
     * Returns whether the network's delays run on a {@link dev.batchudp.network.loopback.ManualClock}.
     *
     * @return {@code true} for a manual clock; {@code false} keeps the configuration's choice
     */
    boolean manualClock() default false;

    /**
     * Returns whether the network's manual clock advances by itself
     * ({@link LoopbackConfiguration#autoAdvance()}): when every participating thread waits on simulated
     * time, it jumps to the next delivery or timer. The test method's thread participates for the
     * duration of the method, so a test that waits on a 30-second timeout returns at once with the
     * clock 30 seconds on. Implies {@link #manualClock()}.
     *
     * @return {@code true} for a self-advancing manual clock
     */
    boolean autoAdvance() default false;

    /**
     * Returns how many seeds to run each test body with: a seed sweep. With more than one, the test
     * method runs once per seed, on a fresh network each time, with the seeds {@code s}, {@code s + 1},
     * ... where {@code s} is the seed chosen as described above (so {@code seed = 42, seeds = 1000} runs
     * 42 to 1041). The sweep stops at the first failing seed (a failure, an exception or a leaked
     * connection) and fails the test with that seed in its message; the usual seed report follows, and
     * {@code -Ddev.batchudp.loopback.seed=} that seed reruns only it. {@code @BeforeEach} and
     * {@code @AfterEach} methods run once around the whole sweep, and other parameters (such as
     * {@code @TempDir}) are shared by every seed.
     *
     * @return the number of seeds, at least 1
     */
    int seeds() default 1;

    /**
     * Returns whether a connection left open at the end of the test fails it.
     *
     * @return {@code true} to check for leaks
     */
    boolean checkLeaks() default true;

    /**
     * Supplies {@link LoopbackConfiguration#defaults()}.
     *
     * @since 0.1
     */
    final class Defaults implements Supplier<LoopbackConfiguration> {
        /** Creates the supplier. */
        public Defaults() {}

        /**
         * Returns the default configuration.
         *
         * @return {@link LoopbackConfiguration#defaults()}
         */
        @Override
        public LoopbackConfiguration get() {
            return LoopbackConfiguration.defaults();
        }
    }
}
