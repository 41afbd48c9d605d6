package org.ratiofit.ratio.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The null test: with the labels shuffled the two classes are the same distribution, so the
 * trained ratio must be ≈ 1 everywhere (while the same training on the true labels is not).
 */
class ShuffledLabelTest {

    @Test
    void shuffledLabelsGiveRatioNearOne() {
        TrainingData data = GaussianToy.data(8_000, 8_000, 77L);
        TrainingConfig cfg = TrainingConfig.defaults().withNetwork(List.of(32, 32), TrainingConfig.Activation.SWISH)
                .withOptimizer(TrainingConfig.OptimizerKind.NADAM, 1e-3, TrainingConfig.Schedule.COSINE, 0.05)
                .withEpochs(20, 1024, 5).withEarlyStopping(5, 1e-4).withQuiet(true);
        TrainedMember nul = DjlTrainer.train(data.withShuffledLabels(5L), cfg, 0);
        // the kept weights are those of the best epoch (early stopping restores them)
        TrainingData sh = data.withShuffledLabels(5L);
        int[] va = nul.split().validation();
        double[] zv = nul.logRatio(sh, va);
        int[] yv = new int[va.length];
        for (int k = 0; k < va.length; k++) {
            yv[k] = sh.labels()[va[k]];
        }
        double recomputed = DjlTrainer.loss(zv, yv, sh.classNormalisedWeights(va));
        double[] hist = nul.history().validationLoss();
        assertEquals(hist[nul.history().bestEpoch()], recomputed, 1e-5, "validation loss of the restored weights");
        assertEquals(java.util.Arrays.stream(hist).min().getAsDouble(), recomputed, 1e-5);
        double[][] fresh = GaussianEnsembleTest.freshMixture(10_000, 17L);
        double[] l = nul.logRatio(fresh);
        double ss = 0;
        double max = 0;
        for (double v : l) {
            ss += v * v;
            max = Math.max(max, Math.abs(v));
        }
        double rms = Math.sqrt(ss / l.length);
        System.out.printf("shuffled labels: RMS ln r = %.4f, max |ln r| = %.4f, best epoch %d, val %s%n", rms, max, nul.history().bestEpoch(), java.util.Arrays.toString(nul.history().validationLoss()));
        assertTrue(rms < 0.1, "shuffled-label model: RMS ln r = " + rms);
        // the exact log-ratio of the toy has RMS far above this on the same events
        double ssTrue = 0;
        for (double[] x : fresh) {
            double t = GaussianToy.exactLogRatio(x);
            ssTrue += t * t;
        }
        double rmsTrue = Math.sqrt(ssTrue / fresh.length);
        System.out.printf("true RMS ln r = %.4f%n", rmsTrue);
        assertTrue(rms < 0.25 * rmsTrue, "null RMS " + rms + " not small against the toy's true RMS ln r " + rmsTrue);
    }

    @Test
    void sameSeedSameWeights() {
        TrainingData data = GaussianToy.data(1_000, 1_000, 3L);
        TrainingConfig cfg = TrainingConfig.defaults().withNetwork(List.of(8), TrainingConfig.Activation.RELU)
                .withEpochs(2, 128, 2).withQuiet(true);
        TrainedMember a = DjlTrainer.train(data, cfg, 2);
        TrainedMember b = DjlTrainer.train(data, cfg, 2);
        double[][] rows = GaussianToy.sample(50, true, new SplittableRandom(1));
        assertTrue(java.util.Arrays.equals(a.logRatio(rows), b.logRatio(rows)), "same seed, different network");
    }

    @Test
    void trainingRecordRoundTrips(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        TrainingData data = GaussianToy.data(1_000, 1_000, 4L);
        TrainingConfig cfg = TrainingConfig.defaults().withNetwork(List.of(8), TrainingConfig.Activation.TANH)
                .withEpochs(2, 128, 2).withScaler(ScalerKind.YEO_JOHNSON, 0, 1).withBootstrap(true).withQuiet(true);
        TrainedMember m = DjlTrainer.train(data, cfg, 1);
        TrainedMember back = TrainingRecords.read(TrainingRecords.save(m, dir, "m"));
        assertEquals(m.config(), back.config());
        assertEquals(m.seed(), back.seed());
        assertTrue(java.util.Arrays.equals(m.split().holdout(), back.split().holdout()), "split saved");
        assertEquals(m.split().seed(), back.split().seed());
        double[][] rows = GaussianToy.sample(20, false, new SplittableRandom(2));
        assertTrue(java.util.Arrays.equals(m.logRatio(rows), back.logRatio(rows)), "network and scaler saved");
    }
}
