package org.ratiofit.ratio.training.param;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.hipparchus.analysis.integration.gauss.GaussIntegrator;
import org.hipparchus.analysis.integration.gauss.GaussIntegratorFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The quadrature marginal of the latent-variable simulator against closed forms and against the simulator itself. */
class GammaLatentSimulatorTest {
    private static final GammaLatentSimulator SIM = new GammaLatentSimulator();

    static Stream<Arguments> thetas() {
        SplittableRandom rng = new SplittableRandom(11);
        return Stream.generate(() -> Arguments.of(1.2 + 2.5 * rng.nextDouble(), 0.5 + 1.5 * rng.nextDouble())).limit(2);
    }

    /** ∫∫ p(x|θ) dx = 1 and the first moments of x1, x2 and the variance of x2 equal their closed forms. */
    @ParameterizedTest
    @MethodSource("thetas")
    void marginalIsNormalisedWithExactMoments(double k, double lambda) {
        double[] theta = {k, lambda};
        GaussIntegrator g1 = new GaussIntegratorFactory().legendre(8, 0, 1);
        double lo1 = -14, hi1 = 7, lo2 = -3, hi2 = 7;
        int panels1 = 24, panels2 = 12;
        double mass = 0, m1 = 0, m2 = 0, m22 = 0;
        for (int a = 0; a < panels1; a++) {
            for (int i = 0; i < 8; i++) {
                double h1 = (hi1 - lo1) / panels1;
                double x1 = lo1 + h1 * (a + g1.getPoint(i));
                double w1 = h1 * g1.getWeight(i);
                for (int b = 0; b < panels2; b++) {
                    for (int j = 0; j < 8; j++) {
                        double h2 = (hi2 - lo2) / panels2;
                        double x2 = lo2 + h2 * (b + g1.getPoint(j));
                        double w = w1 * h2 * g1.getWeight(j) * Math.exp(SIM.logMarginal(x1, x2, theta, null));
                        mass += w;
                        m1 += w * x1;
                        m2 += w * x2;
                        m22 += w * x2 * x2;
                    }
                }
            }
        }
        assertEquals(1.0, mass, 1e-6);
        assertEquals(GammaLatentSimulator.meanX1(theta), m1, 1e-5);
        assertEquals(GammaLatentSimulator.meanX2(theta), m2, 1e-6);
        assertEquals(SIM.varianceX2(theta), m22 - m2 * m2, 1e-6);
    }

    /** The quadrature has converged (doubling the panels changes nothing) and its score is the θ-derivative of ln p. */
    @ParameterizedTest
    @MethodSource("thetas")
    void quadratureConvergedAndScoreIsTheDerivative(double k, double lambda) {
        double[] theta = {k, lambda};
        GammaLatentSimulator fine = new GammaLatentSimulator(GammaLatentSimulator.SIGMA1, GammaLatentSimulator.SIGMA2, 96, 8);
        SplittableRandom rng = new SplittableRandom(5);
        double[] ev = new double[3], t = new double[2], tf = new double[2], dummy = new double[2];
        for (int e = 0; e < 50; e++) {
            SIM.sample(theta, rng, ev);
            double l = SIM.logMarginal(ev[0], ev[1], theta, t);
            assertEquals(fine.logMarginal(ev[0], ev[1], theta, tf), l, 1e-10);
            assertEquals(tf[0], t[0], 1e-9);
            assertEquals(tf[1], t[1], 1e-9);
            for (int j = 0; j < 2; j++) {
                double h = 1e-5;
                double[] tp = theta.clone(), tm = theta.clone();
                tp[j] += h;
                tm[j] -= h;
                double fd = (SIM.logMarginal(ev[0], ev[1], tp, dummy) - SIM.logMarginal(ev[0], ev[1], tm, dummy)) / (2 * h);
                assertEquals(fd, t[j], 1e-6 * Math.max(1, Math.abs(fd)), "∂/∂θ" + j + " at event " + e);
            }
        }
    }

    /**
     * Against the simulator: E[t(x,z) g(x)] = E[t(x) g(x)] for g = 1, x1, x2 (the marginal score is the
     * conditional expectation of the joint score); E_θ1[r(x|θ0,θ1)] = E_θ1[r(x,z)] = 1; all within 4σ.
     */
    @Test
    void conditionalExpectationIdentitiesOnSimulatedEvents() {
        double[] theta0 = {2.6, 1.3}, theta1 = {2.0, 1.0};
        SplittableRandom rng = new SplittableRandom(77);
        int n = 12000;
        double[] ev = new double[3], tj = new double[2], tm = new double[2];
        double[][] sum = new double[3][2], sum2 = new double[3][2];
        double rM = 0, rM2 = 0, rJ = 0, rJ2 = 0;
        for (int e = 0; e < n; e++) {
            SIM.sample(theta1, rng, ev);
            GammaLatentSimulator.jointScore(ev[2], theta1, tj);
            double l1 = SIM.logMarginal(ev[0], ev[1], theta1, tm);
            double[] g = {1, ev[0], ev[1]};
            for (int a = 0; a < 3; a++) {
                for (int j = 0; j < 2; j++) {
                    double d = (tj[j] - tm[j]) * g[a];
                    sum[a][j] += d;
                    sum2[a][j] += d * d;
                }
            }
            double rm = Math.exp(SIM.logMarginal(ev[0], ev[1], theta0, null) - l1);
            double rj = Math.exp(GammaLatentSimulator.logJointRatio(ev[2], theta0, theta1));
            rM += rm;
            rM2 += rm * rm;
            rJ += rj;
            rJ2 += rj * rj;
        }
        for (int a = 0; a < 3; a++) {
            for (int j = 0; j < 2; j++) {
                double mean = sum[a][j] / n;
                double err = Math.sqrt((sum2[a][j] / n - mean * mean) / n);
                assertTrue(Math.abs(mean) < 4 * err, "E[(t_joint − t_marg) g" + a + "]_" + j + " = " + mean + " ± " + err);
            }
        }
        double errM = Math.sqrt((rM2 / n - Math.pow(rM / n, 2)) / n);
        double errJ = Math.sqrt((rJ2 / n - Math.pow(rJ / n, 2)) / n);
        assertEquals(1.0, rM / n, 4 * errM);
        assertEquals(1.0, rJ / n, 4 * errJ);
        // the marginal ratio is less extreme than the joint ratio (information is lost in the smearing)
        assertTrue(errM < errJ, "sd of r(x) " + errM + " should be below sd of r(x,z) " + errJ);
    }
}
