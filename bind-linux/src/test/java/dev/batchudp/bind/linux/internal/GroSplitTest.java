package dev.batchudp.bind.linux.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The GRO split ({@code splitCoalescedMessages}, {@code conn/bind_std.go}), with the
 * {@code Test_splitCoalescedMessages} table of batchudp's {@code conn/bind_std_test.go} ported.
 * Upstream reads into the last slots of the caller's array (from {@code firstMsgAt} = 2) and
 * stops at the first message with N = 0; here the kernel messages are the ones from
 * {@code firstMsgAt} up to the first empty one (the system call's count), and the output slots are
 * the whole array (4). Deviation: where upstream fails with "splitting coalesced packet resulted
 * in overflow", the extra segment stays pending for the next read (nothing dropped).
 */
class GroSplitTest {

    /** Runs the split of upstream-style messages {@code (N, gso)}; returns N per output slot. */
    private static int[] split(int[][] msgs, int firstMsgAt, int[] pendingOut) {
        int windows = 0;
        while (firstMsgAt + windows < msgs.length && msgs[firstMsgAt + windows][0] != 0) {
            windows++;
        }
        GroSplit s = new GroSplit(Math.max(1, windows));
        for (int i = 0; i < windows; i++) {
            s.set(i, msgs[firstMsgAt + i][0], msgs[firstMsgAt + i][1]);
        }
        s.reset(windows);
        int[] n = new int[msgs.length];
        int k = 0;
        while (k < msgs.length && s.next()) {
            n[k++] = s.segmentLength;
        }
        int pending = 0;
        while (s.next()) {
            pending++;
        }
        pendingOut[0] = pending;
        pendingOut[1] = k;
        return n;
    }

    static Stream<Arguments> referenceTable() {
        return Stream.of(
                Arguments.of("second last split last empty", new int[][] {{0, 0}, {0, 0}, {3, 1}, {0, 0}}, 3,
                        new int[] {1, 1, 1, 0}, 0),
                Arguments.of("second last no split last empty", new int[][] {{0, 0}, {0, 0}, {1, 0}, {0, 0}}, 1,
                        new int[] {1, 0, 0, 0}, 0),
                Arguments.of("second last no split last no split", new int[][] {{0, 0}, {0, 0}, {1, 0}, {1, 0}}, 2,
                        new int[] {1, 1, 0, 0}, 0),
                Arguments.of("second last no split last split", new int[][] {{0, 0}, {0, 0}, {1, 0}, {3, 1}}, 4,
                        new int[] {1, 1, 1, 1}, 0),
                Arguments.of("second last split last split", new int[][] {{0, 0}, {0, 0}, {2, 1}, {2, 1}}, 4,
                        new int[] {1, 1, 1, 1}, 0),
                // The reference returns n = 4 and an overflow error; one segment stays pending here.
                Arguments.of("second last no split last split overflow", new int[][] {{0, 0}, {0, 0}, {1, 0}, {4, 1}}, 4,
                        new int[] {1, 1, 1, 1}, 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("referenceTable")
    void referenceSplitTable(String name, int[][] msgs, int wantN, int[] wantLengths, int wantPending) {
        int[] pending = new int[2];
        int[] lengths = split(msgs, 2, pending);
        assertThat(pending[1]).isEqualTo(wantN);
        assertThat(lengths).containsExactly(wantLengths);
        assertThat(pending[0]).isEqualTo(wantPending);
    }

    /** batchudp's Test_splitCoalescedMessagesPreservesPayloadAndAddr, as segment offsets. */
    @Test
    void segmentsCoverThePayloadInOrder() {
        GroSplit s = new GroSplit(1);
        s.set(0, 6, 2);
        s.reset(1);
        List<int[]> got = new ArrayList<>();
        while (s.next()) {
            got.add(new int[] {s.segmentMessage, s.segmentOffset, s.segmentLength});
        }
        assertThat(got).containsExactly(new int[] {0, 0, 2}, new int[] {0, 2, 2}, new int[] {0, 4, 2});
    }

    @Test
    void shorterLastSegmentAndZeroLengthDatagrams() {
        GroSplit s = new GroSplit(4);
        s.set(0, 0, 0); // a zero-length datagram is a datagram
        s.set(1, 2500, 1200); // 1200 + 1200 + 100
        s.set(2, 0, 0);
        s.set(3, 7, 0); // not coalesced
        s.reset(4);
        List<Integer> lengths = new ArrayList<>();
        List<Integer> messages = new ArrayList<>();
        while (s.next()) {
            lengths.add(s.segmentLength);
            messages.add(s.segmentMessage);
        }
        assertThat(lengths).containsExactly(0, 1200, 1200, 100, 0, 7);
        assertThat(messages).containsExactly(0, 1, 1, 1, 2, 3);
        assertThat(s.hasNext()).isFalse();
    }

    @Test
    void resumesWhereTheLastReadStopped() {
        GroSplit s = new GroSplit(2);
        s.set(0, 64 * 10, 10);
        s.set(1, 30, 10);
        s.reset(2);
        int total = 0;
        int reads = 0;
        while (s.hasNext()) {
            reads++;
            for (int k = 0; k < 5 && s.next(); k++) {
                total++;
            }
        }
        assertThat(total).isEqualTo(67);
        assertThat(reads).isEqualTo(14);
    }

}
