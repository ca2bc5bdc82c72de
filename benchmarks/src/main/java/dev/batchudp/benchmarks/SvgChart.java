package dev.batchudp.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Draws a run's summary as a plain SVG document: one row per case, with its received datagrams per
 * second on the left and its per-round ratio to the C case of the same round on the right. Each shows
 * the spread over rounds: a bar from the first to the third quartile, a thick line at the median and
 * whiskers from the minimum to the maximum.
 */
final class SvgChart {
    private static final int WIDTH = 1080;
    private static final int ROW = 26;
    private static final int TOP = 96;
    private static final int LABEL_X = 12;
    private static final int RATE_X0 = 250;
    private static final int RATE_X1 = 530;
    private static final int RATIO_X0 = 610;
    private static final int RATIO_X1 = 870;
    /** The target of issue 15: at least this fraction of the C limit. */
    private static final double TARGET = 0.95;

    private SvgChart() {}

    /** An axis mapping values to x coordinates, linear or logarithmic. */
    private record Axis(double lo, double hi, boolean log, int x0, int x1) {
        double x(double v) {
            double f = log ? (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) : (v - lo) / (hi - lo);
            return x0 + Math.max(0, Math.min(1, f)) * (x1 - x0);
        }

        List<Double> ticks() {
            List<Double> t = new ArrayList<>();
            if (log) {
                for (int e = (int) Math.floor(Math.log10(lo)); e <= (int) Math.ceil(Math.log10(hi)); e++) {
                    for (int m : new int[] {1, 2, 5}) {
                        double v = m * Math.pow(10, e);
                        if (v >= lo && v <= hi) {
                            t.add(v);
                        }
                    }
                }
            } else {
                double step = niceStep((hi - lo) / 5);
                for (double v = Math.ceil(lo / step) * step; v <= hi + step / 1e6; v += step) {
                    t.add(v);
                }
            }
            return t;
        }
    }

    /** Draws the chart. */
    static String draw(HarnessSettings settings, Environment env, List<CaseSummary> cases) {
        int n = cases.size();
        int bottom = TOP + n * ROW;
        int height = bottom + 88;
        Axis rate = rateAxis(cases);
        Axis ratio = ratioAxis(cases);
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, height, WIDTH, height));
        b.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, height));
        text(b, LABEL_X, 20, "start", "font-size=\"14\" font-weight=\"bold\"", String.format(Locale.ROOT,
                "Loopback UDP throughput: %d B datagrams, IPv%s, %d round%s of %.0f s, sender and receiver pinned to CPUs %s",
                settings.size(), settings.ipv6() ? "6" : "4", settings.runs(), settings.runs() == 1 ? "" : "s",
                settings.seconds(), settings.pin() == null ? "(none)" : settings.pin()[0] + "," + settings.pin()[1]));
        text(b, LABEL_X, 38, "start", "fill=\"#444\"", String.format(Locale.ROOT, "%s; kernel %s; %s, %d CPUs; %s%s",
                env.java(), env.kernel(), env.cpu(), env.cores(), env.date().substring(0, 10),
                env.busy() ? "; machine busy before the run" : ""));
        if (!settings.label().isEmpty()) {
            text(b, LABEL_X, 56, "start", "fill=\"#b00\" font-weight=\"bold\"", settings.label());
        }
        text(b, RATE_X0, TOP - 12, "start", "font-weight=\"bold\"",
                "received datagrams/s (millions" + (rate.log() ? ", log scale)" : ")"));
        text(b, RATIO_X0, TOP - 12, "start", "font-weight=\"bold\"", "ratio to the C case of the same round");
        grid(b, rate, bottom, false);
        grid(b, ratio, bottom, true);
        for (double v : new double[] {1.0, TARGET}) {
            double x = ratio.x(v);
            b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#888\"%s/>%n",
                    x, TOP - 4, x, bottom, v == 1.0 ? "" : " stroke-dasharray=\"4 3\""));
        }
        for (int i = 0; i < n; i++) {
            CaseSummary c = cases.get(i);
            int y = TOP + i * ROW + ROW / 2;
            String color = color(c.name());
            if (i % 2 == 1) {
                b.append(String.format(Locale.ROOT, "<rect x=\"4\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#f4f4f4\"/>%n",
                        y - ROW / 2, WIDTH - 8, ROW));
            }
            text(b, LABEL_X, y + 4, "start", "", c.name());
            spread(b, rate, scaled(c.rate()), y, color);
            if (c.rate().present()) {
                text(b, RATE_X1 + 6, y + 4, "start", "fill=\"#444\"", String.format(Locale.ROOT, "%.3f", c.rate().median() / 1e6));
            }
            if (c.ratio().present()) {
                spread(b, ratio, c.ratio(), y, color);
                text(b, RATIO_X1 + 6, y + 4, "start", "font-weight=\"bold\"",
                        String.format(Locale.ROOT, "%.2f ÷ %s", c.ratio().median(), c.reference()));
            } else if (c.name().startsWith("c-")) {
                text(b, RATIO_X0 + 4, y + 4, "start", "fill=\"#888\"", "the reference (1.00)");
            }
        }
        text(b, LABEL_X, bottom + 40, "start", "fill=\"#444\"", "Bar: quartiles (p25-p75) over rounds; thick line: median;"
                + " whiskers: min-max. Ratios are per round: the case ÷ the C case measured in the same round");
        text(b, LABEL_X, bottom + 58, "start", "fill=\"#444\"", "(c-gso for GSO, c-mmsg-connected for connected senders, else c-mmsg);"
                + " dashed line: " + TARGET + ". Numbers on the right: medians.");
        text(b, LABEL_X, bottom + 76, "start", "fill=\"#444\"", "Drawn by dev.batchudp.benchmarks.ThroughputHarness;"
                + " every run's numbers are in the CSV and JSON files written with this chart.");
        b.append("</svg>\n");
        return b.toString();
    }

    private static Axis rateAxis(List<CaseSummary> cases) {
        double lo = Double.MAX_VALUE;
        double hi = 0;
        for (CaseSummary c : cases) {
            if (c.rate().present()) {
                lo = Math.min(lo, c.rate().min() / 1e6);
                hi = Math.max(hi, c.rate().max() / 1e6);
            }
        }
        if (hi <= 0) {
            return new Axis(0, 1, false, RATE_X0, RATE_X1);
        }
        if (lo > 0 && hi / lo > 5) {
            return new Axis(Math.pow(10, Math.floor(Math.log10(lo * 0.9) * 4) / 4),
                    Math.pow(10, Math.ceil(Math.log10(hi * 1.1) * 4) / 4), true, RATE_X0, RATE_X1);
        }
        double step = niceStep(hi * 1.05 / 5);
        return new Axis(0, Math.ceil(hi * 1.05 / step) * step, false, RATE_X0, RATE_X1);
    }

    private static Axis ratioAxis(List<CaseSummary> cases) {
        double hi = 1.2;
        for (CaseSummary c : cases) {
            if (c.ratio().present()) {
                hi = Math.max(hi, c.ratio().max() * 1.05);
            }
        }
        double step = niceStep(hi / 5);
        return new Axis(0, Math.ceil(hi / step) * step, false, RATIO_X0, RATIO_X1);
    }

    /** 1, 2 or 5 times a power of ten, at least {@code raw}. */
    static double niceStep(double raw) {
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        for (int m : new int[] {1, 2, 5, 10}) {
            if (m * p >= raw) {
                return m * p;
            }
        }
        return 10 * p;
    }

    private static Spread scaled(Spread s) {
        return new Spread(s.median() / 1e6, s.p25() / 1e6, s.p75() / 1e6, s.min() / 1e6, s.max() / 1e6, s.n());
    }

    private static void grid(StringBuilder b, Axis axis, int bottom, boolean ratio) {
        for (double v : axis.ticks()) {
            double x = axis.x(v);
            b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>%n",
                    x, TOP - 4, x, bottom));
            text(b, (int) Math.round(x), bottom + 16, "middle", "fill=\"#444\"",
                    ratio || v >= 1 || axis.log() && v < 0.1 ? trim(v) : String.format(Locale.ROOT, "%.2f", v));
        }
        b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>%n",
                axis.x0(), bottom, axis.x1(), bottom));
    }

    private static void spread(StringBuilder b, Axis axis, Spread s, int y, String color) {
        if (!s.present()) {
            return;
        }
        double min = axis.x(s.min());
        double max = axis.x(s.max());
        double p25 = axis.x(s.p25());
        double p75 = axis.x(s.p75());
        double med = axis.x(s.median());
        b.append(String.format(Locale.ROOT, "<g stroke=\"%s\"><line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>"
                + "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/><line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>"
                + "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"12\" fill=\"%s\" fill-opacity=\"0.35\"/>"
                + "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke-width=\"3\"/></g>%n",
                color, min, y, max, y, min, y - 4, min, y + 4, max, y - 4, max, y + 4,
                p25, y - 6, Math.max(0.5, p75 - p25), color, med, y - 8, med, y + 8));
    }

    private static String color(String name) {
        if (name.startsWith("c-")) {
            return "#555555";
        }
        if (name.startsWith("netty")) {
            return "#d95f02";
        }
        if (name.startsWith("jdk-")) {
            return "#7b3294"; // the JDK's DatagramChannel
        }
        return "#1f77b4"; // this project's paths
    }

    private static String trim(double v) {
        String s = String.format(Locale.ROOT, "%.3f", v);
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    private static void text(StringBuilder b, int x, int y, String anchor, String attributes, String text) {
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"%s\"%s>%s</text>%n", x, y, anchor,
                attributes.isEmpty() ? "" : " " + attributes, escape(text)));
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
