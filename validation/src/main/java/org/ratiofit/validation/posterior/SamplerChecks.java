package org.ratiofit.validation.posterior;

import java.util.Arrays;
import java.util.function.DoubleUnaryOperator;
import org.hipparchus.stat.inference.KolmogorovSmirnovTest;
import org.ratiofit.validation.closure.ChiSquare;

/** Statistics that compare sampler output with exact answers. */
public final class SamplerChecks {

    private SamplerChecks() {
    }

    /**
     * One-sample Kolmogorov-Smirnov test of draws against an exact distribution function.
     *
     * @param draws      draws (thinned so that they are close to independent)
     * @param statistic  sup |F_n − F|
     * @param pValue     exact (small n) or asymptotic p-value from Hipparchus
     */
    public record Ks(String parameter, int draws, double statistic, double pValue) {}

    public static Ks ks(String parameter, double[] draws, DoubleUnaryOperator cdf) {
        double[] x = draws.clone();
        Arrays.sort(x);
        int n = x.length;
        double d = 0;
        for (int i = 0; i < n; i++) {
            double f = cdf.applyAsDouble(x[i]);
            d = Math.max(d, Math.max((i + 1.0) / n - f, f - (double) i / n));
        }
        double p = 1 - new KolmogorovSmirnovTest().cdf(d, n);
        return new Ks(parameter, n, d, Math.max(0, Math.min(1, p)));
    }

    /** Every {@code step}-th element of the concatenated chains. */
    public static double[] thin(double[][] chains, int step) {
        int total = 0;
        for (double[] c : chains) {
            total += (c.length + step - 1) / step;
        }
        double[] out = new double[total];
        int o = 0;
        for (double[] c : chains) {
            for (int i = 0; i < c.length; i += step) {
                out[o++] = c[i];
            }
        }
        return out;
    }

    /**
     * Rank histogram of simulation-based calibration: ranks (0..maxRank) in {@code bins} equal
     * groups, χ² against the uniform expectation.
     */
    public record RankHistogram(String parameter, int replicates, int maxRank, int[] counts, double chi2, int ndf, double pValue) {}

    public static RankHistogram rankHistogram(String parameter, int[] ranks, int maxRank, int bins) {
        if ((maxRank + 1) % bins != 0) {
            throw new IllegalArgumentException("rank values 0.." + maxRank + " do not split into " + bins + " equal bins");
        }
        int per = (maxRank + 1) / bins;
        int[] counts = new int[bins];
        for (int r : ranks) {
            if (r < 0 || r > maxRank) {
                throw new IllegalArgumentException("rank " + r + " outside 0.." + maxRank);
            }
            counts[r / per]++;
        }
        double e = (double) ranks.length / bins;
        double chi2 = 0;
        for (int c : counts) {
            chi2 += (c - e) * (c - e) / e;
        }
        return new RankHistogram(parameter, ranks.length, maxRank, counts, chi2, bins - 1, ChiSquare.pValue(chi2, bins - 1));
    }
}
