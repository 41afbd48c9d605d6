package org.ratiofit.samplers.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.ratiofit.objective.ParameterSpec;
import org.ratiofit.objective.StatisticalModel;
import org.ratiofit.samplers.fit.FitResult;
import org.ratiofit.samplers.fit.Migrad;

/**
 * The conditional start on a correlated Gaussian likelihood, where it is exact: the predicted
 * nuisance values are the conditional mean m_f + C_fh C_hh⁻¹ (v − m_h) and the seed the
 * conditional covariance, so MIGRAD starts at the conditional minimum.
 */
class ConditionalStartTest {

    @Test
    void predictionIsTheConditionalMeanAndCovarianceOnAGaussian() {
        StatisticalModel g = ProfileScanTest.gaussian();
        double[] m = ProfileScanTest.M;
        double[][] c = ProfileScanTest.C;
        Migrad migrad = Migrad.builder().tolerance(0.01).build();
        FitResult best = migrad.minimise(g);
        double v = m[0] + 2.5 * Math.sqrt(c[0][0]);
        ConditionalStart.Start st = ConditionalStart.of(best.parameters(), best, best.values(), new int[] {0}, new double[] {v});
        double[] fitted = best.values();
        double[][] fc = best.covariance();
        for (int i = 1; i < 3; i++) {
            // from the fit's own values and covariance (the fit is HESSE-exact on a quadratic)
            assertEquals(fitted[i] + fc[i][0] / fc[0][0] * (v - fitted[0]), st.parameters().get(i).initial(), 1e-12);
            // and against the true conditional mean, to the fit's precision
            assertEquals(m[i] + c[i][0] / c[0][0] * (v - m[0]), st.parameters().get(i).initial(), 1e-3);
            for (int j = 1; j < 3; j++) {
                assertEquals(c[i][j] - c[i][0] * c[0][j] / c[0][0], st.covariance()[i][j], 1e-3 * c[i][i], "Schur " + i + j);
            }
        }
        assertTrue(st.parameters().get(0).fixed());
        assertEquals(v, st.parameters().get(0).initial());
        // MIGRAD from there: already at the conditional minimum
        FitResult r = migrad.minimise(g, st.parameters(), st.covariance());
        assertTrue(r.status().validMinimum());
        assertTrue(r.functionCalls() + r.gradientCalls() <= 12, "calls " + r.functionCalls() + "+" + r.gradientCalls());
        double d = v - m[0];
        assertEquals(d * d / c[0][0] / 2, r.minimumValue(), 1e-4);
    }

    /** Random correlated Gaussians in 6 parameters, two held: the prediction against the closed form, and fewer calls than the plain start. */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void fewerCallsThanThePlainWarmStart(long seed) {
        Random rng = new Random(seed);
        int n = 6;
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) a[i][j] = rng.nextGaussian();
        double[][] cov = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < n; k++) cov[i][j] += a[i][k] * a[j][k];
                if (i == j) cov[i][j] += 0.5;
            }
        }
        double[][] ci = new org.hipparchus.linear.LUDecomposition(new org.hipparchus.linear.Array2DRowRealMatrix(cov)).getSolver()
                .getInverse().getData();
        double[] mean = new double[n];
        for (int i = 0; i < n; i++) mean[i] = rng.nextGaussian();
        StatisticalModel g = gaussian(mean, ci);
        Migrad migrad = Migrad.builder().tolerance(0.01).build();
        FitResult best = migrad.minimise(g);
        int[] held = {0, 3};
        double[] vals = {mean[0] + 2 * Math.sqrt(cov[0][0]), mean[3] - 1.5 * Math.sqrt(cov[3][3])};
        ConditionalStart.Start st = ConditionalStart.of(best.parameters(), best, best.values(), held, vals);
        FitResult predicted = migrad.minimise(g, st.parameters(), st.covariance());
        List<ParameterSpec> plain = org.ratiofit.samplers.fit.Parameters.fix(
                org.ratiofit.samplers.fit.Parameters.fix(best.parameters(), "p0", vals[0]), "p3", vals[1]);
        FitResult old = migrad.minimise(g, plain, best.covariance());
        assertTrue(predicted.status().validMinimum() && old.status().validMinimum());
        assertEquals(old.minimumValue(), predicted.minimumValue(), 1e-4 * (1 + Math.abs(old.minimumValue())));
        long cp = predicted.functionCalls() + predicted.gradientCalls(), co = old.functionCalls() + old.gradientCalls();
        assertTrue(cp < co, "seed " + seed + ": predicted start " + cp + " calls, plain " + co);
    }

    @Test
    void predictionOutsideTheBoundsOrWithoutHeldVarianceIsNotUsed() {
        StatisticalModel g = ProfileScanTest.gaussian();
        FitResult best = Migrad.builder().tolerance(0.01).build().minimise(g);
        List<ParameterSpec> bounded = List.of(best.parameters().get(0),
                new ParameterSpec("a", best.values()[1], 0.3, -0.6, 10, false), best.parameters().get(2));
        // a = -0.5 moves down by 0.12/0.25 per unit of mu: 2 units below would cross -0.6
        ConditionalStart.Start st = ConditionalStart.of(bounded, best, best.values(), new int[] {0}, new double[] {best.values()[0] - 2});
        // a prediction out of bounds is not used: every other parameter stays at the base
        assertEquals(best.values()[1], st.parameters().get(1).initial());
        assertEquals(best.values()[2], st.parameters().get(2).initial());
        // within the bounds it is
        ConditionalStart.Start near = ConditionalStart.of(bounded, best, best.values(), new int[] {0}, new double[] {best.values()[0] - 0.1});
        assertTrue(near.parameters().get(1).initial() < best.values()[1]);
        // a held parameter without variance: no prediction, the marginal covariance as seed
        double[][] cov = best.covariance();
        for (double[] row : cov) row[0] = 0;
        java.util.Arrays.fill(cov[0], 0);
        FitResult noVar = new FitResult(best.formatVersion(), best.names(), best.values(), best.errors(), best.fixed(), cov,
                best.correlation(), best.globalCorrelation(), best.minimumValue(), best.edm(), best.errorDef(), best.functionCalls(),
                best.gradientCalls(), best.covarianceSource(), best.status(), best.parameters());
        ConditionalStart.Start plain = ConditionalStart.of(best.parameters(), noVar, best.values(), new int[] {0}, new double[] {2.0});
        assertEquals(best.values()[1], plain.parameters().get(1).initial());
        assertEquals(best.values()[2], plain.parameters().get(2).initial());
        assertTrue(plain.covariance() == cov);
    }

    static StatisticalModel gaussian(double[] m, double[][] ci) {
        List<String> names = new java.util.ArrayList<>();
        for (int i = 0; i < m.length; i++) names.add("p" + i);
        return GaussianModel.of(names, new double[m.length], 0.5, m, ci);
    }
}
