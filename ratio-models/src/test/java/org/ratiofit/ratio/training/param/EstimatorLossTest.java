package org.ratiofit.ratio.training.param;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
        // r̂ = 2, r = 1: y = 0 → (2 − 1)² = 1; y = 1 → (½ − 1)² = ¼
        assertEquals(1.0, l(EstimatorMethod.ROLR, 0, LN2, NONE, 0, 1, NONE), 1e-14);
        assertEquals(0.25, l(EstimatorMethod.ROLR, 0, LN2, NONE, 1, 1, NONE), 1e-14);
        // r = 4, r̂ = 1: y = 0 → 9, y = 1 → (1 − ¼)² = 9/16
        assertEquals(9.0, l(EstimatorMethod.ROLR, 0, 0, NONE, 0, 4, NONE), 1e-14);
        assertEquals(9.0 / 16, l(EstimatorMethod.ROLR, 0, 0, NONE, 1, 4, NONE), 1e-14);
    }

    @Test
    void scoreTermsAndSally() {
        double[] tHat = {1, 2}, t = {0.5, -1};
        double sq = 0.25 + 9;
        // the score term counts for events from θ0 only (y = 0), with weight α
        assertEquals(LN2 + 0.5 * sq, l(EstimatorMethod.CASCAL, 0.5, 0, tHat, 0, 1, t), 1e-14);
        assertEquals(LN2, l(EstimatorMethod.CASCAL, 0.5, 0, tHat, 1, 1, t), 1e-14);
        assertEquals(1 + 2 * sq, l(EstimatorMethod.RASCAL, 2, LN2, tHat, 0, 1, t), 1e-13);
        assertEquals(0.25, l(EstimatorMethod.RASCAL, 2, LN2, tHat, 1, 1, t), 1e-14);
        assertEquals(LN2 + sq, l(EstimatorMethod.ALICES, 1, 0, tHat, 0, 3, t), 1e-14);
        assertEquals(sq, l(EstimatorMethod.SALLY, 1, 0, tHat, 0, 1, t), 1e-14);
    }

    /** The NDArray loss equals the double definition on a seeded random batch, for every method. */
    @ParameterizedTest
    @EnumSource(EstimatorMethod.class)
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
