package org.ratiofit.ratio.training.param;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.ratiofit.ratio.training.DjlOffline;
import org.ratiofit.ratio.training.TrainingConfig;

/**
 * MadMiner's doubly parametrised methods (CARL2 … ALICES2): the losses on hand-computed events, the
 * antisymmetric network ln r̂ = f(x, θ0, θ1) − f(x, θ1, θ0) as one exported MLP against the DJL
 * two-pass network, its θ0- and θ1-derivatives against finite differences, and the batch loss of
 * the trainer against the double-precision definition.
 */
class DoublyParametrisedTest {
    private static final double LN2 = Math.log(2), LN3 = Math.log(3), LN4 = Math.log(4);
    private static final double[] NONE = {0, 0};

    private static double l(EstimatorMethod m, double alpha, double z, double[] g0, double[] g1, int y, double r,
            double[] t0, double[] t1) {
        return EstimatorLoss.perEventDoubly(m, alpha, z, g0, g1, y, r, t0, t1);
    }

    @Test
    void baseLossesAreTheSinglyParametrisedOnes() {
        // CARL2: r̂ = 3 → ŝ = ¼; y = 0 → −ln ¾, y = 1 → −ln ¼
        assertEquals(LN4 - LN3, l(EstimatorMethod.CARL2, 0, LN3, NONE, NONE, 0, 1, NONE, NONE), 1e-15);
        assertEquals(LN4, l(EstimatorMethod.CARL2, 0, LN3, NONE, NONE, 1, 1, NONE, NONE), 1e-15);
        // ALICE2: r(x,z) = 3, r̂ = 1 → s = ¼, loss ln 2 whatever y
        assertEquals(LN2, l(EstimatorMethod.ALICE2, 0, 0, NONE, NONE, 1, 3, NONE, NONE), 1e-15);
        // ROLR2 (MadMiner's ratio_mse): r̂ = 2, r = 4; y = 0 → (½ − ¼)² = 1/16, y = 1 → (2 − 4)² = 4
        assertEquals(1.0 / 16, l(EstimatorMethod.ROLR2, 0, LN2, NONE, NONE, 0, 4, NONE, NONE), 1e-14);
        assertEquals(4.0, l(EstimatorMethod.ROLR2, 0, LN2, NONE, NONE, 1, 4, NONE, NONE), 1e-14);
    }

    @Test
    void scoreTermsUseTheta0ScoreForY0AndTheta1ScoreForY1() {
        double[] g0 = {1, 2}, g1 = {-0.5, 3}, t0 = {0.5, -1}, t1 = {1, -2};
        // y = 0: α|∇θ0 ln r̂ − t(x,z|θ0)|² = α(0.25 + 9)
        double sq0 = 0.25 + 9;
        // y = 1: α|−∇θ1 ln r̂ − t(x,z|θ1)|² = α((0.5 − 1)² + (−3 + 2)²) = α(0.25 + 1)
        double sq1 = 0.25 + 1;
        assertEquals(LN2 + 0.5 * sq0, l(EstimatorMethod.CASCAL2, 0.5, 0, g0, g1, 0, 1, t0, t1), 1e-14);
        assertEquals(LN2 + 0.5 * sq1, l(EstimatorMethod.CASCAL2, 0.5, 0, g0, g1, 1, 1, t0, t1), 1e-14);
        // RASCAL2, r̂ = 2, r = 1: y = 0 → (½ − 1)² = ¼; y = 1 → (2 − 1)² = 1
        assertEquals(0.25 + 2 * sq0, l(EstimatorMethod.RASCAL2, 2, LN2, g0, g1, 0, 1, t0, t1), 1e-13);
        assertEquals(1 + 2 * sq1, l(EstimatorMethod.RASCAL2, 2, LN2, g0, g1, 1, 1, t0, t1), 1e-13);
        assertEquals(LN2 + sq1, l(EstimatorMethod.ALICES2, 1, 0, g0, g1, 1, 3, t0, t1), 1e-14);
        // the plain doubly methods have no score term
        assertEquals(LN2, l(EstimatorMethod.CARL2, 1, 0, g0, g1, 1, 1, t0, t1), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> EstimatorLoss.perEvent(EstimatorMethod.CARL2, 0, 0, NONE, 0, 1, NONE));
        assertThrows(IllegalArgumentException.class, () -> l(EstimatorMethod.CARL, 0, 0, NONE, NONE, 0, 1, NONE, NONE));
    }

    /** A random DJL network f with d + 2p inputs, its weights, and the exported antisymmetric MLP. */
    private record Net(ParamNetwork net, float[] w, ParamMlp mlp, double[] mean, double[] scale) {
    }

    private static Net randomNet(NDManager root, int d, int p, TrainingConfig.Activation act, SplittableRandom rng) {
        ParamNetwork net = new ParamNetwork(root, d, 2 * p, List.of(12, 8), 1, act, 5);
        float[] w = new float[net.size];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (0.6 * rng.nextGaussian());
        }
        net.assign(w);
        double[] mean = new double[d + 2 * p], scale = new double[d + 2 * p];
        for (int j = 0; j < d; j++) {
            mean[j] = 0.2 * j;
            scale[j] = 0.7 + 0.3 * j;
        }
        for (int j = 0; j < p; j++) { // θ0 and θ1 share their scaling
            mean[d + j] = mean[d + p + j] = 1 + 0.5 * j;
            scale[d + j] = scale[d + p + j] = 0.4 + 0.2 * j;
        }
        ParamMlp mlp = DoublyParametrised.doublyMlp(w, d, p, net.widths, net.wOffset, net.bOffset, net.inWidth, act, mean,
                scale);
        return new Net(net, w, mlp, mean, scale);
    }

    /**
     * The exported MLP is antisymmetric (ln r̂(θ0, θ1) = −ln r̂(θ1, θ0), 0 at θ0 = θ1), its exact θ0-
     * and θ1-derivatives equal central finite differences, and the DJL two-pass batch (value and
     * tangents, as inside the loss) equals it.
     */
    @ParameterizedTest
    @EnumSource(TrainingConfig.Activation.class)
    void antisymmetricNetworkAndItsDerivatives(TrainingConfig.Activation act) {
        DjlOffline.ensure();
        int d = 3, p = 2, n = 20, in = d + 2 * p;
        SplittableRandom rng = new SplittableRandom(act.ordinal() + 91);
        try (NDManager root = Engine.getEngine("PyTorch").newBaseManager()) {
            Net nt = randomNet(root, d, p, act, rng);
            double worstFd = 0;
            float[] bx = new float[n * in];
            double[][] raw = new double[n][in];
            for (int e = 0; e < n; e++) {
                for (int j = 0; j < in; j++) {
                    bx[e * in + j] = (float) rng.nextGaussian();
                    raw[e][j] = nt.mean[j] + nt.scale[j] * bx[e * in + j];
                }
            }
            // DJL: ln r̂ and the derivatives as the trainer computes them
            float[] z, g0, g1;
            try (NDManager sub = root.newSubManager()) {
                float[] both = new float[2 * n * in];
                System.arraycopy(bx, 0, both, 0, n * in);
                for (int k = 0; k < n; k++) {
                    System.arraycopy(bx, k * in, both, (n + k) * in, d);
                    System.arraycopy(bx, k * in + d + p, both, (n + k) * in + d, p);
                    System.arraycopy(bx, k * in + d, both, (n + k) * in + d + p, p);
                }
                ParamNetwork.Forward f = nt.net.forward(sub, sub.create(both, new Shape(2L * n, in)), 2 * n, d, d + 2 * p);
                NDArray out = f.output().reshape(2L * n);
                z = out.get("0:" + n).sub(out.get(n + ":")).toFloatArray();
                NDArray ta = f.tangent().get("0:" + n), tb = f.tangent().get(n + ":");
                g0 = ta.get(":, 0:" + p).sub(tb.get(":, " + p + ":")).toFloatArray();
                g1 = ta.get(":, " + p + ":").sub(tb.get(":, 0:" + p)).toFloatArray();
            }
            for (int e = 0; e < n; e++) {
                double[] x = java.util.Arrays.copyOf(raw[e], d);
                double[] th = java.util.Arrays.copyOfRange(raw[e], d, in);
                double[] g = new double[2 * p];
                double v = nt.mlp.evaluate(x, th, g)[0];
                assertEquals(v, z[e], 2e-5 * Math.max(1, Math.abs(v)), "DJL two-pass vs exported MLP, event " + e);
                double[] swapped = new double[2 * p];
                System.arraycopy(th, p, swapped, 0, p);
                System.arraycopy(th, 0, swapped, p, p);
                assertEquals(-v, nt.mlp.evaluate(x, swapped, null)[0], 1e-12, "antisymmetry");
                double[] same = new double[2 * p];
                System.arraycopy(th, 0, same, 0, p);
                System.arraycopy(th, 0, same, p, p);
                assertEquals(0, nt.mlp.evaluate(x, same, null)[0], 1e-12, "ln r̂(θ, θ) = 0");
                for (int j = 0; j < 2 * p; j++) {
                    double h = 1e-5;
                    double[] tp = th.clone(), tm = th.clone();
                    tp[j] += h;
                    tm[j] -= h;
                    double fd = (nt.mlp.evaluate(x, tp, null)[0] - nt.mlp.evaluate(x, tm, null)[0]) / (2 * h);
                    worstFd = Math.max(worstFd, Math.abs(fd - g[j]) / Math.max(1, Math.abs(fd)));
                    // DJL's tangents are in scaled θ units
                    float djl = j < p ? g0[e * p + j] : g1[e * p + j - p];
                    assertEquals(g[j] * nt.scale[d + j], djl, 1e-4 * Math.max(1, Math.abs(djl)),
                            "DJL derivative vs exported MLP, θ input " + j + ", event " + e);
                }
            }
            assertEquals(0, worstFd, act == TrainingConfig.Activation.RELU ? 5e-3 : 1e-7, "exact θ0/θ1 derivative vs FD");
            nt.net.close();
        }
    }

    /** The trainer's batch loss equals Σ w·loss of the double-precision definition with the exact derivatives. */
    @ParameterizedTest
    @EnumSource(value = EstimatorMethod.class, names = {"CARL2", "ROLR2", "ALICE2", "CASCAL2", "RASCAL2", "ALICES2"})
    void batchLossEqualsTheDefinition(EstimatorMethod method) {
        DjlOffline.ensure();
        int d = 2, p = 2, m = 24, in = d + 2 * p;
        SplittableRandom rng = new SplittableRandom(method.ordinal() + 7);
        try (NDManager root = Engine.getEngine("PyTorch").newBaseManager()) {
            Net nt = randomNet(root, d, p, TrainingConfig.Activation.SWISH, rng);
            float[] bx = new float[m * in], by = new float[m], br = new float[m], bt = new float[m * p],
                    bt1 = new float[m * p], bw = new float[m];
            double want = 0;
            for (int k = 0; k < m; k++) {
                double[] raw = new double[in];
                for (int j = 0; j < in; j++) {
                    bx[k * in + j] = (float) rng.nextGaussian();
                    raw[j] = nt.mean[j] + nt.scale[j] * bx[k * in + j];
                }
                int y = rng.nextInt(2);
                by[k] = y;
                br[k] = (float) Math.exp(rng.nextGaussian());
                bw[k] = (float) (0.5 + rng.nextDouble());
                double[] t0 = new double[p], t1 = new double[p];
                for (int j = 0; j < p; j++) {
                    bt[k * p + j] = (float) rng.nextGaussian();
                    bt1[k * p + j] = (float) rng.nextGaussian();
                    t0[j] = bt[k * p + j];
                    t1[j] = bt1[k * p + j];
                }
                double[] g = new double[2 * p];
                double z = nt.mlp.evaluate(java.util.Arrays.copyOf(raw, d), java.util.Arrays.copyOfRange(raw, d, in), g)[0];
                want += bw[k] * EstimatorLoss.perEventDoubly(method, 0.8, z, java.util.Arrays.copyOf(g, p),
                        java.util.Arrays.copyOfRange(g, p, 2 * p), y, br[k], t0, t1);
            }
            float[] inv = new float[p];
            for (int j = 0; j < p; j++) {
                inv[j] = (float) (1 / nt.scale[d + j]);
            }
            float got;
            try (NDManager sub = root.newSubManager()) {
                NDArray invScale = sub.create(inv, new Shape(1, p));
                got = DoublyParametrised.batchLoss(sub, nt.net, method, 0.8f, invScale, bx, by, br, bt, bt1, bw, m, in, p)
                        .getFloat();
            }
            assertEquals(want, got, 2e-5 * Math.abs(want), method.toString());
            nt.net.close();
        }
    }

    /**
     * The doubly parametrised data: θ0 ≠ θ1 per event; E[r(x,z)] = 1 over the events drawn at θ1,
     * E[1/r(x,z)] = 1 over those drawn at θ0, and the joint scores have mean 0 at the point the event
     * was drawn at (t(x,z|θ0) for y = 0, t(x,z|θ1) for y = 1), each within 4 standard errors.
     */
    @Test
    void doublyTrainingDataHaveTheExpectedMoments() {
        AugmentedData d = new GammaLatentSimulator().doublyRatioTrainingData(20000, new double[] {1.5, 0.7},
                new double[] {3, 1.4}, new SplittableRandom(8));
        int n = d.size();
        double[][] sums = new double[6][2]; // r | y=1, 1/r | y=0, t0_k, t0_λ | y=0, t1_k, t1_λ | y=1
        int distinct = 0;
        for (int e = 0; e < n; e++) {
            if (d.theta0()[0][e] != d.theta1()[0][e]) {
                distinct++;
            }
            double[] v = d.y()[e] == 1
                    ? new double[] {d.rxz()[e] - 1, Double.NaN, Double.NaN, Double.NaN, d.txz1()[0][e], d.txz1()[1][e]}
                    : new double[] {Double.NaN, 1 / d.rxz()[e] - 1, d.txz()[0][e], d.txz()[1][e], Double.NaN, Double.NaN};
            for (int k = 0; k < 6; k++) {
                if (!Double.isNaN(v[k])) {
                    sums[k][0] += v[k];
                    sums[k][1] += v[k] * v[k];
                }
            }
        }
        assertEquals(n, distinct);
        for (int k = 0; k < 6; k++) {
            double m = sums[k][0] / (n / 2.0);
            double se = Math.sqrt((sums[k][1] / (n / 2.0) - m * m) / (n / 2.0));
            assertTrue(Math.abs(m) < 4 * se, "moment " + k + ": " + m + " ± " + se);
        }
    }

    /**
     * The sign of the θ1 score term: on simulated events, with the exact marginal ratio the expected
     * θ1 term E_θ1|−∇θ1 ln r(x) − t(x,z|θ1)|² (the irreducible variance) is far smaller than
     * MadMiner's literal E_θ1|∇θ1 ln r(x) − t(x,z|θ1)|²: the exact ratio minimises this loss, not that.
     */
    @Test
    void theta1ScoreSignIsTheOneTheExactRatioMinimises() {
        GammaLatentSimulator sim = new GammaLatentSimulator();
        double[] theta1 = {2, 1};
        SplittableRandom rng = new SplittableRandom(4);
        double[] ev = new double[3], tj = new double[2], tm = new double[2];
        double ours = 0, literal = 0;
        int n = 400;
        for (int e = 0; e < n; e++) {
            sim.sample(theta1, rng, ev);
            GammaLatentSimulator.jointScore(ev[2], theta1, tj);
            sim.logMarginal(ev[0], ev[1], theta1, tm); // ∇θ1 ln r(x|θ0, θ1) = −t(x|θ1)
            for (int j = 0; j < 2; j++) {
                double grad1 = -tm[j];
                ours += Math.pow(-grad1 - tj[j], 2);
                literal += Math.pow(grad1 - tj[j], 2);
            }
        }
        assertTrue(ours < 0.5 * literal, "E|−∇θ1 ln r − t1|² = " + ours / n + ", E|∇θ1 ln r − t1|² = " + literal / n);
    }
}
