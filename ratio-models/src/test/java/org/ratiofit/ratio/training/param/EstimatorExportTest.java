package org.ratiofit.ratio.training.param;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratiofit.ratio.FisherInformation;
import org.ratiofit.ratio.ModelSidecar;
import org.ratiofit.ratio.RatioModel;
import org.ratiofit.ratio.ThetaGradient;
import org.ratiofit.ratio.training.TrainingConfig;

/**
 * Export of trained estimators to ONNX with θ inputs and sidecars, read back by {@link RatioModel}:
 * ln r̂ and its exact θ-gradient (double-precision graph evaluation) equal the trained network's to
 * 1e-6, ONNX Runtime's float32 outputs agree to float rounding, the estimator sidecar round-trips.
 */
class EstimatorExportTest {
    private static final GammaLatentSimulator SIM = new GammaLatentSimulator();
    private static final double[] LO = {1.5, 0.7}, HI = {3.0, 1.4}, TH1 = {2.0, 1.0};
    private static TrainedEstimator alices;
    private static TrainedEstimator sally;

    @BeforeAll
    static void train() {
        ParamTrainingConfig c = ParamTrainingConfig.defaults(EstimatorMethod.ALICES)
                .withNetwork(List.of(16, 16), TrainingConfig.Activation.SWISH).withEpochs(3, 256, 3).withQuiet(true);
        alices = ParamTrainer.train(SIM.ratioTrainingData(3000, LO, HI, TH1, new SplittableRandom(3)), c, 0, TH1);
        sally = ParamTrainer.train(SIM.localScoreTrainingData(3000, TH1, new SplittableRandom(4)),
                c.withMethod(EstimatorMethod.SALLY, 0), 0, TH1);
    }

    @Test
    void parametrisedRatioRoundTrip(@TempDir Path dir) {
        Path sc = EstimatorExport.export(alices, dir, "alices-0");
        assertTrue(Files.exists(dir.resolve("alices-0.onnx")));
        EstimatorSidecar es = EstimatorSidecar.read(dir.resolve("alices-0.estimator.json"));
        assertEquals("alices", es.method());
        assertEquals(List.of("k", "lambda"), es.parameters());
        assertEquals("log_ratio", es.output());
        assertEquals(alices.network().inputScale()[2], es.parameterScale()[0], 0);
        double[][] x = SIM.sampleFeatures(300, TH1, new SplittableRandom(8));
        try (RatioModel m = RatioModel.load(sc)) {
            assertEquals(ModelSidecar.OutputConvention.LOG_RATIO, m.sidecar().output());
            assertEquals(List.of("k", "lambda"), m.parameters());
            for (double[] theta : new double[][] {{1.7, 0.8}, {2.0, 1.0}, {2.8, 1.3}}) {
                double[] want = alices.logRatios(x, theta);
                double[][] wantGrad = alices.scores(x, theta);
                ThetaGradient g = m.logRatioGradient(x, theta);
                assertEquals("exact", g.method());
                double[] ort = m.logRatios(x, theta);
                for (int e = 0; e < want.length; e++) {
                    assertEquals(want[e], g.logRatio()[e], 1e-6, "ln r, event " + e);
                    assertEquals(want[e], ort[e], 2e-5 * Math.max(1, Math.abs(want[e])), "ONNX Runtime ln r, event " + e);
                    for (int j = 0; j < 2; j++) {
                        assertEquals(wantGrad[j][e], g.gradient()[j][e], 1e-6, "d ln r/dθ" + j + ", event " + e);
                    }
                }
            }
        }
    }

    @Test
    void sallyRoundTripAndFisherInformation(@TempDir Path dir) {
        Path sc = EstimatorExport.export(sally, dir, "sally-0");
        assertEquals("local_score", EstimatorSidecar.read(dir.resolve("sally-0.estimator.json")).output());
        double[][] x = SIM.sampleFeatures(400, TH1, new SplittableRandom(9));
        double[][] want = sally.scores(x, null);
        try (RatioModel m = RatioModel.load(sc)) {
            double[][] got = m.localScores(x);
            for (int j = 0; j < 2; j++) {
                for (int e = 0; e < 400; e++) {
                    assertEquals(want[j][e], got[j][e], 2e-5 * Math.max(1, Math.abs(want[j][e])));
                }
            }
            double[][] fisher = FisherInformation.of(m, x, null, null, 100).matrix();
            double[][] direct = FisherInformation.fromScores(want, null, 100);
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 2; j++) {
                    assertEquals(direct[i][j], fisher[i][j], 1e-4 * Math.abs(direct[i][i]));
                }
            }
        }
    }

    /** An ensemble folder of parametrised members: loaded by Ensemble, expectation weights at θ0 on a θ1 sample. */
    @Test
    void ensembleFolderWithExpectationWeights(@TempDir Path dir) {
        ParamTrainingConfig c = ParamTrainingConfig.defaults(EstimatorMethod.ALICES)
                .withNetwork(List.of(8, 8), TrainingConfig.Activation.SWISH).withEpochs(2, 256, 2).withQuiet(true)
                .withMaxEvents(1500);
        EstimatorEnsembleTrainer.Result r = EstimatorEnsembleTrainer.trainAndExport(
                SIM.ratioTrainingData(2000, LO, HI, TH1, new SplittableRandom(5)), c, 2, TH1, dir, "alices");
        double[][] x = SIM.sampleFeatures(500, TH1, new SplittableRandom(6));
        double[] theta0 = {2.4, 1.2};
        try (org.ratiofit.ratio.Ensemble e = org.ratiofit.ratio.Ensemble.load(dir)) {
            assertEquals(List.of("k", "lambda"), e.parameters());
            var report = e.fitExpectationWeights(x, null, theta0, 5.0);
            double[] dev = new double[2];
            double[][] lr = new double[2][];
            for (int i = 0; i < 2; i++) {
                lr[i] = r.members().get(i).logRatios(x, theta0);
                for (double v : lr[i]) {
                    dev[i] += Math.exp(v) / x[0].length;
                }
                dev[i] -= 1;
                assertEquals(dev[i], report.deviations()[i], 1e-5, "E[r̂] − 1 of member " + i);
            }
            double[] w = e.weights();
            assertEquals(Math.exp(-5 * Math.abs(dev[0])) / (Math.exp(-5 * Math.abs(dev[0])) + Math.exp(-5 * Math.abs(dev[1]))), w[0], 1e-5);
            double[] agg = e.logRatios(x, theta0);
            for (int k = 0; k < 50; k++) {
                double want = Math.log(w[0] * Math.exp(lr[0][k]) + w[1] * Math.exp(lr[1][k]));
                assertEquals(want, agg[k], 2e-5 * Math.max(1, Math.abs(want)));
            }
        }
    }
}
