package dev.batchudp.benchmarks;

import java.util.Collection;

/**
 * The median, quartiles and range of a few values. Quartiles interpolate linearly between the two
 * nearest ranks (R's and NumPy's default, "type 7"): with 5 values p25 is the 2nd and p75 the 4th.
 *
 * @param median the median
 * @param p25 the first quartile
 * @param p75 the third quartile
 * @param min the smallest value
 * @param max the largest value
 * @param n how many values (NaNs are left out); 0 makes every statistic NaN
 */
record Spread(double median, double p25, double p75, double min, double max, int n) {
    static final Spread NONE = new Spread(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0);

    /** The spread of the values that are not NaN. */
    static Spread of(Collection<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).filter(d -> !Double.isNaN(d)).sorted().toArray();
        if (v.length == 0) {
            return NONE;
        }
        return new Spread(quantile(v, 0.5), quantile(v, 0.25), quantile(v, 0.75), v[0], v[v.length - 1], v.length);
    }

    /** Quantile {@code q} of sorted values, type 7. */
    static double quantile(double[] sorted, double q) {
        double h = (sorted.length - 1) * q;
        int lo = (int) Math.floor(h);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }

    /** Whether there is anything to show. */
    boolean present() {
        return n > 0;
    }
}
