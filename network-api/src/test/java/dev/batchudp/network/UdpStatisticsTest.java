package dev.batchudp.network;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link UdpStatistics}: unavailable counts, sums of several sockets, builders. */
class UdpStatisticsTest {

    @Test
    void noneHasNoCountsAndNoOffloads() {
        UdpStatistics none = UdpStatistics.NONE;
        assertThat(new long[] {none.datagramsSent(), none.bytesSent(), none.datagramsReceived(), none.bytesReceived(),
            none.receiveQueueDrops(), none.sendBufferDrops(), none.truncatedDatagrams(), none.portUnreachable(),
            none.gsoFallbacks(), none.sourceDrops()}).containsOnly(UdpStatistics.UNAVAILABLE);
        assertThat(none.transmitOffload()).isFalse();
        assertThat(none.receiveOffload()).isFalse();
        assertThat(none.plus(none).toString()).isEqualTo(none.toString());
    }

    @Test
    void plusAddsCountsAndTreatsUnavailableAsAbsent() {
        UdpStatistics a = UdpStatistics.builder().datagramsSent(3).bytesSent(300).datagramsReceived(0)
                .receiveQueueDrops(2).transmitOffload(true).build();
        UdpStatistics b = UdpStatistics.builder().datagramsSent(4).bytesSent(40).bytesReceived(7)
                .receiveQueueDrops(UdpStatistics.UNAVAILABLE).gsoFallbacks(1).receiveOffload(true).build();
        UdpStatistics sum = a.plus(b);
        assertThat(sum.datagramsSent()).isEqualTo(7);
        assertThat(sum.bytesSent()).isEqualTo(340);
        assertThat(sum.datagramsReceived()).isZero();
        assertThat(sum.bytesReceived()).isEqualTo(7);
        assertThat(sum.receiveQueueDrops()).isEqualTo(2);
        assertThat(sum.gsoFallbacks()).isEqualTo(1);
        assertThat(sum.sendBufferDrops()).isEqualTo(UdpStatistics.UNAVAILABLE);
        assertThat(sum.truncatedDatagrams()).isEqualTo(UdpStatistics.UNAVAILABLE);
        assertThat(sum.portUnreachable()).isEqualTo(UdpStatistics.UNAVAILABLE);
        assertThat(sum.sourceDrops()).isEqualTo(UdpStatistics.UNAVAILABLE);
        assertThat(sum.transmitOffload()).isTrue();
        assertThat(sum.receiveOffload()).isTrue();
        assertThat(b.plus(a).toString()).isEqualTo(sum.toString());
        assertThat(a.plus(UdpStatistics.NONE).toString()).isEqualTo(a.toString());
    }

    @Test
    void toBuilderKeepsEveryValue() {
        UdpStatistics s = UdpStatistics.builder().datagramsSent(1).bytesSent(2).datagramsReceived(3).bytesReceived(4)
                .receiveQueueDrops(5).sendBufferDrops(6).truncatedDatagrams(7).portUnreachable(8).gsoFallbacks(9)
                .sourceDrops(10).transmitOffload(true).receiveOffload(true).build();
        UdpStatistics copy = s.toBuilder().build();
        assertThat(copy).isNotSameAs(s);
        assertThat(copy.toString()).isEqualTo(s.toString())
                .contains("sent=1 (2 B)", "received=3 (4 B)", "receiveQueueDrops=5", "sendBufferDrops=6",
                        "truncated=7", "portUnreachable=8", "gsoFallbacks=9", "sourceDrops=10", "gso=true", "gro=true");
        assertThat(s.toBuilder().sourceDrops(11).build().sourceDrops()).isEqualTo(11);
        assertThat(s.sourceDrops()).isEqualTo(10);
    }
}
