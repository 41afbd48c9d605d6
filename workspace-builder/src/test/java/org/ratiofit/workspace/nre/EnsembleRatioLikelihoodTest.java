package org.ratiofit.workspace.nre;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ratiofit.objective.ParameterSpec;
import org.ratiofit.ratio.BatchedThetaGradient;
import org.ratiofit.ratio.EnsembleManifest.Aggregation;
import org.ratiofit.ratio.ModelSidecar;
import org.ratiofit.ratio.RatioModel;
import org.ratiofit.ratio.Sidecars;
import org.ratiofit.ratio.ThetaGradient;
import org.ratiofit.ratio.onnx.OnnxGraphBuilder;
import org.ratiofit.ratio.onnx.OnnxMlpWriter;

/**
 * The ensemble likelihood over θ against its definition, evaluated member by member through the
 * double-precision graph evaluator (not the batched path the likelihood uses): value and gradient
 * for the mean ratio and the mean log-ratio with unequal member weights, the gradient against
 * central finite differences, one member equal to {@link RatioLikelihood} bit for bit, and more
 * events than one batch.
 */
class EnsembleRatioLikelihoodTest {
    static final int N = 5000; // more than one batch of 4096
    static final double[] A = {0.5, 0.3, 0.2};
    static List<RatioModel> members = new ArrayList<>();
    static double[][] x;
    static double[] w;
    static List<ParameterSpec> specs = List.of(ParameterSpec.bounded("lambda", 1.0, 0.05, 0.7, 1.4),
            ParameterSpec.bounded("k", 2.0, 0.1, 1.5, 3.0)); // not the model's order

    @BeforeAll
    static void models(@TempDir Path dir) {
        for (int m = 0; m < 3; m++) {
            Random rng = new Random(100 + m);
            int[] widths = {4, 8, 8, 1};
            List<OnnxMlpWriter.Layer> layers = new ArrayList<>();
            for (int l = 0; l + 1 < widths.length; l++) {
                double[][] wt = new double[widths[l + 1]][widths[l]];
                double[] b = new double[widths[l + 1]];
                for (double[] row : wt) for (int j = 0; j < row.length; j++) row[j] = rng.nextGaussian() / Math.sqrt(widths[l]);
                for (int j = 0; j < b.length; j++) b[j] = 0.1 * rng.nextGaussian();
                boolean last = l + 2 == widths.length;
                layers.add(new OnnxMlpWriter.Layer(wt, b, last ? OnnxMlpWriter.Activation.IDENTITY : OnnxMlpWriter.Activation.SWISH));
            }
            String name = "m" + m;
            OnnxGraphBuilder.write(OnnxMlpWriter.mlp(List.of(new OnnxMlpWriter.Input("features", 4)), "output", layers,
                    List.of("x1", "x2", "k", "lambda")), dir.resolve(name + ".onnx"));
            Sidecars.write(ModelSidecar.binary(name, name + ".onnx", "features", List.of("x1", "x2"), ModelSidecar.OutputConvention.LOG_RATIO,
                            "theta0", "theta1").withParameters(List.of("k", "lambda"), null)
                    .withScaling(List.of(new ModelSidecar.Standard(List.of("x1", "x2", "k", "lambda"), new double[] {0.5, 1.4, 2.2, 1.0},
                            new double[] {0.9, 0.7, 0.4, 0.2}))), dir.resolve(name + ".json"));
            members.add(RatioModel.load(dir.resolve(name + ".json")));
        }
        Random rng = new Random(7);
        x = new double[2][N];
        w = new double[N];
        for (int i = 0; i < N; i++) {
            x[0][i] = 0.5 + rng.nextGaussian();
            x[1][i] = 1.4 + 0.7 * rng.nextGaussian();
            w[i] = 0.5 + rng.nextDouble();
        }
    }

    @AfterAll
    static void close() {
        members.forEach(RatioModel::close);
    }

    /** −Σ w_i agg_i and its gradient in the likelihood's parameter order (lambda, k), from the graph evaluator member by member. */
    static double[] definition(double k, double lambda, Aggregation how, double[] gradient) {
        double[][] lr = new double[3][];
        double[][][] g = new double[3][][];
        for (int m = 0; m < 3; m++) {
            ThetaGradient tg = members.get(m).logRatioGradient(x, new double[] {k, lambda});
            lr[m] = tg.logRatio();
            g[m] = tg.gradient();
        }
        double total = 0;
        gradient[0] = gradient[1] = 0;
        for (int i = 0; i < N; i++) {
            double agg = 0, gk = 0, gl = 0;
            if (how == Aggregation.MEAN_LOG_RATIO) {
                for (int m = 0; m < 3; m++) {
                    agg += A[m] * lr[m][i];
                    gk += A[m] * g[m][0][i];
                    gl += A[m] * g[m][1][i];
                }
            } else {
                double s = 0;
                for (int m = 0; m < 3; m++) {
                    double r = A[m] * Math.exp(lr[m][i]);
                    s += r;
                    gk += r * g[m][0][i];
                    gl += r * g[m][1][i];
                }
                agg = Math.log(s);
                gk /= s;
                gl /= s;
            }
            total -= w[i] * agg;
            gradient[0] -= w[i] * gl;
            gradient[1] -= w[i] * gk;
        }
        return new double[] {total};
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(ints = {1, 2, 3, 4, 5})
    void valueAndGradientAreTheDefinitionAndFiniteDifferences(int seed) {
        Random rng = new Random(seed);
        double k = 1.5 + 1.5 * rng.nextDouble(), lambda = 0.7 + 0.7 * rng.nextDouble();
        for (Aggregation how : new Aggregation[] {Aggregation.MEAN_RATIO, Aggregation.MEAN_LOG_RATIO}) {
            EnsembleRatioLikelihood lik = EnsembleRatioLikelihood.iid(members, new double[] {5, 3, 2}, how, x, w, specs, null);
            assertTrue(lik.fastPath() && lik.exactGradient());
            double[] g = new double[2];
            double v = lik.valueAndGradient(new double[] {lambda, k}, g);
            double[] want = new double[2];
            double d = definition(k, lambda, how, want)[0];
            assertEquals(d, v, 1e-11 * Math.abs(d), how + " value");
            assertEquals(want[0], g[0], 1e-9 * (1 + Math.abs(want[0])), how + " d/d lambda");
            assertEquals(want[1], g[1], 1e-9 * (1 + Math.abs(want[1])), how + " d/d k");
            double h = 1e-5;
            double fdL = (lik.value(new double[] {lambda + h, k}) - lik.value(new double[] {lambda - h, k})) / (2 * h);
            double fdK = (lik.value(new double[] {lambda, k + h}) - lik.value(new double[] {lambda, k - h})) / (2 * h);
            assertEquals(fdL, g[0], 1e-6 * (1 + Math.abs(g[0])), how + " finite differences d/d lambda");
            assertEquals(fdK, g[1], 1e-6 * (1 + Math.abs(g[1])), how + " finite differences d/d k");
        }
    }

    @Test
    void oneMemberIsRatioLikelihoodBitForBit() {
        EnsembleRatioLikelihood one = EnsembleRatioLikelihood.iid(List.of(members.get(1)), null, null, x, w, specs, null);
        RatioLikelihood direct = RatioLikelihood.iid(members.get(1), x, w, specs);
        for (double[] p : new double[][] {{1.0, 2.0}, {0.8, 2.7}, {1.3, 1.6}}) {
            double[] g1 = new double[2], g2 = new double[2];
            assertEquals(direct.valueAndGradient(p, g2), one.valueAndGradient(p, g1), 0.0);
            assertEquals(g2[0], g1[0], 0.0);
            assertEquals(g2[1], g1[1], 0.0);
        }
        // and member(1) of the ensemble is the same likelihood
        EnsembleRatioLikelihood ens = EnsembleRatioLikelihood.iid(members, null, null, x, w, specs, null);
        assertEquals(direct.value(new double[] {0.9, 2.4}), ens.member(1).value(new double[] {0.9, 2.4}), 0.0);
    }

    @Test
    void boundsPrecisionAndStartValues() {
        EnsembleRatioLikelihood lik = EnsembleRatioLikelihood.iid(members, null, null, x, null, specs, null);
        assertEquals(Double.POSITIVE_INFINITY, lik.value(new double[] {1.5, 2.0}), "lambda above its upper bound");
        assertEquals(Double.POSITIVE_INFINITY, lik.value(new double[] {1.0, 1.4}), "k below its lower bound");
        double v = lik.value(new double[] {1.1, 2.3});
        assertEquals(v, lik.withInitial(new double[] {1.2, 2.9}).value(new double[] {1.1, 2.3}), 0.0);
        assertEquals(1.2, lik.withInitial(new double[] {1.2, 2.9}).parameters().get(0).initial(), 0.0);
        double f = EnsembleRatioLikelihood.iid(members, null, null, x, null, specs, BatchedThetaGradient.Precision.FLOAT32)
                .value(new double[] {1.1, 2.3});
        assertEquals(v, f, 2e-5 * N, "float32 layers agree to float rounding");
        assertThrows(IllegalArgumentException.class, () -> EnsembleRatioLikelihood.iid(members, null, Aggregation.MEDIAN_RATIO, x, null, specs, null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EnsembleRatioLikelihood.iid(members, null, null, x, null,
                List.of(ParameterSpec.bounded("k", 2, 0.1, 1.5, 3), ParameterSpec.bounded("sigma", 1, 0.1, 0.5, 2)), null));
        assertTrue(e.getMessage().contains("sigma") && e.getMessage().contains("[k, lambda]"), e.getMessage());
    }
}
