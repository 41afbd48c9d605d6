package org.ratiofit.ratio.training.param;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.ratiofit.ratio.training.DjlOffline;

/** Each loss on tiny hand-computed batches, and the NDArray losses (what training minimises) against the definitions. */
class EstimatorLossTest {
    private static final double LN2 = Math.log(2), LN3 = Math.log(3), LN4 = Math.log(4);
    private static final double[] NONE = {0, 0};

    private static double l(EstimatorMethod m, double alpha, double z, double[] tHat, int y, double r, double[] t) {
        return EstimatorLoss.perEvent(m, alpha, z, tHat, y, r, t);
    }

    @Test
    void carl() {
        assertEquals(LN2, l(EstimatorMethod.CARL, 0, 0, NONE, 0, 1, NONE), 1e-15);
        assertEquals(LN2, l(EstimatorMethod.CARL, 0, 0, NONE, 1, 1, NONE), 1e-15);
        // r̂ = 3: ŝ = 1/4; y = 0 → −ln(3/4), y = 1 → −ln(1/4)
        assertEquals(LN4 - LN3, l(EstimatorMethod.CARL, 0, LN3, NONE, 0, 1, NONE), 1e-15);
        assertEquals(LN4, l(EstimatorMethod.CARL, 0, LN3, NONE, 1, 1, NONE), 1e-15);
        // no overflow far out: z = 800, y = 1 → −ln σ(−800) = 800
        assertEquals(800, l(EstimatorMethod.CARL, 0, 800, NONE, 1, 1, NONE), 1e-12);
    }

    @Test
    void alice() {
        // r(x,z) = 1: s = ½; r̂ = 3: −[½ ln ¼ + ½ ln ¾] = ln 4 − ½ ln 3
        assertEquals(LN4 - 0.5 * LN3, l(EstimatorMethod.ALICE, 0, LN3, NONE, 0, 1, NONE), 1e-15);
        // the label does not enter: same for y = 1
        assertEquals(LN4 - 0.5 * LN3, l(EstimatorMethod.ALICE, 0, LN3, NONE, 1, 1, NONE), 1e-15);
        // r(x,z) = 3, r̂ = 1: s = ¼ → −[¼ ln ½ + ¾ ln ½] = ln 2
        assertEquals(LN2, l(EstimatorMethod.ALICE, 0, 0, NONE, 0, 3, NONE), 1e-15);
    }

    @Test
    void rolr() {
        // MadMiner's ratio_mse: 1/r̂ against 1/r on events from θ0, r̂ against r on events from θ1
        // r̂ = 2, r = 1: y = 0 → (½ − 1)² = ¼; y = 1 → (2 − 1)² = 1
        assertEquals(0.25, l(EstimatorMethod.ROLR, 0, LN2, NONE, 0, 1, NONE), 1e-14);
        assertEquals(1.0, l(EstimatorMethod.ROLR, 0, LN2, NONE, 1, 1, NONE), 1e-14);
        // r = 4, r̂ = 1: y = 0 → (1 − ¼)² = 9/16, y = 1 → 9
        assertEquals(9.0 / 16, l(EstimatorMethod.ROLR, 0, 0, NONE, 0, 4, NONE), 1e-14);
        assertEquals(9.0, l(EstimatorMethod.ROLR, 0, 0, NONE, 1, 4, NONE), 1e-14);
    }

    /**
     * ROLR's convention (MadMiner's): on events simulated at θ0 and θ1 with a latent variable, the
     * expected loss of ln r̂ = ln r(x) + c·g(x) (r(x) the exact marginal ratio) is stationary at c = 0
     * for g = 1, x1, x2: the mean of g·∂loss/∂ln r̂ is zero within 3 standard errors. The reverse
     * assignment ((r̂ − r)² on events from θ0, (1/r̂ − 1/r)² on events from θ1) is not stationary
     * there for at least one g.
     */
    @Test
    void rolrIsMinimisedByTheMarginalRatio() {
        GammaLatentSimulator sim = new GammaLatentSimulator();
        double[] theta0 = {3, 0.8}, theta1 = {2, 1};
        SplittableRandom rng = new SplittableRandom(12);
        double[] ev = new double[3];
        int n = 20000;
        double[][] ours = new double[3][n], reversed = new double[3][n];
        for (int e = 0; e < n; e++) {
            int y = e % 2;
            sim.sample(y == 0 ? theta0 : theta1, rng, ev);
            double rx = Math.exp(sim.logMarginalRatio(ev[0], ev[1], theta0, theta1));
            double rxz = Math.exp(GammaLatentSimulator.logJointRatio(ev[2], theta0, theta1));
            double h = 1e-4;
            double z = Math.log(rx);
            double dOurs = (l(EstimatorMethod.ROLR, 0, z + h, NONE, y, rxz, NONE)
                    - l(EstimatorMethod.ROLR, 0, z - h, NONE, y, rxz, NONE)) / (2 * h);
            // d/dz of (1 − y)(e^z − r)² + y(e^−z − 1/r)²
            double dRev = y == 0 ? 2 * (rx - rxz) * rx : -2 * (1 / rx - 1 / rxz) / rx;
            double[] g = {1, ev[0], ev[1]};
            for (int k = 0; k < 3; k++) {
                ours[k][e] = g[k] * dOurs;
                reversed[k][e] = g[k] * dRev;
            }
        }
        double worstReversed = 0;
        for (int k = 0; k < 3; k++) {
            double[] a = meanAndError(ours[k]), b = meanAndError(reversed[k]);
            assertTrue(Math.abs(a[0]) < 3 * a[1], "g " + k + ": E[g ∂loss/∂ln r̂] = " + a[0] + " ± " + a[1]);
            worstReversed = Math.max(worstReversed, Math.abs(b[0]) / b[1]);
        }
        assertTrue(worstReversed > 4, "reverse assignment: largest |mean|/error " + worstReversed);
    }

    private static double[] meanAndError(double[] v) {
        double m = 0;
        for (double x : v) {
            m += x;
        }
        m /= v.length;
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return new double[] {m, Math.sqrt(s / (v.length - 1) / v.length)};
    }

    @Test
    void scoreTermsAndSally() {
        double[] tHat = {1, 2}, t = {0.5, -1};
        double sq = 0.25 + 9;
        // the score term counts for events from θ0 only (y = 0), with weight α
        assertEquals(LN2 + 0.5 * sq, l(EstimatorMethod.CASCAL, 0.5, 0, tHat, 0, 1, t), 1e-14);
        assertEquals(LN2, l(EstimatorMethod.CASCAL, 0.5, 0, tHat, 1, 1, t), 1e-14);
        assertEquals(0.25 + 2 * sq, l(EstimatorMethod.RASCAL, 2, LN2, tHat, 0, 1, t), 1e-13);
        assertEquals(1.0, l(EstimatorMethod.RASCAL, 2, LN2, tHat, 1, 1, t), 1e-14);
        assertEquals(LN2 + sq, l(EstimatorMethod.ALICES, 1, 0, tHat, 0, 3, t), 1e-14);
        assertEquals(sq, l(EstimatorMethod.SALLY, 1, 0, tHat, 0, 1, t), 1e-14);
    }

    /** The NDArray loss equals the double definition on a seeded random batch, for every method. */
    @ParameterizedTest
    @EnumSource(value = EstimatorMethod.class, names = {"CARL", "ROLR", "ALICE", "CASCAL", "RASCAL", "ALICES", "SALLY"})
    void ndArrayLossMatchesTheDefinition(EstimatorMethod method) {
        DjlOffline.ensure();
        SplittableRandom rng = new SplittableRandom(method.ordinal() + 3);
        int n = 16, p = 2;
        float[] z = new float[n], y = new float[n], r = new float[n], th = new float[n * p], t = new float[n * p];
        for (int k = 0; k < n; k++) {
            z[k] = (float) (2 * rng.nextGaussian());
            y[k] = rng.nextInt(2);
            r[k] = (float) Math.exp(rng.nextGaussian());
            for (int j = 0; j < p; j++) {
                th[k * p + j] = (float) rng.nextGaussian();
                t[k * p + j] = (float) rng.nextGaussian();
            }
        }
        float alpha = 0.7f;
        try (NDManager mgr = Engine.getEngine("PyTorch").newBaseManager()) {
            NDArray loss = EstimatorLoss.perEvent(method, alpha, mgr.create(z, new Shape(n)),
                    mgr.create(th, new Shape(n, p)), mgr.create(y, new Shape(n)), mgr.create(r, new Shape(n)),
                    mgr.create(t, new Shape(n, p)));
            float[] got = loss.toFloatArray();
            for (int k = 0; k < n; k++) {
                double[] tHatK = {th[k * p], th[k * p + 1]}, tK = {t[k * p], t[k * p + 1]};
                double want = EstimatorLoss.perEvent(method, alpha, z[k], tHatK, (int) y[k], r[k], tK);
                assertEquals(want, got[k], 2e-5 * Math.max(1, Math.abs(want)), method + " event " + k);
            }
        }
    }
}
