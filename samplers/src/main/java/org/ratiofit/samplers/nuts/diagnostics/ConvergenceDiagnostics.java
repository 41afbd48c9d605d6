package org.ratiofit.samplers.nuts.diagnostics;

import java.util.Arrays;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.transform.DftNormalization;
import org.apache.commons.math3.transform.FastFourierTransformer;
import org.apache.commons.math3.transform.TransformType;

/**
 * Convergence diagnostics of Vehtari, Gelman, Simpson, Carpenter and Bürkner (2021), as the R
 * package posterior and Stan compute them. Every function takes {@code draws[chain][iteration]}
 * with chains of equal length.
 */
public final class ConvergenceDiagnostics {

    private static final NormalDistribution STD_NORMAL = new NormalDistribution(0, 1);

    private ConvergenceDiagnostics() {
    }

    /** R-hat: the maximum of the rank-normalised split R-hat and the folded one. */
    public static double rhat(double[][] draws) {
        return rhat(draws, BLOM);
    }

    /** Blom's offset of the rank normalisation, as in the paper and the R package posterior. */
    static final double BLOM = 0.375;

    /** R-hat with the rank offset {@code c} ({@code c = 1/2} reproduces rstan 2.21's monitor). */
    static double rhat(double[][] draws, double c) {
        double bulk = rhatBasic(zScale(splitChains(draws), c));
        double tail = rhatBasic(zScale(splitChains(fold(draws)), c));
        return Math.max(bulk, tail);
    }

    /** The classic potential scale reduction factor of the given chains (no splitting, no ranks). */
    public static double rhatBasic(double[][] chains) {
        int m = chains.length;
        int n = chains[0].length;
        if (m < 2 || n < 2) {
            return Double.NaN;
        }
        double[] means = new double[m];
        double within = 0;
        for (int c = 0; c < m; c++) {
            means[c] = mean(chains[c]);
            within += variance(chains[c], means[c]);
        }
        within /= m;
        double between = n * variance(means, mean(means));
        if (!(within > 0)) {
            return Double.NaN;
        }
        return Math.sqrt((between / within + n - 1) / n);
    }

    /** Bulk effective sample size: ESS of the rank-normalised split chains. */
    public static double essBulk(double[][] draws) {
        return essBulk(draws, BLOM);
    }

    static double essBulk(double[][] draws, double c) {
        return ess(zScale(splitChains(draws), c));
    }

    /** Tail effective sample size: the smaller ESS of the 5% and 95% quantile indicators. */
    public static double essTail(double[][] draws) {
        double[] all = flatten(draws);
        double q05 = quantile(all, 0.05);
        double q95 = quantile(all, 0.95);
        return Math.min(ess(splitChains(indicator(draws, q05))), ess(splitChains(indicator(draws, q95))));
    }

    /** ESS of the mean: split chains, no rank normalisation. */
    public static double essMean(double[][] draws) {
        return ess(splitChains(draws));
    }

    /** Monte Carlo standard error of the mean: sd / sqrt(ESS of the mean). */
    public static double mcseMean(double[][] draws) {
        double[] all = flatten(draws);
        return Math.sqrt(variance(all, mean(all)) / essMean(draws));
    }

    /** Monte Carlo standard error of the variance estimate: sd of (x - mean)^2 over sqrt of its ESS. */
    public static double mcseVariance(double[][] draws) {
        double m = mean(flatten(draws));
        double[][] sq = new double[draws.length][];
        for (int c = 0; c < draws.length; c++) {
            sq[c] = new double[draws[c].length];
            for (int i = 0; i < sq[c].length; i++) {
                double dx = draws[c][i] - m;
                sq[c][i] = dx * dx;
            }
        }
        double[] all = flatten(sq);
        return Math.sqrt(variance(all, mean(all)) / essMean(sq));
    }

    /**
     * Effective sample size of the given chains (already split if wanted): Geyer's initial
     * monotone sequence on the multi-chain autocorrelation, with the improved tail term, capped
     * at {@code m n log10(m n)}. NaN for constant draws.
     */
    public static double ess(double[][] chains) {
        int m = chains.length;
        int n = chains[0].length;
        if (n < 4) {
            return Double.NaN;
        }
        double[][] acov = new double[m][];
        double[] chainMean = new double[m];
        double meanAcov0 = 0;
        for (int c = 0; c < m; c++) {
            chainMean[c] = mean(chains[c]);
            acov[c] = autocovariance(chains[c], chainMean[c]);
            meanAcov0 += acov[c][0];
        }
        meanAcov0 /= m;
        double meanVar = meanAcov0 * n / (n - 1.0);
        double varPlus = meanVar * (n - 1.0) / n;
        if (m > 1) {
            varPlus += variance(chainMean, mean(chainMean));
        }
        if (!(varPlus > 0) || !Double.isFinite(varPlus)) {
            return Double.NaN;
        }
        double[] rho = new double[n];
        int t = 0;
        double rhoEven = 1;
        rho[0] = 1;
        double rhoOdd = 1 - (meanVar - meanAcov(acov, 1)) / varPlus;
        rho[1] = rhoOdd;
        while (t < n - 5 && !Double.isNaN(rhoEven + rhoOdd) && rhoEven + rhoOdd > 0) {
            t += 2;
            rhoEven = 1 - (meanVar - meanAcov(acov, t)) / varPlus;
            rhoOdd = 1 - (meanVar - meanAcov(acov, t + 1)) / varPlus;
            if (rhoEven + rhoOdd >= 0) {
                rho[t] = rhoEven;
                rho[t + 1] = rhoOdd;
            }
        }
        int maxT = t;
        if (rhoEven > 0) {
            rho[maxT] = rhoEven;
        }
        // Geyer's initial monotone sequence
        t = 0;
        while (t <= maxT - 4) {
            t += 2;
            if (rho[t] + rho[t + 1] > rho[t - 2] + rho[t - 1]) {
                rho[t] = (rho[t - 2] + rho[t - 1]) / 2;
                rho[t + 1] = rho[t];
            }
        }
        double total = (double) m * n;
        double sum = 0;
        for (int i = 0; i < maxT; i++) {
            sum += rho[i];
        }
        double tau = -1 + 2 * sum + rho[maxT];
        tau = Math.max(tau, 1 / Math.log10(total));
        return total / tau;
    }

    private static double meanAcov(double[][] acov, int lag) {
        double s = 0;
        for (double[] a : acov) {
            s += a[lag];
        }
        return s / acov.length;
    }

    /** Biased autocovariance (divided by n) at lags 0..n-1, by FFT. */
    public static double[] autocovariance(double[] x, double mean) {
        int n = x.length;
        int size = Integer.highestOneBit(Math.max(1, 2 * n - 1));
        if (size < 2 * n) {
            size <<= 1;
        }
        double[][] data = new double[2][size];
        for (int i = 0; i < n; i++) {
            data[0][i] = x[i] - mean;
        }
        FastFourierTransformer.transformInPlace(data, DftNormalization.STANDARD, TransformType.FORWARD);
        for (int i = 0; i < size; i++) {
            double re = data[0][i];
            double im = data[1][i];
            data[0][i] = re * re + im * im;
            data[1][i] = 0;
        }
        FastFourierTransformer.transformInPlace(data, DftNormalization.STANDARD, TransformType.INVERSE);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = data[0][i] / n;
        }
        return out;
    }

    /** Splits each chain into its first and second halves (the middle draw of an odd chain is dropped). */
    public static double[][] splitChains(double[][] draws) {
        int n = draws[0].length;
        if (n < 2) {
            return draws;
        }
        int half = n / 2;
        int secondStart = n - half;
        double[][] out = new double[2 * draws.length][];
        for (int c = 0; c < draws.length; c++) {
            if (draws[c].length != n) {
                throw new IllegalArgumentException("chains have different lengths: " + n + " and " + draws[c].length);
            }
            out[2 * c] = Arrays.copyOfRange(draws[c], 0, half);
            out[2 * c + 1] = Arrays.copyOfRange(draws[c], secondStart, n);
        }
        return out;
    }

    /** Rank normalisation: average ranks over all chains mapped through the normal quantile with Blom's offset. */
    public static double[][] zScale(double[][] draws) {
        return zScale(draws, BLOM);
    }

    static double[][] zScale(double[][] draws, double offset) {
        double[] all = flatten(draws);
        int s = all.length;
        double[] ranks = averageRanks(all);
        double[][] out = new double[draws.length][];
        int k = 0;
        for (int c = 0; c < draws.length; c++) {
            out[c] = new double[draws[c].length];
            for (int i = 0; i < out[c].length; i++) {
                double u = (ranks[k++] - offset) / (s - 2 * offset + 1);
                out[c][i] = STD_NORMAL.inverseCumulativeProbability(u);
            }
        }
        return out;
    }

    /** |x - median|, the folded draws for the tail R-hat. */
    public static double[][] fold(double[][] draws) {
        double med = quantile(flatten(draws), 0.5);
        double[][] out = new double[draws.length][];
        for (int c = 0; c < draws.length; c++) {
            out[c] = new double[draws[c].length];
            for (int i = 0; i < out[c].length; i++) {
                out[c][i] = Math.abs(draws[c][i] - med);
            }
        }
        return out;
    }

    private static double[][] indicator(double[][] draws, double q) {
        double[][] out = new double[draws.length][];
        for (int c = 0; c < draws.length; c++) {
            out[c] = new double[draws[c].length];
            for (int i = 0; i < out[c].length; i++) {
                out[c][i] = draws[c][i] <= q ? 1 : 0;
            }
        }
        return out;
    }

    /**
     * E-BFMI of one chain's energies: mean squared change of energy between successive draws over
     * the energy variance. Values below 0.3 indicate poor exploration of the energy distribution.
     */
    public static double ebfmi(double[] energy) {
        int n = energy.length;
        if (n < 2) {
            return Double.NaN;
        }
        double num = 0;
        for (int i = 1; i < n; i++) {
            double dE = energy[i] - energy[i - 1];
            num += dE * dE;
        }
        double m = mean(energy);
        double den = 0;
        for (double e : energy) {
            den += (e - m) * (e - m);
        }
        return num / den;
    }

    /** Quantile with linear interpolation between order statistics (R's type 7). */
    public static double quantile(double[] values, double p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sortedQuantile(sorted, p);
    }

    static double sortedQuantile(double[] sorted, double p) {
        int n = sorted.length;
        double h = (n - 1) * p;
        int lo = (int) Math.floor(h);
        int hi = Math.min(lo + 1, n - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }

    static double[] averageRanks(double[] x) {
        int n = x.length;
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> Double.compare(x[a], x[b]));
        double[] ranks = new double[n];
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && x[idx[j + 1]] == x[idx[i]]) {
                j++;
            }
            double r = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                ranks[idx[k]] = r;
            }
            i = j + 1;
        }
        return ranks;
    }

    public static double[] flatten(double[][] draws) {
        int total = 0;
        for (double[] c : draws) {
            total += c.length;
        }
        double[] out = new double[total];
        int k = 0;
        for (double[] c : draws) {
            System.arraycopy(c, 0, out, k, c.length);
            k += c.length;
        }
        return out;
    }

    static double mean(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v;
        }
        return s / x.length;
    }

    /** Sample variance (n - 1 in the denominator). */
    static double variance(double[] x, double mean) {
        double s = 0;
        for (double v : x) {
            double dx = v - mean;
            s += dx * dx;
        }
        return s / (x.length - 1);
    }
}
