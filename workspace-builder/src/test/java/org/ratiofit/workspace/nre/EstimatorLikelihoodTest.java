package org.ratiofit.workspace.nre;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * A parametrised estimator trained with ParamTrainer (ALICES) as the likelihood of its θ: after
 * export, {@link RatioLikelihood} over (k, λ) is −Σ ln r̂(x_i|θ) with the exact θ-gradient −Σ t̂ of
 * the trained network, which is what MIGRAD, scans and NUTS minimise and sample.
 */
class EstimatorLikelihoodTest {
    @Test
    void exportedEstimatorIsALikelihoodOfItsParameters(@TempDir Path dir) {
        GammaLatentSimulator sim = new GammaLatentSimulator();
        double[] th1 = {2, 1};
        ParamTrainingConfig c = ParamTrainingConfig.defaults(EstimatorMethod.ALICES)
                .withNetwork(List.of(16, 16), TrainingConfig.Activation.SWISH).withEpochs(2, 256, 2).withQuiet(true);
        TrainedEstimator est = ParamTrainer.train(sim.ratioTrainingData(3000, new double[] {1.5, 0.7},
                new double[] {3, 1.4}, th1, new SplittableRandom(7)), c, 0, th1);
        Path sc = EstimatorExport.export(est, dir, "alices-0");
        double[][] x = sim.sampleFeatures(500, new double[] {2.3, 1.1}, new SplittableRandom(8));
        try (RatioModel m = RatioModel.load(sc)) {
            RatioLikelihood lik = RatioLikelihood.iid(m, x, null, List.of(
                    ParameterSpec.bounded("k", 2, 0.1, 1.5, 3), ParameterSpec.bounded("lambda", 1, 0.1, 0.7, 1.4)));
            assertTrue(lik.exactGradient());
            for (double[] theta : new double[][] {{1.8, 0.9}, {2.3, 1.1}, {2.7, 1.3}}) {
                double[] g = new double[2];
                double v = lik.valueAndGradient(theta, g);
                double want = 0;
                for (double l : est.logRatios(x, theta)) {
                    want -= l;
                }
                double[][] t = est.scores(x, theta);
                assertEquals(want, v, 1e-6 * Math.max(1, Math.abs(want)), "−Σ ln r̂ at " + java.util.Arrays.toString(theta));
                for (int j = 0; j < 2; j++) {
                    double s = 0;
                    for (double tj : t[j]) {
                        s -= tj;
                    }
                    assertEquals(s, g[j], 1e-6 * Math.max(1, Math.abs(s)), "gradient " + j);
                }
            }
        }
    }
}
