package dev.batchudp.benchmarks;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Measures UDP loopback throughput of one sender thread to one receiver thread for several
 * implementations in one run, against the C limit measured in the same run (the C tool udplimit,
 * {@code shared/tools/udplimit}): StdNetBind on the Linux path ({@code bind-linux}, with and without
 * GSO/GRO, copying or lending receive), the batch-message API on the Linux path with an unconnected or
 * a connected sender ({@link MessageCase}), StdNetBind on the portable JDK path, the JDK's
 * {@code DatagramChannel} and Netty's epoll transport ({@link NettyEpollCase}).
 *
 * <pre>
 * usage: ThroughputHarness [--size 1200] [--seconds 3] [--runs 5] [--family 4|6]
 *                          [--cases c-mmsg,stdnetbind-linux-nogso,...] [--udplimit /path/to/udplimit]
 *                          [--pin 0,1|none] [--batch N] [--rxbuf BYTES] [--netty-gso-packets 4]
 *                          [--out PATH-PREFIX] [--label TEXT]
 * </pre>
 *
 * <p><b>Method.</b> Every Java case first runs once for a second, discarded (warm-up). Then each round
 * runs every case once, in the order given, so a case and its C reference are measured seconds apart.
 * Rates follow udplimit: datagrams received per second of the sender's active time; loss is
 * {@code (sent - received) / sent}; the receiver drains for 300 ms after the sender stops.
 *
 * <p><b>Report.</b> Per case: the per-round ratio to its C case of the same round ({@code c-gso} for the
 * GSO cases, {@code c-mmsg-connected} for cases whose sender is a connected socket, {@code c-mmsg} for
 * the others; {@link HarnessCase#cReference}), as median, quartiles and range; the received rate likewise;
 * loss; the CPU time per datagram of the sending and of the receiving threads (the harness's threads,
 * plus Netty's event loops; for udplimit, its threads' {@code schedstat}); and the environment with an
 * idle check ({@link Environment}). Runs during which other processes used more than
 * {@value CaseSummary#DISTURBED_PERCENT} % of a CPU are flagged. Results go to {@code PREFIX.csv},
 * {@code PREFIX.json} and a chart, {@code PREFIX.svg} ({@link SvgChart}); the prefix defaults to
 * {@code target/throughput/<date-time>}.
 */
public final class ThroughputHarness {
    static final int BATCH = 128;
    static final int SOCKET_BUFFER = 8 << 20;
    /** The most payload bytes of one UDP send over IPv4 (and so of one {@code UDP_SEGMENT} send). */
    static final int MAX_GSO_PAYLOAD_V4 = 65_507;
    /** The most payload bytes of one UDP send over IPv6. */
    static final int MAX_GSO_PAYLOAD_V6 = 65_527;
    /** Segments per GSO send, at most: udplimit's cap ({@code UDP_MAX_SEGMENTS} of older kernels). */
    static final int MAX_GSO_SEGMENTS = 64;
    /** How long the receiver may drain after the sender stops. */
    static final int DRAIN_MILLIS = 300;

    private ThroughputHarness() {}

    /**
     * Runs the harness.
     *
     * @param args see the class documentation
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        HarnessSettings settings = HarnessSettings.parse(args);
        InetAddress loopback = InetAddress.getByAddress(settings.ipv6()
                ? new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1} : new byte[] {127, 0, 0, 1});
        Environment env = Environment.capture();
        System.out.println(env.describe());
        System.out.println("# " + settings.describe());
        Map<String, String> descriptions = new LinkedHashMap<>();
        Map<String, String> references = new LinkedHashMap<>();
        for (String c : settings.cases()) {
            if (c.startsWith("c-")) {
                descriptions.put(c, Udplimit.description(c));
            } else {
                HarnessCase hc = HarnessCase.create(c, settings);
                descriptions.put(c, hc.description());
                String ref = hc.cReference();
                String fallback = HarnessCase.fallbackReference(ref);
                references.put(c, settings.cases().contains(ref) ? ref
                        : fallback != null && settings.cases().contains(fallback) ? fallback : null);
                if (!settings.cases().contains(ref) && references.get(c) != null) {
                    System.out.println("# WARNING: " + c + " is divided by " + references.get(c) + ": " + ref
                            + " is not in this run");
                }
            }
            System.out.println("# " + c + ": " + descriptions.get(c));
        }
        // Warm-up: one short run of each Java case, discarded.
        for (String c : settings.cases()) {
            if (!c.startsWith("c-")) {
                measure(c, -1, settings, loopback, Math.min(1, settings.seconds()));
            }
        }
        Map<String, List<Sample>> byCase = new LinkedHashMap<>();
        settings.cases().forEach(c -> byCase.put(c, new ArrayList<>()));
        List<Sample> runs = new ArrayList<>();
        for (int r = 0; r < settings.runs(); r++) {
            for (String c : settings.cases()) {
                Sample s = c.startsWith("c-") ? Udplimit.run(c, r, settings, settings.seconds())
                        : measure(c, r, settings, loopback, settings.seconds());
                byCase.get(c).add(s);
                runs.add(s);
                System.out.println(line(s));
            }
        }
        List<CaseSummary> summaries = new ArrayList<>();
        for (String c : settings.cases()) {
            summaries.add(CaseSummary.of(c, descriptions.get(c), references.get(c), byCase));
        }
        System.out.println();
        System.out.print(table(summaries, settings.size()));
        int disturbed = (int) runs.stream().filter(s -> s.otherCpuPercent() > CaseSummary.DISTURBED_PERCENT).count();
        if (disturbed > 0) {
            System.out.printf(Locale.ROOT, "%nWARNING: in %d of %d runs other processes used more than %.0f %% of a CPU"
                    + " (other_cpu_pct): do not quote them%n", disturbed, runs.size(), CaseSummary.DISTURBED_PERCENT);
        }
        Path csv = ResultFiles.writeCsv(settings.out(), runs, references, byCase);
        Path json = ResultFiles.writeJson(settings.out(), settings, env, runs, summaries);
        Path svg = ResultFiles.write(settings.out() + ".svg", SvgChart.draw(settings, env, summaries));
        System.out.printf(Locale.ROOT, "%nwrote %s%nwrote %s%nwrote %s%n", csv, json, svg);
    }

    /** One run of a Java case, with the CPU time of its threads and other processes' load. */
    static Sample measure(String name, int round, HarnessSettings settings, InetAddress loopback, double seconds)
            throws Exception {
        int[] pin = settings.pin();
        HarnessCase c = HarnessCase.create(name, settings);
        c.pin = pin;
        c.open(loopback, settings.size());
        Map<Long, Long> load0 = ProcFs.otherProcessTicks();
        long wall0 = System.nanoTime();
        Throwable[] failure = new Throwable[2];
        long[] rxCpu = {-1};
        Thread rx = new Thread(() -> {
            Affinity.pin(pin, 1);
            long cpu0 = ThreadCpu.currentNanos();
            try {
                c.receiveLoop();
            } catch (Throwable t) {
                failure[1] = t;
            } finally {
                rxCpu[0] = ThreadCpu.currentNanos() - cpu0;
            }
        }, "harness-receiver");
        rx.start();
        Thread.sleep(100);
        long[] own0 = c.ownThreadsCpuNanos();
        long[] sent = new long[1];
        long[] txCpu = {-1};
        double[] elapsed = new double[1];
        Thread tx = new Thread(() -> {
            Affinity.pin(pin, 0);
            long cpu0 = ThreadCpu.currentNanos();
            long start = System.nanoTime();
            try {
                sent[0] = c.sendUntil(start + (long) (seconds * 1e9));
            } catch (Throwable t) {
                failure[0] = t;
            }
            elapsed[0] = (System.nanoTime() - start) / 1e9;
            txCpu[0] = ThreadCpu.currentNanos() - cpu0;
        }, "harness-sender");
        tx.start();
        tx.join();
        Thread.sleep(DRAIN_MILLIS);
        long got = c.received.get();
        long[] own1 = c.ownThreadsCpuNanos();
        c.close();
        rx.join(5_000);
        double other = 100 * ProcFs.otherCpuSeconds(load0, ProcFs.otherProcessTicks()) / ((System.nanoTime() - wall0) / 1e9);
        for (int i = 0; i < 2; i++) {
            if (failure[i] != null) {
                throw new IllegalStateException(name + (i == 0 ? " sender" : " receiver") + " failed", failure[i]);
            }
        }
        return new Sample(name, round, sent[0], got, elapsed[0], cpu(txCpu[0], own0[0], own1[0]),
                cpu(rxCpu[0], own0[1], own1[1]), other);
    }

    /** The harness thread's CPU time plus the case's own threads', or -1 if unknown. */
    private static long cpu(long harnessThread, long own0, long own1) {
        return harnessThread < 0 || own0 < 0 || own1 < 0 ? -1 : harnessThread + own1 - own0;
    }

    static String line(Sample s) {
        return String.format(Locale.ROOT, "run=%d case=%s sent=%d received=%d secs=%.3f rx_dgram_s=%.0f loss_pct=%.2f"
                + " tx_cpu_ns_per_dgram=%.1f rx_cpu_ns_per_dgram=%.1f tx_busy_pct=%.0f rx_busy_pct=%.0f other_cpu_pct=%.1f%s",
                s.round(), s.name(), s.sent(), s.received(), s.seconds(), s.rxPerSecond(), s.lossPercent(),
                s.txNsPerDatagram(), s.rxNsPerDatagram(), s.txBusyPercent(), s.rxBusyPercent(), s.otherCpuPercent(),
                s.otherCpuPercent() > CaseSummary.DISTURBED_PERCENT ? " DISTURBED" : "");
    }

    /** The summary as a Markdown table. */
    static String table(List<CaseSummary> cases, int size) {
        StringBuilder b = new StringBuilder();
        b.append("| case | ratio to C, per round: median (p25-p75) [min-max] | received M dgram/s: median (p25-p75)"
                + " [min-max] | Gbit/s | loss % | sender CPU ns/dgram (busy %) | receiver CPU ns/dgram (busy %) |\n");
        b.append("|---|---:|---:|---:|---:|---:|---:|\n");
        for (CaseSummary c : cases) {
            Spread r = c.rate();
            String ratio = c.ratio().present() ? String.format(Locale.ROOT, "%.3f (%.2f-%.2f) [%.2f-%.2f] ÷ %s",
                    c.ratio().median(), c.ratio().p25(), c.ratio().p75(), c.ratio().min(), c.ratio().max(),
                    c.reference()) : c.name().startsWith("c-") ? "reference" : "n/a";
            b.append(String.format(Locale.ROOT, "| %s | %s | %.3f (%.3f-%.3f) [%.3f-%.3f] | %.1f | %.2f | %s | %s |%n",
                    c.name(), ratio, r.median() / 1e6, r.p25() / 1e6, r.p75() / 1e6, r.min() / 1e6, r.max() / 1e6,
                    r.median() * size * 8 / 1e9, c.loss().median(), cpu(c.txNsPerDatagram(), c.txBusyPercent()),
                    cpu(c.rxNsPerDatagram(), c.rxBusyPercent())));
        }
        return b.toString();
    }

    private static String cpu(Spread ns, Spread busy) {
        return ns.present() ? String.format(Locale.ROOT, "%.0f (%.0f)", ns.median(), busy.median()) : "n/a";
    }
}
