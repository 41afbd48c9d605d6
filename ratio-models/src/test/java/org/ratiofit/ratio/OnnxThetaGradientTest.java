package org.ratiofit.ratio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
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

/**
 * The derived ONNX θ-gradient graph run by ONNX Runtime against the double-precision batched path
 * ({@link BatchedThetaGradient.Precision#FLOAT64}) and against central differences of that path's
 * value: within float32 rounding through the layers (2e-5 of Σ|w ln r| and of Σ|w ∂ln r/∂θ_j|,
 * the bound the Java FLOAT32 path meets too).
 */
class OnnxThetaGradientTest {
    @TempDir
    Path dir;

    private static final Activation[] HIDDEN = {Activation.RELU, Activation.TANH, Activation.SWISH, Activation.LEAKY_RELU,
            Activation.ELU, Activation.SOFTPLUS, Activation.SIGMOID, Activation.IDENTITY};

    /** 3 features + 2 θ, two hidden layers of activations a1 and a2, scalers on features and θ. */
    private RatioModel model(long seed, boolean separateTheta, OutputConvention conv, Activation a1, Activation a2, int width) {
        Activation last = conv == OutputConvention.SCORE ? Activation.SIGMOID : Activation.IDENTITY;
        List<Layer> layers = TestModels.randomLayers(seed, new int[] {5, width, width, 1}, new Activation[] {a1, a2, last}, 1.3);
        List<Input> inputs = separateTheta ? List.of(new Input("x", 3), new Input("theta", 2)) : List.of(new Input("x", 5));
        String f = "o" + seed + ".onnx";
        OnnxGraphBuilder.write(OnnxMlpWriter.mlp(inputs, "y", layers), dir.resolve(f));
        var sc = ModelSidecar.binary("onnxgrad" + seed, f, "x", List.of("a", "b", "c"), conv, "H(θ)", "H(ref)")
                .withParameters(List.of("mu", "nu"), separateTheta ? "theta" : null)
                .withScaling(List.of(new ModelSidecar.Standard(List.of("a", "mu"), new double[] {0.1, 1.0}, new double[] {1.5, 0.5}),
                        new ModelSidecar.MinMax(List.of("nu"), new double[] {-3}, new double[] {3}, new double[] {-1.5, 1.5}),
                        new ModelSidecar.YeoJohnson(List.of("b"), new double[] {1.3}, null, null)))
                .withCalibration(seed % 2 == 0 ? new ModelSidecar.Platt(0.95, 0.02) : null);
        Sidecars.write(sc, dir.resolve("o" + seed + ".json"));
        return RatioModel.load(dir.resolve("o" + seed + ".json"));
    }

    /** Σ|w ln r| and Σ|w ∂ln r/∂θ_j| from the double per-event path: the scales of float rounding. */
    private static double[] scales(BatchedThetaGradient f64, double[] theta, double[] w) {
        int n = f64.events();
        double[][] tc = new double[theta.length][n];
        for (int j = 0; j < theta.length; j++) java.util.Arrays.fill(tc[j], theta[j]);
        double[] lr = new double[n];
        double[][] gr = new double[theta.length][n];
        f64.perEvent(tc, 0, n, lr, gr);
        double[] s = new double[1 + theta.length];
        for (int i = 0; i < n; i++) {
            double wi = w == null ? 1 : w[i];
            s[0] += wi * Math.abs(lr[i]);
            for (int j = 0; j < theta.length; j++) s[1 + j] += wi * Math.abs(gr[j][i]);
        }
        return s;
    }

    private static void assertAgree(BatchedThetaGradient f64, OnnxThetaGradient onnx, double[] theta, double[] w, String what) {
        double[] s = scales(f64, theta, w);
        double[] g64 = new double[theta.length], gOnnx = new double[theta.length];
        double v64 = f64.sum(theta, w, g64);
        double vOnnx = onnx.sum(theta, w, gOnnx);
        assertEquals(v64, vOnnx, 2e-5 * s[0], what + " value");
        for (int j = 0; j < theta.length; j++) assertEquals(g64[j], gOnnx[j], 2e-5 * s[1 + j] + 1e-12, what + " θ" + j);
    }

    /** Every activation of the chain in each hidden slot, all output conventions, θ separate or concatenated. */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
    void agreesWithTheDoublePath(long seed) {
        boolean separate = seed % 2 == 0;
        OutputConvention conv = List.of(OutputConvention.SCORE, OutputConvention.LOGIT, OutputConvention.LOG_RATIO).get((int) (seed % 3));
        Activation a1 = HIDDEN[(int) (seed % HIDDEN.length)];
        Activation a2 = HIDDEN[(int) ((seed * 3 + 1) % HIDDEN.length)];
        int n = seed % 4 == 0 ? 3000 : 200;
        double[][] cols = TestModels.randomColumns(seed, 3, n, 1.0, 0.2);
        double[] w = new double[n];
        Random r = new Random(seed);
        for (int i = 0; i < n; i++) w[i] = 0.5 + r.nextDouble();
        try (RatioModel m = model(seed, separate, conv, a1, a2, seed % 3 == 0 ? 64 : 16);
             OnnxThetaGradient onnx = OnnxThetaGradient.of(m, cols, 1)) {
            assertNotNull(onnx);
            assertEquals(List.of("output", "theta_gradient"), onnx.outputNames());
            BatchedThetaGradient f64 = BatchedThetaGradient.of(m, cols, BatchedThetaGradient.Precision.FLOAT64);
            String what = "seed " + seed + " " + a1 + "/" + a2 + " " + conv + (separate ? " separate θ" : " concatenated θ");
            // several θ in a row: the θ buffer that ONNX Runtime reads in place is rewritten per call
            for (int k = 0; k < 3; k++) {
                double[] theta = {0.3 + 0.1 * (seed % 5) + 0.4 * r.nextGaussian(), -0.4 + 0.4 * r.nextGaussian()};
                assertAgree(f64, onnx, theta, k == 1 ? null : w, what + " call " + k);
            }
        }
    }

    /** The ONNX gradient against central differences (step 1e-6) of the double value. */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {21, 22, 23, 24, 25, 26, 27, 28})
    void gradientMatchesFiniteDifferences(long seed) {
        double[][] cols = TestModels.randomColumns(seed, 3, 400, 1.0, 0.0);
        double[] theta = {0.2, 0.6};
        Activation a = HIDDEN[(int) (seed % HIDDEN.length)];
        try (RatioModel m = model(seed, seed % 2 == 0, OutputConvention.LOGIT, a, Activation.SWISH, 24);
             OnnxThetaGradient onnx = OnnxThetaGradient.of(m, cols, 2)) {
            BatchedThetaGradient f64 = BatchedThetaGradient.of(m, cols, BatchedThetaGradient.Precision.FLOAT64);
            double[] g = new double[2];
            onnx.sum(theta, null, g);
            double[] s = scales(f64, theta, null);
            for (int j = 0; j < 2; j++) {
                double h = 1e-6;
                double[] tp = theta.clone(), tm = theta.clone();
                tp[j] += h;
                tm[j] -= h;
                double fd = (f64.value(tp, null) - f64.value(tm, null)) / (2 * h);
                assertEquals(fd, g[j], 2e-5 * s[1 + j] + 1e-4 * Math.abs(fd) + 1e-9, "seed " + seed + " " + a + " θ" + j);
            }
        }
    }

    /** The committed drift-diffusion network (3 × 64 swish, logit output) on 200 and 5000 trials. */
    @Test
    void ddmNetworkAgreesWithTheDoublePathAndFiniteDifferences() {
        Path sidecar = Path.of("..", "examples", "models", "ddm", "ddm-nre.json");
        Random r = new Random(19);
        for (int n : new int[] {200, 5000}) {
            double[][] cols = {new double[n], new double[n]};
            for (int i = 0; i < n; i++) {
                cols[0][i] = 0.4 + r.nextDouble() * 2.5; // response time (s), above t = 0.3
                cols[1][i] = r.nextBoolean() ? 1 : -1;
            }
            try (RatioModel m = RatioModel.load(sidecar); OnnxThetaGradient onnx = OnnxThetaGradient.of(m, cols, 1)) {
                assertNotNull(onnx, BatchedThetaGradient.whyNot(m));
                BatchedThetaGradient f64 = BatchedThetaGradient.of(m, cols, BatchedThetaGradient.Precision.FLOAT64);
                double[] theta = {0.5, 1.5, 0.5, 0.3};
                assertAgree(f64, onnx, theta, null, "DDM " + n + " trials");
                double[] g = new double[4];
                onnx.sum(theta, null, g);
                double[] s = scales(f64, theta, null);
                for (int j = 0; j < 4; j++) {
                    double h = 1e-6;
                    double[] tp = theta.clone(), tm = theta.clone();
                    tp[j] += h;
                    tm[j] -= h;
                    double fd = (f64.value(tp, null) - f64.value(tm, null)) / (2 * h);
                    assertEquals(fd, g[j], 2e-5 * s[1 + j] + 1e-4 * Math.abs(fd), "DDM " + n + " trials θ" + j);
                }
            }
        }
    }
}
