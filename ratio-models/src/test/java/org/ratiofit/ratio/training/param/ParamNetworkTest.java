package org.ratiofit.ratio.training.param;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.ratiofit.ratio.training.DjlOffline;
import org.ratiofit.ratio.training.TrainingConfig;

/**
 * The network's exact θ-derivative (the tangent block used inside the score-augmented losses)
 * against finite differences of the network, in DJL (float32) and in the double-precision
 * evaluation of the same weights; DJL's forward pass against the double one.
 */
class ParamNetworkTest {

    @ParameterizedTest
    @EnumSource(TrainingConfig.Activation.class)
    void tangentEqualsFiniteDifferences(TrainingConfig.Activation act) {
        DjlOffline.ensure();
        int d = 3, p = 2, n = 32;
        List<Integer> hidden = List.of(16, 8);
        SplittableRandom rng = new SplittableRandom(act.ordinal() + 17);
        try (NDManager root = Engine.getEngine("PyTorch").newBaseManager();
                ParamNetwork net = new ParamNetwork(root, d, p, hidden, 1, act, 5)) {
            float[] w = new float[net.size];
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) (0.6 * rng.nextGaussian());
            }
            net.assign(w); // a random output layer too, so that the derivative is not trivially zero
            double[] mean = new double[d + p], scale = new double[d + p];
            for (int j = 0; j < d + p; j++) {
                mean[j] = 0.3 * j;
                scale[j] = 0.5 + 0.25 * j;
            }
            ParamMlp mlp = mlp(net, w, mean, scale, act);
            float[] rows = new float[n * (d + p)];
            double[][] raw = new double[n][d + p];
            for (int e = 0; e < n; e++) {
                for (int j = 0; j < d + p; j++) {
                    raw[e][j] = mean[j] + scale[j] * rng.nextGaussian();
                    rows[e * (d + p) + j] = (float) ((raw[e][j] - mean[j]) / scale[j]);
                }
            }
            float[] z, tan;
            try (NDManager sub = root.newSubManager()) {
                ParamNetwork.Forward f = net.forward(sub, sub.create(rows, new Shape(n, d + p)), true);
                z = f.output().toFloatArray();
                tan = f.tangent().toFloatArray();
            }
            double worstDjl = 0, worstDouble = 0;
            for (int e = 0; e < n; e++) {
                double[] x = java.util.Arrays.copyOf(raw[e], d);
                double[] theta = java.util.Arrays.copyOfRange(raw[e], d, d + p);
                double[] g = new double[p];
                double v = mlp.evaluate(x, theta, g)[0];
                assertEquals(v, z[e], 1e-5 * Math.max(1, Math.abs(v)), "DJL forward vs double, event " + e);
                for (int j = 0; j < p; j++) {
                    // double precision: central differences in raw θ, h = 1e-5
                    double h = 1e-5;
                    double[] tp = theta.clone(), tm = theta.clone();
                    tp[j] += h;
                    tm[j] -= h;
                    double fd = (mlp.evaluate(x, tp, null)[0] - mlp.evaluate(x, tm, null)[0]) / (2 * h);
                    worstDouble = Math.max(worstDouble, Math.abs(fd - g[j]) / Math.max(1, Math.abs(fd)));
                    // DJL: the tangent is in scaled-θ units; compare with float32 central differences of DJL itself
                    double fdDjl = djlFiniteDifference(root, net, rows, e, d + p, d + j, 1e-2);
                    double tj = tan[e * p + j];
                    worstDjl = Math.max(worstDjl, Math.abs(fdDjl - tj) / Math.max(1, Math.abs(fdDjl)));
                    assertEquals(g[j] * scale[d + j], tj, 1e-4 * Math.max(1, Math.abs(tj)), "DJL tangent vs double");
                }
            }
            double kinkTolerance = act == TrainingConfig.Activation.RELU ? 5e-2 : 2e-3;
            assertEquals(0, worstDouble, act == TrainingConfig.Activation.RELU ? 5e-3 : 1e-7, "double tangent vs FD");
            assertEquals(0, worstDjl, kinkTolerance, "DJL tangent vs FD of the DJL network");
        }
    }

    /**
     * The training loss of a batch (θ-tangents only for the rows drawn at θ0, which come first)
     * equals Σ w·loss of the double-precision definition with the exact derivative, for every method.
     */
    @ParameterizedTest
    @EnumSource(value = EstimatorMethod.class, names = {"CARL", "ROLR", "ALICE", "CASCAL", "RASCAL", "ALICES", "SALLY"})
    void batchLossEqualsTheDefinition(EstimatorMethod method) {
        DjlOffline.ensure();
        int d = 2, p = 2, m = 24, m0 = 9;
        int pIn = method.localScore() ? 0 : p, in = d + pIn, outputs = method.localScore() ? p : 1;
        SplittableRandom rng = new SplittableRandom(method.ordinal() + 40);
        try (NDManager root = Engine.getEngine("PyTorch").newBaseManager();
                ParamNetwork net = new ParamNetwork(root, d, pIn, List.of(8, 8), outputs, TrainingConfig.Activation.SWISH, 3)) {
            float[] w0 = new float[net.size];
            for (int i = 0; i < w0.length; i++) {
                w0[i] = (float) (0.5 * rng.nextGaussian());
            }
            net.assign(w0);
            double[] mean = new double[in], scale = new double[in];
            java.util.Arrays.fill(scale, 1);
            for (int j = d; j < in; j++) {
                scale[j] = 0.5; // θ scaled: the loss must see the derivative in raw θ units
            }
            ParamMlp mlp = mlp(net, w0, mean, scale, TrainingConfig.Activation.SWISH);
            float[] bx = new float[m * in], by = new float[m], br = new float[m], bt = new float[m * p], bw = new float[m];
            float[] inv = new float[Math.max(pIn, 1)];
            java.util.Arrays.fill(inv, 2f);
            double want = 0;
            for (int k = 0; k < m; k++) {
                double[] x = new double[d], th = new double[p];
                for (int j = 0; j < d; j++) {
                    x[j] = rng.nextGaussian();
                    bx[k * in + j] = (float) x[j];
                }
                for (int j = 0; j < pIn; j++) {
                    th[j] = 0.5 * rng.nextGaussian();
                    bx[k * in + d + j] = (float) (th[j] / scale[d + j]);
                    th[j] = bx[k * in + d + j] * scale[d + j];
                }
                for (int j = 0; j < d; j++) {
                    x[j] = bx[k * in + j];
                }
                int y = method.localScore() || k < m0 ? 0 : 1;
                by[k] = y;
                br[k] = (float) Math.exp(rng.nextGaussian());
                bw[k] = (float) (0.5 + rng.nextDouble());
                double[] t = new double[p];
                for (int j = 0; j < p; j++) {
                    bt[k * p + j] = (float) rng.nextGaussian();
                    t[j] = bt[k * p + j];
                }
                double[] g = new double[p];
                double[] out = mlp.evaluate(x, th, method.scoreTerm() ? g : null);
                double[] tHat = method.localScore() ? out : g;
                want += bw[k] * EstimatorLoss.perEvent(method, 0.8, out[0], tHat, y, br[k], t);
            }
            float got;
            try (NDManager sub = root.newSubManager()) {
                NDArray invScale = sub.create(inv, new Shape(1, inv.length));
                got = ParamTrainer.batchLoss(sub, net, method, 0.8f, invScale, bx, by, br, bt, bw, m,
                        method.localScore() ? m : m0, in, p).getFloat();
            }
            assertEquals(want, got, 2e-5 * Math.abs(want), method.toString());
        }
    }

    private static double djlFiniteDifference(NDManager root, ParamNetwork net, float[] rows, int e, int in, int col,
            double h) {
        float[] plus = java.util.Arrays.copyOfRange(rows, e * in, (e + 1) * in);
        float[] minus = plus.clone();
        plus[col] += (float) h;
        minus[col] -= (float) h;
        double hp = plus[col] - rows[e * in + col], hm = rows[e * in + col] - minus[col];
        try (NDManager sub = root.newSubManager()) {
            NDArray a = net.forward(sub, sub.create(plus, new Shape(1, in)), false).output();
            NDArray b = net.forward(sub, sub.create(minus, new Shape(1, in)), false).output();
            return (a.getFloat() - b.getFloat()) / (hp + hm);
        }
    }

    static ParamMlp mlp(ParamNetwork net, float[] all, double[] mean, double[] scale, TrainingConfig.Activation act) {
        List<float[]> w = new ArrayList<>();
        List<float[]> b = new ArrayList<>();
        for (int k = 0; k < net.widths.size(); k++) {
            int out = net.widths.get(k);
            w.add(java.util.Arrays.copyOfRange(all, net.wOffset[k], net.wOffset[k] + out * net.inWidth[k]));
            b.add(java.util.Arrays.copyOfRange(all, net.bOffset[k], net.bOffset[k] + out));
        }
        return new ParamMlp(1, net.features, net.parameters, net.widths, act, w, b, mean, scale);
    }
}
