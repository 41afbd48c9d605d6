package org.ratiofit.ratio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ratiofit.ratio.EnsembleManifest.Aggregation;
import org.ratiofit.ratio.ModelSidecar.OutputConvention;
import org.ratiofit.ratio.onnx.OnnxMlpWriter;
import org.ratiofit.ratio.onnx.OnnxMlpWriter.Activation;
import org.ratiofit.ratio.onnx.OnnxMlpWriter.Layer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Constructed members ln r_i(x) = a_i·x + b_i, whose closure and aggregates are known in closed form. */
class EnsembleTest {
    @TempDir
    Path dir;

    private double[][] coef; // [member] {a, b}, float32-representable

    private Path writeEnsemble(long seed, int members, Aggregation agg) {
        Random r = new Random(seed);
        coef = new double[members][];
        List<String> files = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            double a = (float) (0.5 + 0.2 * r.nextGaussian()), b = (float) (-a * a / 2 + 0.1 * r.nextGaussian());
            coef[i] = new double[]{a, b};
            OnnxMlpWriter.write(dir.resolve("m" + i + "/net.onnx"), "x", "lr", List.of(new Layer(new double[][]{{a}}, new double[]{b}, Activation.IDENTITY)));
            Sidecars.write(ModelSidecar.binary("member" + i, "net.onnx", "x", List.of("x"), OutputConvention.LOG_RATIO, "A", "B"), dir.resolve("m" + i + "/model.json"));
            files.add("m" + i + "/model.json");
        }
        Ensemble.writeManifest(EnsembleManifest.of("lin" + seed, files, agg), dir.resolve("ensemble.json"));
        return dir;
    }

    private double member(int i, double x) {
        return coef[i][0] * (float) x + coef[i][1];
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4})
    void expectationWeightsReproduceTheFormula(long seed) throws Exception {
        int m = 5;
        Random r = new Random(seed + 100);
        double[] x = new double[4000], w = new double[4000];
        for (int k = 0; k < x.length; k++) {
            x[k] = r.nextGaussian();
            w[k] = 0.5 + r.nextDouble();
        }
        try (Ensemble e = Ensemble.load(writeEnsemble(seed, m, Aggregation.MEAN_RATIO))) {
            for (double beta : new double[]{0, 1, 5, 50}) {
                EnsembleReport rep = e.fitExpectationWeights(new double[][]{x}, w, beta);
                double[] dev = new double[m], ew = new double[m];
                double z = 0;
                for (int i = 0; i < m; i++) {
                    double sw = 0, swr = 0;
                    for (int k = 0; k < x.length; k++) {
                        sw += w[k];
                        swr += w[k] * Math.exp(member(i, x[k]));
                    }
                    dev[i] = swr / sw - 1;
                    z += ew[i] = Math.exp(-beta * Math.abs(dev[i]));
                }
                for (int i = 0; i < m; i++) {
                    assertEquals(dev[i], rep.deviations()[i], 1e-5, "seed " + seed + " β " + beta + " member " + i);
                    assertEquals(ew[i] / z, rep.weights()[i], 1e-5, "seed " + seed + " β " + beta + " member " + i);
                    if (beta == 0) assertEquals(1.0 / m, rep.weights()[i], 1e-15);
                }
                assertEquals(x.length, rep.sampleEvents());
                e.writeReport(dir.resolve("report.json"));
                EnsembleReport back = Sidecars.MAPPER.readValue(dir.resolve("report.json").toFile(), EnsembleReport.class);
                assertEquals(rep.deviations()[0], back.deviations()[0], 0.0);
                assertEquals(rep.weights()[m - 1], back.weights()[m - 1], 0.0);
                // aggregation with these weights
                double[] q = {-1.0, 0.0, 0.7, 2.0};
                EnsembleEvaluation ev = e.evaluate(new double[][]{q}, null);
                for (int k = 0; k < q.length; k++) {
                    double s = 0;
                    for (int i = 0; i < m; i++) s += rep.weights()[i] * Math.exp(member(i, q[k]));
                    assertEquals(Math.log(s), ev.logRatio()[k], 1e-6, "seed " + seed + " β " + beta + " event " + k);
                }
            }
        }
    }

    /**
     * The static deviations and aggregate (what the workspace build applies per region) agree with
     * the instance's fitted weights and its evaluation, for every aggregation and β.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {11, 12, 13})
    void staticDeviationsAndAggregateMatchTheEnsemble(long seed) {
        int m = 4;
        Random r = new Random(seed + 7);
        double[] x = new double[3000], w = new double[3000];
        for (int k = 0; k < x.length; k++) {
            x[k] = r.nextGaussian();
            w[k] = 0.5 + r.nextDouble();
        }
        for (Aggregation agg : Aggregation.values()) {
            try (Ensemble e = Ensemble.load(writeEnsemble(seed, m, agg))) {
                for (double beta : new double[]{0, 3, 200}) {
                    EnsembleReport rep = e.fitExpectationWeights(new double[][]{x}, w, beta);
                    double[][] lr = e.evaluate(new double[][]{x}, null).memberLogRatios();
                    double[] dev = Ensemble.deviations(lr, w, x.length, 0);
                    for (int i = 0; i < m; i++) assertEquals(rep.deviations()[i], dev[i], 1e-12 * (1 + Math.abs(dev[i])), agg + " β " + beta);
                    double shift = 0.25;
                    double[] shifted = Ensemble.deviations(lr, w, x.length, shift);
                    for (int i = 0; i < m; i++) assertEquals(Math.exp(shift) * (1 + dev[i]) - 1, shifted[i], 1e-12, "shift, member " + i);
                    double[] a = Ensemble.aggregate(lr, Ensemble.expectationWeights(dev, beta), agg, x.length);
                    double[] b = e.evaluate(new double[][]{x}, null).logRatio();
                    for (int k = 0; k < x.length; k++) assertEquals(b[k], a[k], 1e-12 * (1 + Math.abs(b[k])), agg + " β " + beta + " event " + k);
                }
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {5, 6, 7})
    void aggregationsAndSpread(long seed) {
        int m = 4;
        double[] q = {-2.0, -0.3, 0.0, 0.4, 1.7};
        for (Aggregation agg : Aggregation.values()) {
            try (Ensemble e = Ensemble.load(writeEnsemble(seed, m, agg))) {
                assertEquals(agg, e.aggregation());
                EnsembleEvaluation ev = e.evaluate(new double[][]{q}, null, true);
                for (int k = 0; k < q.length; k++) {
                    double[] l = new double[m];
                    for (int i = 0; i < m; i++) l[i] = member(i, q[k]);
                    double mean = Arrays.stream(l).average().orElseThrow();
                    double expected = switch (agg) {
                        case MEAN_LOG_RATIO -> mean;
                        case MEAN_RATIO -> Math.log(Arrays.stream(l).map(Math::exp).average().orElseThrow());
                        case MEDIAN_RATIO -> {
                            double[] rs = Arrays.stream(l).map(Math::exp).sorted().toArray();
                            yield Math.log((rs[1] + rs[2]) / 2); // four members
                        }
                    };
                    assertEquals(expected, ev.logRatio()[k], 1e-6, agg + " seed " + seed + " event " + k);
                    double var = Arrays.stream(l).map(v -> (v - mean) * (v - mean)).sum() / m;
                    assertEquals(Math.sqrt(var), ev.sd()[k], 1e-6, "seed " + seed + " event " + k);
                }
                // member covariance over events: member i is a_i·x + b_i, so cov_ij = a_i a_j var(x)
                double mx = Arrays.stream(q).map(v -> (float) v).average().orElseThrow();
                double vx = Arrays.stream(q).map(v -> ((float) v - mx) * ((float) v - mx)).sum() / (q.length - 1);
                for (int i = 0; i < m; i++) for (int j = 0; j < m; j++) assertEquals(coef[i][0] * coef[j][0] * vx, ev.memberCovariance()[i][j], 1e-6);
                // covariance of two events across members
                double[][] c = ev.eventCovariance(new int[]{0, 4});
                double c04 = 0, m0 = 0, m4 = 0;
                for (int i = 0; i < m; i++) { m0 += member(i, q[0]) / m; m4 += member(i, q[4]) / m; }
                for (int i = 0; i < m; i++) c04 += (member(i, q[0]) - m0) * (member(i, q[4]) - m4) / m;
                assertEquals(c04, c[0][1], 1e-6);
                assertEquals(ev.sd()[0] * ev.sd()[0], c[0][0], 1e-6);
            }
        }
    }

    @Test
    void manyEventsSpanSeveralParallelBlocksDeterministically() {
        int n = 50_000;
        Random r = new Random(9);
        double[] x = new double[n];
        for (int k = 0; k < n; k++) x[k] = 3 + r.nextGaussian();
        try (Ensemble e = Ensemble.load(writeEnsemble(9, 3, Aggregation.MEAN_RATIO))) {
            EnsembleEvaluation a = e.evaluate(new double[][]{x}, null, true), b = e.evaluate(new double[][]{x}, null, true);
            double mx = 0;
            for (double v : x) mx += (float) v;
            mx /= n;
            double vx = 0;
            for (double v : x) vx += ((float) v - mx) * ((float) v - mx);
            vx /= n - 1;
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    assertEquals(coef[i][0] * coef[j][0] * vx, a.memberCovariance()[i][j], 1e-6 * vx, "member " + i + "," + j);
                    assertEquals(a.memberCovariance()[i][j], b.memberCovariance()[i][j], 0.0);
                }
            }
            for (int k : new int[]{0, 8191, 8192, 33333, n - 1}) {
                double s = 0;
                for (int i = 0; i < 3; i++) s += Math.exp(member(i, x[k])) / 3;
                assertEquals(Math.log(s), a.logRatio()[k], 1e-6, "event " + k);
            }
        }
    }

    @Test
    void membersWithDifferentScalingAreEvaluatedOneByOne() {
        // member 1 sees x through a standard scaler; its weights compensate, so ln r_1 = a_1 x + b_1 still
        writeEnsemble(11, 2, Aggregation.MEAN_LOG_RATIO);
        double a = coef[1][0], b = coef[1][1];
        OnnxMlpWriter.write(dir.resolve("m1/net.onnx"), "x", "lr", List.of(new Layer(new double[][]{{a * 2}}, new double[]{b - a * 0.5}, Activation.IDENTITY)));
        Sidecars.write(ModelSidecar.binary("member1", "net.onnx", "x", List.of("x"), OutputConvention.LOG_RATIO, "A", "B")
                .withScaling(List.of(new ModelSidecar.Standard(List.of("x"), new double[]{-0.5}, new double[]{2}))), dir.resolve("m1/model.json"));
        double[] q = {-1.0, 0.25, 1.5};
        try (Ensemble e = Ensemble.load(dir)) {
            EnsembleEvaluation ev = e.evaluate(new double[][]{q}, null);
            for (int k = 0; k < q.length; k++) {
                assertEquals(member(0, q[k]), ev.memberLogRatios()[0][k], 1e-6);
                assertEquals(a * q[k] + b, ev.memberLogRatios()[1][k], 1e-5);
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {21, 22})
    void pipelinedChunksEqualEachMemberAloneBitForBit(long seed) {
        // 4500 events in chunks of 400: three groups of four chunks, so output slots are
        // reused, and a short last chunk; score members with a scaler, so conversion, clipping
        // and ln r all take part
        Random r = new Random(seed);
        int m = 3, n = 4500;
        List<String> files = new ArrayList<>();
        for (int i = 0; i < m; i++) {
            double[][] w1 = new double[4][2];
            for (double[] row : w1) for (int j = 0; j < 2; j++) row[j] = r.nextGaussian();
            double[][] w2 = new double[1][4];
            for (int j = 0; j < 4; j++) w2[0][j] = 8 * r.nextGaussian();
            OnnxMlpWriter.write(dir.resolve("s" + i + "/net.onnx"), "x", "score", List.of(
                    new Layer(w1, new double[4], Activation.TANH), new Layer(w2, new double[]{0.1}, Activation.SIGMOID)));
            Sidecars.write(ModelSidecar.binary("score" + i, "net.onnx", "x", List.of("u", "v"), OutputConvention.SCORE, "A", "B")
                    .withScaling(List.of(new ModelSidecar.Standard(List.of("u", "v"), new double[]{0.5, -1}, new double[]{2, 3}))),
                    dir.resolve("s" + i + "/model.json"));
            files.add("s" + i + "/model.json");
        }
        Ensemble.writeManifest(EnsembleManifest.of("scores" + seed, files, Aggregation.MEAN_RATIO), dir.resolve("scores.json"));
        double[][] cols = new double[2][n];
        for (double[] c : cols) for (int k = 0; k < n; k++) c[k] = 6 * r.nextGaussian();
        InferenceOptions opts = InferenceOptions.DEFAULT.withChunkRows(400).withIntraOpThreads(1);
        try (Ensemble e = Ensemble.load(dir.resolve("scores.json"), opts)) {
            EnsembleEvaluation ev = e.evaluate(cols, null);
            assertEquals(null, ev.memberCovariance(), "member covariance is computed only when asked for");
            long clipped = 0;
            for (int i = 0; i < m; i++) {
                try (RatioModel alone = RatioModel.load(dir.resolve("s" + i + "/model.json"), opts)) {
                    Evaluation one = alone.evaluate(cols, null);
                    assertTrue(Arrays.equals(one.logRatio(), ev.memberLogRatios()[i]), "seed " + seed + " member " + i);
                    assertEquals(one.clippedLow() + one.clippedHigh(), ev.clipped()[i], "seed " + seed + " member " + i);
                    clipped += ev.clipped()[i];
                }
            }
            for (int k = 0; k < n; k++) {
                double s = 0, mean = 0, var = 0;
                for (int i = 0; i < m; i++) {
                    s += Math.exp(ev.memberLogRatios()[i][k]) / m;
                    mean += ev.memberLogRatios()[i][k] / m;
                }
                for (int i = 0; i < m; i++) var += Math.pow(ev.memberLogRatios()[i][k] - mean, 2) / m;
                assertEquals(Math.log(s), ev.logRatio()[k], 1e-12 * (1 + Math.abs(ev.logRatio()[k])), "seed " + seed + " event " + k);
                assertEquals(Math.sqrt(var), ev.sd()[k], 1e-9, "seed " + seed + " event " + k);
            }
            assertTrue(clipped > 0, "seed " + seed + ": wide inputs must reach the clipping bounds somewhere");
            // the same call again (buffers are per call) and with the covariance: same log-ratios
            EnsembleEvaluation again = e.evaluate(cols, null, true);
            assertTrue(Arrays.equals(ev.logRatio(), again.logRatio()) && Arrays.equals(ev.sd(), again.sd()));
            assertEquals(m, again.memberCovariance().length);
            // a non-finite input in a late chunk is reported by row, from the worker thread
            cols[1][3777] = Double.NaN;
            RatioModelException x = org.junit.jupiter.api.Assertions.assertThrows(RatioModelException.class, () -> e.evaluate(cols, null));
            assertTrue(x.getMessage().contains("row 3777") && x.getMessage().contains("'v'"), x.getMessage());
        }
    }

    @Test
    void weightedMedianHandlesUnequalWeights() {
        Integer[] order = new Integer[3];
        double[] l = {Math.log(1), Math.log(2), Math.log(3)};
        assertEquals(Math.log(3), Ensemble.weightedMedian(l, new double[]{0.1, 0.2, 0.7}, order), 1e-12);
        assertEquals(Math.log(2), Ensemble.weightedMedian(l, new double[]{1 / 3.0, 1 / 3.0, 1 / 3.0}, order), 1e-12);
        assertEquals(Math.log(1.5), Ensemble.weightedMedian(l, new double[]{0.5, 0.5, 0}, order), 1e-12);
    }

    @Test
    void expectationWeightsAreStable() {
        double[] w = Ensemble.expectationWeights(new double[]{0.01, -0.02, 1e3}, 100);
        assertEquals(1, w[0] + w[1] + w[2], 1e-15);
        assertEquals(Math.exp(-1) / (1 + Math.exp(-1)), w[1] / (w[0] + w[1]), 1e-12);
        assertEquals(0, w[2], 1e-300);
    }
}
