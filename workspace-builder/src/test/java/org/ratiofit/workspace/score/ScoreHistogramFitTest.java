package org.ratiofit.workspace.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.ratiofit.likelihood.score.ScoreBinning;
import org.ratiofit.likelihood.score.ScoreHistogramLikelihood;
import org.ratiofit.objective.ParameterSpec;

/**
 * Fits with the SALLY/SALLINO binned likelihood, the exact local score t(x|θ_ref) standing in for
 * the network: consistency on a large data set, and the SALLINO interval against the exact
 * unbinned likelihood's.
 */
class ScoreHistogramFitTest {

    static final double[] REF = {2.0, 1.0};
    static final List<ParameterSpec> PARAMS = List.of(ParameterSpec.bounded("k", 2, 0.05, 1.2, 3.5), ParameterSpec.bounded("lambda", 1, 0.05, 0.6, 1.6));

    /** SALLY (6×6 product grid in t̂) on 20000 events at θ = (2.4, 1.15): the fit lands within 3σ of the truth, σ from the Hessian. */
    @Test
    void sallyFitFindsTheTruthOnALargeDataSet() {
        GammaReweighting ref = new GammaReweighting(REF, 50_000, 21);
        double[][] tRef = ref.exactScore(ref.x);
        double[] truth = {2.4, 1.15};
        double[][] tObs = ref.exactScore(GammaReweighting.observed(truth, 20_000, 22));
        ScoreBinning bins = ScoreBinning.equalPopulation(tRef, new int[] {6, 6});
        ScoreHistogramLikelihood l = ScoreHistogramLikelihood.of(PARAMS, ref, bins, tRef, bins.histogram(tObs, null), Double.NaN);
        double[] th = REF.clone();
        double[][] cov = null;
        for (int it = 0; it < 30; it++) { // Newton with the Hessian from finite differences of the exact gradient, halving steps
            double[] g = new double[2];
            double v = l.valueAndGradient(th, g);
            double[][] h = hessian(l, th);
            double det = h[0][0] * h[1][1] - h[0][1] * h[1][0];
            cov = new double[][] {{h[1][1] / det, -h[0][1] / det}, {-h[1][0] / det, h[0][0] / det}};
            double[] step = {-(cov[0][0] * g[0] + cov[0][1] * g[1]), -(cov[1][0] * g[0] + cov[1][1] * g[1])};
            double s = 1;
            double[] next = {th[0] + step[0], th[1] + step[1]};
            while (!(l.value(next) <= v) && s > 1e-6) {
                s /= 2;
                next = new double[] {th[0] + s * step[0], th[1] + s * step[1]};
            }
            th = next;
            if (Math.abs(step[0]) + Math.abs(step[1]) < 1e-9) break;
        }
        double[] g = new double[2];
        l.valueAndGradient(th, g);
        assertTrue(Math.abs(g[0]) + Math.abs(g[1]) < 1e-4, "gradient at the minimum " + Arrays.toString(g));
        double sk = Math.sqrt(cov[0][0]), sl = Math.sqrt(cov[1][1]);
        System.out.printf("SALLY 6x6, 20000 events at (2.4, 1.15), 5e4 reference at (2, 1): θ̂ = (%.4f, %.4f), σ = (%.4f, %.4f), pulls (%.2f, %.2f)%n",
                th[0], th[1], sk, sl, (th[0] - truth[0]) / sk, (th[1] - truth[1]) / sl);
        assertEquals(truth[0], th[0], 3 * sk);
        assertEquals(truth[1], th[1], 3 * sl);
        assertTrue(sk < 0.1 && sl < 0.06, "σ = " + sk + ", " + sl);
    }

    static double[][] hessian(ScoreHistogramLikelihood l, double[] th) {
        double[][] h = new double[2][2];
        for (int j = 0; j < 2; j++) {
            double e = 1e-5;
            double[] a = th.clone(), b = th.clone(), ga = new double[2], gb = new double[2];
            a[j] += e;
            b[j] -= e;
            l.valueAndGradient(a, ga);
            l.valueAndGradient(b, gb);
            for (int i = 0; i < 2; i++) h[i][j] = (ga[i] - gb[i]) / (2 * e);
        }
        double o = 0.5 * (h[0][1] + h[1][0]);
        h[0][1] = o;
        h[1][0] = o;
        return h;
    }

    /**
     * SALLINO: h = t̂(x|θ_ref)·u with u = (1, 0) (the direction of k), 20 equal-population bins on
     * 10^5 reference events, λ fixed at its true value. On five data sets of 1000 events at
     * θ = (2.2, 1) the 68% interval of k is compared with the exact unbinned likelihood's
     * (−Σ ln p(x_i|θ) by quadrature): binning loses information, so the mean width ratio is ≥ 1;
     * the ends agree to a fraction of σ.
     */
    @Test
    void sallinoIntervalIsAtLeastAsWideAsTheExactOne() {
        GammaReweighting ref = new GammaReweighting(REF, 100_000, 31);
        double[] u = {1, 0};
        double[][] hRef = ScoreBinning.project(ref.exactScore(ref.x), u);
        ScoreBinning bins = ScoreBinning.equalPopulation(hRef, new int[] {20});
        double lambda = 1.0;
        double[] truth = {2.2, lambda};
        double sumRatio = 0;
        int sets = 5;
        for (int s = 0; s < sets; s++) {
            double[][] x = GammaReweighting.observed(truth, 1000, 100 + s);
            double[][] hObs = ScoreBinning.project(ref.exactScore(x), u);
            ScoreHistogramLikelihood l = ScoreHistogramLikelihood.of(PARAMS, ref, bins, hRef, bins.histogram(hObs, null), Double.NaN);
            double[] binned = Minimise1D.interval(k -> l.value(new double[] {k, lambda}), 1.3, 3.4);
            double[] exact = Minimise1D.interval(k -> {
                double nll = 0;
                for (int i = 0; i < x[0].length; i++) nll -= GammaReweighting.SIM.logMarginal(x[0][i], x[1][i], new double[] {k, lambda}, null);
                return nll;
            }, 1.3, 3.4);
            double wb = binned[2] - binned[0], we = exact[2] - exact[0];
            double sigma = 0.5 * we;
            System.out.printf("SALLINO 20 bins, data set %d: binned k = %.4f [%.4f, %.4f], exact k = %.4f [%.4f, %.4f], width ratio %.4f, "
                    + "centre shift %.3f σ%n", s, binned[1], binned[0], binned[2], exact[1], exact[0], exact[2], wb / we, (binned[1] - exact[1]) / sigma);
            sumRatio += wb / we;
            assertTrue(wb / we > 0.97, "data set " + s + ": width ratio " + wb / we);
            assertEquals(exact[1], binned[1], 0.35 * sigma, "data set " + s + ": minima");
            assertTrue(Math.abs(exact[1] - truth[0]) < 3 * sigma);
        }
        double mean = sumRatio / sets;
        System.out.printf("SALLINO mean width ratio binned/exact over %d data sets: %.4f%n", sets, mean);
        assertTrue(mean >= 1.0, "mean width ratio " + mean);
        assertTrue(mean < 1.15, "mean width ratio " + mean + ": SALLINO near θ_ref should lose little");
    }
}
