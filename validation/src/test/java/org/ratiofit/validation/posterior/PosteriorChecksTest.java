package org.ratiofit.validation.posterior;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.hipparchus.distribution.continuous.NormalDistribution;
import org.hipparchus.distribution.continuous.TDistribution;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ratiofit.objective.Objective;
import org.ratiofit.objective.ParameterSpec;

class PosteriorChecksTest {

    /** A correlated 3-d Gaussian as an nll: the grid marginal of the first parameter is N(m0, √C00). */
    @Test
    void gridMarginalOfACorrelatedGaussianIsExact() {
        double[] m = {1, -0.5, 2};
        double[][] prec = {{4, 1.2, -0.5}, {1.2, 2, 0.3}, {-0.5, 0.3, 1.5}};
        Objective nll = new Objective() {
            @Override
            public List<ParameterSpec> parameters() {
                return List.of(ParameterSpec.free("a", 0, 1), ParameterSpec.free("b", 0, 1), ParameterSpec.free("c", 0, 1));
            }

            @Override
            public double value(double[] p) {
                double q = 0;
                for (int i = 0; i < 3; i++) {
                    for (int j = 0; j < 3; j++) {
                        q += (p[i] - m[i]) * prec[i][j] * (p[j] - m[j]);
                    }
                }
                return 0.5 * q;
            }

            @Override
            public double errorDef() {
                return 0.5;
            }
        };
        // marginal variance = (P⁻¹)_00
        org.hipparchus.linear.RealMatrix cov = new org.hipparchus.linear.LUDecomposition(
                new org.hipparchus.linear.Array2DRowRealMatrix(prec)).getSolver().getInverse();
        NormalDistribution exact = new NormalDistribution(m[0], Math.sqrt(cov.getEntry(0, 0)));
        GridPosterior g = GridPosterior.marginalOfFirst(nll, new double[][] {{-3, 5}, {-5, 4}, {-3, 7}}, new int[] {321, 61, 61}, 0);
        for (double x = -0.2; x <= 2.2; x += 0.1) {
            assertEquals(exact.cumulativeProbability(x), g.cdfAt(x), 1e-4, "x " + x);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void ksSeesAShiftAndAcceptsTheTruth(long seed) {
        TDistribution t = new TDistribution(5);
        java.util.Random r = new java.util.Random(seed);
        double[] draws = new double[2000];
        for (int i = 0; i < draws.length; i++) {
            draws[i] = t.inverseCumulativeProbability(r.nextDouble());
        }
        SamplerChecks.Ks ok = SamplerChecks.ks("x", draws, t::cumulativeProbability);
        assertTrue(ok.pValue() > 1e-3, "seed " + seed + ": p " + ok.pValue());
        assertTrue(ok.statistic() < 0.05, "seed " + seed);
        SamplerChecks.Ks bad = SamplerChecks.ks("x", draws, v -> t.cumulativeProbability(v - 0.15));
        assertTrue(bad.pValue() < 1e-3, "seed " + seed + ": p " + bad.pValue());
    }

    @Test
    void rankHistogramCountsAndTestsUniformity() {
        int[] uniform = new int[1000];
        for (int i = 0; i < uniform.length; i++) {
            uniform[i] = i % 100;
        }
        SamplerChecks.RankHistogram u = SamplerChecks.rankHistogram("x", uniform, 99, 10);
        assertEquals(0, u.chi2(), 1e-12);
        assertEquals(1, u.pValue(), 1e-12);
        int[] skewed = new int[1000];
        for (int i = 0; i < skewed.length; i++) {
            skewed[i] = (i % 100) / 2;   // ranks piled in the lower half: an over-estimating sampler
        }
        SamplerChecks.RankHistogram s = SamplerChecks.rankHistogram("x", skewed, 99, 10);
        assertEquals(200, s.counts()[0]);
        assertEquals(0, s.counts()[9]);
        assertTrue(s.pValue() < 1e-10);
    }

    /** NUTS against the normal model's closed-form marginal posteriors (Student t for μ, inverse Gamma for σ²). */
    @Test
    @Tag("slow")
    void nutsMatchesTheClosedFormPosteriorOfTheNormalModel() {
        NutsValidation.KsResult r = NutsValidation.normalMeanSigma(30, 1, 4, 2000, 10, Runtime.getRuntime().availableProcessors());
        assertEquals(0, r.divergences());
        for (SamplerChecks.Ks k : r.tests()) {
            assertTrue(k.pValue() > 1e-3, k.toString());
        }
    }

    /** NUTS against the exact grid posterior of the Gaussian-on-exponential signal strength. */
    @Test
    @Tag("slow")
    void nutsMatchesTheGridPosteriorOfTheSignalStrength() {
        NutsValidation.KsResult r = NutsValidation.gaussianOnExponentialMu(2, 4, 2000, 10, Runtime.getRuntime().availableProcessors());
        assertEquals(0, r.divergences());
        assertTrue(r.tests()[0].pValue() > 1e-3, r.tests()[0].toString());
    }

    /** Simulation-based calibration over 200 replicate data sets: uniform ranks of μ and σ. */
    @Test
    @Tag("slow")
    void simulationBasedCalibrationGivesUniformRanks() {
        NutsValidation.SbcResult r = NutsValidation.sbcNormalMeanSigma(200, 20, 99, 5, 10, 3, Runtime.getRuntime().availableProcessors(), null);
        assertTrue(r.mu().pValue() > 1e-3, r.mu().toString());
        assertTrue(r.sigma().pValue() > 1e-3, r.sigma().toString());
        assertEquals(200, java.util.stream.IntStream.of(r.mu().counts()).sum());
    }
}
