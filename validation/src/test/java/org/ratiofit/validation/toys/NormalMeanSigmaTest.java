package org.ratiofit.validation.toys;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.ratiofit.objective.Objective;

class NormalMeanSigmaTest {

    /** The grid posterior exp(-nll) under flat priors, marginalised numerically, against the closed forms. */
    @Test
    void closedFormMarginalsMatchTheGridPosterior() {
        double[] data = NormalMeanSigma.sample(12, 1.5, 0.8, 21);
        NormalMeanSigma model = new NormalMeanSigma(data);
        Objective nll = model.nll();
        double xbar = model.posteriorMu().getNumericalMean();
        int nm = 1200;
        int ns = 1200;
        double muLo = xbar - 3;
        double muHi = xbar + 3;
        double sLo = 1e-3;
        double sHi = 5;
        double dm = (muHi - muLo) / nm;
        double ds = (sHi - sLo) / ns;
        double[][] p = new double[nm][ns];
        double ref = nll.value(new double[] {xbar, 0.8});
        double total = 0;
        for (int i = 0; i < nm; i++) {
            for (int j = 0; j < ns; j++) {
                p[i][j] = Math.exp(ref - nll.value(new double[] {muLo + (i + 0.5) * dm, sLo + (j + 0.5) * ds}));
                total += p[i][j];
            }
        }
        // compare cumulative marginals at a few points
        // compare cumulative marginals at cell edges
        for (int edge : new int[] {500, 580, 660}) {
            double q = muLo + edge * dm;
            double grid = 0;
            for (int i = 0; i < edge; i++) {
                for (int j = 0; j < ns; j++) {
                    grid += p[i][j];
                }
            }
            assertEquals(model.posteriorMu().cumulativeProbability(q), grid / total, 1e-4, "mu cdf at " + q);
        }
        for (int edge : new int[] {120, 192, 288}) {
            double s = sLo + edge * ds;
            double grid = 0;
            for (int i = 0; i < nm; i++) {
                for (int j = 0; j < edge; j++) {
                    grid += p[i][j];
                }
            }
            assertEquals(model.posteriorSigmaCdf(s), grid / total, 1e-4, "sigma cdf at " + s);
        }
    }

    @Test
    void summedExactLogRatiosEqualTheLogLikelihoodUpToAConstant() {
        double[] data = NormalMeanSigma.sample(50, -0.3, 1.7, 4);
        Objective nll = new NormalMeanSigma(data).nll();
        double tau = 3;
        double first = Double.NaN;
        for (double[] p : new double[][] {{0, 1}, {-0.5, 2}, {1, 0.7}}) {
            double sum = 0;
            for (double v : data) {
                sum += NormalMeanSigma.logRatio(v, p[0], p[1], tau);
            }
            double c = sum + nll.value(p);
            if (Double.isNaN(first)) {
                first = c;
            }
            assertEquals(first, c, 1e-9);
        }
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        Objective nll = new NormalMeanSigma(NormalMeanSigma.sample(30, 0, 1, 9)).nll();
        double[] p = {0.2, 1.3};
        double[] g = new double[2];
        nll.valueAndGradient(p, g);
        for (int k = 0; k < 2; k++) {
            double[] a = p.clone();
            double[] b = p.clone();
            a[k] += 1e-6;
            b[k] -= 1e-6;
            assertEquals((nll.value(a) - nll.value(b)) / 2e-6, g[k], 1e-5);
        }
    }
}
