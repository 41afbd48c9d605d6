package org.ratiofit.ratio.training.param;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratiofit.ratio.ModelSidecar;
import org.ratiofit.ratio.RatioModel;
import org.ratiofit.ratio.Sidecars;
import org.ratiofit.ratio.ThetaGradient;
import org.ratiofit.ratio.training.TrainingConfig;

/**
 * Doubly parametrised estimators trained through ParamTrainer on the latent-variable simulator
 * (θ0 and θ1 drawn per event): ALICES2 learns ln r(x|θ0, θ1) over a grid of pairs against the exact
 * (quadrature) answer; the ONNX export with inputs [features, θ0, θ1] gives back ln r̂ and its exact
 * θ0- and θ1-gradient to 1e-6; the sidecars record θ1 as an input.
 */
class DoublyTrainingTest {
    private static final GammaLatentSimulator SIM = new GammaLatentSimulator();
    private static final double[] LO = {1.5, 0.7}, HI = {3.0, 1.4};

    @Test
    void alices2LearnsTheDoublyParametrisedRatio() {
        AugmentedData data = SIM.doublyRatioTrainingData(10000, LO, HI, new SplittableRandom(21));
        ParamTrainingConfig c = ParamTrainingConfig.defaults(EstimatorMethod.ALICES2)
                .withNetwork(List.of(32, 32), TrainingConfig.Activation.SWISH).withEpochs(10, 256, 4)
                .withOptimizer(ParamTrainingConfig.Optimizer.ADAM, 3e-3, 3e-4).withQuiet(true);
        TrainedEstimator est = ParamTrainer.train(data, c, 0, null);
        double[][] grid = GammaLatentValidation.Reference.grid(LO, HI, 2);
        GammaLatentValidation v = GammaLatentValidation.ofDoubly(est, SIM, 300, grid, grid, 77);
        // r̂ ≡ 1 has MSE = E[(ln r)²]; the estimator must remove most of it over pairs (θ0, θ1), and learn the score
        assertTrue(v.mseLogRatio() < 0.1 * v.varianceLogRatio(), v.toString());
        assertTrue(v.mseScore() < 0.2 * v.meanSquareScore(), v.toString());
        // ln r̂(x|θ, θ) = 0 by construction
        double[][] x = SIM.sampleFeatures(20, new double[] {2, 1}, new SplittableRandom(3));
        for (double l : est.logRatios(x, new double[] {2.2, 0.9}, new double[] {2.2, 0.9})) {
            assertEquals(0, l, 1e-12);
        }
    }

    @Test
    void exportRoundTripWithTheta1Inputs(@TempDir Path dir) {
        AugmentedData data = SIM.doublyRatioTrainingData(3000, LO, HI, new SplittableRandom(5));
        ParamTrainingConfig c = ParamTrainingConfig.defaults(EstimatorMethod.CASCAL2)
                .withNetwork(List.of(16, 16), TrainingConfig.Activation.SWISH).withEpochs(3, 256, 3).withQuiet(true);
        TrainedEstimator est = ParamTrainer.train(data, c, 0, null);
        Path sc = EstimatorExport.export(est, dir, "cascal2-0");
        EstimatorSidecar es = EstimatorSidecar.read(dir.resolve("cascal2-0.estimator.json"));
        assertEquals("cascal2", es.method());
        assertEquals(EstimatorSidecar.FORMAT_VERSION_DOUBLY, es.formatVersion());
        assertTrue(es.isDoublyParametrised());
        assertEquals(List.of("theta1_k", "theta1_lambda"), es.theta1Inputs());
        assertEquals(List.of("k", "lambda"), es.parameters());
        ModelSidecar ms = Sidecars.read(sc);
        assertEquals(ModelSidecar.FORMAT_VERSION_DOUBLY, ms.formatVersion());
        assertEquals(List.of("theta1_k", "theta1_lambda"), ms.denominatorParameters());
        double[][] x = SIM.sampleFeatures(300, new double[] {2, 1}, new SplittableRandom(8));
        try (RatioModel m = RatioModel.load(sc)) {
            assertTrue(m.isDoublyParametrised());
            assertEquals(List.of("k", "lambda", "theta1_k", "theta1_lambda"), m.parameters());
            double[][] pairs = {{1.7, 0.8, 2.0, 1.0}, {2.0, 1.0, 2.6, 1.3}, {2.8, 1.3, 1.6, 0.75}};
            for (double[] th : pairs) {
                double[] t0 = {th[0], th[1]}, t1 = {th[2], th[3]};
                double[] want = est.logRatios(x, t0, t1);
                double[][] wantGrad = est.thetaGradients(x, t0, t1);
                ThetaGradient g = m.logRatioGradient(x, th);
                assertEquals("exact", g.method());
                double[] ort = m.logRatios(x, th);
                for (int e = 0; e < want.length; e++) {
                    assertEquals(want[e], g.logRatio()[e], 1e-6, "ln r, event " + e);
                    assertEquals(want[e], ort[e], 2e-5 * Math.max(1, Math.abs(want[e])), "ONNX Runtime ln r, event " + e);
                    for (int j = 0; j < 4; j++) {
                        assertEquals(wantGrad[j][e], g.gradient()[j][e], 1e-6, "d ln r/dθ input " + j + ", event " + e);
                    }
                }
            }
            // a θ with θ0's values only is refused with the model's parameter names
            var ex = assertThrows(RuntimeException.class, () -> m.logRatios(x, new double[] {2, 1}));
            assertTrue(ex.getMessage().contains("theta1_k"), ex.getMessage());
        }
    }

    @Test
    void missingTheta1IsRefused() {
        AugmentedData single = SIM.ratioTrainingData(200, LO, HI, new double[] {2, 1}, new SplittableRandom(1));
        var ex = assertThrows(IllegalArgumentException.class, () -> ParamTrainer.train(single,
                ParamTrainingConfig.defaults(EstimatorMethod.CARL2).withQuiet(true), 0, null));
        assertTrue(ex.getMessage().contains("θ1"), ex.getMessage());
        AugmentedData noT1 = new AugmentedData(single.features(), single.parameters(), single.x(), single.theta0(),
                single.y(), single.rxz(), single.txz(), null, single.theta0(), null);
        ex = assertThrows(IllegalArgumentException.class, () -> ParamTrainer.train(noT1,
                ParamTrainingConfig.defaults(EstimatorMethod.ALICES2).withQuiet(true), 0, null));
        assertTrue(ex.getMessage().contains("t_xz1"), ex.getMessage());
    }
}
