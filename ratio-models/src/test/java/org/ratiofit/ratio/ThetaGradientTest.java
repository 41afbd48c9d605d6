package org.ratiofit.ratio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ratiofit.ratio.ModelSidecar.OutputConvention;
import org.ratiofit.ratio.onnx.GraphEvaluator;
import org.ratiofit.ratio.onnx.OnnxGraphBuilder;
import org.ratiofit.ratio.onnx.OnnxMlpWriter;
import org.ratiofit.ratio.onnx.OnnxMlpWriter.Activation;
import org.ratiofit.ratio.onnx.OnnxMlpWriter.Input;
import org.ratiofit.ratio.onnx.OnnxMlpWriter.Layer;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Parametrised models: exact θ-gradients against finite differences, the evaluator against ONNX Runtime. */
class ThetaGradientTest {
    @TempDir
    Path dir;

    /** Whether the last parametrisedMlp has only smooth activations (finite differences with a float32-sized step then apply). */
    private boolean smooth;

    /** A parametrised MLP (3 features + 2 θ) with scaling on features and θ, seeded activations. */
    private RatioModel parametrisedMlp(long seed, boolean separateTheta, OutputConvention conv) {
        Random r = new Random(seed);
        Activation a1 = List.of(Activation.RELU, Activation.TANH, Activation.SWISH, Activation.LEAKY_RELU, Activation.ELU, Activation.SOFTPLUS, Activation.SIGMOID).get(r.nextInt(7));
        Activation a2 = List.of(Activation.TANH, Activation.SOFTPLUS, Activation.SWISH, Activation.ELU).get(r.nextInt(4));
        Activation last = conv == OutputConvention.SCORE ? Activation.SIGMOID : Activation.IDENTITY;
        List<Layer> layers = TestModels.randomLayers(seed, new int[]{5, 12, 12, 1}, new Activation[]{a1, a2, last}, 1.3);
        smooth = Set.of(Activation.TANH, Activation.SOFTPLUS, Activation.SWISH, Activation.SIGMOID).containsAll(List.of(a1, a2));
        List<Input> inputs = separateTheta ? List.of(new Input("x", 3), new Input("theta", 2)) : List.of(new Input("x", 5));
        OnnxGraphBuilder.write(OnnxMlpWriter.mlp(inputs, "y", layers), dir.resolve("p.onnx"));
        var sc = ModelSidecar.binary("param" + seed, "p.onnx", "x", List.of("a", "b", "c"), conv, "H(θ)", "H(ref)")
                .withParameters(List.of("mu", "nu"), separateTheta ? "theta" : null)
                .withScaling(List.of(new ModelSidecar.Standard(List.of("a", "mu"), new double[]{0.1, 1.0}, new double[]{1.5, 0.5}),
                        new ModelSidecar.MinMax(List.of("nu"), new double[]{-3}, new double[]{3}, new double[]{-1.5, 1.5}),
                        new ModelSidecar.YeoJohnson(List.of("b"), new double[]{1.3}, null, null)))
                .withCalibration(new ModelSidecar.Platt(0.95, 0.02));
        Sidecars.write(sc, dir.resolve("p.json"));
        return RatioModel.load(dir.resolve("p.json"));
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {21, 22, 23, 24, 25, 26, 27, 28, 29, 30})
    void exactGradientMatchesFiniteDifferencesOfTheExactEvaluator(long seed) {
        boolean separate = seed % 2 == 0;
        OutputConvention conv = seed % 3 == 0 ? OutputConvention.LOGIT : OutputConvention.SCORE;
        double[][] cols = TestModels.randomColumns(seed, 3, 200, 1.0, 0.2);
        double[] theta = {0.7 + 0.1 * seed % 3, -0.4};
        try (RatioModel m = parametrisedMlp(seed, separate, conv)) {
            assertNotNull(m.graphEvaluator(), "seed " + seed + ": " + m.graphEvaluatorProblem());
            ThetaGradient g = m.logRatioGradient(cols, theta);
            assertEquals("exact", g.method());
            // central differences of the same double-precision pipeline, step 1e-5
            for (int j = 0; j < 2; j++) {
                double h = 1e-5;
                double[] tp = theta.clone(), tm = theta.clone();
                tp[j] += h;
                tm[j] -= h;
                double[] up = m.logRatioGradient(cols, tp).logRatio(), dn = m.logRatioGradient(cols, tm).logRatio();
                for (int i = 0; i < cols[0].length; i++) {
                    double fd = (up[i] - dn[i]) / (2 * h);
                    assertEquals(fd, g.gradient()[j][i], 1e-6 * (1 + Math.abs(fd)), "seed " + seed + " θ" + j + " row " + i);
                }
            }
            // the double-precision log-ratio agrees with ONNX Runtime's float32 one
            double[] ort = m.logRatios(cols, theta);
            for (int i = 0; i < ort.length; i++) assertEquals(ort[i], g.logRatio()[i], 2e-4 * (1 + Math.abs(ort[i])), "seed " + seed + " row " + i);
            // and ONNX Runtime central differences agree with the exact gradient to float32 accuracy;
            // their float32-sized step straddles the kinks of ReLU, LeakyReLU and Elu(alpha != 1)
            if (!smooth) return;
            ThetaGradient fd = ThetaGradients.finiteDifferences(m, cols, theta, cols[0].length);
            for (int j = 0; j < 2; j++) {
                for (int i = 0; i < ort.length; i++) {
                    assertEquals(g.gradient()[j][i], fd.gradient()[j][i], 2e-3 * (1 + Math.abs(g.gradient()[j][i])), "seed " + seed + " θ" + j + " row " + i);
                }
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {31, 32, 33})
    void evaluatorForwardMatchesDoubleReferenceAndOnnxRuntime(long seed) {
        for (Activation act : new Activation[]{Activation.RELU, Activation.TANH, Activation.SIGMOID, Activation.SWISH,
                Activation.LEAKY_RELU, Activation.ELU, Activation.SOFTPLUS, Activation.SOFTMAX}) {
            List<Layer> layers = TestModels.randomLayers(seed, new int[]{4, 8, 3}, new Activation[]{act, act == Activation.SOFTMAX ? Activation.SOFTMAX : Activation.IDENTITY}, 1.2);
            if (act == Activation.SOFTMAX) layers = TestModels.randomLayers(seed, new int[]{4, 8, 3}, new Activation[]{Activation.TANH, Activation.SOFTMAX}, 1.2);
            Path f = dir.resolve("e" + act + ".onnx");
            OnnxMlpWriter.write(f, "x", "y", layers);
            GraphEvaluator ge = GraphEvaluator.load(f);
            double[][] cols = TestModels.randomColumns(seed, 4, 50, 1.0, 0.0);
            double[] flat = new double[50 * 4];
            for (int i = 0; i < 50; i++) for (int j = 0; j < 4; j++) flat[i * 4 + j] = (float) cols[j][i];
            double[] y = ge.forward(Map.of("x", flat), 50, "y");
            for (int i = 0; i < 50; i++) {
                double[] ref = TestModels.mlpForward(layers, TestModels.roundToFloat(TestModels.row(cols, i)));
                for (int k = 0; k < 3; k++) assertEquals(ref[k], y[i * 3 + k], 1e-12, act + " seed " + seed + " row " + i);
            }
            // ONNX Runtime's float32 outputs of the same graph
            var sc = ModelSidecar.binary("e", f.getFileName().toString(), "x", List.of("a", "b", "c", "d"), OutputConvention.SOFTMAX_LOGITS, null, null)
                    .withMulticlass(new ModelSidecar.Multiclass(List.of("p", "q", "r"), "r", null, null));
            try (RatioModel m = RatioModel.of(sc, dir, InferenceOptions.DEFAULT)) {
                float[] ort = m.rawOutputs(cols, null);
                for (int i = 0; i < ort.length; i++) assertEquals(y[i], ort[i], 2e-6 * (1 + Math.abs(y[i])), act + " seed " + seed + " value " + i);
            }
        }
    }

    @Test
    void gaussianShiftHasScoreXMinusTheta() {
        // ln r(x|θ) = ln N(x;θ,1) − ln N(x;0,1) = θx − θ²/2, so ∇θ ln r = x − θ
        OnnxGraphBuilder b = new OnnxGraphBuilder("shift");
        b.input("x", OnnxGraphBuilder.BATCH, 1);
        b.input("theta", OnnxGraphBuilder.BATCH, 1);
        String half = b.initializer("half", new double[]{0.5}, 1);
        String tx = b.node("Mul", "tx", "theta", "x");
        String tt = b.node("Mul", "tt", "theta", "theta");
        String htt = b.node("Mul", "htt", tt, half);
        b.nodeNamed("Sub", List.of(tx, htt), "lr", Map.of());
        b.output("lr", OnnxGraphBuilder.BATCH, 1);
        OnnxGraphBuilder.write(b.build(), dir.resolve("shift.onnx"));
        var sc = ModelSidecar.binary("shift", "shift.onnx", "x", List.of("x"), OutputConvention.LOG_RATIO, "N(θ,1)", "N(0,1)")
                .withParameters(List.of("theta"), "theta");
        Sidecars.write(sc, dir.resolve("shift.json"));
        double[][] cols = TestModels.randomColumns(41, 1, 500, 1.0, 0.3);
        try (RatioModel m = RatioModel.load(dir.resolve("shift.json"))) {
            ThetaGradient g = m.logRatioGradient(cols, new double[]{0.8});
            assertEquals("exact", g.method());
            for (int i = 0; i < 500; i++) {
                double x = cols[0][i], t = 0.8; // the exact path scales and evaluates in double
                assertEquals(t * x - t * t / 2, g.logRatio()[i], 1e-12, "row " + i);
                assertEquals(x - t, g.gradient()[0][i], 1e-12, "row " + i);
            }
        }
    }

    @Test
    void unsupportedOperatorFallsBackToFiniteDifferences() {
        // θ² written with Pow, which the exact evaluator does not handle
        OnnxGraphBuilder b = new OnnxGraphBuilder("shift_pow");
        b.input("x", OnnxGraphBuilder.BATCH, 2);
        String sel = b.initializer("sel_x", new double[]{1, 0}, 2, 1);
        String selT = b.initializer("sel_t", new double[]{0, 1}, 2, 1);
        String two = b.initializer("two", new double[]{2}, 1);
        String half = b.initializer("half", new double[]{0.5}, 1);
        String x = b.node("MatMul", "xcol", "x", sel);
        String t = b.node("MatMul", "tcol", "x", selT);
        String tx = b.node("Mul", "tx", t, x);
        String t2 = b.node("Pow", "t2", t, two);
        String ht2 = b.node("Mul", "ht2", t2, half);
        b.nodeNamed("Sub", List.of(tx, ht2), "lr", Map.of());
        b.output("lr", OnnxGraphBuilder.BATCH, 1);
        OnnxGraphBuilder.write(b.build(), dir.resolve("pow.onnx"));
        var sc = ModelSidecar.binary("pow", "pow.onnx", "x", List.of("x"), OutputConvention.LOG_RATIO, "N(θ,1)", "N(0,1)")
                .withParameters(List.of("theta"), null);
        Sidecars.write(sc, dir.resolve("pow.json"));
        double[][] cols = TestModels.randomColumns(42, 1, 300, 1.0, 0.0);
        try (RatioModel m = RatioModel.load(dir.resolve("pow.json"))) {
            assertNull(m.graphEvaluator());
            assertEquals(true, m.graphEvaluatorProblem().contains("Pow"), m.graphEvaluatorProblem());
            ThetaGradient g = m.logRatioGradient(cols, new double[]{1.2});
            assertEquals("finite_differences", g.method());
            for (int i = 0; i < 300; i++) assertEquals(cols[0][i] - 1.2, g.gradient()[0][i], 2e-4, "row " + i);
        }
    }

    @Test
    void gradientNeedsAParametrisedModel() {
        OnnxGraphBuilder.write(TestModels.gaussianGraph(TestModels.gaussians3(), "x", "out", false), dir.resolve("g.onnx"));
        Sidecars.write(ModelSidecar.binary("g", "g.onnx", "x", List.of("a", "b", "c"), OutputConvention.LOG_RATIO, "1", "0"), dir.resolve("g.json"));
        try (RatioModel m = RatioModel.load(dir.resolve("g.json"))) {
            var e = assertThrows(RatioModelException.class, () -> m.logRatioGradient(new double[3][1], new double[]{1}));
            assertEquals(true, e.getMessage().contains("'g' has no parameters"), e.getMessage());
        }
    }
}
