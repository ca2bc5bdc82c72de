package dev.batchudp.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The harness's statistics: quartiles, per-round ratios, other processes' CPU. */
@Timeout(10)
class HarnessStatisticsTest {

    @Test
    void quartilesInterpolateBetweenRanks() {
        Spread s = Spread.of(Arrays.asList(5.0, 1.0, 4.0, 2.0, 3.0));
        assertThat(s.median()).isEqualTo(3.0);
        assertThat(s.p25()).isEqualTo(2.0);
        assertThat(s.p75()).isEqualTo(4.0);
        assertThat(s.min()).isEqualTo(1.0);
        assertThat(s.max()).isEqualTo(5.0);
        Spread four = Spread.of(List.of(1.0, 2.0, 3.0, 4.0));
        assertThat(four.median()).isEqualTo(2.5);
        assertThat(four.p25()).isCloseTo(1.75, within(1e-12));
        assertThat(four.p75()).isCloseTo(3.25, within(1e-12));
    }

    @Test
    void nansAreLeftOutAndNothingGivesNone() {
        assertThat(Spread.of(List.of(Double.NaN, 2.0)).n()).isEqualTo(1);
        assertThat(Spread.of(List.of(Double.NaN)).present()).isFalse();
        assertThat(Spread.of(List.of())).isEqualTo(Spread.NONE);
    }

    private static Sample sample(String name, int round, long received, double otherCpu) {
        return new Sample(name, round, received, received, 1.0, 2 * received, received, otherCpu);
    }

    @Test
    void ratiosArePairedWithTheReferenceOfTheSameRound() {
        Map<String, List<Sample>> samples = new LinkedHashMap<>();
        samples.put("c-gso", List.of(sample("c-gso", 0, 100, 0), sample("c-gso", 1, 200, 0), sample("c-gso", 2, 400, 0)));
        samples.put("x", List.of(sample("x", 0, 90, 0), sample("x", 1, 100, 50), sample("x", 2, 400, 0)));
        CaseSummary x = CaseSummary.of("x", "", "c-gso", samples);
        assertThat(x.ratio().n()).isEqualTo(3);
        assertThat(x.ratio().min()).isEqualTo(0.5);
        assertThat(x.ratio().median()).isEqualTo(0.9);
        assertThat(x.ratio().max()).isEqualTo(1.0);
        assertThat(x.rate().median()).isEqualTo(100);
        assertThat(x.txNsPerDatagram().median()).isEqualTo(2.0);
        assertThat(x.rxNsPerDatagram().median()).isEqualTo(1.0);
        assertThat(x.disturbedRuns()).isEqualTo(1);
        CaseSummary alone = CaseSummary.of("x", "", null, samples);
        assertThat(alone.ratio().present()).isFalse();
        assertThat(alone.reference()).isNull();
    }

    @Test
    void unknownCpuIsNotANumber() {
        Sample s = new Sample("c-mmsg", 0, 10, 8, 2.0, -1, -1, Double.NaN);
        assertThat(s.txNsPerDatagram()).isNaN();
        assertThat(s.rxBusyPercent()).isNaN();
        assertThat(s.lossPercent()).isEqualTo(20.0);
        assertThat(s.rxPerSecond()).isEqualTo(4.0);
    }

    @Test
    void otherProcessesCountTheirIncreaseAndExitedOnesOnlyThroughTheirParent() {
        Map<Long, Long> before = Map.of(10L, 100L, 11L, 50L, 12L, 7L);
        // 11 went on, 12 exited (its 9 ticks in all now in its parent 10's children's count), 13 started.
        Map<Long, Long> after = Map.of(10L, 100L + 9, 11L, 60L, 13L, 5L);
        assertThat(ProcFs.otherCpuSeconds(before, after)).isCloseTo((9 - 7 + 10 + 5) / 100.0, within(1e-12));
        assertThat(ProcFs.otherCpuSeconds(after, after)).isZero();
    }

    @Test
    void statFieldsSkipACommandNameWithSpacesAndParentheses() {
        String[] f = ProcFs.statFields("42 (a b) c) S 1 42 42 0 -1 4194560 10 0 0 0 7 3 1 2 20 0");
        assertThat(f[0]).isEqualTo("S");
        assertThat(f[11]).isEqualTo("7"); // utime, field 14
        assertThat(f[14]).isEqualTo("2"); // cstime, field 17
    }

    @Test
    void everyCaseIsDividedByTheCCaseWithItsSocketConfiguration() {
        HarnessSettings settings = HarnessSettings.parse(new String[] {"--udplimit", "/nonexistent/udplimit"});
        for (String name : HarnessSettings.DEFAULT_CASES) {
            if (!name.startsWith("c-")) {
                assertThat(settings.cases()).as(name).contains(HarnessCase.create(name, settings).cReference());
            }
        }
        assertThat(HarnessCase.create("netty-epoll", settings).cReference()).isEqualTo("c-mmsg-connected");
        assertThat(HarnessCase.create("netty-epoll-unconnected", settings).cReference()).isEqualTo("c-mmsg");
        assertThat(HarnessCase.create("linux-messages-connected", settings).cReference()).isEqualTo("c-mmsg-connected");
        assertThat(HarnessCase.create("jdk-channel", settings).cReference()).isEqualTo("c-mmsg-connected");
        // A run without the connected C case divides connected cases by c-mmsg, as runs before it did.
        assertThat(HarnessCase.fallbackReference("c-mmsg-connected")).isEqualTo("c-mmsg");
        assertThat(HarnessCase.fallbackReference("c-gso")).isNull();
    }
}
