package dev.batchudp.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What one case did over all rounds of a run.
 *
 * @param name the case
 * @param description what it does
 * @param reference the C case its ratios divide by, or null (a C case, or its reference was not run)
 * @param rate received datagrams per second, over rounds
 * @param ratio per-round ratios: the case's rate over its reference's rate in the same round
 * @param loss loss in percent, over rounds
 * @param txNsPerDatagram sending threads' CPU ns per datagram sent, over rounds
 * @param rxNsPerDatagram receiving threads' CPU ns per datagram received, over rounds
 * @param txBusyPercent sending threads' CPU time over the sending time, over rounds
 * @param rxBusyPercent receiving threads' CPU time over the sending time, over rounds
 * @param disturbedRuns rounds in which other processes used more than {@link #DISTURBED_PERCENT} of a CPU
 */
record CaseSummary(String name, String description, String reference, Spread rate, Spread ratio, Spread loss,
        Spread txNsPerDatagram, Spread rxNsPerDatagram, Spread txBusyPercent, Spread rxBusyPercent,
        int disturbedRuns) {

    /** Other processes' CPU use, in percent of one CPU, above which a run counts as disturbed. */
    static final double DISTURBED_PERCENT = 10;

    /**
     * Summarises the samples of one case.
     *
     * @param samples every case's samples, in round order
     * @param reference the C case to divide by, or null
     */
    static CaseSummary of(String name, String description, String reference, Map<String, List<Sample>> samples) {
        List<Sample> own = samples.get(name);
        List<Sample> ref = reference == null ? null : samples.get(reference);
        List<Double> rates = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        List<Double> loss = new ArrayList<>();
        List<Double> txNs = new ArrayList<>();
        List<Double> rxNs = new ArrayList<>();
        List<Double> txBusy = new ArrayList<>();
        List<Double> rxBusy = new ArrayList<>();
        int disturbed = 0;
        for (Sample s : own) {
            rates.add(s.rxPerSecond());
            loss.add(s.lossPercent());
            txNs.add(s.txNsPerDatagram());
            rxNs.add(s.rxNsPerDatagram());
            txBusy.add(s.txBusyPercent());
            rxBusy.add(s.rxBusyPercent());
            if (s.otherCpuPercent() > DISTURBED_PERCENT) {
                disturbed++;
            }
            if (ref != null) {
                ratios.add(ratio(s, ref));
            }
        }
        return new CaseSummary(name, description, ref == null ? null : reference, Spread.of(rates),
                ref == null ? Spread.NONE : Spread.of(ratios), Spread.of(loss), Spread.of(txNs), Spread.of(rxNs),
                Spread.of(txBusy), Spread.of(rxBusy), disturbed);
    }

    /** A sample's rate over the rate of the reference sample of the same round, or NaN. */
    static double ratio(Sample s, List<Sample> reference) {
        for (Sample r : reference) {
            if (r.round() == s.round()) {
                return s.rxPerSecond() / r.rxPerSecond();
            }
        }
        return Double.NaN;
    }
}
