package dev.batchudp.benchmarks;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a run's machine-readable results: {@code PREFIX.csv}, one row per measured run, and
 * {@code PREFIX.json}, with the settings, the environment, the cases' descriptions, every run and the
 * summary per case. Numbers that are unknown are empty in the CSV and {@code null} in the JSON.
 */
final class ResultFiles {
    static final String CSV_HEADER = "round,case,c_reference,sent,received,seconds,rx_dgram_s,loss_pct,ratio_to_c,"
            + "tx_cpu_ns_per_dgram,rx_cpu_ns_per_dgram,tx_cpu_busy_pct,rx_cpu_busy_pct,other_cpu_pct";

    private ResultFiles() {}

    /** Writes the CSV file. */
    static Path writeCsv(String prefix, List<Sample> runs, Map<String, String> references,
            Map<String, List<Sample>> byCase) throws IOException {
        StringBuilder b = new StringBuilder(CSV_HEADER).append('\n');
        for (Sample s : runs) {
            String ref = references.get(s.name());
            double ratio = ref == null || !byCase.containsKey(ref) ? Double.NaN : CaseSummary.ratio(s, byCase.get(ref));
            b.append(s.round()).append(',').append(s.name()).append(',').append(ref == null ? "" : ref).append(',')
                    .append(s.sent()).append(',').append(s.received()).append(',').append(csv(s.seconds()))
                    .append(',').append(csv(s.rxPerSecond())).append(',').append(csv(s.lossPercent())).append(',')
                    .append(csv(ratio)).append(',').append(csv(s.txNsPerDatagram())).append(',')
                    .append(csv(s.rxNsPerDatagram())).append(',').append(csv(s.txBusyPercent())).append(',')
                    .append(csv(s.rxBusyPercent())).append(',').append(csv(s.otherCpuPercent())).append('\n');
        }
        return write(prefix + ".csv", b);
    }

    /** Writes the JSON file. */
    static Path writeJson(String prefix, HarnessSettings settings, Environment env, List<Sample> runs,
            List<CaseSummary> summaries) throws IOException {
        StringBuilder b = new StringBuilder("{\n");
        b.append("  \"settings\": {\"size\": ").append(settings.size())
                .append(", \"family\": ").append(settings.ipv6() ? 6 : 4)
                .append(", \"seconds\": ").append(json(settings.seconds()))
                .append(", \"rounds\": ").append(settings.runs())
                .append(", \"pin\": ").append(settings.pin() == null ? "null"
                        : "[" + settings.pin()[0] + ", " + settings.pin()[1] + "]")
                .append(", \"bind_batch\": ").append(settings.bindBatchSize())
                .append(", \"rxbuf\": ").append(settings.receiveBufferSize())
                .append(", \"netty_gso_packets_per_flush\": ").append(settings.nettyGsoPacketsPerFlush())
                .append(", \"udplimit\": ").append(str(settings.udplimit()))
                .append(", \"label\": ").append(str(settings.label())).append("},\n");
        b.append("  \"environment\": {\"date\": ").append(str(env.date()))
                .append(", \"java\": ").append(str(env.java()))
                .append(", \"kernel\": ").append(str(env.kernel()))
                .append(", \"cpu\": ").append(str(env.cpu()))
                .append(", \"cores\": ").append(env.cores())
                .append(", \"loopback_mtu\": ").append(str(env.loopbackMtu()))
                .append(", \"netty\": ").append(str(env.netty()))
                .append(", \"load_average\": [").append(json(env.load()[0])).append(", ").append(json(env.load()[1]))
                .append(", ").append(json(env.load()[2])).append("]")
                .append(", \"idle_pct\": ").append(json(env.idlePercent()))
                .append(", \"other_cpu_pct\": ").append(json(env.otherCpuPercent()))
                .append(", \"busy\": ").append(env.busy()).append("},\n");
        b.append("  \"runs\": [\n");
        for (int i = 0; i < runs.size(); i++) {
            Sample s = runs.get(i);
            b.append("    {\"round\": ").append(s.round()).append(", \"case\": ").append(str(s.name()))
                    .append(", \"sent\": ").append(s.sent()).append(", \"received\": ").append(s.received())
                    .append(", \"seconds\": ").append(json(s.seconds()))
                    .append(", \"rx_dgram_s\": ").append(json(s.rxPerSecond()))
                    .append(", \"loss_pct\": ").append(json(s.lossPercent()))
                    .append(", \"tx_cpu_ns\": ").append(s.txCpuNanos() < 0 ? "null" : Long.toString(s.txCpuNanos()))
                    .append(", \"rx_cpu_ns\": ").append(s.rxCpuNanos() < 0 ? "null" : Long.toString(s.rxCpuNanos()))
                    .append(", \"other_cpu_pct\": ").append(json(s.otherCpuPercent())).append('}')
                    .append(i + 1 < runs.size() ? ",\n" : "\n");
        }
        b.append("  ],\n  \"summary\": [\n");
        for (int i = 0; i < summaries.size(); i++) {
            CaseSummary c = summaries.get(i);
            b.append("    {\"case\": ").append(str(c.name()))
                    .append(", \"description\": ").append(str(c.description()))
                    .append(", \"c_reference\": ").append(str(c.reference()))
                    .append(",\n     \"ratio_to_c\": ").append(spread(c.ratio()))
                    .append(",\n     \"rx_dgram_s\": ").append(spread(c.rate()))
                    .append(",\n     \"loss_pct\": ").append(spread(c.loss()))
                    .append(",\n     \"tx_cpu_ns_per_dgram\": ").append(spread(c.txNsPerDatagram()))
                    .append(",\n     \"rx_cpu_ns_per_dgram\": ").append(spread(c.rxNsPerDatagram()))
                    .append(",\n     \"tx_cpu_busy_pct\": ").append(spread(c.txBusyPercent()))
                    .append(",\n     \"rx_cpu_busy_pct\": ").append(spread(c.rxBusyPercent()))
                    .append(",\n     \"disturbed_runs\": ").append(c.disturbedRuns()).append('}')
                    .append(i + 1 < summaries.size() ? ",\n" : "\n");
        }
        b.append("  ]\n}\n");
        return write(prefix + ".json", b);
    }

    static Path write(String file, CharSequence text) throws IOException {
        Path path = Path.of(file).toAbsolutePath();
        Files.createDirectories(path.getParent());
        Files.writeString(path, text, StandardCharsets.UTF_8);
        return path;
    }

    private static String spread(Spread s) {
        return "{\"median\": " + json(s.median()) + ", \"p25\": " + json(s.p25()) + ", \"p75\": " + json(s.p75())
                + ", \"min\": " + json(s.min()) + ", \"max\": " + json(s.max()) + ", \"n\": " + s.n() + "}";
    }

    private static String csv(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "" : plain(v);
    }

    private static String json(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "null" : plain(v);
    }

    /** Six significant digits, never in exponent notation. */
    private static String plain(double v) {
        return new BigDecimal(v).round(new MathContext(6)).stripTrailingZeros().toPlainString();
    }

    /** A JSON string, or null. */
    static String str(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
