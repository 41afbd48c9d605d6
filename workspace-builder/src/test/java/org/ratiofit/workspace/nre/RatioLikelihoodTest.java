package org.ratiofit.workspace.nre;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ratiofit.objective.ParameterSpec;
import org.ratiofit.ratio.ModelSidecar;
import org.ratiofit.ratio.RatioModel;
import org.ratiofit.ratio.Sidecars;
import org.ratiofit.ratio.onnx.OnnxGraphBuilder;

/**
 * The ratio-model likelihood on the exact normal-model ratio ln N(x; mu, sigma) − ln N(x; 0, tau):
 * values against the normal log-likelihood (equal up to a constant), gradients against the
 * analytic ones and finite differences, for one θ and for θ as a linear predictor.
 */
class RatioLikelihoodTest {

    private static final double TAU = 3.0;

    @TempDir
    Path dir;

    /**
     * The normal-model ratio with θ = (mu, sigma) appended to x in one input [batch, 3]; with
     * {@code pow} the square is written with Pow, which forces finite differences.
     */
    private RatioModel normalModel(String name, boolean pow) {
        OnnxGraphBuilder b = new OnnxGraphBuilder(name);
        b.input("in", OnnxGraphBuilder.BATCH, 3);
        String sx = b.initializer("sx", new double[] {1, 0, 0}, 3, 1);
        String sm = b.initializer("sm", new double[] {0, 1, 0}, 3, 1);
        String ss = b.initializer("ss", new double[] {0, 0, 1}, 3, 1);
        String mh = b.initializer("mh", new double[] {-0.5}, 1);
        // the reference term (its float32 constant and the dropped ln tau) does not depend on θ: it cancels in the tests
        String k = b.initializer("k", new double[] {0.5 / (TAU * TAU)}, 1);
        String x = b.node("MatMul", "x", "in", sx);
        String mu = b.node("MatMul", "mu", "in", sm);
        String sigma = b.node("MatMul", "sigma", "in", ss);
        String z = b.node("Div", "z", b.node("Sub", "d", x, mu), sigma);
        String zz = pow ? b.node("Pow", "zz", z, b.initializer("two", new double[] {2}, 1)) : b.node("Mul", "zz", z, z);
        String num = b.node("Sub", "num", b.node("Mul", "hz", zz, mh), b.node("Log", "ls", sigma));
        String ref = b.node("Mul", "ref", b.node("Mul", "xx", x, x), k);
        b.nodeNamed("Add", List.of(num, ref), "lr", Map.of());
        b.output("lr", OnnxGraphBuilder.BATCH, 1);
        OnnxGraphBuilder.write(b.build(), dir.resolve(name + ".onnx"));
        ModelSidecar sc = ModelSidecar.binary(name, name + ".onnx", "in", List.of("x"), ModelSidecar.OutputConvention.LOG_RATIO,
                "N(mu, sigma)", "N(0, tau)").withParameters(List.of("mu", "sigma"), null);
        Sidecars.write(sc, dir.resolve(name + ".json"));
        return RatioModel.load(dir.resolve(name + ".json"));
    }

    /** −Σ w ln N(y_i; m_i, sigma) with constants dropped, and its gradient in (m-coefficients..., sigma). */
    private static double normalNll(double[] y, double[] w, double[] m, double sigma) {
        double s = 0;
        for (int i = 0; i < y.length; i++) {
            double z = (y[i] - m[i]) / sigma;
            s += (w == null ? 1 : w[i]) * (0.5 * z * z + Math.log(sigma));
        }
        return s;
    }

    private static double[] gaussian(long seed, int n, double mu, double sigma) {
        Random r = new Random(seed);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = mu + sigma * r.nextGaussian();
        return x;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4})
    void iidLikelihoodIsTheNormalLikelihoodUpToAConstant(long seed) {
        int n = 57;
        double[] x = gaussian(seed, n, 0.4, 1.3);
        Random r = new Random(seed + 100);
        double[] w = seed % 2 == 0 ? null : new double[n];
        if (w != null) for (int i = 0; i < n; i++) w[i] = 0.5 + r.nextDouble();
        // parameters in another order than the model's, and batches that do not divide n
        List<ParameterSpec> params = List.of(ParameterSpec.bounded("sigma", 1, 0.1, 0, Double.POSITIVE_INFINITY), ParameterSpec.free("mu", 0, 0.1));
        try (RatioModel m = normalModel("normal" + seed, false)) {
            RatioLikelihood lik = RatioLikelihood.iid(m, new double[][] {x}, w, params).withBatchSize(seed % 2 == 0 ? 10 : 64);
            assertTrue(lik.exactGradient());
            double first = Double.NaN;
            for (int t = 0; t < 5; t++) {
                double mu = -1 + 2 * r.nextDouble();
                double sigma = 0.5 + 2 * r.nextDouble();
                double[] phi = {sigma, mu};
                double[] g = new double[2];
                double v = lik.valueAndGradient(phi, g);
                double[] mean = new double[n];
                java.util.Arrays.fill(mean, mu);
                double c = v - normalNll(x, w, mean, sigma);
                if (t == 0) first = c;
                assertEquals(first, c, 1e-9 * n, "seed " + seed + " point " + t + ": value minus the normal nll");
                double gMu = 0, gSigma = 0;
                for (int i = 0; i < n; i++) {
                    double wi = w == null ? 1 : w[i];
                    double d = x[i] - mu;
                    gMu -= wi * d / (sigma * sigma);
                    gSigma += wi * (1 / sigma - d * d / (sigma * sigma * sigma));
                }
                assertEquals(gSigma, g[0], 1e-9 * (1 + Math.abs(gSigma)), "seed " + seed + " d/dsigma at point " + t);
                assertEquals(gMu, g[1], 1e-9 * (1 + Math.abs(gMu)), "seed " + seed + " d/dmu at point " + t);
                assertEquals(v, lik.value(phi), 0.0, "seed " + seed + ": value() equals valueAndGradient()");
            }
            assertEquals(Double.POSITIVE_INFINITY, lik.value(new double[] {-0.1, 0}), "sigma below its bound");
            assertEquals(Double.POSITIVE_INFINITY, lik.value(new double[] {1e-300, 400}), "ln r = −∞ where sigma → 0");
        }
    }

    /** Regression y = a + b·x + N(0, sigma) with the mean as a per-event linear predictor. */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {5, 6, 7})
    void linearPredictorGivesTheRegressionLikelihood(long seed) {
        int n = 41;
        Random r = new Random(seed);
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = -1 + 3 * r.nextDouble();
            y[i] = 0.3 - 0.8 * x[i] + 0.6 * r.nextGaussian();
        }
        List<ParameterSpec> params = List.of(ParameterSpec.free("a", 0, 0.1), ParameterSpec.free("b", 0, 0.1),
                ParameterSpec.bounded("sigma", 1, 0.1, 0, Double.POSITIVE_INFINITY));
        try (RatioModel m = normalModel("reg" + seed, false)) {
            LinearPredictor link = LinearPredictor.builder(List.of("a", "b", "sigma"), m.parameters(), n)
                    .term("mu", "a").term("mu", "b", x).term("sigma", "sigma").build();
            RatioLikelihood lik = RatioLikelihood.linked(m, new double[][] {y}, null, params, link).withBatchSize(16);
            RatioLikelihood oneBatch = RatioLikelihood.linked(m, new double[][] {y}, null, params, link);
            double first = Double.NaN;
            for (int t = 0; t < 4; t++) {
                double[] phi = {-0.5 + r.nextDouble(), -1.5 + r.nextDouble(), 0.4 + r.nextDouble()};
                double[] g = new double[3];
                double v = lik.valueAndGradient(phi, g);
                double[] mean = new double[n];
                for (int i = 0; i < n; i++) mean[i] = phi[0] + phi[1] * x[i];
                double c = v - normalNll(y, null, mean, phi[2]);
                if (t == 0) first = c;
                assertEquals(first, c, 1e-9 * n, "seed " + seed + " point " + t);
                for (int k = 0; k < 3; k++) {
                    double h = 1e-6;
                    double[] up = phi.clone(), dn = phi.clone();
                    up[k] += h;
                    dn[k] -= h;
                    double fd = (normalNll(y, null, shifted(x, up), up[2]) - normalNll(y, null, shifted(x, dn), dn[2])) / (2 * h);
                    assertEquals(fd, g[k], 1e-5 * (1 + Math.abs(fd)), "seed " + seed + " point " + t + " parameter " + params.get(k).name());
                }
                double[] g1 = new double[3];
                assertEquals(v, oneBatch.valueAndGradient(phi, g1), 1e-10 * (1 + Math.abs(v)), "seed " + seed + ": batches of 16 against one batch");
                for (int k = 0; k < 3; k++) assertEquals(g[k], g1[k], 1e-10 * (1 + Math.abs(g[k])), "seed " + seed + " parameter " + k);
            }
        }
    }

    /**
     * A dense-chain network (the fast path): FLOAT32 against the default FLOAT64, for one θ and for
     * θ per event, within float rounding; the precision survives withBatchSize.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {11, 12})
    void float32PrecisionAgreesWithFloat64(long seed) {
        Random r = new Random(seed);
        int[] widths = {3, 24, 24, 1};
        List<org.ratiofit.ratio.onnx.OnnxMlpWriter.Layer> layers = new ArrayList<>();
        for (int l = 0; l + 1 < widths.length; l++) {
            double[][] wt = new double[widths[l + 1]][widths[l]];
            double[] b = new double[widths[l + 1]];
            for (double[] row : wt) for (int i = 0; i < row.length; i++) row[i] = 1.2 * r.nextGaussian() / Math.sqrt(widths[l]);
            for (int i = 0; i < b.length; i++) b[i] = 0.1 * r.nextGaussian();
            layers.add(new org.ratiofit.ratio.onnx.OnnxMlpWriter.Layer(wt, b, l + 2 == widths.length ? org.ratiofit.ratio.onnx.OnnxMlpWriter.Activation.IDENTITY
                    : org.ratiofit.ratio.onnx.OnnxMlpWriter.Activation.SWISH, 0));
        }
        OnnxGraphBuilder.write(org.ratiofit.ratio.onnx.OnnxMlpWriter.mlp("in", "out", layers), dir.resolve("mlp.onnx"));
        Sidecars.write(ModelSidecar.binary("mlp", "mlp.onnx", "in", List.of("x"), ModelSidecar.OutputConvention.LOGIT, "p(x|θ)", "p(x)")
                .withParameters(List.of("mu", "sigma"), null), dir.resolve("mlp.json"));
        int n = 300;
        double[] x = gaussian(seed, n, 0.2, 1.1);
        List<ParameterSpec> params = List.of(ParameterSpec.free("mu", 0, 0.1), ParameterSpec.bounded("sigma", 1, 0.1, 0, 10));
        try (RatioModel m = RatioModel.load(dir.resolve("mlp.json"))) {
            RatioLikelihood f64 = RatioLikelihood.iid(m, new double[][] {x}, null, params);
            RatioLikelihood f32 = f64.withPrecision(org.ratiofit.ratio.BatchedThetaGradient.Precision.FLOAT32).withBatchSize(100);
            assertTrue(f64.fastPath());
            assertTrue(f32.fastPath());
            assertEquals(org.ratiofit.ratio.BatchedThetaGradient.Precision.FLOAT64, f64.precision());
            assertEquals(org.ratiofit.ratio.BatchedThetaGradient.Precision.FLOAT32, f32.precision());
            LinearPredictor link = LinearPredictor.builder(List.of("a", "b", "sigma"), m.parameters(), n)
                    .term("mu", "a").term("mu", "b", gaussian(seed + 1, n, 0, 1)).term("sigma", "sigma").build();
            List<ParameterSpec> lp = List.of(ParameterSpec.free("a", 0, 0.1), ParameterSpec.free("b", 0, 0.1), ParameterSpec.bounded("sigma", 1, 0.1, 0, 10));
            RatioLikelihood l64 = RatioLikelihood.linked(m, new double[][] {x}, null, lp, link);
            RatioLikelihood l32 = l64.withPrecision(org.ratiofit.ratio.BatchedThetaGradient.Precision.FLOAT32);
            for (int t = 0; t < 3; t++) {
                double[] phi = {-0.5 + r.nextDouble(), 0.6 + r.nextDouble()};
                double[] g64 = new double[2], g32 = new double[2];
                double v64 = f64.valueAndGradient(phi, g64), v32 = f32.valueAndGradient(phi, g32);
                assertEquals(v64, v32, 1e-5 * (n + Math.abs(v64)), "seed " + seed + " point " + t);
                for (int k = 0; k < 2; k++) assertEquals(g64[k], g32[k], 1e-5 * (n + Math.abs(g64[k])), "seed " + seed + " point " + t + " θ" + k);
                double[] psi = {phi[0], 0.3 * r.nextGaussian(), phi[1]};
                double[] h64 = new double[3], h32 = new double[3];
                double w64 = l64.valueAndGradient(psi, h64), w32 = l32.valueAndGradient(psi, h32);
                assertEquals(w64, w32, 1e-5 * (n + Math.abs(w64)), "seed " + seed + " linked point " + t);
                for (int k = 0; k < 3; k++) assertEquals(h64[k], h32[k], 1e-5 * (n + Math.abs(h64[k])), "seed " + seed + " linked point " + t + " parameter " + k);
            }
        }
    }

    private static double[] shifted(double[] x, double[] phi) {
        double[] m = new double[x.length];
        for (int i = 0; i < x.length; i++) m[i] = phi[0] + phi[1] * x[i];
        return m;
    }

    @Test
    void concurrentCallsAgreeWithSequentialOnes() throws Exception {
        double[] x = gaussian(9, 300, 0.2, 0.9);
        List<ParameterSpec> params = List.of(ParameterSpec.free("mu", 0, 0.1), ParameterSpec.bounded("sigma", 1, 0.1, 0, 10));
        try (RatioModel m = normalModel("threads", false)) {
            RatioLikelihood lik = RatioLikelihood.iid(m, new double[][] {x}, null, params).withBatchSize(64);
            double[][] points = new double[40][];
            double[] expected = new double[points.length];
            for (int t = 0; t < points.length; t++) {
                points[t] = new double[] {-0.5 + 0.025 * t, 0.6 + 0.02 * t};
                expected[t] = lik.value(points[t]);
            }
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<double[]>> futures = new ArrayList<>();
                for (int rep = 0; rep < 4; rep++) {
                    futures.add(pool.submit(() -> {
                        double[] out = new double[points.length];
                        for (int t = 0; t < points.length; t++) out[t] = lik.valueAndGradient(points[t], new double[2]);
                        return out;
                    }));
                }
                for (Future<double[]> f : futures) {
                    double[] got = f.get();
                    for (int t = 0; t < points.length; t++) assertEquals(expected[t], got[t], 0.0, "point " + t);
                }
            } finally {
                pool.shutdown();
            }
        }
    }

    @Test
    void unsupportedGraphFallsBackToFiniteDifferences() {
        double[] x = gaussian(11, 80, -0.3, 1.1);
        List<ParameterSpec> params = List.of(ParameterSpec.free("mu", 0, 0.1), ParameterSpec.bounded("sigma", 1, 0.1, 0, 10));
        try (RatioModel m = normalModel("pow", true)) {
            RatioLikelihood lik = RatioLikelihood.iid(m, new double[][] {x}, null, params);
            assertFalse(lik.exactGradient());
            double mu = 0.1, sigma = 1.2;
            double[] g = new double[2];
            lik.valueAndGradient(new double[] {mu, sigma}, g);
            double gMu = 0, gSigma = 0;
            for (double v : x) {
                gMu -= (v - mu) / (sigma * sigma);
                gSigma += 1 / sigma - (v - mu) * (v - mu) / (sigma * sigma * sigma);
            }
            // float32 network outputs and a step of 5e-3: finite differences good to ~1e-3 per event
            assertEquals(gMu, g[0], 2e-3 * x.length, "d/dmu");
            assertEquals(gSigma, g[1], 2e-3 * x.length, "d/dsigma");
        }
    }

    @Test
    void badInputIsNamed() {
        double[] x = gaussian(12, 10, 0, 1);
        try (RatioModel m = normalModel("bad", false)) {
            var e = assertThrows(IllegalArgumentException.class, () -> RatioLikelihood.iid(m, new double[][] {x}, null,
                    List.of(ParameterSpec.free("mean", 0, 0.1), ParameterSpec.free("sigma", 1, 0.1))));
            assertTrue(e.getMessage().contains("[mu, sigma]") && e.getMessage().contains("[mean, sigma]"), e.getMessage());
            double[] nan = x.clone();
            nan[4] = Double.NaN;
            var e2 = assertThrows(IllegalArgumentException.class, () -> RatioLikelihood.iid(m, new double[][] {nan}, null,
                    List.of(ParameterSpec.free("mu", 0, 0.1), ParameterSpec.free("sigma", 1, 0.1))));
            assertTrue(e2.getMessage().contains("feature 'x' is NaN at event 4"), e2.getMessage());
            var e3 = assertThrows(IllegalArgumentException.class, () -> LinearPredictor.builder(List.of("a", "s"), m.parameters(), 10)
                    .term("mu", "a").build());
            assertTrue(e3.getMessage().contains("no term sets the ratio model's parameter 'sigma'"), e3.getMessage());
            var e4 = assertThrows(IllegalArgumentException.class, () -> LinearPredictor.builder(List.of("a", "s"), m.parameters(), 10)
                    .term("mu", "b"));
            assertTrue(e4.getMessage().contains("unknown parameter 'b'"), e4.getMessage());
            LinearPredictor shortLink = LinearPredictor.builder(List.of("a", "s"), m.parameters(), 9).term("mu", "a").term("sigma", "s").build();
            var e5 = assertThrows(IllegalArgumentException.class, () -> RatioLikelihood.linked(m, new double[][] {x}, null,
                    List.of(ParameterSpec.free("a", 0, 0.1), ParameterSpec.free("s", 1, 0.1)), shortLink));
            assertTrue(e5.getMessage().contains("covers 9 events, the observations have 10"), e5.getMessage());
        }
    }
}
