package org.ratiofit.ratio.training.param;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.ratiofit.ratio.RatioModelException;
import org.ratiofit.ratio.training.DjlOffline;
import org.ratiofit.ratio.training.TrainingConfig;

/**
 * The regulariser λ·mean |∇ₓ ln r̂|² over the scaled feature inputs ({@link ParamTrainingConfig#xGradientPenalty}):
 * the term on a hand-computable network, the feature tangents against finite differences, its
 * effect on training, λ = 0 leaving training unchanged, bad λ refused, the sidecar record.
 */
class XGradientPenaltyTest {
    static final GammaLatentSimulator SIM = new GammaLatentSimulator();
    static final double[] LO = {1.5, 0.7}, HI = {3.0, 1.4}, TH1 = {2.0, 1.0};

    /**
     * A ReLU network kept in its linear region (hidden biases 10, |W₁h| ≤ 6): ln r̂ = W₂(W₁h + b₁) + b₂,
     * so ∇ₓ ln r̂ = W₂W₁[:, x] = (1·1 − 1·0 + 0.5·3, 1·2 − 1·1 + 0.5·0) = (2.5, 1) and |∇ₓ|² = 7.25 for
     * every event. The batch loss with λ minus the one without is λ·7.25·Σw, for every ratio method
     * (the score methods' θ-term, computed in the same pass, unchanged).
     */
    @ParameterizedTest
    @EnumSource(value = EstimatorMethod.class, names = {"CARL", "ROLR", "ALICE", "CASCAL", "RASCAL", "ALICES"})
    void termOnALinearNetworkIsTheClosedForm(EstimatorMethod method) {
        DjlOffline.ensure();
        int d = 2, p = 1, in = 3, m = 10, m0 = 4;
        float lambda = 0.7f;
        try (NDManager root = Engine.getEngine("PyTorch").newBaseManager();
                ParamNetwork net = new ParamNetwork(root, d, p, List.of(3), 1, TrainingConfig.Activation.RELU, 1)) {
            // layer 0: W [3][x1, x2, θ], b; layer 1: W [1][3], b
            net.assign(new float[] {1, 2, 0, 0, 1, -1, 3, 0, 1, 10, 10, 10, 1, -1, 0.5f, -5});
            SplittableRandom rng = new SplittableRandom(method.ordinal());
            float[] bx = new float[m * in], by = new float[m], br = new float[m], bt = new float[m * p], bw = new float[m];
            double sumW = 0;
            for (int k = 0; k < m; k++) {
                for (int j = 0; j < in; j++) {
                    bx[k * in + j] = (float) (2 * rng.nextDouble() - 1);
                }
                by[k] = k < m0 ? 0 : 1;
                br[k] = (float) Math.exp(0.3 * rng.nextGaussian());
                bt[k] = (float) rng.nextGaussian();
                bw[k] = (float) (0.5 + rng.nextDouble());
                sumW += bw[k];
            }
            try (NDManager sub = root.newSubManager()) {
                NDArray invScale = sub.create(new float[] {2f}, new Shape(1, 1));
                NDArray x = sub.create(bx, new Shape(m, in));
                float[] g = net.forward(sub, x, m, 0, d).tangent().toFloatArray();
                float[] rev = net.forwardWithInputGradient(sub, x).tangent().toFloatArray();
                for (int k = 0; k < m; k++) {
                    assertEquals(2.5, g[k * d], 1e-6, "∂ ln r/∂x1, event " + k);
                    assertEquals(1.0, g[k * d + 1], 1e-6, "∂ ln r/∂x2, event " + k);
                    assertEquals(2.5, rev[k * in], 1e-6, "reverse sweep ∂ ln r/∂x1, event " + k);
                    assertEquals(1.0, rev[k * in + 1], 1e-6, "reverse sweep ∂ ln r/∂x2, event " + k);
                    assertEquals(1.5, rev[k * in + 2], 1e-6, "reverse sweep ∂ ln r/∂θ, event " + k); // 1·0 − 1·(−1) + 0.5·1
                }
                double off = ParamTrainer.batchLoss(sub, net, method, 0.8f, 0f, invScale, bx, by, br, bt, bw, m, m0, in, p)
                        .getFloat();
                double on = ParamTrainer.batchLoss(sub, net, method, 0.8f, lambda, invScale, bx, by, br, bt, bw, m, m0,
                        in, p).getFloat();
                double want = lambda * 7.25 * sumW;
                assertEquals(want, on - off, 1e-5 * (Math.abs(on) + want), method + ": penalty term");
                assertEquals(EstimatorLoss.inputGradientTerm(lambda, new double[] {2.5, 1}), lambda * 7.25, 1e-6);
            }
        }
    }

    /**
     * The feature tangents (forward mode, every row) and the reverse sweep the trainer uses against
     * central differences of the double-precision network; the θ part against the score term's tangents.
     */
    @ParameterizedTest
    @EnumSource(value = TrainingConfig.Activation.class, names = {"SWISH", "TANH"})
    void featureTangentEqualsFiniteDifferences(TrainingConfig.Activation act) {
        DjlOffline.ensure();
        int d = 3, p = 2, n = 16, in = d + p;
        SplittableRandom rng = new SplittableRandom(act.ordinal() + 7);
        try (NDManager root = Engine.getEngine("PyTorch").newBaseManager();
                ParamNetwork net = new ParamNetwork(root, d, p, List.of(12, 8), 1, act, 2)) {
            float[] w = new float[net.size];
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) (0.6 * rng.nextGaussian());
            }
            net.assign(w);
            double[] mean = new double[in], scale = new double[in];
            for (int j = 0; j < in; j++) {
                mean[j] = 0.2 * j;
                scale[j] = 0.5 + 0.3 * j;
            }
            ParamMlp mlp = ParamNetworkTest.mlp(net, w, mean, scale, act);
            float[] rows = new float[n * in];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = (float) rng.nextGaussian();
            }
            float[] all, xOnly, thetaOld, rev;
            try (NDManager sub = root.newSubManager()) {
                NDArray x = sub.create(rows, new Shape(n, in));
                all = net.forward(sub, x, n, 0, in).tangent().toFloatArray();
                xOnly = net.forward(sub, x, n, 0, d).tangent().toFloatArray();
                thetaOld = net.forward(sub, x, n).tangent().toFloatArray();
                rev = net.forwardWithInputGradient(sub, x).tangent().toFloatArray();
            }
            for (int e = 0; e < n; e++) {
                double[] raw = new double[in];
                for (int j = 0; j < in; j++) {
                    raw[j] = mean[j] + scale[j] * rows[e * in + j];
                }
                double[] th = Arrays.copyOfRange(raw, d, in);
                for (int j = 0; j < d; j++) {
                    double h = 1e-5;
                    double[] xp = Arrays.copyOf(raw, d), xm = Arrays.copyOf(raw, d);
                    xp[j] += h;
                    xm[j] -= h;
                    // ∂/∂x_scaled = scale · ∂/∂x_raw
                    double fd = scale[j] * (mlp.evaluate(xp, th, null)[0] - mlp.evaluate(xm, th, null)[0]) / (2 * h);
                    assertEquals(fd, xOnly[e * d + j], 1e-4 * Math.max(1, Math.abs(fd)), act + " event " + e + " x" + j);
                    assertEquals(xOnly[e * d + j], all[e * in + j], 1e-6, "x part of the all-columns pass");
                    assertEquals(fd, rev[e * in + j], 1e-4 * Math.max(1, Math.abs(fd)), "reverse sweep, x" + j);
                }
                for (int j = 0; j < p; j++) {
                    assertEquals(thetaOld[e * p + j], all[e * in + d + j], 1e-6, "θ part of the all-columns pass");
                    assertEquals(thetaOld[e * p + j], rev[e * in + d + j], 1e-5 * Math.max(1, Math.abs(rev[e * in + d + j])),
                            "reverse sweep, θ" + j);
                }
            }
        }
    }

    /** Mean |∇ₓ ln r̂| over the scaled features, by central differences of the trained network. */
    static double meanGradientNorm(TrainedEstimator est, double[][] x, double[][] thetas) {
        ParamMlp mlp = est.network();
        int d = mlp.features(), n = x[0].length;
        double sum = 0;
        int count = 0;
        for (double[] th : thetas) {
            for (int e = 0; e < n; e++) {
                double[] row = new double[d];
                for (int j = 0; j < d; j++) {
                    row[j] = x[j][e];
                }
                double s2 = 0;
                for (int j = 0; j < d; j++) {
                    double h = 1e-5 * mlp.inputScale()[j];
                    double[] a = row.clone(), b = row.clone();
                    a[j] += h;
                    b[j] -= h;
                    double g = mlp.inputScale()[j] * (mlp.evaluate(a, th, null)[0] - mlp.evaluate(b, th, null)[0]) / (2 * h);
                    s2 += g * g;
                }
                sum += Math.sqrt(s2);
                count++;
            }
        }
        return sum / count;
    }

    /**
     * The term's derivative trains: CARL on the latent-variable toy with λ = 2 ends with a mean
     * |∇ₓ ln r̂| far below the unregularised one on held-out events; the sidecar records λ.
     */
    @Test
    void penaltyShrinksTheInputGradientAndIsRecorded(@TempDir Path dir) {
        AugmentedData data = SIM.ratioTrainingData(4000, LO, HI, TH1, new SplittableRandom(5));
        AugmentedData held = SIM.ratioTrainingData(300, LO, HI, TH1, new SplittableRandom(6));
        ParamTrainingConfig c = ParamTrainingConfig.defaults(EstimatorMethod.CARL)
                .withNetwork(List.of(32, 32), TrainingConfig.Activation.SWISH).withEpochs(6, 256, 6)
                .withOptimizer(ParamTrainingConfig.Optimizer.ADAM, 3e-3, 3e-4).withQuiet(true);
        TrainedEstimator plain = ParamTrainer.train(data, c, 0, TH1);
        TrainedEstimator reg = ParamTrainer.train(data, c.withXGradientPenalty(2.0), 0, TH1);
        double[][] thetas = {LO, HI}; // away from θ1, where ln r ≡ 0
        double gPlain = meanGradientNorm(plain, held.x(), thetas);
        double gReg = meanGradientNorm(reg, held.x(), thetas);
        System.out.printf(java.util.Locale.ROOT, "mean |grad_x ln r|: lambda 0 %.4f, lambda 2 %.4f%n", gPlain, gReg);
        assertTrue(gPlain > 0.03, "the unregularised estimator learns an x-dependence: " + gPlain);
        assertTrue(gReg < 0.4 * gPlain, "lambda 2: " + gReg + " vs lambda 0: " + gPlain);

        EstimatorExport.export(reg, dir, "carl-reg");
        EstimatorSidecar es = EstimatorSidecar.read(dir.resolve("carl-reg.estimator.json"));
        assertEquals(2.0, es.xGradientPenaltyOrZero());
        assertEquals(EstimatorSidecar.FORMAT_VERSION, es.formatVersion());
        EstimatorExport.export(plain, dir, "carl");
        assertEquals(0.0, EstimatorSidecar.read(dir.resolve("carl.estimator.json")).xGradientPenaltyOrZero());
    }

    /**
     * λ = 0 is the training without the term: the same weights through the version-1 constructor and
     * through {@code withXGradientPenalty(0)}, while a small λ > 0 does change them (so the
     * comparison can fail); λ > 0 is reproducible too.
     */
    @Test
    void lambdaZeroLeavesTrainingUnchanged() {
        AugmentedData data = SIM.ratioTrainingData(1500, LO, HI, TH1, new SplittableRandom(8));
        ParamTrainingConfig c = ParamTrainingConfig.defaults(EstimatorMethod.ALICES)
                .withNetwork(List.of(16, 16), TrainingConfig.Activation.SWISH).withEpochs(2, 256, 2).withQuiet(true);
        ParamTrainingConfig v1 = new ParamTrainingConfig(1, c.method(), c.alpha(), c.hiddenLayers(), c.activation(),
                c.optimizer(), c.initialLearningRate(), c.finalLearningRate(), c.momentum(), c.epochs(), c.batchSize(),
                c.validationFraction(), c.patience(), c.seed(), c.scaleInputs(), c.shuffleLabels(), c.maxEvents(),
                c.quiet());
        TrainedEstimator a = ParamTrainer.train(data, v1, 0, TH1);
        TrainedEstimator b = ParamTrainer.train(data, c.withXGradientPenalty(0), 0, TH1);
        TrainedEstimator r1 = ParamTrainer.train(data, c.withXGradientPenalty(0.05), 0, TH1);
        TrainedEstimator r2 = ParamTrainer.train(data, c.withXGradientPenalty(0.05), 0, TH1);
        boolean differs = false;
        for (int k = 0; k < a.network().weights().size(); k++) {
            assertArrayEquals(a.network().weights().get(k), b.network().weights().get(k));
            assertArrayEquals(a.network().biases().get(k), b.network().biases().get(k));
            assertArrayEquals(r1.network().weights().get(k), r2.network().weights().get(k));
            differs |= !Arrays.equals(a.network().weights().get(k), r1.network().weights().get(k));
        }
        assertTrue(differs, "lambda 0.05 must change the trained weights");
    }

    @ParameterizedTest
    @ValueSource(doubles = {-1e-3, -1, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
    void badLambdaRefusedNamingTheSetting(double lambda) {
        ParamTrainingConfig c = ParamTrainingConfig.defaults(EstimatorMethod.CARL);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.withXGradientPenalty(lambda));
        assertTrue(e.getMessage().contains("xGradientPenalty") && e.getMessage().contains(String.valueOf(lambda)),
                e.getMessage());
    }

    @Test
    void sallyRefusesThePenalty() {
        ParamTrainingConfig c = ParamTrainingConfig.defaults(EstimatorMethod.SALLY);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.withXGradientPenalty(0.5));
        assertTrue(e.getMessage().contains("xGradientPenalty") && e.getMessage().contains("SALLY"), e.getMessage());
        assertEquals(0.0, c.withXGradientPenalty(0).xGradientPenalty());
    }

    /** A version-1 estimator sidecar (no field) reads as λ = 0; a bad value in a file is refused naming the field. */
    @Test
    void sidecarVersionsAndBadValue(@TempDir Path dir) throws Exception {
        String v1 = """
                {"format":"ratiofit-estimator","format_version":1,"model":"m.json","method":"alices","alpha":1.0,
                 "features":["x1"],"parameters":["k"],"output":"log_ratio","training_events":10,"epochs":1,"best_epoch":0}
                """;
        Path f1 = dir.resolve("v1.estimator.json");
        Files.writeString(f1, v1);
        assertEquals(0.0, EstimatorSidecar.read(f1).xGradientPenaltyOrZero());
        Path bad = dir.resolve("bad.estimator.json");
        Files.writeString(bad, v1.replace("\"format_version\":1", "\"format_version\":2")
                .replace("\"best_epoch\":0", "\"best_epoch\":0,\"x_gradient_penalty\":-2.0"));
        RatioModelException e = assertThrows(RatioModelException.class, () -> EstimatorSidecar.read(bad));
        assertTrue(e.getMessage().contains("x_gradient_penalty") && e.getMessage().contains("-2.0"), e.getMessage());
        Path future = dir.resolve("v3.estimator.json");
        Files.writeString(future, v1.replace("\"format_version\":1", "\"format_version\":3"));
        assertFalse(assertThrows(RatioModelException.class, () -> EstimatorSidecar.read(future)).getMessage().isEmpty());
    }
}
