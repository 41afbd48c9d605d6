package org.ratiofit.validation.toys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ratiofit.objective.Objective;

class NormalLinearModelTest {

    /** A column of ones is the two-parameter normal model: same closed forms. */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {3, 4, 5})
    void interceptOnlyIsTheNormalModel(long seed) {
        double[] y = NormalMeanSigma.sample(15, 0.7, 1.3, seed);
        double[] ones = new double[y.length];
        java.util.Arrays.fill(ones, 1);
        NormalLinearModel lm = new NormalLinearModel(List.of("mu"), new double[][] {ones}, y);
        NormalMeanSigma nm = new NormalMeanSigma(y);
        for (double q : new double[] {0.1, 0.5, 0.9}) {
            double v = lm.posteriorCoefficient(0).quantile(q);
            assertEquals(nm.posteriorMu().cumulativeProbability(v), lm.posteriorCoefficient(0).cdf(v), 1e-12, "seed " + seed + " mu at " + v);
            double s = lm.posteriorSigma().quantile(q);
            assertEquals(q, lm.posteriorSigma().cdf(s), 1e-9, "seed " + seed + " sigma quantile " + q);
            assertEquals(nm.posteriorSigmaCdf(s), lm.posteriorSigma().cdf(s), 1e-12, "seed " + seed + " sigma at " + s);
        }
        assertEquals(nm.posteriorMu().getNumericalMean(), lm.posteriorCoefficient(0).mean(), 1e-12);
        assertEquals(Math.sqrt(nm.posteriorMu().getNumericalVariance()), lm.posteriorCoefficient(0).sd(), 1e-12);
    }

    /**
     * The regression posterior σ^(−n) exp(−Q(a, b)/(2σ²)) on a 3-D grid, with Q summed from the
     * data directly, marginalised numerically: CDFs, means and sds against the closed forms.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {7, 8})
    void closedFormMarginalsMatchTheGridPosterior(long seed) {
        double[][] xy = NormalLinearModel.sampleRegression(20, 0.5, -1.2, 0.7, -1, 2, seed);
        double[] x = xy[0];
        double[] y = xy[1];
        NormalLinearModel lm = NormalLinearModel.regression(x, y);
        int n = x.length;
        double sx = 0, sy = 0, sxx = 0, sxy = 0, syy = 0;
        for (int i = 0; i < n; i++) {
            sx += x[i];
            sy += y[i];
            sxx += x[i] * x[i];
            sxy += x[i] * y[i];
            syy += y[i] * y[i];
        }
        var pa = lm.posteriorCoefficient("a");
        var pb = lm.posteriorCoefficient("b");
        var ps = lm.posteriorSigma();
        int na = 160, nb = 160, ns = 240;
        double aLo = pa.mean() - 9 * pa.sd(), aHi = pa.mean() + 9 * pa.sd();
        double bLo = pb.mean() - 9 * pb.sd(), bHi = pb.mean() + 9 * pb.sd();
        double sLo = 0.05, sHi = ps.quantile(0.99999);
        double da = (aHi - aLo) / na, db = (bHi - bLo) / nb, ds = (sHi - sLo) / ns;
        double[] margA = new double[na], margB = new double[nb], margS = new double[ns];
        // the maximum of the density, at β̂ and σ² = S/n
        double ref = -0.5 * n * Math.log(lm.residualSumOfSquares() / n) - 0.5 * n;
        for (int i = 0; i < na; i++) {
            double a = aLo + (i + 0.5) * da;
            for (int j = 0; j < nb; j++) {
                double b = bLo + (j + 0.5) * db;
                double q = syy - 2 * a * sy - 2 * b * sxy + n * a * a + 2 * a * b * sx + b * b * sxx;
                for (int k = 0; k < ns; k++) {
                    double s = sLo + (k + 0.5) * ds;
                    double logp = -n * Math.log(s) - q / (2 * s * s);
                    double w = Math.exp(logp - ref);
                    margA[i] += w;
                    margB[j] += w;
                    margS[k] += w;
                }
            }
        }
        checkMarginal("seed " + seed + " a", margA, aLo, da, pa::cdf, pa.mean(), pa.sd());
        checkMarginal("seed " + seed + " b", margB, bLo, db, pb::cdf, pb.mean(), pb.sd());
        checkMarginal("seed " + seed + " sigma", margS, sLo, ds, ps::cdf, ps.mean(), ps.sd());
    }

    private static void checkMarginal(String what, double[] m, double lo, double step,
                                      java.util.function.DoubleUnaryOperator cdf, double mean, double sd) {
        double total = 0, first = 0, second = 0;
        for (int i = 0; i < m.length; i++) {
            double v = lo + (i + 0.5) * step;
            total += m[i];
            first += m[i] * v;
            second += m[i] * v * v;
        }
        double gm = first / total;
        double gsd = Math.sqrt(second / total - gm * gm);
        assertEquals(mean, gm, 2e-3 * sd, what + " mean");
        assertEquals(sd, gsd, 5e-3 * sd, what + " sd");
        double cum = 0;
        double maxDiff = 0;
        for (int i = 0; i < m.length; i++) {
            cum += m[i];
            double edge = lo + (i + 1) * step;
            maxDiff = Math.max(maxDiff, Math.abs(cum / total - (cdf.applyAsDouble(edge) - cdf.applyAsDouble(lo))));
        }
        assertTrue(maxDiff < 2e-3, what + ": largest CDF difference " + maxDiff);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void nllGradientMatchesFiniteDifferencesAndTheLogRatioSum(long seed) {
        double[][] xy = NormalLinearModel.sampleRegression(30, -0.4, 0.9, 1.1, 0, 3, seed);
        NormalLinearModel lm = NormalLinearModel.regression(xy[0], xy[1]);
        Objective nll = lm.nll();
        double[] p = {0.1 * seed, 0.7, 0.9 + 0.1 * seed};
        double[] g = new double[3];
        nll.valueAndGradient(p, g);
        for (int k = 0; k < 3; k++) {
            double h = 1e-6;
            double[] up = p.clone(), dn = p.clone();
            up[k] += h;
            dn[k] -= h;
            double fd = (nll.value(up) - nll.value(dn)) / (2 * h);
            assertEquals(fd, g[k], 1e-5 * (1 + Math.abs(fd)), "seed " + seed + " parameter " + k);
        }
        // −Σ ln r(y_i | a + b x_i, σ) differs from the nll by a constant
        double tau = 4;
        double first = Double.NaN;
        for (double[] q : new double[][] {p, {0, 0, 1}, {1, -1, 2}}) {
            double sum = 0;
            for (int i = 0; i < xy[0].length; i++) {
                sum += NormalMeanSigma.logRatio(xy[1][i], q[0] + q[1] * xy[0][i], q[2], tau);
            }
            double c = sum + nll.value(q);
            if (Double.isNaN(first)) {
                first = c;
            }
            assertEquals(first, c, 1e-9, "seed " + seed);
        }
    }

    @Test
    void tooFewObservationsAreRefused() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> NormalLinearModel.regression(new double[] {1, 2, 3, 4, 5}, new double[] {1, 2, 3, 4, 5}));
        assertTrue(e.getMessage().contains("at least 6"), e.getMessage());
    }
}
