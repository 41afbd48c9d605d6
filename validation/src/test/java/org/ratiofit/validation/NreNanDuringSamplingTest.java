package org.ratiofit.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratiofit.objective.ParameterSpec;
import org.ratiofit.ratio.ModelSidecar;
import org.ratiofit.ratio.RatioModel;
import org.ratiofit.ratio.Sidecars;
import org.ratiofit.ratio.onnx.OnnxGraphBuilder;
import org.ratiofit.samplers.nuts.NutsChainFailedException;
import org.ratiofit.samplers.nuts.NutsSampler;
import org.ratiofit.samplers.nuts.NutsSettings;
import org.ratiofit.samplers.nuts.Prior;
import org.ratiofit.workspace.nre.NetworkNanException;
import org.ratiofit.workspace.nre.RatioLikelihood;

/**
 * A ratio network that returns NaN for mu above a cut C: the likelihood raises
 * {@link NetworkNanException} (model, row, θ) there rather than hiding it as +∞, a genuine
 * ln r = −∞ still gives +∞, and NUTS started below the cut stops with a
 * {@link NutsChainFailedException} naming the chain, the iteration and the draw's mu (above C).
 */
class NreNanDuringSamplingTest {

    private static final double C = 1.3;

    @TempDir
    Path dir;

    /**
     * ln r(x | mu) = −(x − mu)²/2 + x²/2 + g(mu): with {@code nan}, g = 0·ln(C − mu), NaN for mu > C
     * and 0 below; otherwise g = ln relu(C − mu), −∞ for mu ≥ C.
     */
    private RatioModel model(String name, boolean nan) {
        OnnxGraphBuilder b = new OnnxGraphBuilder(name);
        b.input("in", OnnxGraphBuilder.BATCH, 2);
        String x = b.node("MatMul", "x", "in", b.initializer("sx", new double[] {1, 0}, 2, 1));
        String mu = b.node("MatMul", "mu", "in", b.initializer("sm", new double[] {0, 1}, 2, 1));
        String d = b.node("Sub", "d", x, mu);
        String quad = b.node("Mul", "q", b.node("Sub", "dd", b.node("Mul", "xx", x, x), b.node("Mul", "d2", d, d)),
                b.initializer("half", new double[] {0.5}, 1));
        String gap = b.node("Sub", "gap", b.initializer("c", new double[] {C}, 1), mu);
        String g = nan ? b.node("Mul", "g", b.node("Log", "lg", gap), b.initializer("zero", new double[] {0}, 1))
                : b.node("Log", "g", b.node("Relu", "rg", gap));
        b.nodeNamed("Add", List.of(quad, g), "lr", Map.of());
        b.output("lr", OnnxGraphBuilder.BATCH, 1);
        OnnxGraphBuilder.write(b.build(), dir.resolve(name + ".onnx"));
        Sidecars.write(ModelSidecar.binary(name, name + ".onnx", "in", List.of("x"), ModelSidecar.OutputConvention.LOG_RATIO,
                "N(mu, 1)", "N(0, 1)").withParameters(List.of("mu"), null), dir.resolve(name + ".json"));
        return RatioModel.load(dir.resolve(name + ".json"));
    }

    private static double[] data(int n) {
        Random r = new Random(5);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = 1.0 + r.nextGaussian();
        return x;
    }

    @Test
    void nanRaisesAndMinusInfinityStaysAZeroLikelihood() {
        double[] x = data(40);
        List<ParameterSpec> params = List.of(ParameterSpec.free("mu", 1.0, 0.1));
        try (RatioModel nan = model("nanny", true); RatioModel inf = model("zero", false)) {
            RatioLikelihood l = RatioLikelihood.iid(nan, new double[][] {x}, null, params);
            assertTrue(Double.isFinite(l.value(new double[] {1.0})));
            NetworkNanException e = assertThrows(NetworkNanException.class, () -> l.value(new double[] {1.7}));
            assertEquals("nanny", e.model());
            assertEquals(0, e.row());
            assertTrue(e.getMessage().contains("ratio model 'nanny' returned NaN for observation row 0") && e.getMessage().contains("mu = 1.7"),
                    e.getMessage());
            // a later batch: the row is counted over all events
            NetworkNanException e2 = assertThrows(NetworkNanException.class, () -> l.withBatchSize(7).value(new double[] {1.7}));
            assertEquals(0, e2.row());
            RatioLikelihood z = RatioLikelihood.iid(inf, new double[][] {x}, null, params);
            assertTrue(Double.isFinite(z.value(new double[] {1.0})));
            assertEquals(Double.POSITIVE_INFINITY, z.value(new double[] {1.7}));
        }
    }

    /**
     * A dense chain (the batched fast path): relu layers that multiply (mu − C)⁺ by 1e38, then 3e38 each, so
     * above C the hidden units overflow to +∞ and the output h₁ − h₂ is ∞ − ∞ = NaN; below C all
     * is 0. Nine layers overflow for mu − C ≥ 0.4.
     */
    private RatioModel denseModel(String name) {
        List<org.ratiofit.ratio.onnx.OnnxMlpWriter.Layer> layers = new java.util.ArrayList<>();
        double big = 3e38;
        double first = 1e38; // (first · C stays a finite float32)
        layers.add(new org.ratiofit.ratio.onnx.OnnxMlpWriter.Layer(new double[][] {{0, first}, {0, first}}, new double[] {-first * C, -first * C},
                org.ratiofit.ratio.onnx.OnnxMlpWriter.Activation.RELU, 0));
        for (int l = 0; l < 8; l++) {
            layers.add(new org.ratiofit.ratio.onnx.OnnxMlpWriter.Layer(new double[][] {{big, 0}, {0, big}}, new double[] {0, 0},
                    org.ratiofit.ratio.onnx.OnnxMlpWriter.Activation.RELU, 0));
        }
        layers.add(new org.ratiofit.ratio.onnx.OnnxMlpWriter.Layer(new double[][] {{1, -1}}, new double[] {0},
                org.ratiofit.ratio.onnx.OnnxMlpWriter.Activation.IDENTITY, 0));
        OnnxGraphBuilder.write(org.ratiofit.ratio.onnx.OnnxMlpWriter.mlp("in", "out", layers), dir.resolve(name + ".onnx"));
        Sidecars.write(ModelSidecar.binary(name, name + ".onnx", "in", List.of("x"), ModelSidecar.OutputConvention.LOG_RATIO,
                "p(x|mu)", "p(x)").withParameters(List.of("mu"), null), dir.resolve(name + ".json"));
        return RatioModel.load(dir.resolve(name + ".json"));
    }

    @Test
    void fastPathNanRaisesToo() {
        double[] x = data(40);
        List<ParameterSpec> params = List.of(ParameterSpec.free("mu", 1.0, 0.1));
        try (RatioModel m = denseModel("dense")) {
            RatioLikelihood l = RatioLikelihood.iid(m, new double[][] {x}, null, params);
            assertTrue(l.fastPath());
            assertEquals(0.0, l.value(new double[] {1.0}), 0.0); // −0.0 from −Σ 0
            NetworkNanException e = assertThrows(NetworkNanException.class, () -> l.value(new double[] {2.0}));
            assertEquals("dense", e.model());
            assertTrue(e.getMessage().contains("mu = 2.0"), e.getMessage());
        }
    }

    @Test
    void nutsStopsNamingChainIterationAndDraw() {
        double[] x = data(40); // posterior of mu ≈ N(1.1, 0.16): NUTS soon steps above C
        List<ParameterSpec> params = List.of(ParameterSpec.free("mu", 1.0, 0.1));
        try (RatioModel nan = model("nanny", true)) {
            RatioLikelihood l = RatioLikelihood.iid(nan, new double[][] {x}, null, params);
            NutsChainFailedException e = assertThrows(NutsChainFailedException.class, () -> NutsSampler.sample(l,
                    Map.of("mu", Prior.normal(0, 10)), NutsSettings.defaults().chains(2).threads(2).warmup(200).samples(200).seed(3).quiet(true)));
            String m = e.getMessage();
            assertTrue(e.chain() == 1 || e.chain() == 2, m);
            assertTrue(m.startsWith("NUTS chain " + e.chain() + " stopped at " + e.phase() + " iteration " + e.iteration() + ", at the draw mu = "), m);
            assertTrue(List.of("initialisation", "warm-up", "sampling").contains(e.phase()), m);
            double mu = e.parameters().get("mu");
            assertTrue(mu > C, "the failing draw lies in the NaN region: " + m);
            assertTrue(m.contains("ratio model 'nanny' returned NaN for observation row 0") && m.contains("mu = " + mu), m);
            assertTrue(e.getCause() instanceof NetworkNanException, m);
        }
    }
}
