package org.ratiofit.validation.closure;

import org.hipparchus.distribution.continuous.ChiSquaredDistribution;

/** Small weighted statistics shared by the closure checks. */
final class ClosureStats {

    private ClosureStats() {
    }

    /** Weighted mean of v (or of exp v with {@code exponentiate}) and its standard error. */
    static double[] weightedMeanAndError(double[] v, double[] weights, boolean exponentiate) {
        if (weights != null && weights.length != v.length) {
            throw new IllegalArgumentException(v.length + " values but " + weights.length + " weights");
        }
        double sw = 0;
        double swv = 0;
        for (int i = 0; i < v.length; i++) {
            double w = weights == null ? 1 : weights[i];
            double x = exponentiate ? Math.exp(v[i]) : v[i];
            sw += w;
            swv += w * x;
        }
        if (!(sw > 0)) {
            throw new IllegalArgumentException("the sample has no positive total weight (" + sw + ")");
        }
        double mean = swv / sw;
        double var = 0;
        for (int i = 0; i < v.length; i++) {
            double w = weights == null ? 1 : weights[i];
            double d = (exponentiate ? Math.exp(v[i]) : v[i]) - mean;
            var += w * w * d * d;
        }
        return new double[] {mean, Math.sqrt(var) / sw};
    }

    /** Upper-tail probability of a χ² with {@code ndf} degrees of freedom (1 when ndf ≤ 0). */
    static double pValue(double chi2, int ndf) {
        if (ndf <= 0) {
            return 1;
        }
        if (!Double.isFinite(chi2)) {
            return 0;
        }
        return 1 - new ChiSquaredDistribution(ndf).cumulativeProbability(chi2);
    }

    /** Bin edges at quantiles of the pooled values (equal-population bins), duplicates merged. */
    static double[] quantileEdges(int bins, double[]... samples) {
        int n = 0;
        for (double[] s : samples) {
            n += s.length;
        }
        double[] all = new double[n];
        int o = 0;
        for (double[] s : samples) {
            System.arraycopy(s, 0, all, o, s.length);
            o += s.length;
        }
        java.util.Arrays.sort(all);
        if (n == 0) {
            throw new IllegalArgumentException("no events to bin");
        }
        double[] edges = new double[bins + 1];
        int m = 0;
        for (int b = 0; b <= bins; b++) {
            double e = b == bins ? all[n - 1] : all[(int) ((long) b * (n - 1) / bins)];
            if (m == 0 || e > edges[m - 1]) {
                edges[m++] = e;
            }
        }
        if (m < 2) {
            edges[m++] = edges[0] + 1;
        }
        return java.util.Arrays.copyOf(edges, m);
    }

    /** The bin of v for edges e (values beyond the ends go to the first or last bin). */
    static int bin(double[] e, double v) {
        int lo = 0;
        int hi = e.length - 2;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (v >= e[mid]) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }
}
