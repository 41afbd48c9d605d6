package org.ratiofit.ratio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ratiofit.ratio.ModelSidecar.OutputConvention;
import org.ratiofit.ratio.onnx.DenseChain;
import org.ratiofit.ratio.onnx.OnnxGraphBuilder;
import org.ratiofit.ratio.onnx.OnnxMlpWriter;
import org.ratiofit.ratio.onnx.OnnxMlpWriter.Activation;
import org.ratiofit.ratio.onnx.OnnxMlpWriter.Input;
import org.ratiofit.ratio.onnx.OnnxMlpWriter.Layer;

/** The batched fast path against the graph interpreter and against finite differences of itself. */
class BatchedThetaGradientTest {
    @TempDir
    Path dir;

    private static final Activation[] HIDDEN = {Activation.RELU, Activation.TANH, Activation.SWISH, Activation.LEAKY_RELU,
            Activation.ELU, Activation.SOFTPLUS, Activation.SIGMOID};

    /** A parametrised MLP (3 features + 2 θ, 2 hidden layers) with scalers, seeded activations and conventions. */
    private RatioModel model(long seed, boolean separateTheta, OutputConvention conv, int width) {
        Random r = new Random(seed);
        Activation a1 = HIDDEN[r.nextInt(HIDDEN.length)];
        Activation a2 = HIDDEN[r.nextInt(HIDDEN.length)];
        Activation last = conv == OutputConvention.SCORE ? Activation.SIGMOID : Activation.IDENTITY;
        List<Layer> layers = TestModels.randomLayers(seed, new int[] {5, width, width, 1}, new Activation[] {a1, a2, last}, 1.3);
        List<Input> inputs = separateTheta ? List.of(new Input("x", 3), new Input("theta", 2)) : List.of(new Input("x", 5));
        String f = "p" + seed + ".onnx";
        OnnxGraphBuilder.write(OnnxMlpWriter.mlp(inputs, "y", layers), dir.resolve(f));
        var sc = ModelSidecar.binary("param" + seed, f, "x", List.of("a", "b", "c"), conv, "H(θ)", "H(ref)")
                .withParameters(List.of("mu", "nu"), separateTheta ? "theta" : null)
                .withScaling(List.of(new ModelSidecar.Standard(List.of("a", "mu"), new double[] {0.1, 1.0}, new double[] {1.5, 0.5}),
                        new ModelSidecar.MinMax(List.of("nu"), new double[] {-3}, new double[] {3}, new double[] {-1.5, 1.5}),
                        new ModelSidecar.YeoJohnson(List.of("b"), new double[] {1.3}, null, null)))
                .withCalibration(seed % 2 == 0 ? new ModelSidecar.Platt(0.95, 0.02) : null);
        Sidecars.write(sc, dir.resolve("p" + seed + ".json"));
        return RatioModel.load(dir.resolve("p" + seed + ".json"));
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
    void sumAndPerEventAgreeWithTheGraphInterpreter(long seed) {
        boolean separate = seed % 2 == 0;
        OutputConvention conv = List.of(OutputConvention.SCORE, OutputConvention.LOGIT, OutputConvention.LOG_RATIO).get((int) (seed % 3));
        int n = seed % 4 == 0 ? 5000 : 300; // above the parallel threshold too
        double[][] cols = TestModels.randomColumns(seed, 3, n, 1.0, 0.2);
        double[] w = new double[n];
        Random r = new Random(seed);
        for (int i = 0; i < n; i++) w[i] = 0.5 + r.nextDouble();
        double[] theta = {0.3 + 0.1 * (seed % 5), -0.4};
        try (RatioModel m = model(seed, separate, conv, 16)) {
            BatchedThetaGradient fast = BatchedThetaGradient.of(m, cols);
            assertNotNull(fast, BatchedThetaGradient.whyNot(m));
            ThetaGradient ref = m.logRatioGradient(cols, theta);
            assertEquals("exact", ref.method());
            double value = 0;
            double[] grad = new double[2];
            for (int i = 0; i < n; i++) {
                value += w[i] * ref.logRatio()[i];
                for (int j = 0; j < 2; j++) grad[j] += w[i] * ref.gradient()[j][i];
            }
            double[] g = new double[2];
            double v = fast.sum(theta, w, g);
            assertEquals(value, v, 1e-9 * (1 + Math.abs(value)), "seed " + seed);
            for (int j = 0; j < 2; j++) assertEquals(grad[j], g[j], 1e-9 * (1 + Math.abs(grad[j])), "seed " + seed + " θ" + j);
            // the same for any thread count: a second call gives identical bits
            double[] g2 = new double[2];
            assertEquals(v, fast.sum(theta, w, g2));
            assertEquals(g[0], g2[0]);
            // θ per event, over a sub-range
            double[][] tc = new double[2][n];
            for (int i = 0; i < n; i++) {
                tc[0][i] = theta[0] + 0.5 * r.nextGaussian();
                tc[1][i] = theta[1] + 0.5 * r.nextGaussian();
            }
            ThetaGradient pe = m.logRatioGradientPerEvent(cols, tc);
            int from = 7, count = n - 20;
            double[][] tcSub = {java.util.Arrays.copyOfRange(tc[0], from, from + count), java.util.Arrays.copyOfRange(tc[1], from, from + count)};
            double[] lr = new double[count];
            double[][] gr = new double[2][count];
            fast.perEvent(tcSub, from, count, lr, gr);
            for (int i = 0; i < count; i++) {
                assertEquals(pe.logRatio()[from + i], lr[i], 1e-10 * (1 + Math.abs(lr[i])), "seed " + seed + " row " + i);
                for (int j = 0; j < 2; j++) {
                    assertEquals(pe.gradient()[j][from + i], gr[j][i], 1e-10 * (1 + Math.abs(gr[j][i])), "seed " + seed + " θ" + j + " row " + i);
                }
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {21, 22, 23, 24, 25, 26})
    void gradientMatchesFiniteDifferences(long seed) {
        double[][] cols = TestModels.randomColumns(seed, 3, 400, 1.0, 0.0);
        double[] theta = {0.2, 0.6};
        try (RatioModel m = model(seed, seed % 2 == 0, OutputConvention.LOGIT, 24)) {
            BatchedThetaGradient fast = BatchedThetaGradient.of(m, cols);
            double[] g = new double[2];
            fast.sum(theta, null, g);
            for (int j = 0; j < 2; j++) {
                double h = 1e-6;
                double[] tp = theta.clone(), tm = theta.clone();
                tp[j] += h;
                tm[j] -= h;
                double fd = (fast.sum(tp, null, new double[2]) - fast.sum(tm, null, new double[2])) / (2 * h);
                // ReLU-like kinks: a step of 1e-6 crosses one only rarely, and then by O(h) in the sum
                assertEquals(fd, g[j], 1e-5 * (1 + Math.abs(fd)), "seed " + seed + " θ" + j);
            }
        }
    }

    /**
     * FLOAT32 against FLOAT64 on the same model and events: the value within 2e-5 of Σ|w ln r|
     * and each gradient component within 2e-5 of Σ|w ∂ln r/∂θ| (float rounding through three
     * layers, summed in double), per-event values within 1e-4; repeated calls give the same bits.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42})
    void float32AgreesWithFloat64(long seed) {
        boolean separate = seed % 2 == 0;
        OutputConvention conv = List.of(OutputConvention.SCORE, OutputConvention.LOGIT, OutputConvention.LOG_RATIO).get((int) (seed % 3));
        int n = seed % 4 == 0 ? 5000 : 300;
        int width = new int[] {16, 20, 64}[(int) (seed % 3)];
        double[][] cols = TestModels.randomColumns(seed, 3, n, 1.0, 0.2);
        double[] w = new double[n];
        Random r = new Random(seed);
        for (int i = 0; i < n; i++) w[i] = 0.5 + r.nextDouble();
        double[] theta = {0.3 + 0.1 * (seed % 5), -0.4};
        try (RatioModel m = model(seed, separate, conv, width)) {
            BatchedThetaGradient f64 = BatchedThetaGradient.of(m, cols, BatchedThetaGradient.Precision.FLOAT64);
            BatchedThetaGradient f32 = BatchedThetaGradient.of(m, cols, BatchedThetaGradient.Precision.FLOAT32);
            assertEquals(BatchedThetaGradient.Precision.FLOAT32, f32.precision());
            // scales: Σ|w ln r| and Σ|w ∂ln r/∂θ_j| from the double per-event path
            double[][] tc = {new double[n], new double[n]};
            java.util.Arrays.fill(tc[0], theta[0]);
            java.util.Arrays.fill(tc[1], theta[1]);
            double[] lr64 = new double[n];
            double[][] gr64 = new double[2][n];
            f64.perEvent(tc, 0, n, lr64, gr64);
            double vScale = 0;
            double[] gScale = new double[2];
            for (int i = 0; i < n; i++) {
                vScale += w[i] * Math.abs(lr64[i]);
                for (int j = 0; j < 2; j++) gScale[j] += w[i] * Math.abs(gr64[j][i]);
            }
            double[] g64 = new double[2], g32 = new double[2];
            double v64 = f64.sum(theta, w, g64), v32 = f32.sum(theta, w, g32);
            assertEquals(v64, v32, 2e-5 * vScale, "seed " + seed + " value");
            for (int j = 0; j < 2; j++) assertEquals(g64[j], g32[j], 2e-5 * gScale[j] + 1e-12, "seed " + seed + " θ" + j);
            assertEquals(v32, f32.value(theta, w), "the forward pass alone gives the same value");
            double[] again = new double[2];
            assertEquals(v32, f32.sum(theta, w, again));
            assertEquals(g32[0], again[0]);
            assertEquals(g32[1], again[1]);
            // θ per event
            for (int i = 0; i < n; i++) {
                tc[0][i] = theta[0] + 0.5 * r.nextGaussian();
                tc[1][i] = theta[1] + 0.5 * r.nextGaussian();
            }
            double[] lr32 = new double[n];
            double[][] gr32 = new double[2][n];
            f64.perEvent(tc, 0, n, lr64, gr64);
            f32.perEvent(tc, 0, n, lr32, gr32);
            for (int i = 0; i < n; i++) {
                assertEquals(lr64[i], lr32[i], 1e-4 * (1 + Math.abs(lr64[i])), "seed " + seed + " row " + i);
                for (int j = 0; j < 2; j++) assertEquals(gr64[j][i], gr32[j][i], 1e-4 * (1 + Math.abs(gr64[j][i])), "seed " + seed + " θ" + j + " row " + i);
            }
        }
    }

    /**
     * The first layer recomputed per block (budget 0) against the stored one (no limit): the same
     * bits for Σ w ln r, its gradient, the forward pass alone and ln r and its gradient per event,
     * in both precisions, above and below the parallel threshold, at random θ; the streamed one
     * stores nothing in proportion to the width, and the default budget stores small sets.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {51, 52, 53, 54, 55, 56, 57, 58})
    void streamedFirstLayerIsBitIdenticalToTheStoredOne(long seed) {
        boolean separate = seed % 2 == 0;
        OutputConvention conv = List.of(OutputConvention.SCORE, OutputConvention.LOGIT, OutputConvention.LOG_RATIO).get((int) (seed % 3));
        int n = seed % 4 < 2 ? 9000 : 700;
        int width = new int[] {16, 20, 64}[(int) (seed % 3)];
        double[][] cols = TestModels.randomColumns(seed, 3, n, 1.0, 0.2);
        double[] w = new double[n];
        Random r = new Random(seed);
        for (int i = 0; i < n; i++) w[i] = 0.5 + r.nextDouble();
        try (RatioModel m = model(seed, separate, conv, width)) {
            for (BatchedThetaGradient.Precision p : BatchedThetaGradient.Precision.values()) {
                BatchedThetaGradient stored = BatchedThetaGradient.of(m, cols, p, Long.MAX_VALUE);
                BatchedThetaGradient streamed = BatchedThetaGradient.of(m, cols, p, 0);
                assertTrue(stored.storesFirstLayer());
                assertTrue(!streamed.storesFirstLayer());
                assertTrue(BatchedThetaGradient.of(m, cols, p).storesFirstLayer(), "a few thousand events fit a quarter of the heap");
                long bytes = BatchedThetaGradient.firstLayerBytes(width, n, p);
                assertTrue(!BatchedThetaGradient.of(m, cols, p, bytes - 1).storesFirstLayer());
                assertTrue(BatchedThetaGradient.of(m, cols, p, bytes).storesFirstLayer());
                for (int t = 0; t < 4; t++) {
                    double[] theta = {-1 + 2 * r.nextDouble(), -1.5 + 3 * r.nextDouble()};
                    double[] ga = new double[2], gb = new double[2];
                    double va = stored.sum(theta, w, ga), vb = streamed.sum(theta, w, gb);
                    assertEquals(Double.doubleToRawLongBits(va), Double.doubleToRawLongBits(vb), p + " seed " + seed + " value " + va + " vs " + vb);
                    for (int j = 0; j < 2; j++) assertEquals(Double.doubleToRawLongBits(ga[j]), Double.doubleToRawLongBits(gb[j]), p + " θ" + j);
                    assertEquals(stored.value(theta, null), streamed.value(theta, null), 0.0);
                    double[][] tc = new double[2][n];
                    for (int i = 0; i < n; i++) {
                        tc[0][i] = theta[0] + 0.3 * r.nextGaussian();
                        tc[1][i] = theta[1] + 0.3 * r.nextGaussian();
                    }
                    int from = 3 + t, count = n - 11;
                    double[][] sub = {java.util.Arrays.copyOfRange(tc[0], from, from + count), java.util.Arrays.copyOfRange(tc[1], from, from + count)};
                    double[] la = new double[count], lb = new double[count];
                    double[][] da = new double[2][count], db = new double[2][count];
                    stored.perEvent(sub, from, count, la, da);
                    streamed.perEvent(sub, from, count, lb, db);
                    org.junit.jupiter.api.Assertions.assertArrayEquals(la, lb, 0.0, p + " ln r per event");
                    org.junit.jupiter.api.Assertions.assertArrayEquals(da[0], db[0], 0.0, p + " gradient per event");
                    org.junit.jupiter.api.Assertions.assertArrayEquals(da[1], db[1], 0.0, p + " gradient per event");
                }
            }
            // the streamed path keeps its own copy of the columns: changing the caller's later changes nothing
            BatchedThetaGradient streamed = BatchedThetaGradient.of(m, cols, BatchedThetaGradient.Precision.FLOAT64, 0);
            double[] theta = {0.2, -0.3};
            double before = streamed.value(theta, w);
            cols[0][5] += 1;
            assertEquals(before, streamed.value(theta, w), 0.0);
            double[][] bad = TestModels.randomColumns(seed, 3, 10, 1.0, 0.2);
            bad[1][4] = Double.NaN;
            RatioModelException e = assertThrows(RatioModelException.class, () -> BatchedThetaGradient.of(m, bad, BatchedThetaGradient.Precision.FLOAT64, 0));
            assertTrue(e.getMessage().contains("NaN") && e.getMessage().contains("row 4"), e.getMessage());
        }
    }

    /**
     * An evaluator that a thread has used (its work arrays are in that thread's ThreadLocal) is
     * collected once dropped: the work arrays hold no reference back to it (before, a thread kept
     * every evaluator it had used, and its stored first layer, alive).
     */
    @Test
    void aDroppedEvaluatorIsCollected() throws Exception {
        double[][] cols = TestModels.randomColumns(61, 3, 6000, 1.0, 0.2);
        try (RatioModel m = model(61, false, OutputConvention.LOGIT, 16)) {
            java.lang.ref.WeakReference<BatchedThetaGradient> ref = evaluatorUsedHere(m, cols);
            for (int i = 0; i < 20 && ref.get() != null; i++) {
                System.gc();
                Thread.sleep(20);
            }
            assertNull(ref.get(), "the evaluator is still reachable after its last use");
        }
    }

    private static java.lang.ref.WeakReference<BatchedThetaGradient> evaluatorUsedHere(RatioModel m, double[][] cols) {
        BatchedThetaGradient f = BatchedThetaGradient.of(m, cols, BatchedThetaGradient.Precision.FLOAT64, Long.MAX_VALUE);
        double[] g = new double[2];
        f.sum(new double[] {0.1, 0.2}, null, g); // above the parallel threshold: common-pool threads too
        return new java.lang.ref.WeakReference<>(f);
    }

    /**
     * The FLOAT32 gradient against central differences: of the double value (step 1e-6, so the
     * difference is the exact gradient to 1e-9) within float rounding, and of the float value
     * itself (step 1e-2, above its rounding noise) within the step's truncation error.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {21, 22, 23, 24, 25, 26})
    void float32GradientMatchesFiniteDifferences(long seed) {
        double[][] cols = TestModels.randomColumns(seed, 3, 400, 1.0, 0.0);
        double[] theta = {0.2, 0.6};
        try (RatioModel m = model(seed, seed % 2 == 0, OutputConvention.LOGIT, 24)) {
            BatchedThetaGradient f64 = BatchedThetaGradient.of(m, cols, BatchedThetaGradient.Precision.FLOAT64);
            BatchedThetaGradient f32 = BatchedThetaGradient.of(m, cols, BatchedThetaGradient.Precision.FLOAT32);
            double[] g = new double[2];
            f32.sum(theta, null, g);
            for (int j = 0; j < 2; j++) {
                double[] tp = theta.clone(), tm = theta.clone();
                double h = 1e-6;
                tp[j] += h;
                tm[j] -= h;
                double fd = (f64.value(tp, null) - f64.value(tm, null)) / (2 * h);
                assertEquals(fd, g[j], 1e-4 * (1 + Math.abs(fd)), "seed " + seed + " θ" + j + " against the double value");
                tp = theta.clone();
                tm = theta.clone();
                h = 1e-2;
                tp[j] += h;
                tm[j] -= h;
                double fd32 = (f32.value(tp, null) - f32.value(tm, null)) / (2 * h);
                assertEquals(fd32, g[j], 2e-3 * (1 + Math.abs(fd32)), "seed " + seed + " θ" + j + " against the float value");
            }
        }
    }

    /**
     * Loading a model and evaluating it through the Java kernels opens no ONNX Runtime session;
     * the first ONNX Runtime evaluation opens one, and it agrees with the kernels. Building a
     * FLOAT32 path switches the float SIMD kernels on (its warm-up) where the vector module is there.
     */
    @Test
    void theJavaKernelsNeedNoOnnxRuntimeSession() {
        int n = 50;
        double[][] cols = TestModels.randomColumns(77, 3, n, 1.0, 0.2);
        double[] theta = {0.4, -0.3};
        try (RatioModel m = model(77, true, OutputConvention.LOGIT, 20)) {
            assertTrue(!m.sessionOpen(), "loading opened a session");
            BatchedThetaGradient f32 = BatchedThetaGradient.of(m, cols, BatchedThetaGradient.Precision.FLOAT32);
            assertEquals(FloatKernels.SIMD, BatchedThetaGradient.floatSimdInUse(), "the warm-up switches the SIMD kernels on");
            BatchedThetaGradient.of(m, cols, BatchedThetaGradient.Precision.FLOAT64);
            assertEquals(DenseKernels.SIMD, BatchedThetaGradient.simdInUse(), "the warm-up switches the double SIMD kernels on");
            double[] g = new double[2];
            f32.sum(theta, null, g);
            double[][] tc = {new double[n], new double[n]};
            java.util.Arrays.fill(tc[0], theta[0]);
            java.util.Arrays.fill(tc[1], theta[1]);
            double[] lr = new double[n];
            f32.perEvent(tc, 0, n, lr, new double[2][n]);
            assertTrue(!m.sessionOpen(), "the Java kernels opened a session");
            double[] ort = m.logRatios(cols, theta);
            assertTrue(m.sessionOpen());
            for (int i = 0; i < n; i++) assertEquals(ort[i], lr[i], 1e-4 * (1 + Math.abs(ort[i])), "row " + i);
        }
    }

    @Test
    void nonChainGraphIsRecognisedAsSuch() {
        // the exact Gaussian-shift ratio θx − θ²/2: Mul/Sub nodes, not a dense chain
        OnnxGraphBuilder b = new OnnxGraphBuilder("shift");
        b.input("x", OnnxGraphBuilder.BATCH, 1);
        b.input("theta", OnnxGraphBuilder.BATCH, 1);
        String half = b.initializer("half", new double[] {0.5}, 1);
        String tx = b.node("Mul", "tx", "theta", "x");
        String tt = b.node("Mul", "tt", "theta", "theta");
        String htt = b.node("Mul", "htt", tt, half);
        b.nodeNamed("Sub", List.of(tx, htt), "lr", Map.of());
        b.output("lr", OnnxGraphBuilder.BATCH, 1);
        OnnxGraphBuilder.write(b.build(), dir.resolve("shift.onnx"));
        Sidecars.write(ModelSidecar.binary("shift", "shift.onnx", "x", List.of("x"), OutputConvention.LOG_RATIO, "N(θ,1)", "N(0,1)")
                .withParameters(List.of("theta"), "theta"), dir.resolve("shift.json"));
        try (RatioModel m = RatioModel.load(dir.resolve("shift.json"))) {
            assertNull(BatchedThetaGradient.of(m, new double[][] {{0.1, 0.2}}));
            String why = BatchedThetaGradient.whyNot(m);
            assertTrue(why.contains("not a chain of dense layers"), why);
        }
    }

    @Test
    void matMulPlusAddLayersAndGemmWithoutTransposeAreRecognised() {
        // a torch-style export: MatMul(x, W[in,out]) + b, Relu, then Gemm(transB=0) to one output
        OnnxGraphBuilder b = new OnnxGraphBuilder("mm");
        b.input("x", OnnxGraphBuilder.BATCH, 3);
        String w0 = b.initializer("w0", new double[] {0.5, -0.25, 1, 0.75, -0.5, 0.125}, 3, 2);
        String b0 = b.initializer("b0", new double[] {0.1, -0.2}, 2);
        String w1 = b.initializer("w1", new double[] {1.5, -0.75}, 2, 1);
        String b1 = b.initializer("b1", new double[] {0.3}, 1);
        String mm = b.node("MatMul", "mm", "x", w0);
        String add = b.node("Add", "add", mm, b0);
        String relu = b.node("Tanh", "act", add);
        b.nodeNamed("Gemm", List.of(relu, w1, b1), "out", Map.of());
        b.output("out", OnnxGraphBuilder.BATCH, 1);
        var proto = b.build();
        DenseChain c = DenseChain.parse(proto);
        assertNotNull(c, DenseChain.problem());
        assertEquals(2, c.layers().size());
        // x = (1, 2, 3): z = (0.5 + 2 − 0.5, −0.25 + 1.5 + 0.375) + b0
        double z0 = 0.5 * 1 + 1 * 2 + (-0.5) * 3 + 0.1, z1 = -0.25 * 1 + 0.75 * 2 + 0.125 * 3 - 0.2;
        DenseChain.Layer l0 = c.layers().get(0);
        double s0 = l0.b()[0] + l0.w()[0] * 1 + l0.w()[1] * 2 + l0.w()[2] * 3;
        double s1 = l0.b()[1] + l0.w()[3] * 1 + l0.w()[4] * 2 + l0.w()[5] * 3;
        assertEquals(z0, s0, 1e-7);
        assertEquals(z1, s1, 1e-7);
        assertEquals(DenseChain.Act.TANH, l0.act());
        assertEquals(DenseChain.Act.IDENTITY, c.layers().get(1).act());
    }

    @Test
    void nonFiniteOutputIsReported() {
        List<Layer> layers = TestModels.randomLayers(3, new int[] {3, 4, 1}, new Activation[] {Activation.TANH, Activation.IDENTITY}, 1.0);
        OnnxGraphBuilder.write(OnnxMlpWriter.mlp(List.of(new Input("x", 3)), "y", layers), dir.resolve("n.onnx"));
        Sidecars.write(ModelSidecar.binary("n", "n.onnx", "x", List.of("a"), OutputConvention.LOGIT, "p", "q")
                .withParameters(List.of("s", "t"), null), dir.resolve("n.json"));
        try (RatioModel m = RatioModel.load(dir.resolve("n.json"))) {
            BatchedThetaGradient fast = BatchedThetaGradient.of(m, new double[][] {{0.5, 1.0}});
            assertThrows(NonFiniteOutputException.class, () -> fast.sum(new double[] {Double.NaN, 0}, null, new double[2]));
        }
    }

    /**
     * A network whose float32 output overflows (weights ~1e19: finite in double, infinite in
     * float) still builds with FLOAT32 — the kernels' warm-up on its first events does not report
     * it — and the first real call does.
     */
    @Test
    void float32WarmUpOnAnOverflowingNetworkLeavesTheReportToTheRealCall() {
        List<Layer> layers = TestModels.randomLayers(4, new int[] {3, 8, 8, 1}, new Activation[] {Activation.IDENTITY, Activation.IDENTITY, Activation.IDENTITY}, 1e19);
        OnnxGraphBuilder.write(OnnxMlpWriter.mlp(List.of(new Input("x", 3)), "y", layers), dir.resolve("o.onnx"));
        Sidecars.write(ModelSidecar.binary("o", "o.onnx", "x", List.of("a"), OutputConvention.LOG_RATIO, "p", "q")
                .withParameters(List.of("s", "t"), null), dir.resolve("o.json"));
        try (RatioModel m = RatioModel.load(dir.resolve("o.json"))) {
            double[][] cols = {{0.5, 1.0, -0.3, 0.8, 0.1, 2.0}};
            BatchedThetaGradient f32 = BatchedThetaGradient.of(m, cols, BatchedThetaGradient.Precision.FLOAT32);
            assertThrows(NonFiniteOutputException.class, () -> f32.sum(new double[] {0.2, 0.1}, null, new double[2]));
            double v64 = BatchedThetaGradient.of(m, cols, BatchedThetaGradient.Precision.FLOAT64).sum(new double[] {0.2, 0.1}, null, new double[2]);
            assertTrue(Double.isFinite(v64), "finite in double: " + v64);
        }
    }
}
