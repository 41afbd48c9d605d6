package org.ratiofit.samplers.toys;

import java.util.Arrays;

/** Tail fractions, quantiles and binomial errors of sorted toy samples. */
public final class ToyStats {

    /**
     * Toys whose statistic lies within this much below the observed value count as "at least as
     * extreme": the same data fitted from two starting points agree to ~1e-5 in the statistic,
     * and for discrete data (counts) a toy equal to the data must count.
     */
    public static final double TIE_TOLERANCE = 1e-4;

    private ToyStats() {
    }

    /** Number of sorted values {@code >= x - TIE_TOLERANCE}. */
    public static int countAtLeast(double[] sorted, double x) {
        double t = x - TIE_TOLERANCE;
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] >= t) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return sorted.length - lo;
    }

    /** Fraction of sorted values at least {@code x} (with the tie tolerance); NaN when empty. */
    public static double tail(double[] sorted, double x) {
        return sorted.length == 0 ? Double.NaN : countAtLeast(sorted, x) / (double) sorted.length;
    }

    /** Binomial standard error of a fraction p over n trials. */
    public static double binomialError(double p, int n) {
        return n > 0 ? Math.sqrt(Math.max(p * (1 - p), 0) / n) : Double.NaN;
    }

    /**
     * The empirical quantile: the smallest sample value v with at least a fraction {@code level} of
     * the samples &lt;= v.
     */
    public static double quantile(double[] sorted, double level) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int k = (int) Math.ceil(level * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, k))];
    }

    /** Sorted copy. */
    static double[] sorted(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s;
    }
}
