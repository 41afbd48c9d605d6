package org.ratiofit.workspace.nre;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ratiofit.objective.ParameterSpec;
import org.ratiofit.ratio.ModelSidecar;
import org.ratiofit.ratio.RatioModel;
import org.ratiofit.ratio.Sidecars;
import org.ratiofit.ratio.onnx.OnnxGraphBuilder;
import org.ratiofit.ratio.onnx.OnnxMlpWriter;

/**
 * A likelihood over an MLP ratio (the shape of a trained NRE) takes the batched fast path; its
 * value and gradient equal the general path's (the graph interpreter) to rounding, for one θ and
 * for θ per event through a linear predictor, with weights and several batches.
 */
class RatioLikelihoodFastPathTest {

    @TempDir
    Path dir;

    private RatioModel mlp(long seed) {
        Random r = new Random(seed);
        int[] widths = {3, 20, 20, 1};
        List<OnnxMlpWriter.Layer> layers = new ArrayList<>();
        for (int l = 0; l + 1 < widths.length; l++) {
            double[][] w = new double[widths[l + 1]][widths[l]];
            double[] b = new double[widths[l + 1]];
            for (double[] row : w) for (int i = 0; i < row.length; i++) row[i] = (float) (1.2 * r.nextGaussian() / Math.sqrt(widths[l]));
            for (int i = 0; i < b.length; i++) b[i] = (float) (0.1 * r.nextGaussian());
            boolean last = l + 2 == widths.length;
            layers.add(new OnnxMlpWriter.Layer(w, b, last ? OnnxMlpWriter.Activation.IDENTITY : OnnxMlpWriter.Activation.SWISH));
        }
        OnnxGraphBuilder.write(OnnxMlpWriter.mlp(List.of(new OnnxMlpWriter.Input("features", 3)), "output", layers, List.of("y", "mu", "sigma")),
                dir.resolve("nre.onnx"));
        Sidecars.write(ModelSidecar.binary("nre", "nre.onnx", "features", List.of("y"), ModelSidecar.OutputConvention.LOGIT, "p(y|θ)", "p(y)")
                .withParameters(List.of("mu", "sigma"), null)
                .withScaling(List.of(new ModelSidecar.Standard(List.of("y", "mu", "sigma"), new double[] {0.1, 0, 1.9}, new double[] {1.8, 1.7, 0.9}))),
                dir.resolve("nre.json"));
        return RatioModel.load(dir.resolve("nre.json"));
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void fastPathEqualsTheInterpreter(long seed) {
        int n = 333;
        Random r = new Random(seed);
        double[] y = new double[n], x = new double[n], w = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = -2 + 4 * r.nextDouble();
            y[i] = 0.5 - 0.8 * x[i] + 0.6 * r.nextGaussian();
            w[i] = 0.5 + r.nextDouble();
        }
        try (RatioModel m = mlp(seed)) {
            List<ParameterSpec> iidParams = List.of(ParameterSpec.bounded("sigma", 1, 0.1, 0, 10), ParameterSpec.free("mu", 0, 0.1));
            RatioLikelihood iid = RatioLikelihood.iid(m, new double[][] {y}, w, iidParams).withBatchSize(100);
            assertTrue(iid.fastPath());
            RatioLikelihood slow = iid.withoutFastPath();
            assertFalse(slow.fastPath());
            List<ParameterSpec> regParams = List.of(ParameterSpec.free("a", 0, 0.1), ParameterSpec.free("b", 0, 0.1),
                    ParameterSpec.bounded("sigma", 1, 0.1, 0, 10));
            LinearPredictor link = LinearPredictor.builder(List.of("a", "b", "sigma"), m.parameters(), n)
                    .term("mu", "a").term("mu", "b", x).term("sigma", "sigma").build();
            RatioLikelihood reg = RatioLikelihood.linked(m, new double[][] {y}, w, regParams, link).withBatchSize(128);
            assertTrue(reg.fastPath());
            RatioLikelihood regSlow = reg.withoutFastPath();
            for (int t = 0; t < 5; t++) {
                double[] phi = {0.4 + r.nextDouble(), -1 + 2 * r.nextDouble()};
                double[] g = new double[2], gs = new double[2];
                double v = iid.valueAndGradient(phi, g), vs = slow.valueAndGradient(phi, gs);
                assertEquals(vs, v, 1e-9 * (1 + Math.abs(vs)), "iid value, seed " + seed);
                for (int k = 0; k < 2; k++) assertEquals(gs[k], g[k], 1e-9 * (1 + Math.abs(gs[k])), "iid gradient " + k);
                double[] psi = {-0.5 + r.nextDouble(), -1.3 + r.nextDouble(), 0.4 + r.nextDouble()};
                double[] h = new double[3], hs = new double[3];
                double u = reg.valueAndGradient(psi, h), us = regSlow.valueAndGradient(psi, hs);
                assertEquals(us, u, 1e-9 * (1 + Math.abs(us)), "linked value, seed " + seed);
                for (int k = 0; k < 3; k++) assertEquals(hs[k], h[k], 1e-9 * (1 + Math.abs(hs[k])), "linked gradient " + k);
            }
            assertEquals(Double.POSITIVE_INFINITY, iid.value(new double[] {-1, 0}), "sigma below its bound");
        }
    }
}
