package org.ratiofit.ratio.training.param;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.ratiofit.ratio.FisherInformation;
import org.ratiofit.ratio.training.TrainingConfig;

/**
 * Training on the latent-variable simulator against its exact (quadrature) answers: a parametrised
 * ALICES learns ln r(x|θ0, θ1) over a grid of θ0; the shuffled-label null test gives r̂ ≈ 1; SALLY's
 * Fisher information is within 5% of the exact one; every optimiser trains; training is reproducible.
 */
class ParamTrainerTest {
    static final GammaLatentSimulator SIM = new GammaLatentSimulator();
    static final double[] LO = {1.5, 0.7}, HI = {3.0, 1.4}, TH1 = {2.0, 1.0};
    private static GammaLatentValidation.Reference ref;
    private static AugmentedData data;

    static ParamTrainingConfig small(EstimatorMethod m) {
        return ParamTrainingConfig.defaults(m).withNetwork(List.of(32, 32), TrainingConfig.Activation.SWISH)
                .withEpochs(10, 256, 4).withOptimizer(ParamTrainingConfig.Optimizer.ADAM, 3e-3, 3e-4).withQuiet(true);
    }

    @BeforeAll
    static void setUp() {
        ref = GammaLatentValidation.Reference.of(SIM, 1000, GammaLatentValidation.Reference.grid(LO, HI, 3), TH1, 99);
        data = SIM.ratioTrainingData(8000, LO, HI, TH1, new SplittableRandom(1));
    }

    @Test
    void alicesLearnsTheParametrisedRatio() {
        TrainedEstimator est = ParamTrainer.train(data, small(EstimatorMethod.ALICES), 0, TH1);
        GammaLatentValidation v = GammaLatentValidation.of(est, ref);
        // r̂ ≡ 1 has MSE = E[(ln r)²] ≈ 0.36; the estimator must remove most of it, and learn the score too
        assertTrue(v.mseLogRatio() < 0.1 * v.varianceLogRatio(), v.toString());
        assertTrue(v.mseScore() < 0.1 * v.meanSquareScore(), v.toString());
    }

    /** Shuffled labels: nothing to learn, r̂ ≈ 1 everywhere; the same training with the true labels does learn. */
    @Test
    void shuffledLabelNullTestGivesUnitRatio() {
        ParamTrainingConfig c = small(EstimatorMethod.CARL).withEpochs(6, 256, 3);
        TrainedEstimator nul = ParamTrainer.train(data, c.withShuffledLabels(true), 0, TH1);
        TrainedEstimator real = ParamTrainer.train(data, c, 0, TH1);
        double msNull = 0, msReal = 0;
        int count = 0;
        for (double[] theta : ref.thetaGrid()) {
            double[] a = nul.logRatios(ref.x(), theta), b = real.logRatios(ref.x(), theta);
            for (int e = 0; e < a.length; e++) {
                msNull += a[e] * a[e];
                msReal += b[e] * b[e];
                count++;
            }
        }
        double rmsNull = Math.sqrt(msNull / count), rmsReal = Math.sqrt(msReal / count);
        assertTrue(rmsNull < 0.06, "RMS ln r̂ with shuffled labels " + rmsNull);
        assertTrue(rmsReal > 0.2 && rmsReal > 4 * rmsNull, "RMS ln r̂ with the true labels " + rmsReal
                + " (exact ≈ 0.6), shuffled " + rmsNull);
    }

    /** I = n E[t tᵀ] at θ_ref from SALLY against the exact marginal score (quadrature) on the same held-out events. */
    @Test
    void sallyFisherInformationWithinFivePercent() {
        AugmentedData sally = SIM.localScoreTrainingData(10000, TH1, new SplittableRandom(21));
        TrainedEstimator est = ParamTrainer.train(sally, small(EstimatorMethod.SALLY).withEpochs(12, 256, 4), 0, TH1);
        double[][] exact = FisherInformation.fromScores(ref.score(), null, 1000);
        double[][] learned = FisherInformation.fromScores(est.scores(ref.x(), null), null, 1000);
        double num = 0, den = 0;
        for (int i = 0; i < 2; i++) {
            assertEquals(exact[i][i], learned[i][i], 0.05 * exact[i][i], "I_" + i + i);
            for (int j = 0; j < 2; j++) {
                num += Math.pow(learned[i][j] - exact[i][j], 2);
                den += exact[i][j] * exact[i][j];
            }
        }
        assertTrue(Math.sqrt(num / den) < 0.05, "relative Frobenius error " + Math.sqrt(num / den));
        // the joint score's information (what the latent z would give) is larger: the smearing loses information
        double[][] joint = FisherInformation.fromScores(sally.txz(), null, 1000);
        assertTrue(joint[0][0] > 1.2 * exact[0][0], "joint " + joint[0][0] + " vs marginal " + exact[0][0]);
    }

    @ParameterizedTest
    @EnumSource(ParamTrainingConfig.Optimizer.class)
    void everyOptimiserReducesTheLoss(ParamTrainingConfig.Optimizer opt) {
        double lr = opt == ParamTrainingConfig.Optimizer.SGD_NESTEROV ? 0.05 : 3e-3;
        ParamTrainingConfig c = small(EstimatorMethod.CASCAL).withOptimizer(opt, lr, lr / 10).withEpochs(3, 256, 3)
                .withMaxEvents(3000);
        double[] first = new double[1];
        TrainedEstimator est = ParamTrainer.train(data, c, 0, TH1, (m, epoch, tr, val) -> {
            if (epoch == 0) {
                first[0] = val;
            }
        });
        assertEquals(3000 - 750, est.history().eventsPerEpoch());
        double last = est.history().validationLoss()[est.history().bestEpoch()];
        assertTrue(last < first[0], opt + ": best validation loss " + last + " not below the first epoch's " + first[0]);
        // the loss of r̂ ≡ 1, t̂ ≡ 0 is ln 2 + α E[(1 − y)|t|²]; the first epoch is already below it
        double trivial = 0;
        for (int e = 0; e < data.size(); e++) {
            if (data.y()[e] == 0) {
                trivial += Math.pow(data.txz()[0][e], 2) + Math.pow(data.txz()[1][e], 2);
            }
        }
        trivial = Math.log(2) + c.alpha() * trivial / data.size();
        assertTrue(first[0] < trivial, opt + " first epoch " + first[0] + ", trivial " + trivial);
    }

    @Test
    void sameSeedSameWeights() {
        ParamTrainingConfig c = small(EstimatorMethod.RASCAL).withEpochs(1, 256, 1).withMaxEvents(2000);
        TrainedEstimator a = ParamTrainer.train(data, c, 3, TH1);
        TrainedEstimator b = ParamTrainer.train(data, c, 3, TH1);
        for (int k = 0; k < a.network().weights().size(); k++) {
            assertArrayEquals(a.network().weights().get(k), b.network().weights().get(k));
        }
    }
}
