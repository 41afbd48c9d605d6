package org.ratiofit.samplers.nuts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.ratiofit.objective.Objective;
import org.ratiofit.objective.ParameterSpec;
import org.ratiofit.samplers.nuts.diagnostics.ConvergenceDiagnostics;
import org.ratiofit.samplers.nuts.diagnostics.ParameterSummary;
import org.ratiofit.samplers.nuts.diagnostics.PosteriorSummary;

/** The sampler against posteriors known exactly. */
class NutsAnalyticPosteriorTest {

    static NutsSettings settings(long seed) {
        return NutsSettings.defaults().seed(seed).quiet(true).threads(2);
    }

    static void assertConverged(PosteriorSummary s) {
        for (ParameterSummary p : s.parameters()) {
            assertTrue(p.rhat() < 1.01, p.name() + ": R-hat " + p.rhat());
            assertTrue(p.essBulk() > 400, p.name() + ": bulk ESS " + p.essBulk());
        }
        assertEquals(0, s.divergences(), "divergences");
    }

    /** mean and variance of the pooled draws within k Monte Carlo standard errors of the truth. */
    static void assertMoments(String what, double[][] draws, double mean, double var, double k) {
        double[] all = ConvergenceDiagnostics.flatten(draws);
        double m = 0;
        for (double v : all) {
            m += v;
        }
        m /= all.length;
        double s2 = 0;
        for (double v : all) {
            s2 += (v - m) * (v - m);
        }
        s2 /= all.length - 1;
        double mcseMean = ConvergenceDiagnostics.mcseMean(draws);
        double mcseVar = ConvergenceDiagnostics.mcseVariance(draws);
        assertEquals(mean, m, k * mcseMean, what + ": mean " + m + " vs exact " + mean + " (mcse " + mcseMean + ")");
        assertEquals(var, s2, k * mcseVar, what + ": variance " + s2 + " vs exact " + var + " (mcse " + mcseVar + ")");
    }

    @Test
    void conjugateNormalMeanAndVarianceWithinFourMcse() {
        double sigma = 2;
        double[] y = TestModels.normalData(10, 1.5, sigma, 11);
        double m0 = -1;
        double s0 = 3;
        Objective nll = TestModels.knownSigmaMean(y, sigma);
        NutsResult r = NutsSampler.sample(nll, Map.of("theta", Prior.normal(m0, s0)), settings(1));
        double sum = 0;
        for (double v : y) {
            sum += v;
        }
        double precision = 1 / (s0 * s0) + y.length / (sigma * sigma);
        double postVar = 1 / precision;
        double postMean = postVar * (m0 / (s0 * s0) + sum / (sigma * sigma));
        PosteriorSummary s = r.summary();
        assertConverged(s);
        assertMoments("theta", r.draws("theta"), postMean, postVar, 4);
    }

    @Test
    void boundedPriorsAreSampledWithCorrectJacobians() {
        // the objective is flat: the posterior is the product of the priors
        List<ParameterSpec> specs = List.of(ParameterSpec.free("a", 0.3, 0.1), ParameterSpec.free("b", 1, 0.5),
                ParameterSpec.free("c", 0.5, 0.5), ParameterSpec.bounded("d", 2, 1, 0, Double.POSITIVE_INFINITY));
        Map<String, Prior> priors = Map.of("a", Prior.uniform(0, 1), "b", Prior.logNormal(0.2, 0.5),
                "c", Prior.truncatedNormal(0, 1, 0, Double.POSITIVE_INFINITY), "d", Prior.normal(1, 1));
        NutsResult r = NutsSampler.sample(TestModels.constant(specs), priors, settings(2));
        assertConverged(r.summary());
        assertMoments("uniform(0,1)", r.draws("a"), 0.5, 1.0 / 12, 4);
        double lnMean = Math.exp(0.2 + 0.125);
        double lnVar = (Math.exp(0.25) - 1) * Math.exp(0.4 + 0.25);
        assertMoments("lognormal(0.2,0.5)", r.draws("b"), lnMean, lnVar, 4);
        assertMoments("half-normal", r.draws("c"), Math.sqrt(2 / Math.PI), 1 - 2 / Math.PI, 4);
        // normal(1,1) truncated to d > 0 by the parameter's bound
        double a = -1.0;
        double phi = Math.exp(-0.5 * a * a) / Math.sqrt(2 * Math.PI);
        double z = 1 - new org.apache.commons.math3.distribution.NormalDistribution().cumulativeProbability(a);
        double lam = phi / z;
        assertMoments("normal(1,1) on d>0", r.draws("d"), 1 + lam, 1 + a * lam - lam * lam, 4);
        for (double v : r.pooled("a")) {
            assertTrue(v > 0 && v < 1, "uniform draw out of support: " + v);
        }
    }

    @Test
    void hundredDimensionalCorrelatedGaussianMeansAndCovariance() {
        int d = 100;
        TestModels.Gaussian g = TestModels.correlatedGaussian(d, 0.5);
        NutsResult r = NutsSampler.sample(g, settings(3));
        PosteriorSummary s = r.summary();
        assertConverged(s);
        int n = r.chains().size() * r.chains().get(0).numDraws();
        // trajectory length as Stan's: rstan 2.21 takes 26.9 leapfrog steps per draw on this model
        // (BENCHMARKS.md); a wrong U-turn check across subtrees stops early (~15 steps)
        double meanLeapfrog = r.chains().stream().flatMapToInt(c -> java.util.Arrays.stream(c.nLeapfrog())).average().orElseThrow();
        assertEquals(27, meanLeapfrog, 4, "mean leapfrog steps per draw");
        double[][] x = new double[d][];
        for (int i = 0; i < d; i++) {
            x[i] = r.pooled("x" + (i + 1));
            double[][] draws = r.draws(i);
            // 100 means: 4.5 MCSE keeps the family-wise false alarm rate near 1e-3
            double mcse = ConvergenceDiagnostics.mcseMean(draws);
            assertEquals(g.mean[i], s.parameters().get(i).mean(), 4.5 * mcse, "mean of x" + (i + 1));
        }
        double maxCorrErr = 0;
        double maxVarRelErr = 0;
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                double c = 0;
                for (int k = 0; k < n; k++) {
                    c += (x[i][k] - g.mean[i]) * (x[j][k] - g.mean[j]);
                }
                c /= n;
                if (i == j) {
                    maxVarRelErr = Math.max(maxVarRelErr, Math.abs(c / g.cov[i][i] - 1));
                } else {
                    double corrErr = Math.abs(c - g.cov[i][j]) / Math.sqrt(g.cov[i][i] * g.cov[j][j]);
                    maxCorrErr = Math.max(maxCorrErr, corrErr);
                }
            }
        }
        // variance of a variance estimate ~ 2 sigma^4 / ESS: with ESS of squares >~ 1000, 5 sigma ~ 0.22
        assertTrue(maxVarRelErr < 0.2, "max relative error of the 100 variances " + maxVarRelErr);
        // a correlation estimate has sd ~ (1 - rho^2)/sqrt(ESS) <~ 0.03
        assertTrue(maxCorrErr < 0.15, "max error of the 4950 covariances in correlation units " + maxCorrErr);
    }

    @Test
    void normalMuSigmaWithFlatPriorsMatchesTheGridPosterior() {
        double[] y = TestModels.normalData(15, 1.0, 2.0, 5);
        Objective nll = TestModels.normalMuSigma(y);
        NutsResult r = NutsSampler.sample(nll, settings(4));
        PosteriorSummary s = r.summary();
        assertConverged(s);

        // exact posterior p(mu, sigma) ∝ sigma^-n exp(-sum (y - mu)^2 / (2 sigma^2)) on a fine grid
        double ybar = 0;
        for (double v : y) {
            ybar += v;
        }
        ybar /= y.length;
        double sd = 0;
        for (double v : y) {
            sd += (v - ybar) * (v - ybar);
        }
        sd = Math.sqrt(sd / (y.length - 1));
        int nm = 801;
        int ns = 1601;
        double muLo = ybar - 10 * sd / Math.sqrt(y.length);
        double muHi = ybar + 10 * sd / Math.sqrt(y.length);
        double sLo = 1e-3;
        double sHi = 8 * sd;
        double dm = (muHi - muLo) / (nm - 1);
        double dsg = (sHi - sLo) / (ns - 1);
        double[] margMu = new double[nm];
        double[] margS = new double[ns];
        double maxLog = Double.NEGATIVE_INFINITY;
        double[][] logp = new double[nm][ns];
        for (int i = 0; i < nm; i++) {
            double mu = muLo + i * dm;
            double ss = 0;
            for (double v : y) {
                ss += (v - mu) * (v - mu);
            }
            for (int j = 0; j < ns; j++) {
                double sg = sLo + j * dsg;
                logp[i][j] = -y.length * Math.log(sg) - ss / (2 * sg * sg);
                maxLog = Math.max(maxLog, logp[i][j]);
            }
        }
        double z = 0;
        for (int i = 0; i < nm; i++) {
            for (int j = 0; j < ns; j++) {
                double p = Math.exp(logp[i][j] - maxLog);
                margMu[i] += p;
                margS[j] += p;
                z += p;
            }
        }
        double[] muMoments = moments(margMu, muLo, dm, z);
        double[] sMoments = moments(margS, sLo, dsg, z);
        assertMoments("mu", r.draws("mu"), muMoments[0], muMoments[1], 4);
        assertMoments("sigma", r.draws("sigma"), sMoments[0], sMoments[1], 4);
        // 5% and 95% quantiles of sigma within a generous band (quantile MCSE ~ sd/sqrt(ESS) scale)
        double q05 = gridQuantile(margS, sLo, dsg, z, 0.05);
        double q95 = gridQuantile(margS, sLo, dsg, z, 0.95);
        ParameterSummary ps = s.parameter("sigma");
        double tol = 6 * ps.sd() / Math.sqrt(ps.essTail());
        assertEquals(q05, ps.q5(), tol, "5% quantile of sigma");
        assertEquals(q95, ps.q95(), tol, "95% quantile of sigma");
    }

    private static double[] moments(double[] w, double lo, double step, double z) {
        double m = 0;
        for (int i = 0; i < w.length; i++) {
            m += w[i] * (lo + i * step);
        }
        m /= z;
        double v = 0;
        for (int i = 0; i < w.length; i++) {
            double dx = lo + i * step - m;
            v += w[i] * dx * dx;
        }
        return new double[] {m, v / z};
    }

    private static double gridQuantile(double[] w, double lo, double step, double z, double p) {
        double c = 0;
        for (int i = 0; i < w.length; i++) {
            double next = c + w[i] / z;
            if (next >= p) {
                double frac = (p - c) / (next - c);
                return lo + (i - 0.5 + frac) * step;
            }
            c = next;
        }
        return lo + (w.length - 1) * step;
    }

    @Test
    void denseMetricOnAStronglyCorrelatedGaussian() {
        TestModels.Gaussian g = TestModels.correlatedGaussian(5, 0.95);
        NutsResult dense = NutsSampler.sample(g, settings(6).metric(NutsSettings.Metric.DENSE));
        NutsResult diag = NutsSampler.sample(g, settings(6));
        assertConverged(dense.summary());
        for (int i = 0; i < 5; i++) {
            assertMoments("x" + (i + 1) + " (dense)", dense.draws(i), g.mean[i], g.cov[i][i], 4);
        }
        assertTrue(dense.chains().get(0).inverseMetricDense() != null);
        // the dense inverse metric estimates the covariance (regularised towards 1e-3 I)
        double[][] inv = dense.chains().get(0).inverseMetricDense();
        assertEquals(1.0, inv[1][2] / Math.sqrt(inv[1][1] * inv[2][2]) / 0.95, 0.05, "adapted correlation x2,x3");
        // a dense metric decorrelates the target: far fewer leapfrog steps than a diagonal one
        double leapDense = dense.samplingGradientEvaluations();
        double leapDiag = diag.samplingGradientEvaluations();
        assertTrue(leapDense < 0.5 * leapDiag, "dense " + leapDense + " vs diagonal " + leapDiag + " gradient evaluations");
    }
}
