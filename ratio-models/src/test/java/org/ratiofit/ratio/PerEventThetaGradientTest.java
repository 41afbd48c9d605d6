package org.ratiofit.ratio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ratiofit.ratio.ModelSidecar.OutputConvention;
import org.ratiofit.ratio.onnx.OnnxGraphBuilder;
import org.ratiofit.ratio.onnx.OnnxMlpWriter;
import org.ratiofit.ratio.onnx.OnnxMlpWriter.Activation;
import org.ratiofit.ratio.onnx.OnnxMlpWriter.Input;
import org.ratiofit.ratio.onnx.OnnxMlpWriter.Layer;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** θ given per event (a linear predictor, say): {@link RatioModel#logRatioGradientPerEvent} against one-θ evaluations. */
class PerEventThetaGradientTest {
    @TempDir
    Path dir;

    /**
     * 2 features + 2 θ with a Yeo-Johnson scaler on one θ, so that the scaler's derivative differs
     * from event to event, and a Platt calibration.
     */
    private RatioModel model(long seed, boolean separateTheta, OutputConvention conv) {
        Activation last = conv == OutputConvention.SCORE ? Activation.SIGMOID : Activation.IDENTITY;
        List<Layer> layers = TestModels.randomLayers(seed, new int[]{4, 10, 10, 1}, new Activation[]{Activation.TANH, Activation.SWISH, last}, 1.2);
        List<Input> inputs = separateTheta ? List.of(new Input("x", 2), new Input("theta", 2)) : List.of(new Input("x", 4));
        OnnxGraphBuilder.write(OnnxMlpWriter.mlp(inputs, "y", layers), dir.resolve("m" + seed + ".onnx"));
        var sc = ModelSidecar.binary("per-event" + seed, "m" + seed + ".onnx", "x", List.of("a", "b"), conv, "H(θ)", "H(ref)")
                .withParameters(List.of("m", "s"), separateTheta ? "theta" : null)
                .withScaling(List.of(new ModelSidecar.Standard(List.of("a", "m"), new double[]{0.2, -0.3}, new double[]{1.4, 0.7}),
                        new ModelSidecar.YeoJohnson(List.of("s"), new double[]{0.6}, new double[]{0.1}, new double[]{0.9})))
                .withCalibration(new ModelSidecar.Platt(1.05, -0.03));
        Sidecars.write(sc, dir.resolve("m" + seed + ".json"));
        return RatioModel.load(dir.resolve("m" + seed + ".json"));
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {51, 52, 53, 54, 55, 56})
    void perEventThetaEqualsOneThetaAtATime(long seed) {
        boolean separate = seed % 2 == 0;
        OutputConvention conv = seed % 3 == 0 ? OutputConvention.LOGIT : OutputConvention.SCORE;
        int n = 120;
        double[][] x = TestModels.randomColumns(seed, 2, n, 1.0, 0.1);
        Random r = new Random(seed + 1000);
        double[][] theta = new double[2][n];
        for (int i = 0; i < n; i++) {
            theta[0][i] = -1 + 2 * r.nextDouble();
            theta[1][i] = -0.5 + 3 * r.nextDouble(); // both sides of 0, where Yeo-Johnson changes branch
        }
        try (RatioModel m = model(seed, separate, conv)) {
            ThetaGradient g = m.logRatioGradientPerEvent(x, theta);
            assertEquals("exact", g.method(), "seed " + seed);
            assertNull(g.theta(), "seed " + seed);
            for (int i = 0; i < n; i++) {
                double[][] one = {{x[0][i]}, {x[1][i]}};
                ThetaGradient ref = m.logRatioGradient(one, new double[]{theta[0][i], theta[1][i]});
                assertEquals(ref.logRatio()[0], g.logRatio()[i], 1e-12, "seed " + seed + " row " + i);
                for (int j = 0; j < 2; j++) {
                    assertEquals(ref.gradient()[j][0], g.gradient()[j][i], 1e-12 * (1 + Math.abs(ref.gradient()[j][0])),
                            "seed " + seed + " θ" + j + " row " + i);
                }
            }
            // the same θ in every row gives the one-θ result for all rows at once
            double[] t0 = {0.3, 0.8};
            double[][] constant = {filled(n, t0[0]), filled(n, t0[1])};
            ThetaGradient a = m.logRatioGradientPerEvent(x, constant);
            ThetaGradient b = m.logRatioGradient(x, t0);
            for (int i = 0; i < n; i++) {
                assertEquals(b.logRatio()[i], a.logRatio()[i], 0.0, "seed " + seed + " row " + i);
                for (int j = 0; j < 2; j++) assertEquals(b.gradient()[j][i], a.gradient()[j][i], 0.0, "seed " + seed + " θ" + j + " row " + i);
            }
        }
    }

    @Test
    void finiteDifferencesPerEventWhenTheGraphIsNotSupported() {
        // ln r = θx − θ²/2 with θ² written as Pow, which the exact evaluator does not handle; d/dθ = x − θ
        OnnxGraphBuilder b = new OnnxGraphBuilder("shift_pow");
        b.input("x", OnnxGraphBuilder.BATCH, 1);
        b.input("theta", OnnxGraphBuilder.BATCH, 1);
        String two = b.initializer("two", new double[]{2}, 1);
        String half = b.initializer("half", new double[]{0.5}, 1);
        String tx = b.node("Mul", "tx", "theta", "x");
        String t2 = b.node("Pow", "t2", "theta", two);
        String ht2 = b.node("Mul", "ht2", t2, half);
        b.nodeNamed("Sub", List.of(tx, ht2), "lr", Map.of());
        b.output("lr", OnnxGraphBuilder.BATCH, 1);
        OnnxGraphBuilder.write(b.build(), dir.resolve("pow.onnx"));
        Sidecars.write(ModelSidecar.binary("pow", "pow.onnx", "x", List.of("x"), OutputConvention.LOG_RATIO, "N(θ,1)", "N(0,1)")
                .withParameters(List.of("theta"), "theta"), dir.resolve("pow.json"));
        int n = 400;
        double[][] x = TestModels.randomColumns(61, 1, n, 1.0, 0.0);
        double[][] theta = TestModels.randomColumns(62, 1, n, 2.0, 0.5);
        try (RatioModel m = RatioModel.load(dir.resolve("pow.json"))) {
            ThetaGradient g = m.logRatioGradientPerEvent(x, theta);
            assertEquals("finite_differences", g.method());
            for (int i = 0; i < n; i++) {
                double t = theta[0][i], v = x[0][i];
                assertEquals(t * v - t * t / 2, g.logRatio()[i], 2e-6 * (1 + Math.abs(t * v - t * t / 2)), "row " + i);
                assertEquals(v - t, g.gradient()[0][i], 2e-4 * (1 + Math.abs(t)), "row " + i);
            }
        }
    }

    @Test
    void badPerEventThetaIsNamed() {
        try (RatioModel m = model(57, true, OutputConvention.SCORE)) {
            double[][] x = TestModels.randomColumns(57, 2, 10, 1.0, 0.0);
            double[][] theta = {filled(10, 0.1), filled(10, 0.5)};
            theta[1][7] = Double.NaN;
            var e = assertThrows(RatioModelException.class, () -> m.logRatioGradientPerEvent(x, theta));
            assertTrue(e.getMessage().contains("θ 's' is NaN at row 7"), e.getMessage());
            var e2 = assertThrows(RatioModelException.class, () -> m.logRatioGradientPerEvent(x, new double[][]{filled(10, 0)}));
            assertTrue(e2.getMessage().contains("needs 2 columns [m, s]"), e2.getMessage());
            var e3 = assertThrows(RatioModelException.class, () -> m.logRatioGradientPerEvent(x, new double[][]{filled(10, 0), filled(9, 0)}));
            assertTrue(e3.getMessage().contains("column 's' has 9 rows"), e3.getMessage());
        }
    }

    @Test
    void nonFiniteOutputNamesTheRowAndHasItsOwnType() {
        // ln r = ln θ − x: −∞ at θ = 0, where a likelihood is simply not defined
        OnnxGraphBuilder b = new OnnxGraphBuilder("log_theta");
        b.input("x", OnnxGraphBuilder.BATCH, 1);
        b.input("theta", OnnxGraphBuilder.BATCH, 1);
        b.nodeNamed("Sub", List.of(b.node("Log", "lt", "theta"), "x"), "lr", Map.of());
        b.output("lr", OnnxGraphBuilder.BATCH, 1);
        OnnxGraphBuilder.write(b.build(), dir.resolve("lt.onnx"));
        Sidecars.write(ModelSidecar.binary("lt", "lt.onnx", "x", List.of("x"), OutputConvention.LOG_RATIO, "A", "B")
                .withParameters(List.of("theta"), "theta"), dir.resolve("lt.json"));
        double[][] x = {{0.5, 1.0, 1.5}};
        try (RatioModel m = RatioModel.load(dir.resolve("lt.json"))) {
            var e1 = assertThrows(NonFiniteOutputException.class, () -> m.logRatioGradientPerEvent(x, new double[][]{{1, 0, 2}}));
            assertEquals(1, e1.row());
            assertEquals(Double.NEGATIVE_INFINITY, e1.value());
            assertTrue(e1.getMessage().contains("'lt': log_ratio output is -Infinity at row 1"), e1.getMessage());
            var e2 = assertThrows(NonFiniteOutputException.class, () -> m.logRatios(x, new double[]{0}));
            assertEquals(0, e2.row());
        }
    }

    private static double[] filled(int n, double v) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, v);
        return a;
    }
}
