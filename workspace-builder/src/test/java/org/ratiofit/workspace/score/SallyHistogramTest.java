package org.ratiofit.workspace.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratiofit.likelihood.score.ScoreBinning;
import org.ratiofit.likelihood.score.ScoreHistogramLikelihood;
import org.ratiofit.objective.ParameterSpec;
import org.ratiofit.ratio.ModelSidecar;
import org.ratiofit.ratio.ModelSidecar.OutputConvention;
import org.ratiofit.ratio.RatioModel;
import org.ratiofit.ratio.Sidecars;
import org.ratiofit.ratio.onnx.OnnxMlpWriter;
import org.ratiofit.ratio.onnx.OnnxMlpWriter.Activation;
import org.ratiofit.ratio.onnx.OnnxMlpWriter.Layer;

/** SALLY networks with an exact affine score t_m(x) = A_m x + b_m: the built likelihood equals the one built by hand from those scores. */
class SallyHistogramTest {

    static final double[][][] A = {{{1, 0.2}, {0, -1}}, {{0.8, 0}, {0.1, -1.2}}};
    static final double[][] B = {{0.1, 0}, {-0.1, 0.3}};
    static final List<ParameterSpec> PARAMS = List.of(ParameterSpec.bounded("k", 2, 0.05, 1.2, 3.5), ParameterSpec.bounded("lambda", 1, 0.05, 0.6, 1.6));

    static List<RatioModel> members(Path dir) {
        List<RatioModel> ms = new ArrayList<>();
        for (int m = 0; m < 2; m++) {
            OnnxMlpWriter.write(dir.resolve("s" + m + ".onnx"), "x", "t", List.of(new Layer(A[m], B[m], Activation.IDENTITY)));
            var sc = ModelSidecar.binary("s" + m, "s" + m + ".onnx", "x", List.of("x1", "x2"), OutputConvention.LOCAL_SCORE, null, null).withParameters(List.of("k", "lambda"), null);
            Sidecars.write(sc, dir.resolve("s" + m + ".json"));
            ms.add(RatioModel.load(dir.resolve("s" + m + ".json")));
        }
        return ms;
    }

    static double[][] affineMean(double[] a, double[][] x) {
        int n = x[0].length;
        double[][] t = new double[2][n];
        for (int m = 0; m < 2; m++) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < 2; j++) t[j][i] += a[m] * (A[m][j][0] * (float) x[0][i] + A[m][j][1] * (float) x[1][i] + B[m][j]);
            }
        }
        return t;
    }

    @Test
    void matchesTheLikelihoodBuiltFromTheExactScores(@TempDir Path dir) {
        List<RatioModel> ms = members(dir);
        try {
            GammaReweighting ref = new GammaReweighting(new double[] {2, 1}, 5000, 41);
            double[][] obs = GammaReweighting.observed(new double[] {2.3, 1.1}, 800, 42);
            double[] a = {0.25, 0.75};
            double[][] mean = SallyHistogram.meanScore(ms, new double[] {1, 3}, obs);
            double[][] exact = affineMean(a, obs);
            for (int j = 0; j < 2; j++) for (int i = 0; i < 800; i++) assertEquals(exact[j][i], mean[j][i], 1e-5);
            double[] u = {0.6, 0.8};
            ScoreHistogramLikelihood sallino = SallyHistogram.likelihood(ms, new double[] {1, 3}, ref.x, ref, obs, null, u, new int[] {8}, PARAMS, Double.NaN);
            ScoreHistogramLikelihood sally = SallyHistogram.likelihood(ms, new double[] {1, 3}, ref.x, ref, obs, null, null, new int[] {3, 3}, PARAMS, Double.NaN);
            double[][] hRef = ScoreBinning.project(affineMean(a, ref.x), u);
            ScoreBinning b1 = ScoreBinning.equalPopulation(hRef, new int[] {8});
            ScoreHistogramLikelihood byHand = ScoreHistogramLikelihood.of(PARAMS, ref, b1, hRef, b1.histogram(ScoreBinning.project(exact, u), null), Double.NaN);
            ScoreBinning b2 = ScoreBinning.equalPopulation(affineMean(a, ref.x), new int[] {3, 3});
            ScoreHistogramLikelihood byHand2 = ScoreHistogramLikelihood.of(PARAMS, ref, b2, affineMean(a, ref.x), b2.histogram(exact, null), Double.NaN);
            assertEquals(9, sally.cells());
            for (double[] th : new double[][] {{2, 1}, {2.4, 1.2}, {1.6, 0.8}}) {
                // float network outputs may move an event across an edge: compare to a tolerance of a few events' worth
                assertEquals(byHand.value(th), sallino.value(th), 0.02 * Math.abs(byHand.value(th)));
                assertEquals(byHand2.value(th), sally.value(th), 0.02 * Math.abs(byHand2.value(th)));
            }
            double[] n1 = sallino.observedCounts(), n2 = byHand.observedCounts();
            double diff = 0;
            for (int b = 0; b < n1.length; b++) diff += Math.abs(n1[b] - n2[b]);
            assertTrue(diff <= 4, "observed counts differ by " + diff);
        } finally {
            ms.forEach(RatioModel::close);
        }
    }

    @Test
    void refusesARatioEstimator(@TempDir Path dir) {
        OnnxMlpWriter.write(dir.resolve("r.onnx"), "x", "r", List.of(new Layer(new double[][] {{1, 0}}, new double[] {0}, Activation.IDENTITY)));
        Sidecars.write(ModelSidecar.binary("r", "r.onnx", "x", List.of("x1", "x2"), OutputConvention.LOG_RATIO, null, null), dir.resolve("r.json"));
        RatioModel r = RatioModel.load(dir.resolve("r.json"));
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SallyHistogram.meanScore(List.of(r), null, new double[][] {{1}, {2}}));
            assertTrue(e.getMessage().contains("'r' is not a local-score (SALLY) estimator"), e.getMessage());
        } finally {
            r.close();
        }
    }
}
