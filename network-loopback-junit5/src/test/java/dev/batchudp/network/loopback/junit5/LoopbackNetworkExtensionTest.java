package dev.batchudp.network.loopback.junit5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.batchudp.network.UdpFamily;
import dev.batchudp.network.loopback.Impairments;
import dev.batchudp.network.loopback.LoopbackConfiguration;
import dev.batchudp.network.loopback.LoopbackConnection;
import dev.batchudp.network.loopback.LoopbackNetwork;
import dev.batchudp.network.loopback.ManualClock;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * Runs small test classes (the nested fixtures, which Surefire does not run by itself) through the
 * Jupiter engine and checks what the extension did.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LoopbackNetworkExtensionTest {
    /** What the fixtures saw, for the checks; cleared after each test. */
    static final List<LoopbackNetwork> SEEN = new CopyOnWriteArrayList<>();

    @AfterEach
    void clear() {
        SEEN.clear();
        System.clearProperty(LoopbackNetworkExtension.SEED_PROPERTY);
    }

    private static EngineExecutionResults run(Class<?> fixture) {
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(fixture)).execute();
    }

    private static List<String> reportedSeeds(EngineExecutionResults results) {
        return results.allEvents().reportingEntryPublished().stream()
                .map(e -> e.getRequiredPayload(ReportEntry.class).getKeyValuePairs()
                        .get(LoopbackNetworkExtension.REPORT_KEY))
                .filter(v -> v != null).toList();
    }

    private static Throwable failure(Event event) {
        return event.getRequiredPayload(TestExecutionResult.class).getThrowable().orElseThrow();
    }

    // ---- fixtures ----

    @SimulatedNetwork(seed = 42)
    static class InjectionFixture {
        @Test
        void first(LoopbackNetwork network) {
            SEEN.add(network);
            assertThat(network.isOpen()).isTrue();
            assertThat(network.seed()).isEqualTo(42);
        }

        @Test
        void second(LoopbackNetwork network, LoopbackNetwork same) {
            SEEN.add(network);
            assertThat(same).isSameAs(network);
            assertThat(network.openConnections()).isEmpty();
        }
    }

    @Test
    void injectsAFreshNetworkIntoEachTestAndClosesItAfterwards() {
        run(InjectionFixture.class).testEvents().assertStatistics(s -> s.started(2).succeeded(2));
        assertThat(SEEN).hasSize(2).doesNotHaveDuplicates();
        assertThat(SEEN).allSatisfy(n -> assertThat(n.isOpen()).isFalse());
    }

    @SimulatedNetwork(seed = 7)
    static class ClosedConnectionsFixture {
        @Test
        void closesWhatItOpens(LoopbackNetwork network) throws IOException {
            SEEN.add(network);
            try (LoopbackConnection c = network.openUdp(UdpFamily.UDP4, new InetSocketAddress("127.0.0.1", 0))) {
                assertThat(c.isOpen()).isTrue();
            }
        }

        @Test
        void leavesConnectionsOpenButTheNetworkClosesThem(LoopbackNetwork network) throws IOException {
            SEEN.add(network);
            LoopbackConnection leaked = network.openUdp(UdpFamily.UDP4, new InetSocketAddress("127.0.0.1", 0));
            assertThat(leaked.isOpen()).isTrue();
        }
    }

    @Test
    void aLeakedConnectionFailsTheTestSayingWhereItWasOpenedAndIsClosedAnyway() {
        EngineExecutionResults results = run(ClosedConnectionsFixture.class);
        results.testEvents().assertStatistics(s -> s.started(2).succeeded(1).failed(1));
        Throwable leak = failure(results.testEvents().failed().list().get(0));
        assertThat(leak).isInstanceOf(AssertionError.class)
                .hasMessageContaining("the test leaked connections")
                .hasMessageContaining("1 connection is still open")
                .hasMessageContaining("opened at:")
                .hasMessageContaining("leavesConnectionsOpenButTheNetworkClosesThem");
        assertThat(SEEN).allSatisfy(n -> assertThat(n.isOpen()).isFalse());
        assertThat(SEEN.get(1).openConnections()).isEmpty();
        // A leak is a failure, so its seed is reported too.
        assertThat(reportedSeeds(results)).containsExactly("7");
    }

    @SimulatedNetwork(seed = 7, checkLeaks = false)
    static class NoLeakCheckFixture {
        @Test
        void leaks(LoopbackNetwork network) throws IOException {
            network.openUdp(UdpFamily.UDP4, new InetSocketAddress("127.0.0.1", 0));
        }
    }

    @Test
    void theLeakCheckCanBeTurnedOff() {
        run(NoLeakCheckFixture.class).testEvents().assertStatistics(s -> s.succeeded(1));
    }

    @SimulatedNetwork(seed = 42)
    static class FailingFixture {
        @Test
        void fails(LoopbackNetwork network) {
            SEEN.add(network);
            throw new AssertionError("boom");
        }

        @Test
        void passes(LoopbackNetwork network) {
            SEEN.add(network);
        }
    }

    @Test
    void aFailedTestReportsItsSeedAndAPassingOneDoesNot() {
        EngineExecutionResults results = run(FailingFixture.class);
        results.testEvents().assertStatistics(s -> s.started(2).succeeded(1).failed(1));
        assertThat(reportedSeeds(results)).containsExactly("42");
        assertThat(failure(results.testEvents().failed().list().get(0))).hasMessage("boom");
    }

    @Test
    void theSeedPropertyOverridesTheSeedSoThatAFailingRunCanBeRepeated() {
        System.setProperty(LoopbackNetworkExtension.SEED_PROPERTY, "1234");
        EngineExecutionResults results = run(FailingFixture.class);
        assertThat(reportedSeeds(results)).containsExactly("1234");
        assertThat(SEEN).allSatisfy(n -> assertThat(n.seed()).isEqualTo(1234));
    }

    @SimulatedNetwork
    static class RandomSeedFixture {
        @Test
        void one(LoopbackNetwork network) {
            SEEN.add(network);
            throw new AssertionError("fails to show its seed");
        }

        @Test
        void two(LoopbackNetwork network) {
            SEEN.add(network);
            throw new AssertionError("fails to show its seed");
        }
    }

    @Test
    void withoutASeedEachTestGetsARandomOneAndReportsIt() {
        EngineExecutionResults results = run(RandomSeedFixture.class);
        List<String> seeds = reportedSeeds(results);
        assertThat(seeds).hasSize(2).doesNotHaveDuplicates();
        assertThat(SEEN).extracting(n -> Long.toString(n.seed())).containsExactlyInAnyOrderElementsOf(seeds);
    }

    /** A configuration for {@link ConfiguredFixture}. */
    public static final class SmallMtu implements Supplier<LoopbackConfiguration> {
        @Override
        public LoopbackConfiguration get() {
            return LoopbackConfiguration.builder().mtu(1500).seed(1)
                    .impairments(Impairments.builder().latency(Duration.ofSeconds(30)).build()).build();
        }
    }

    @SimulatedNetwork(seed = 5, config = SmallMtu.class)
    static class ConfiguredFixture {
        @Test
        @SimulatedNetwork(seed = 6, config = SmallMtu.class, manualClock = true)
        void methodSettingsWinAndTheClockIsInjected(LoopbackNetwork network, ManualClock clock) throws IOException {
            SEEN.add(network);
            assertThat(network.configuration().mtu()).isEqualTo(1500);
            assertThat(network.seed()).isEqualTo(6);
            assertThat(network.clock()).isSameAs(clock);
            try (LoopbackConnection a = network.openUdp(UdpFamily.UDP4, new InetSocketAddress("127.0.0.1", 0));
                    LoopbackConnection b = network.openUdp(UdpFamily.UDP4, new InetSocketAddress("127.0.0.1", 0))) {
                a.send(ByteBuffer.allocate(1), b.localAddress());
                assertThat(b.stats().delivered()).isZero();
                clock.advance(Duration.ofSeconds(30)); // a 30 s delay in no time
                assertThat(b.stats().delivered()).isEqualTo(1);
            }
        }

        @Test
        void classSettingsApply(LoopbackNetwork network) {
            SEEN.add(network);
            assertThat(network.seed()).isEqualTo(5);
            assertThat(network.clock().isManual()).isFalse();
        }
    }

    @Test
    void configurationSeedAndManualClockComeFromTheAnnotation() {
        run(ConfiguredFixture.class).testEvents().assertStatistics(s -> s.started(2).succeeded(2));
        assertThat(SEEN).hasSize(2);
    }
}
