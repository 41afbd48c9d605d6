package org.ratiofit.workspace.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.ratiofit.likelihood.score.GridReweighting;
import org.ratiofit.likelihood.score.ScoreBinning;
import org.ratiofit.likelihood.score.ScoreHistogramLikelihood;
import org.ratiofit.objective.ParameterSpec;
import org.ratiofit.ratio.training.param.GammaLatentSimulator;

/** Joint log-ratios of the gamma-latent simulator tabulated on a θ grid and interpolated, against the closed form. */
class GridReweightingTest {

    static final double[] REF = {2.0, 1.0};
    static final double[] K = linspace(1.2, 3.5, 12), L = linspace(0.6, 1.6, 11);

    static double[] linspace(double a, double b, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = a + (b - a) * i / (n - 1);
        return x;
    }

    static GridReweighting tabulate(GammaReweighting ref) {
        double[][] cols = new double[K.length * L.length][ref.events()];
        for (int a = 0; a < K.length; a++) {
            for (int b = 0; b < L.length; b++) {
                double[] th = {K[a], L[b]};
                for (int i = 0; i < ref.events(); i++) cols[a * L.length + b][i] = GammaLatentSimulator.logJointRatio(ref.z[i], th, REF);
            }
        }
        return GridReweighting.of(List.of("k", "lambda"), new double[][] {K, L}, cols);
    }

    @Test
    void interpolatesTheClosedFormAndDifferentiatesExactly() {
        GammaReweighting ref = new GammaReweighting(REF, 500, 61);
        GridReweighting g = tabulate(ref);
        SplittableRandom rng = new SplittableRandom(62);
        double[] lw = new double[500], exact = new double[500];
        double[][] t = new double[2][500], te = new double[2][500];
        double worst = 0, worstScore = 0;
        for (int trial = 0; trial < 20; trial++) {
            double[] th = trial == 0 ? new double[] {K[3], L[7]} : new double[] {1.3 + 2.1 * rng.nextDouble(), 0.65 + 0.9 * rng.nextDouble()};
            g.logWeights(th, lw, t);
            ref.logWeights(th, exact, te);
            // ln w is linear in θ per event up to the event-independent k ln λ − ln Γ(k): the spline
            // reproduces the linear part exactly, so its error is one number for all events
            double common = lw[0] - exact[0], commonK = t[0][0] - te[0][0], commonL = t[1][0] - te[1][0];
            for (int i = 0; i < 500; i++) {
                assertEquals(common, lw[i] - exact[i], 1e-9, "event-independent interpolation error");
                assertEquals(commonK, t[0][i] - te[0][i], 1e-8, "event-independent score error (k)");
                assertEquals(commonL, t[1][i] - te[1][i], 1e-8, "event-independent score error (lambda)");
                worst = Math.max(worst, Math.abs(lw[i] - exact[i]));
                worstScore = Math.max(worstScore, Math.max(Math.abs(t[0][i] - te[0][i]), Math.abs(t[1][i] - te[1][i])));
                if (trial == 0) assertEquals(exact[i], lw[i], 1e-11, "at a grid point");
            }
            // the score is the derivative of the interpolant
            for (int j = 0; j < 2; j++) {
                double h = 1e-6;
                double[] a = th.clone(), b = th.clone(), la = new double[500], lb = new double[500];
                a[j] += h;
                b[j] -= h;
                g.logWeights(a, la, null);
                g.logWeights(b, lb, null);
                for (int i = 0; i < 500; i += 25) assertEquals((la[i] - lb[i]) / (2 * h), t[j][i], 1e-6 * (1 + Math.abs(t[j][i])));
            }
        }
        System.out.printf("grid 12x11: max |ln w - exact| = %.2e, max |t - exact| = %.2e%n", worst, worstScore);
        assertTrue(worst < 1e-2, "interpolation error " + worst);
        assertTrue(worstScore < 0.1, "score error " + worstScore);
    }

    /** SALLINO with tabulated ratios: the k interval equals the closed-form reweighting's to 1% of σ. */
    @Test
    void tabulatedFitEqualsClosedFormFit() {
        GammaReweighting ref = new GammaReweighting(REF, 20000, 63);
        double[][] hRef = ScoreBinning.project(ref.exactScore(ref.x), new double[] {1, 0});
        double[][] x = GammaReweighting.observed(new double[] {2.2, 1.0}, 1000, 64);
        double[][] hObs = ScoreBinning.project(ref.exactScore(x), new double[] {1, 0});
        ScoreBinning bins = ScoreBinning.equalPopulation(hRef, new int[] {20});
        List<ParameterSpec> ps = List.of(ParameterSpec.bounded("k", 2, 0.05, 1.2, 3.5), ParameterSpec.bounded("lambda", 1, 0.05, 0.6, 1.6));
        double[] n = bins.histogram(hObs, null);
        ScoreHistogramLikelihood exact = ScoreHistogramLikelihood.of(ps, ref, bins, hRef, n, Double.NaN);
        ScoreHistogramLikelihood grid = ScoreHistogramLikelihood.of(ps, tabulate(ref), bins, hRef, n, Double.NaN);
        double[] a = Minimise1D.interval(k -> exact.value(new double[] {k, 1.0}), 1.3, 3.4);
        double[] b = Minimise1D.interval(k -> grid.value(new double[] {k, 1.0}), 1.3, 3.4);
        double sigma = 0.5 * (a[2] - a[0]);
        System.out.printf("SALLINO k: closed-form weights %.5f [%.5f, %.5f], grid weights %.5f [%.5f, %.5f]%n", a[1], a[0], a[2], b[1], b[0], b[2]);
        for (int e = 0; e < 3; e++) assertEquals(a[e], b[e], 0.01 * sigma);
    }
}
