package dev.batchudp.network.loopback.junit5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.batchudp.network.UdpFamily;
import dev.batchudp.network.loopback.LoopbackConnection;
import dev.batchudp.network.loopback.LoopbackNetwork;
import dev.batchudp.network.loopback.ManualClock;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/** Seed sweeps and auto-advance through the extension, run on fixtures through the Jupiter engine. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SeedSweepTest {
    static final List<Long> SEEDS = new CopyOnWriteArrayList<>();
    static final List<LoopbackNetwork> NETWORKS = new CopyOnWriteArrayList<>();

    @AfterEach
    void clear() {
        SEEDS.clear();
        NETWORKS.clear();
        System.clearProperty(LoopbackNetworkExtension.SEED_PROPERTY);
    }

    private static EngineExecutionResults run(Class<?> fixture) {
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(fixture)).execute();
    }

    private static List<String> reports(EngineExecutionResults results, String key) {
        return results.allEvents().reportingEntryPublished().stream()
                .map(e -> e.getRequiredPayload(ReportEntry.class).getKeyValuePairs().get(key))
                .filter(v -> v != null).toList();
    }

    static class PassingSweep {
        @Test
        @SimulatedNetwork(seed = 100, seeds = 50)
        void everySeedPasses(LoopbackNetwork network, TestInfo info) throws IOException {
            SEEDS.add(network.seed());
            NETWORKS.add(network);
            assertThat(info.getDisplayName()).startsWith("everySeedPasses");
            network.openUdp(UdpFamily.UDP4, new InetSocketAddress("127.0.0.1", 0)).close();
        }
    }

    @Test
    void aSweepRunsTheBodyOncePerSeedEachOnAFreshNetwork() {
        EngineExecutionResults results = run(PassingSweep.class);
        results.testEvents().assertStatistics(s -> s.started(1).succeeded(1));
        assertThat(SEEDS).containsExactlyElementsOf(LongStream.range(100, 150).boxed().toList());
        assertThat(NETWORKS).doesNotHaveDuplicates().allSatisfy(n -> assertThat(n.isOpen()).isFalse());
        assertThat(reports(results, LoopbackNetworkExtension.REPORT_KEY + ".sweep"))
                .containsExactly("50 seeds from 100 passed");
    }

    static class FailingSweep {
        @Test
        @SimulatedNetwork(seed = 100, seeds = 1000)
        void theSeventhSeedFails(LoopbackNetwork network) {
            SEEDS.add(network.seed());
            NETWORKS.add(network);
            assertThat(network.seed()).isNotEqualTo(106L);
        }
    }

    @Test
    void aSweepStopsAtTheFirstFailingSeedAndReportsIt() {
        EngineExecutionResults results = run(FailingSweep.class);
        results.testEvents().assertStatistics(s -> s.started(1).failed(1));
        assertThat(SEEDS).hasSize(7).endsWith(106L);
        Throwable failure = results.testEvents().failed().list().get(0)
                .getRequiredPayload(TestExecutionResult.class).getThrowable().orElseThrow();
        assertThat(failure).hasMessageStartingWith("seed 106 failed (seed 7 of 1000, from 100)")
                .cause().isInstanceOf(AssertionError.class);
        assertThat(reports(results, LoopbackNetworkExtension.REPORT_KEY)).containsExactly("106");
        assertThat(NETWORKS).allSatisfy(n -> assertThat(n.isOpen()).isFalse());
    }

    @Test
    void theSeedPropertyRerunsOnlyThatSeed() {
        System.setProperty(LoopbackNetworkExtension.SEED_PROPERTY, "106");
        run(FailingSweep.class).testEvents().assertStatistics(s -> s.started(1).failed(1));
        assertThat(SEEDS).containsExactly(106L);
    }

    static class LeakingSweep {
        @Test
        @SimulatedNetwork(seed = 1, seeds = 10)
        void leaksOnTheThird(LoopbackNetwork network) throws IOException {
            SEEDS.add(network.seed());
            if (network.seed() == 3) {
                network.openUdp(UdpFamily.UDP4, new InetSocketAddress("127.0.0.1", 0));
            }
        }
    }

    @Test
    void aLeakStopsTheSweepAtItsSeed() {
        EngineExecutionResults results = run(LeakingSweep.class);
        results.testEvents().assertStatistics(s -> s.failed(1));
        assertThat(SEEDS).containsExactly(1L, 2L, 3L);
        assertThat(results.testEvents().failed().list().get(0).getRequiredPayload(TestExecutionResult.class)
                .getThrowable().orElseThrow()).hasMessageContaining("seed 3 leaked connections");
    }

    static class AutoAdvanceFixture {
        @Test
        @SimulatedNetwork(autoAdvance = true)
        void aThirtySecondTimeoutReturnsAtOnce(LoopbackNetwork network, ManualClock clock) throws IOException {
            NETWORKS.add(network);
            LoopbackConnection c = network.openUdp(UdpFamily.UDP4, new InetSocketAddress("127.0.0.1", 0));
            c.setReadTimeout(Duration.ofSeconds(30));
            try {
                c.receive(ByteBuffer.allocate(8));
                throw new AssertionError("nothing was sent");
            } catch (SocketTimeoutException expected) {
                assertThat(clock.elapsed()).isEqualTo(Duration.ofSeconds(30));
            } finally {
                c.close();
            }
        }
    }

    @Test
    void autoAdvanceMakesTheTestThreadAParticipant() {
        run(AutoAdvanceFixture.class).testEvents().assertStatistics(s -> s.started(1).succeeded(1));
        assertThat(NETWORKS.get(0).manualClock().isAutoAdvance()).isTrue();
    }
}
