package org.ratiofit.workspace.nre;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import org.ratiofit.ratio.EnsembleManifest.Aggregation;
import org.ratiofit.ratio.ModelSidecar;
import org.ratiofit.ratio.RatioModel;
import org.ratiofit.ratio.Sidecars;
import org.ratiofit.ratio.ThetaGradient;
import org.ratiofit.ratio.onnx.OnnxGraphBuilder;
import org.ratiofit.ratio.onnx.OnnxMlpWriter;

/**
 * The self-normalised ensemble likelihood −Σ_i w_i ln r̄(x_i|θ) + (Σ_i w_i) ln Ẑ(θ),
 * Ẑ(θ) = Σ_j v_j r̄(x_j|θ)/Σ_j v_j over reference events: (1) a network whose ln r̂ is another's plus
 * a function of θ alone, g(θ) (r̂' = r̂·e^{g(θ)}: what a trained estimator's normalisation error
 * looks like), gives the same self-normalised likelihood, value and gradient, while the plain
 * likelihoods differ by n·g(θ); so when r̂ is the exact ratio times a θ-dependent constant the
 * self-normalised likelihood is the exact ratio's. (2) Value and gradient against the definition
 * from the graph evaluator member by member and against finite differences, with weights on both
 * samples and more reference events than one batch. (3) Bad reference input.
 */
class SelfNormalisedRatioLikelihoodTest {
    static final int N = 700, NREF = 9000; // reference: more than two batches of 4096
    static final double[] A = {0.5, 0.3, 0.2};
    static final List<RatioModel> members = new ArrayList<>();
    static final List<RatioModel> shifted = new ArrayList<>(); // ln r̂ + g(θ), the same g for every member
    static double[][] x, ref;
    static double[] w, v;
    static final List<ParameterSpec> specs = List.of(ParameterSpec.bounded("lambda", 1.0, 0.05, 0.7, 1.4),
            ParameterSpec.bounded("k", 2.0, 0.1, 1.5, 3.0));

    /** Hidden layers' extra unit: carries g(θ) = swish(swish(0.9 k̃ − 1.3 λ̃ + 0.4)) (θ̃ scaled) to the output; zero weights to and from x. */
    static RatioModel model(Path dir, String name, int seed, boolean shift) {
        Random rng = new Random(seed);
        int[] widths = {4, 8, 8, 1};
        int extra = shift ? 1 : 0;
        List<OnnxMlpWriter.Layer> layers = new ArrayList<>();
        for (int l = 0; l + 1 < widths.length; l++) {
            boolean last = l + 2 == widths.length;
            int in = widths[l] + (l == 0 ? 0 : extra), out = widths[l + 1] + (last ? 0 : extra);
            double[][] wt = new double[out][in];
            double[] b = new double[out];
            for (int i = 0; i < widths[l + 1]; i++) {
                for (int j = 0; j < widths[l]; j++) wt[i][j] = rng.nextGaussian() / Math.sqrt(widths[l]);
                b[i] = 0.1 * rng.nextGaussian();
            }
            if (shift) {
                if (l == 0) {
                    wt[8][2] = 0.9; // k
                    wt[8][3] = -1.3; // lambda
                    b[8] = 0.4;
                } else if (!last) {
                    wt[8][8] = 1.7;
                } else {
                    wt[0][8] = 1.0;
                }
            }
            layers.add(new OnnxMlpWriter.Layer(wt, b, last ? OnnxMlpWriter.Activation.IDENTITY : OnnxMlpWriter.Activation.SWISH));
        }
        OnnxGraphBuilder.write(OnnxMlpWriter.mlp(List.of(new OnnxMlpWriter.Input("features", 4)), "output", layers,
                List.of("x1", "x2", "k", "lambda")), dir.resolve(name + ".onnx"));
        Sidecars.write(ModelSidecar.binary(name, name + ".onnx", "features", List.of("x1", "x2"), ModelSidecar.OutputConvention.LOG_RATIO,
                        "theta0", "theta1").withParameters(List.of("k", "lambda"), null)
                .withScaling(List.of(new ModelSidecar.Standard(List.of("x1", "x2", "k", "lambda"), new double[] {0.5, 1.4, 2.2, 1.0},
                        new double[] {0.9, 0.7, 0.4, 0.2}))), dir.resolve(name + ".json"));
        return RatioModel.load(dir.resolve(name + ".json"));
    }

    @BeforeAll
    static void models(@TempDir Path dir) {
        for (int m = 0; m < 3; m++) {
            members.add(model(dir, "m" + m, 100 + m, false));
            shifted.add(model(dir, "s" + m, 100 + m, true));
        }
        Random rng = new Random(7);
        x = new double[2][N];
        w = new double[N];
        for (int i = 0; i < N; i++) {
            x[0][i] = 0.6 + rng.nextGaussian();
            x[1][i] = 1.5 + 0.7 * rng.nextGaussian();
            w[i] = 0.5 + rng.nextDouble();
        }
        ref = new double[2][NREF];
        v = new double[NREF];
        for (int i = 0; i < NREF; i++) {
            ref[0][i] = 0.5 + rng.nextGaussian();
            ref[1][i] = 1.4 + 0.7 * rng.nextGaussian();
            v[i] = 0.5 + rng.nextDouble();
        }
    }

    @AfterAll
    static void close() {
        members.forEach(RatioModel::close);
        shifted.forEach(RatioModel::close);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(ints = {1, 2, 3, 4, 5})
    void aThetaDependentFactorInTheRatioCancels(int seed) {
        Random rng = new Random(seed);
        double k = 1.5 + 1.5 * rng.nextDouble(), lambda = 0.7 + 0.7 * rng.nextDouble();
        double[] p = {lambda, k};
        for (Aggregation how : new Aggregation[] {Aggregation.MEAN_RATIO, Aggregation.MEAN_LOG_RATIO}) {
            for (List<RatioModel> base : List.of(members.subList(1, 2), members)) {
                List<RatioModel> sh = base.size() == 1 ? shifted.subList(1, 2) : shifted;
                double[] a = base.size() == 1 ? null : A;
                EnsembleRatioLikelihood plain = EnsembleRatioLikelihood.iid(base, a, how, x, w, specs, null);
                EnsembleRatioLikelihood plainShifted = EnsembleRatioLikelihood.iid(sh, a, how, x, w, specs, null);
                EnsembleRatioLikelihood norm = plain.withReference(ref, v);
                EnsembleRatioLikelihood normShifted = plainShifted.withReference(ref, v);
                assertTrue(norm.selfNormalised() && !plain.selfNormalised() && norm.referenceEvents() == NREF);
                double[] g1 = new double[2], g2 = new double[2];
                double v1 = norm.valueAndGradient(p, g1), v2 = normShifted.valueAndGradient(p, g2);
                String what = how + ", " + base.size() + " member(s), k " + k + ", lambda " + lambda;
                assertEquals(v1, v2, 1e-10 * Math.abs(v1), what + ": self-normalised value");
                assertEquals(g1[0], g2[0], 1e-8 * (1 + Math.abs(g1[0])), what + ": d/d lambda");
                assertEquals(g1[1], g2[1], 1e-8 * (1 + Math.abs(g1[1])), what + ": d/d k");
                // without the normalisation the factor shows: n·g(θ) with n = Σ w_i, and g varies with θ
                double sw = java.util.Arrays.stream(w).sum();
                double gTheta = (plain.value(p) - plainShifted.value(p)) / sw;
                double gOther = (plain.value(new double[] {0.75, 2.9}) - plainShifted.value(new double[] {0.75, 2.9})) / sw;
                assertTrue(Math.abs(gTheta - gOther) > 0.05, what + ": the shift varies with θ (" + gTheta + " vs " + gOther + ")");
            }
        }
    }

    /**
     * The reference pass with each member's first layer recomputed per block (budget 0) against the
     * stored one (no limit): the same bits for the value, the gradient and ln Ẑ at random θ, both
     * aggregations, one member and three, float64 and float32, and for a member's likelihood.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(ints = {21, 22, 23})
    void streamedReferencePassIsBitIdenticalToTheStoredOne(int seed) {
        Random rng = new Random(seed);
        for (org.ratiofit.ratio.BatchedThetaGradient.Precision prec : org.ratiofit.ratio.BatchedThetaGradient.Precision.values()) {
            for (Aggregation how : new Aggregation[] {Aggregation.MEAN_RATIO, Aggregation.MEAN_LOG_RATIO}) {
                for (List<RatioModel> base : List.of(members.subList(0, 1), members)) {
                    EnsembleRatioLikelihood plain = EnsembleRatioLikelihood.iid(base, base.size() == 1 ? null : A, how, x, w, specs, prec);
                    EnsembleRatioLikelihood stored = plain.withReference(ref, v, Long.MAX_VALUE);
                    EnsembleRatioLikelihood streamed = plain.withReference(ref, v, 0);
                    assertTrue(stored.referenceFirstLayerStored() && !streamed.referenceFirstLayerStored());
                    assertTrue(plain.withReference(ref, v).referenceFirstLayerStored(), "9000 events fit the default budget");
                    for (int t = 0; t < 3; t++) {
                        double[] p = {0.7 + 0.7 * rng.nextDouble(), 1.5 + 1.5 * rng.nextDouble()};
                        String what = prec + ", " + how + ", " + base.size() + " member(s) at " + java.util.Arrays.toString(p);
                        double[] ga = new double[2], gb = new double[2];
                        assertEquals(stored.valueAndGradient(p, ga), streamed.valueAndGradient(p, gb), 0.0, what);
                        org.junit.jupiter.api.Assertions.assertArrayEquals(ga, gb, 0.0, what);
                        assertEquals(stored.logNormalisation(p, ga), streamed.logNormalisation(p, gb), 0.0, what);
                        org.junit.jupiter.api.Assertions.assertArrayEquals(ga, gb, 0.0, what);
                        if (base.size() > 1) assertEquals(stored.member(1).value(p), streamed.member(1).value(p), 0.0, what + ", member 1");
                    }
                }
            }
        }
    }

    /** (Σ w_i) ln[Σ_j v_j r̄_j/Σ_j v_j] and its gradient (lambda, k) from the graph evaluator member by member. */
    static double logNormalisationDefinition(double k, double lambda, double[] gradient) {
        double[][] lr = new double[3][];
        double[][][] g = new double[3][][];
        for (int m = 0; m < 3; m++) {
            ThetaGradient tg = members.get(m).logRatioGradient(ref, new double[] {k, lambda});
            lr[m] = tg.logRatio();
            g[m] = tg.gradient();
        }
        double s = 0, sv = 0, gk = 0, gl = 0;
        for (int j = 0; j < NREF; j++) {
            for (int m = 0; m < 3; m++) {
                double r = v[j] * A[m] * Math.exp(lr[m][j]);
                s += r;
                gk += r * g[m][0][j];
                gl += r * g[m][1][j];
            }
            sv += v[j];
        }
        double sw = java.util.Arrays.stream(w).sum();
        gradient[0] = sw * gl / s;
        gradient[1] = sw * gk / s;
        return sw * Math.log(s / sv);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(ints = {11, 12, 13})
    void valueAndGradientAreTheDefinitionAndFiniteDifferences(int seed) {
        Random rng = new Random(seed);
        double k = 1.5 + 1.5 * rng.nextDouble(), lambda = 0.7 + 0.7 * rng.nextDouble();
        double[] p = {lambda, k};
        EnsembleRatioLikelihood plain = EnsembleRatioLikelihood.iid(members, A, Aggregation.MEAN_RATIO, x, w, specs, null);
        EnsembleRatioLikelihood norm = plain.withReference(ref, v);
        double[] gp = new double[2], g = new double[2], gz = new double[2], want = new double[2];
        double raw = plain.valueAndGradient(p, gp);
        double val = norm.valueAndGradient(p, g);
        double lz = logNormalisationDefinition(k, lambda, want);
        assertEquals(raw + lz, val, 1e-11 * (Math.abs(raw) + Math.abs(lz)), "value = plain + n ln Z");
        assertEquals(gp[0] + want[0], g[0], 1e-9 * (1 + Math.abs(g[0])), "d/d lambda");
        assertEquals(gp[1] + want[1], g[1], 1e-9 * (1 + Math.abs(g[1])), "d/d k");
        double sw = java.util.Arrays.stream(w).sum();
        assertEquals(lz / sw, norm.logNormalisation(p, gz), 1e-12 * (1 + Math.abs(lz / sw)), "ln Z");
        assertEquals(want[1] / sw, gz[1], 1e-10, "d ln Z / d k");
        double h = 1e-5;
        double fdL = (norm.value(new double[] {lambda + h, k}) - norm.value(new double[] {lambda - h, k})) / (2 * h);
        double fdK = (norm.value(new double[] {lambda, k + h}) - norm.value(new double[] {lambda, k - h})) / (2 * h);
        assertEquals(fdL, g[0], 1e-6 * (1 + Math.abs(g[0])), "finite differences d/d lambda");
        assertEquals(fdK, g[1], 1e-6 * (1 + Math.abs(g[1])), "finite differences d/d k");
        // a member keeps the reference; other start values keep it; outside the bounds +∞
        EnsembleRatioLikelihood one = norm.member(2);
        assertTrue(one.selfNormalised());
        assertEquals(EnsembleRatioLikelihood.iid(members.subList(2, 3), null, null, x, w, specs, null).withReference(ref, v).value(p), one.value(p), 0.0);
        assertEquals(val, norm.withInitial(new double[] {1.2, 2.9}).value(p), 0.0);
        assertEquals(Double.POSITIVE_INFINITY, norm.value(new double[] {1.5, 2.0}));
        assertTrue(Double.isNaN(plain.logNormalisation(p, gz)));
    }

    @Test
    void badReferenceInput() {
        EnsembleRatioLikelihood plain = EnsembleRatioLikelihood.iid(members, null, null, x, null, specs, null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> plain.withReference(new double[][] {ref[0]}, null));
        assertTrue(e.getMessage().contains("2 feature columns"), e.getMessage());
        double[][] nan = {ref[0].clone(), ref[1].clone()};
        nan[1][5] = Double.NaN;
        e = assertThrows(IllegalArgumentException.class, () -> plain.withReference(nan, null));
        assertTrue(e.getMessage().contains("'x2'") && e.getMessage().contains("row 5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> plain.withReference(ref, new double[3]));
        assertTrue(e.getMessage().contains("3 reference weights"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> plain.withReference(ref, new double[NREF]));
        assertTrue(e.getMessage().contains("sum to"), e.getMessage());
        assertFalse(plain.selfNormalised());
    }
}
