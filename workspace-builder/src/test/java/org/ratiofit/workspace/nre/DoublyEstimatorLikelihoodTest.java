package org.ratiofit.workspace.nre;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratiofit.objective.ParameterSpec;
import org.ratiofit.ratio.RatioModel;
import org.ratiofit.ratio.training.TrainingConfig;
import org.ratiofit.ratio.training.param.EstimatorExport;
import org.ratiofit.ratio.training.param.EstimatorMethod;
import org.ratiofit.ratio.training.param.GammaLatentSimulator;
import org.ratiofit.ratio.training.param.ParamTrainer;
import org.ratiofit.ratio.training.param.ParamTrainingConfig;
import org.ratiofit.ratio.training.param.TrainedEstimator;

/**
 * A doubly parametrised estimator (ALICES2) in {@link RatioLikelihood}: its θ1 inputs are model
 * parameters like θ0's (theta1_k, theta1_lambda), held fixed by the user's parameter specs; the
 * likelihood is −Σ ln r̂(x_i|θ0, θ1) with the exact θ0-gradient −Σ ∇θ0 ln r̂ of the trained network.
 * Leaving the θ1 inputs out is refused with the model's parameter names.
 */
class DoublyEstimatorLikelihoodTest {
    @Test
    void theta1FixedByTheUser(@TempDir Path dir) {
        GammaLatentSimulator sim = new GammaLatentSimulator();
        ParamTrainingConfig c = ParamTrainingConfig.defaults(EstimatorMethod.ALICES2)
                .withNetwork(List.of(16, 16), TrainingConfig.Activation.SWISH).withEpochs(2, 256, 2).withQuiet(true);
        TrainedEstimator est = ParamTrainer.train(sim.doublyRatioTrainingData(3000, new double[] {1.5, 0.7},
                new double[] {3, 1.4}, new SplittableRandom(7)), c, 0, null);
        Path sc = EstimatorExport.export(est, dir, "alices2-0");
        double[][] x = sim.sampleFeatures(400, new double[] {2.3, 1.1}, new SplittableRandom(8));
        double[] th1 = {2, 1};
        try (RatioModel m = RatioModel.load(sc)) {
            RatioLikelihood lik = RatioLikelihood.iid(m, x, null, List.of(
                    ParameterSpec.bounded("k", 2, 0.1, 1.5, 3), ParameterSpec.bounded("lambda", 1, 0.1, 0.7, 1.4),
                    ParameterSpec.bounded("theta1_k", th1[0], 0.1, 1.5, 3).withFixed(true),
                    ParameterSpec.bounded("theta1_lambda", th1[1], 0.1, 0.7, 1.4).withFixed(true)));
            assertTrue(lik.exactGradient());
            for (double[] theta0 : new double[][] {{1.8, 0.9}, {2.3, 1.1}}) {
                double[] g = new double[4];
                double v = lik.valueAndGradient(new double[] {theta0[0], theta0[1], th1[0], th1[1]}, g);
                double want = 0;
                for (double l : est.logRatios(x, theta0, th1)) {
                    want -= l;
                }
                double[][] t = est.thetaGradients(x, theta0, th1);
                assertEquals(want, v, 1e-6 * Math.max(1, Math.abs(want)));
                for (int j = 0; j < 2; j++) {
                    double s = 0;
                    for (double tj : t[j]) {
                        s -= tj;
                    }
                    assertEquals(s, g[j], 1e-6 * Math.max(1, Math.abs(s)), "gradient " + j);
                }
            }
            var ex = assertThrows(IllegalArgumentException.class, () -> RatioLikelihood.iid(m, x, null, List.of(
                    ParameterSpec.bounded("k", 2, 0.1, 1.5, 3), ParameterSpec.bounded("lambda", 1, 0.1, 0.7, 1.4))));
            assertTrue(ex.getMessage().contains("theta1_k"), ex.getMessage());
        }
    }
}
