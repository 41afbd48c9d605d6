package org.ratiofit.validation.closure;

/**
 * Calibration (reliability) of the classifier behind the ratio: with the two samples weighted to
 * equal totals, a calibrated model's score s = r/(1 + r) is the probability that an event with
 * that score belongs to the numerator. Events are binned in s (equal-population bins of the pooled
 * samples); per bin the observed numerator fraction f_b is compared with the mean predicted score
 * p_b, with the variance the prediction implies, σ_b² = Σ w_i² s_i (1 − s_i) / (Σ w_i)²:
 * χ² = Σ_b (f_b − p_b)² / σ_b², ndf = bins.
 *
 * @param edges      bin edges in s
 * @param predicted  mean predicted score per bin
 * @param observed   observed numerator fraction per bin
 * @param error      σ_b
 * @param events     events per bin
 */
public record Calibration(String name, double[] edges, double[] predicted, double[] observed, double[] error, long[] events,
                          double chi2, int ndf, double pValue, double minPValue, boolean passed) {

    /**
     * @param numeratorLogRatio   ln r on the numerator sample
     * @param denominatorLogRatio ln r on the denominator sample
     */
    public static Calibration of(String name, double[] numeratorLogRatio, double[] numeratorWeights, double[] denominatorLogRatio,
                                 double[] denominatorWeights, int bins, double minPValue) {
        int nn = numeratorLogRatio.length;
        int nd = denominatorLogRatio.length;
        double[] s = new double[nn + nd];
        double[] w = new double[nn + nd];
        double wn = 0;
        double wd = 0;
        for (int i = 0; i < nn; i++) {
            s[i] = score(numeratorLogRatio[i]);
            w[i] = numeratorWeights == null ? 1 : numeratorWeights[i];
            wn += w[i];
        }
        for (int i = 0; i < nd; i++) {
            s[nn + i] = score(denominatorLogRatio[i]);
            w[nn + i] = denominatorWeights == null ? 1 : denominatorWeights[i];
            wd += w[nn + i];
        }
        if (!(wn > 0) || !(wd > 0)) {
            throw new IllegalArgumentException("calibration: a sample has no positive total weight");
        }
        // equal class totals: the balanced prior under which s = r/(1 + r) is the class probability
        for (int i = 0; i < nn; i++) {
            w[i] /= wn;
        }
        for (int i = 0; i < nd; i++) {
            w[nn + i] /= wd;
        }
        double[] edges = ClosureStats.quantileEdges(bins, s);
        int nb = edges.length - 1;
        double[] sw = new double[nb];
        double[] sws = new double[nb];
        double[] swy = new double[nb];
        double[] var = new double[nb];
        long[] count = new long[nb];
        for (int i = 0; i < s.length; i++) {
            int b = ClosureStats.bin(edges, s[i]);
            sw[b] += w[i];
            sws[b] += w[i] * s[i];
            if (i < nn) {
                swy[b] += w[i];
            }
            var[b] += w[i] * w[i] * s[i] * (1 - s[i]);
            count[b]++;
        }
        double[] pred = new double[nb];
        double[] obs = new double[nb];
        double[] err = new double[nb];
        double chi2 = 0;
        int ndf = 0;
        for (int b = 0; b < nb; b++) {
            if (!(sw[b] > 0)) {
                pred[b] = Double.NaN;
                obs[b] = Double.NaN;
                continue;
            }
            pred[b] = sws[b] / sw[b];
            obs[b] = swy[b] / sw[b];
            err[b] = Math.sqrt(var[b]) / sw[b];
            if (err[b] > 0) {
                chi2 += (obs[b] - pred[b]) * (obs[b] - pred[b]) / (err[b] * err[b]);
                ndf++;
            }
        }
        double p = ClosureStats.pValue(chi2, ndf);
        return new Calibration(name, edges, pred, obs, err, count, chi2, ndf, p, minPValue, p >= minPValue);
    }

    static double score(double logRatio) {
        return 1 / (1 + Math.exp(-logRatio));
    }
}
