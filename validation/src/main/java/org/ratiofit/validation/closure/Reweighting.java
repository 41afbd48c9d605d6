package org.ratiofit.validation.closure;

import java.util.ArrayList;
import java.util.List;

/**
 * Reweighting closure: the denominator sample weighted by r must look like the numerator sample in
 * every feature. Per feature, both are histogrammed in equal-population bins (quantiles of the two
 * samples pooled; values beyond the ends count in the end bins), each normalised to unit total (the
 * normalisation has its own check), and compared by
 * χ² = Σ_b (n_b − m_b)² / (σ²(n_b) + σ²(m_b)): σ²(m_b) the sum of squared normalised weights of
 * the reweighted denominator, σ²(n_b) = max(n_b, m_b)/N_eff of the numerator (its expected
 * content, so that an empty numerator bin is not a zero-error point); ndf = non-empty bins − 1.
 *
 * @param features   one result per feature
 * @param minPValue  a feature passes when its χ² p-value is at least this
 * @param passed     every feature passed
 */
public record Reweighting(List<Feature> features, double minPValue, boolean passed) {

    /**
     * One feature's histograms, all normalised to unit total weight.
     *
     * @param numerator   the numerator sample
     * @param reweighted  the denominator sample weighted by r
     * @param denominator the denominator sample unweighted by r (for the plot: what r corrected)
     * @param chi2OriginalDenominator χ² of the denominator before reweighting (how different the hypotheses are)
     */
    public record Feature(String feature, double[] edges, double[] numerator, double[] numeratorError, double[] reweighted,
                          double[] reweightedError, double[] denominator, double chi2, int ndf, double pValue,
                          double chi2OriginalDenominator, boolean passed) {}

    /**
     * @param names             feature names
     * @param numerator         numerator sample, [feature][event]
     * @param numeratorWeights  its weights (null for 1)
     * @param denominator       denominator sample, [feature][event]
     * @param denominatorWeights its weights (null for 1)
     * @param logRatio          ln r per denominator event
     */
    public static Reweighting of(List<String> names, double[][] numerator, double[] numeratorWeights, double[][] denominator,
                                 double[] denominatorWeights, double[] logRatio, int bins, double minPValue) {
        if (bins < 2) {
            throw new IllegalArgumentException("reweighting closure needs at least 2 bins, got " + bins);
        }
        int nd = logRatio.length;
        double[] wr = new double[nd];
        double[] w0 = new double[nd];
        for (int i = 0; i < nd; i++) {
            w0[i] = denominatorWeights == null ? 1 : denominatorWeights[i];
            wr[i] = w0[i] * Math.exp(logRatio[i]);
        }
        int nn = numerator[0].length;
        double[] wn = new double[nn];
        for (int i = 0; i < nn; i++) {
            wn[i] = numeratorWeights == null ? 1 : numeratorWeights[i];
        }
        List<Feature> out = new ArrayList<>();
        boolean all = true;
        for (int f = 0; f < names.size(); f++) {
            double[] edges = ClosureStats.quantileEdges(bins, numerator[f], denominator[f]);
            double[][] hn = histogram(numerator[f], wn, edges);
            double[][] hr = histogram(denominator[f], wr, edges);
            double[][] h0 = histogram(denominator[f], w0, edges);
            // the numerator's variance from its expected content (the larger of the two estimates), so
            // an empty numerator bin facing a tiny reweighted content does not count as a precise zero
            double nEffInv = sumSquares(wn) / (sum(wn) * sum(wn));
            double chi2 = 0;
            double chi2Orig = 0;
            int nb = edges.length - 1;
            int used = 0;
            for (int b = 0; b < nb; b++) {
                double v = nEffInv * Math.max(hn[0][b], hr[0][b]) + hr[1][b] * hr[1][b];
                if (v > 0) {
                    chi2 += (hn[0][b] - hr[0][b]) * (hn[0][b] - hr[0][b]) / v;
                    used++;
                }
                double v0 = nEffInv * Math.max(hn[0][b], h0[0][b]) + h0[1][b] * h0[1][b];
                if (v0 > 0) {
                    chi2Orig += (hn[0][b] - h0[0][b]) * (hn[0][b] - h0[0][b]) / v0;
                }
            }
            int ndf = used - 1;
            double p = ClosureStats.pValue(chi2, ndf);
            boolean pass = p >= minPValue;
            all &= pass;
            out.add(new Feature(names.get(f), edges, hn[0], hn[1], hr[0], hr[1], h0[0], chi2, ndf, p, chi2Orig, pass));
        }
        return new Reweighting(out, minPValue, all);
    }

    private static double sum(double[] w) {
        double s = 0;
        for (double v : w) {
            s += v;
        }
        return s;
    }

    private static double sumSquares(double[] w) {
        double s = 0;
        for (double v : w) {
            s += v * v;
        }
        return s;
    }

    /** [0] normalised contents, [1] their errors √(Σ w²)/Σ w. */
    private static double[][] histogram(double[] v, double[] w, double[] edges) {
        int nb = edges.length - 1;
        double[] c = new double[nb];
        double[] c2 = new double[nb];
        double total = 0;
        for (int i = 0; i < v.length; i++) {
            int b = ClosureStats.bin(edges, v[i]);
            c[b] += w[i];
            c2[b] += w[i] * w[i];
            total += w[i];
        }
        if (!(total > 0)) {
            throw new IllegalArgumentException("reweighting closure: a sample has no positive total weight");
        }
        for (int b = 0; b < nb; b++) {
            c[b] /= total;
            c2[b] = Math.sqrt(c2[b]) / total;
        }
        return new double[][] {c, c2};
    }
}
