package dev.batchudp.bind.linux.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The coalescing rules of {@code coalesceMessages} ({@code conn/bind_std.go}), with the
 * {@code Test_coalesceMessages} table of wireguard-go's and batchudp's {@code conn/bind_std_test.go}
 * ported: inputs are (length, capacity); with the capacity model the table passes unchanged,
 * and with scatter-gather (production: no capacity rule) the "limited cap" case coalesces all three.
 */
class GsoPlanTest {
    private static final int V4 = 65_507;
    private static final int V6 = 65_527;

    /** Entry lengths and segment sizes of a plan. */
    private record Result(List<Integer> lens, List<Integer> gso, List<Integer> counts) {}

    private static Result run(int[] lengths, int[] caps, int max) {
        GsoPlan plan = new GsoPlan(lengths.length);
        int n = plan.plan(lengths, lengths.length, max, caps);
        assertThat(plan.entries()).isEqualTo(n);
        List<Integer> lens = new ArrayList<>();
        List<Integer> gso = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        int next = 0;
        for (int e = 0; e < n; e++) {
            assertThat(plan.first(e)).as("entries are consecutive runs").isEqualTo(next);
            next += plan.count(e);
            int sum = 0;
            for (int i = plan.first(e); i < plan.first(e) + plan.count(e); i++) {
                sum += lengths[i];
            }
            lens.add(sum);
            gso.add(plan.segmentSize(e));
            counts.add(plan.count(e));
        }
        assertThat(next).as("every datagram is in exactly one entry").isEqualTo(lengths.length);
        return new Result(lens, gso, counts);
    }

    static Stream<Arguments> referenceTable() {
        return Stream.of(
                // name, lengths, capacities, want lens, want gso, want lens with scatter-gather
                Arguments.of("one message no coalesce", new int[] {1}, new int[] {1}, List.of(1), List.of(0), List.of(1)),
                Arguments.of("two messages equal len coalesce", new int[] {1, 1}, new int[] {2, 1},
                        List.of(2), List.of(1), List.of(2)),
                Arguments.of("two messages unequal len coalesce", new int[] {2, 1}, new int[] {3, 1},
                        List.of(3), List.of(2), List.of(3)),
                Arguments.of("three messages second unequal len coalesce", new int[] {2, 1, 2}, new int[] {3, 1, 2},
                        List.of(3, 2), List.of(2, 0), List.of(3, 2)),
                // Deviation: scatter-gather needs no spare capacity, so all three coalesce.
                Arguments.of("three messages limited cap coalesce", new int[] {2, 2, 2}, new int[] {4, 2, 2},
                        List.of(4, 2), List.of(2, 0), List.of(6)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("referenceTable")
    void referenceCoalesceTable(String name, int[] lengths, int[] caps, List<Integer> wantLens, List<Integer> wantGso,
            List<Integer> wantScatterGather) {
        Result modelled = run(lengths, caps, V4);
        assertThat(modelled.lens()).isEqualTo(wantLens);
        assertThat(modelled.gso()).isEqualTo(wantGso);
        assertThat(run(lengths, null, V4).lens()).isEqualTo(wantScatterGather);
    }

    static int[] repeat(int n, int len) {
        int[] a = new int[n];
        java.util.Arrays.fill(a, len);
        return a;
    }

    static Stream<Arguments> rules() {
        int[] shortLast = repeat(5, 1200);
        shortLast[4] = 100;
        int[] shortMiddle = repeat(5, 1200);
        shortMiddle[2] = 100;
        int[] largerThanFirst = {1000, 1000, 1200, 1200, 1200};
        int[] zeros = {1200, 1200, 0, 1200, 0, 0, 1200, 1200};
        int[] v4Edge = {32_760, 32_747};
        int[] overV4 = {32_760, 32_760};
        return Stream.of(
                Arguments.of("128 x 1200 IPv4: 54 fit in 65,507", repeat(128, 1200), V4,
                        List.of(54, 54, 20), List.of(1200, 1200, 1200)),
                Arguments.of("128 x 1200 IPv6: 54 fit in 65,527", repeat(128, 1200), V6,
                        List.of(54, 54, 20), List.of(1200, 1200, 1200)),
                Arguments.of("over 64 segments splits at 64", repeat(130, 500), V4,
                        List.of(64, 64, 2), List.of(500, 500, 500)),
                Arguments.of("a shorter last datagram joins and ends the entry", shortLast, V4,
                        List.of(5), List.of(1200)),
                Arguments.of("a shorter datagram in the middle ends the entry", shortMiddle, V4,
                        List.of(3, 2), List.of(1200, 1200)),
                Arguments.of("a datagram larger than the first starts a new entry", largerThanFirst, V4,
                        List.of(2, 3), List.of(1000, 1200)),
                Arguments.of("zero-length datagrams never coalesce", zeros, V4,
                        List.of(2, 1, 1, 1, 1, 2), List.of(1200, 0, 0, 0, 0, 1200)),
                Arguments.of("total exactly 65,507 coalesces for IPv4", v4Edge, V4, List.of(2), List.of(32_760)),
                Arguments.of("65,520 does not fit IPv4", overV4, V4, List.of(1, 1), List.of(0, 0)),
                Arguments.of("65,520 fits IPv6", overV4, V6, List.of(2), List.of(32_760)),
                Arguments.of("single datagram gets no UDP_SEGMENT", new int[] {1200}, V4, List.of(1), List.of(0)),
                Arguments.of("all different sizes: nothing coalesces", new int[] {100, 200, 300}, V4,
                        List.of(1, 1, 1), List.of(0, 0, 0)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void coalescingRules(String name, int[] lengths, int max, List<Integer> wantCounts, List<Integer> wantGso) {
        Result r = run(lengths, null, max);
        assertThat(r.counts()).isEqualTo(wantCounts);
        assertThat(r.gso()).isEqualTo(wantGso);
        for (int len : r.lens()) {
            assertThat(len).isLessThanOrEqualTo(max);
        }
    }
}
