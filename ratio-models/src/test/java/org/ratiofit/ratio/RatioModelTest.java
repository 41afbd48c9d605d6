package org.ratiofit.ratio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.ratiofit.ratio.ModelSidecar.ClassPriors;
import org.ratiofit.ratio.ModelSidecar.Histogram;
import org.ratiofit.ratio.ModelSidecar.Isotonic;
import org.ratiofit.ratio.ModelSidecar.MinMax;
import org.ratiofit.ratio.ModelSidecar.OutputConvention;
import org.ratiofit.ratio.ModelSidecar.Platt;
import org.ratiofit.ratio.ModelSidecar.Standard;
import org.ratiofit.ratio.ModelSidecar.YeoJohnson;
import org.ratiofit.ratio.onnx.OnnxGraphBuilder;
import org.ratiofit.ratio.onnx.OnnxMlpWriter;
import org.ratiofit.ratio.onnx.OnnxMlpWriter.Activation;
import org.ratiofit.ratio.onnx.OnnxMlpWriter.Layer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Exact references through every path: scaler, network, output conversion, calibration. */
class RatioModelTest {
    @TempDir
    Path dir;

    static final double TOL = 2e-5;

    private Path writeGaussian(boolean sigmoid, ModelSidecar sc) {
        OnnxGraphBuilder.write(TestModels.gaussianGraph(TestModels.gaussians3(), "x", "out", sigmoid), dir.resolve("g.onnx"));
        Path p = dir.resolve("g.json");
        Sidecars.write(sc, p);
        return p;
    }

    private static ModelSidecar gaussSidecar(OutputConvention out) {
        return ModelSidecar.binary("gauss", "g.onnx", "x", List.of("a", "b", "c"), out, "H1", "H0");
    }

    @Test
    void gaussianLogRatioGraphIsExact() {
        var g = TestModels.gaussians3();
        double[][] cols = TestModels.randomColumns(11, 3, 5000, 1.2, 0.1);
        try (RatioModel m = RatioModel.load(writeGaussian(false, gaussSidecar(OutputConvention.LOG_RATIO)))) {
            double[] lr = m.logRatios(cols);
            for (int i = 0; i < lr.length; i++) {
                double exact = g.logRatio(TestModels.roundToFloat(TestModels.row(cols, i)));
                assertEquals(exact, lr[i], TOL * (1 + Math.abs(exact)), "row " + i);
            }
        }
    }

    @Test
    void gaussianScoreModelWithEveryScalerAndPlattCalibration() {
        var g = TestModels.gaussians3();
        // a: standard, b: min-max onto (-1.5, 1.5), c: Yeo-Johnson + standardisation
        var std = new Standard(List.of("a"), new double[]{0.3}, new double[]{1.7});
        var mm = new MinMax(List.of("b"), new double[]{-4}, new double[]{5}, new double[]{-1.5, 1.5});
        var yj = new YeoJohnson(List.of("c"), new double[]{0.6}, new double[]{0.2}, new double[]{0.9});
        var sc = gaussSidecar(OutputConvention.SCORE).withScaling(List.of(std, mm, yj)).withCalibration(new Platt(0.9, -0.05));
        double[][] cols = TestModels.randomColumns(12, 3, 3000, 1.0, 0.0);
        try (RatioModel m = RatioModel.load(writeGaussian(true, sc))) {
            Evaluation ev = m.evaluate(cols, null);
            for (int i = 0; i < cols[0].length; i++) {
                double[] x = TestModels.row(cols, i);
                double[] z = {(x[0] - 0.3) / 1.7, -1.5 + (x[1] + 4) * 3.0 / 9.0, (yeoJohnsonRef(x[2], 0.6) - 0.2) / 0.9};
                double exact = 0.9 * g.logRatio(TestModels.roundToFloat(z)) - 0.05;
                assertEquals(exact, ev.logRatio()[i], 1e-4 * (1 + Math.abs(exact)), "row " + i);
            }
            assertEquals(0, ev.clippedLow() + ev.clippedHigh());
        }
    }

    /** scikit-learn's Yeo-Johnson, written out by case. */
    static double yeoJohnsonRef(double x, double l) {
        if (x >= 0) return l == 0 ? Math.log(x + 1) : (Math.pow(x + 1, l) - 1) / l;
        return l == 2 ? -Math.log(1 - x) : -(Math.pow(1 - x, 2 - l) - 1) / (2 - l);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Activation.class, names = {"RELU", "TANH", "SIGMOID", "SWISH", "LEAKY_RELU", "ELU", "SOFTPLUS"})
    void mlpWithFixedWeightsMatchesDoubleReference(Activation act) {
        int seed = 100 + act.ordinal();
        List<Layer> layers = TestModels.randomLayers(seed, new int[]{4, 16, 16, 1},
                new Activation[]{act, act, Activation.SIGMOID}, 1.5);
        OnnxMlpWriter.write(dir.resolve("mlp.onnx"), "features", "score", layers);
        var sc = ModelSidecar.binary("mlp-" + act, "mlp.onnx", "features", TestModels.names("f", 4), OutputConvention.SCORE, "S", "B");
        Sidecars.write(sc, dir.resolve("mlp.json"));
        double[][] cols = TestModels.randomColumns(seed, 4, 2000, 1.0, 0.0);
        try (RatioModel m = RatioModel.load(dir.resolve("mlp.json"))) {
            double[] lr = m.logRatios(cols);
            for (int i = 0; i < lr.length; i++) {
                double s = TestModels.mlpForward(layers, TestModels.roundToFloat(TestModels.row(cols, i)))[0];
                double exact = Math.log(s / (1 - s));
                // float32 sigmoids are accurate in s to ~1e-7 absolute (plus float32 sums over the layers), so far tails are checked on s
                assertEquals(s, 1 / (1 + Math.exp(-lr[i])), 1e-6, "seed " + seed + " row " + i);
                if (s > 1e-3 && s < 1 - 1e-3) assertEquals(exact, lr[i], 1e-4 * (1 + Math.abs(exact)), "seed " + seed + " row " + i);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = OutputConvention.class, names = {"SCORE", "LOGIT", "LOG_RATIO"})
    void outputConventionsWithClassPriorsAndCalibration(OutputConvention conv) {
        List<Layer> layers = TestModels.randomLayers(7, new int[]{2, 8, 1},
                new Activation[]{Activation.TANH, conv == OutputConvention.SCORE ? Activation.SIGMOID : Activation.IDENTITY}, 1.0);
        OnnxMlpWriter.write(dir.resolve("m.onnx"), "x", "y", layers);
        var iso = new Isotonic(new double[]{0.2, 0.8, 1.0, 1.5, 3.0}, new double[]{0.25, 0.7, 1.05, 1.4, 3.3});
        var sc = ModelSidecar.binary("conv", "m.onnx", "x", List.of("u", "v"), conv, "S", "B").withCalibration(iso);
        if (conv != OutputConvention.LOG_RATIO) sc = sc.withClassPriors(new ClassPriors(0.25, 0.75));
        Sidecars.write(sc, dir.resolve("m.json"));
        double[][] cols = TestModels.randomColumns(8, 2, 1000, 1.0, 0.0);
        try (RatioModel m = RatioModel.load(dir.resolve("m.json"))) {
            double[] lr = m.logRatios(cols);
            for (int i = 0; i < lr.length; i++) {
                double y = TestModels.mlpForward(layers, TestModels.roundToFloat(TestModels.row(cols, i)))[0];
                double raw = conv == OutputConvention.SCORE ? Math.log(y / (1 - y)) : y;
                if (conv != OutputConvention.LOG_RATIO) raw += Math.log(0.75 / 0.25);
                double exact = Math.log(isotonicRef(iso, Math.exp(raw)));
                assertEquals(exact, lr[i], 1e-4, "row " + i);
            }
        }
    }

    static double isotonicRef(Isotonic iso, double r) {
        double[] x = iso.x(), y = iso.y();
        if (r <= x[0]) return y[0];
        for (int k = 1; k < x.length; k++) {
            if (r <= x[k]) return y[k - 1] + (y[k] - y[k - 1]) * (r - x[k - 1]) / (x[k] - x[k - 1]);
        }
        return y[y.length - 1];
    }

    @Test
    void histogramCalibrationMapsEachBinToItsRatio() {
        OnnxGraphBuilder.write(TestModels.gaussianGraph(TestModels.gaussians3(), "x", "out", false), dir.resolve("g.onnx"));
        var h = new Histogram(new double[]{0.1, 0.5, 1.0, 2.0, 10.0}, new double[]{0.3, 0.8, 1.5, 4.0});
        var sc = gaussSidecar(OutputConvention.LOG_RATIO).withCalibration(h);
        Sidecars.write(sc, dir.resolve("h.json"));
        double[][] cols = TestModels.randomColumns(13, 3, 2000, 1.5, 0.0);
        var g = TestModels.gaussians3();
        try (RatioModel m = RatioModel.load(dir.resolve("h.json"))) {
            double[] lr = m.logRatios(cols);
            int[] hits = new int[4];
            for (int i = 0; i < lr.length; i++) {
                double r = Math.exp(g.logRatio(TestModels.roundToFloat(TestModels.row(cols, i))));
                if (Math.abs(Math.log(r)) > 1e-4 && isNearEdge(r, h.edges())) continue; // float32 could cross an edge
                int bin = 0;
                while (bin < 3 && r >= h.edges()[bin + 1]) bin++;
                hits[bin]++;
                assertEquals(Math.log(h.ratios()[bin]), lr[i], 1e-12, "row " + i + " r=" + r);
            }
            for (int b = 0; b < 4; b++) assertTrue(hits[b] > 0, "bin " + b + " never hit; test data too narrow");
        }
    }

    private static boolean isNearEdge(double r, double[] edges) {
        for (double e : edges) if (Math.abs(r / e - 1) < 1e-4) return true;
        return false;
    }

    @Test
    void scoresAreClippedAndCounted() {
        // a huge last-layer weight drives the sigmoid to exactly 0 or 1 in float32
        double[][] w = {{60.0}};
        List<Layer> layers = List.of(new Layer(w, new double[]{0}, Activation.SIGMOID));
        OnnxMlpWriter.write(dir.resolve("c.onnx"), "x", "s", layers);
        Sidecars.write(ModelSidecar.binary("clip", "c.onnx", "x", List.of("t"), OutputConvention.SCORE, "S", "B"), dir.resolve("c.json"));
        try (RatioModel m = RatioModel.load(dir.resolve("c.json"))) {
            Evaluation ev = m.evaluate(new double[][]{{-2, -1, 0, 0.01, 1, 2}}, null);
            assertEquals(2, ev.clippedLow());
            assertEquals(2, ev.clippedHigh());
            double lim = Math.log((1 - 1e-9) / 1e-9);
            assertEquals(-lim, ev.logRatio()[0], 1e-6);
            assertEquals(lim, ev.logRatio()[5], 1e-6);
            assertEquals(0, ev.logRatio()[2], 1e-7);
            assertEquals(0.6, ev.logRatio()[3], 1e-4);
        }
    }

    @Test
    void chunkingThreadsAndProgressDoNotChangeResults() {
        OnnxGraphBuilder.write(TestModels.gaussianGraph(TestModels.gaussians3(), "x", "out", true), dir.resolve("g.onnx"));
        Sidecars.write(gaussSidecar(OutputConvention.SCORE), dir.resolve("g.json"));
        double[][] cols = TestModels.randomColumns(14, 3, 1003, 1.0, 0.0);
        List<long[]> calls = new ArrayList<>();
        double[] one, chunked;
        try (RatioModel m = RatioModel.load(dir.resolve("g.json"))) {
            one = m.logRatios(cols);
        }
        var opts = InferenceOptions.DEFAULT.withChunkRows(100).withIntraOpThreads(1).withProgress((t, d, n) -> calls.add(new long[]{d, n}));
        try (RatioModel m = RatioModel.load(dir.resolve("g.json"), opts)) {
            chunked = m.logRatios(cols);
        }
        for (int i = 0; i < one.length; i++) assertEquals(one[i], chunked[i], 0.0, "row " + i);
        assertEquals(11, calls.size());
        assertEquals(1003, calls.get(10)[0]);
        assertEquals(1003, calls.get(10)[1]);
    }

    @Test
    void columnsByNameInAnyMapOrder() {
        OnnxGraphBuilder.write(TestModels.gaussianGraph(TestModels.gaussians3(), "x", "out", false), dir.resolve("g.onnx"));
        Sidecars.write(gaussSidecar(OutputConvention.LOG_RATIO), dir.resolve("g.json"));
        double[][] cols = TestModels.randomColumns(15, 3, 50, 1.0, 0.0);
        Map<String, double[]> byName = new HashMap<>();
        byName.put("c", cols[2]);
        byName.put("extra", new double[50]);
        byName.put("a", cols[0]);
        byName.put("b", cols[1]);
        try (RatioModel m = RatioModel.load(dir.resolve("g.json"))) {
            double[] x = m.logRatios(cols), y = m.logRatios(byName);
            for (int i = 0; i < 50; i++) assertEquals(x[i], y[i], 0.0);
        }
    }
}
