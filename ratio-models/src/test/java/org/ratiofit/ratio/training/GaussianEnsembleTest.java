package org.ratiofit.ratio.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two 2-D Gaussians with a known log-ratio: the trained ensemble must recover ln r to RMS < 0.1
 * on fresh events and pass the normalisation test; shuffled labels must give r ≈ 1.
 */
class GaussianEnsembleTest {
    static final int MEMBERS = 5;
    static TrainingData data;
    static TrainedEnsemble ensemble;
    static TrainingConfig config;

    @BeforeAll
    static void train() {
        data = GaussianToy.data(20_000, 20_000, 2024L);
        config = TrainingConfig.defaults().withNetwork(List.of(32, 32), TrainingConfig.Activation.SWISH)
                .withOptimizer(TrainingConfig.OptimizerKind.ADAM, 5e-3, TrainingConfig.Schedule.COSINE, 0.02)
                .withEpochs(40, 1024, 12).withQuiet(true);
        long t0 = System.nanoTime();
        ensemble = EnsembleTrainer.train(data, config, MEMBERS);
        System.out.printf("trained %d members in %.1f s%n", MEMBERS, (System.nanoTime() - t0) * 1e-9);
    }

    @Test
    void ensembleRecoversExactLogRatio() {
        double[][] fresh = freshMixture(10_000, 99L);
        double[] est = ensemble.logRatio(fresh);
        double ss = 0;
        for (int i = 0; i < fresh.length; i++) {
            double dlt = est[i] - GaussianToy.exactLogRatio(fresh[i]);
            ss += dlt * dlt;
        }
        double rms = Math.sqrt(ss / fresh.length);
        System.out.printf("RMS(ln r_hat - ln r) = %.4f%n", rms);
        for (TrainedMember m : ensemble.members()) {
            System.out.printf("member %d: epochs %d best %d val %.5f%n", m.index(), m.history().epochs(),
                    m.history().bestEpoch(), m.history().validationLoss()[m.history().bestEpoch()]);
        }
        assertTrue(rms < 0.1, "RMS(ln r_hat - ln r) = " + rms + " on 10^4 fresh events");
    }

    @Test
    void normalisationTestWithinThreeStandardErrors() {
        double[][] freshB = GaussianToy.sample(10_000, false, new SplittableRandom(7L));
        double[] l = ensemble.logRatio(freshB);
        double sum = 0;
        double sum2 = 0;
        for (double v : l) {
            double r = Math.exp(v);
            sum += r;
            sum2 += r * r;
        }
        int n = l.length;
        double mean = sum / n;
        double se = Math.sqrt((sum2 / n - mean * mean) / (n - 1));
        double exact = 0;
        for (double[] x : freshB) {
            exact += Math.exp(GaussianToy.exactLogRatio(x));
        }
        System.out.printf("sum_B w r = %.4f +- %.4f (exact r: %.4f)%n", mean, se, exact / n);
        assertTrue(Math.abs(mean - 1) < 3 * se, "sum_B w r = " + mean + " +- " + se);
    }

    @Test
    void membersDifferBySeedAndShareTheSplit() {
        TrainedMember m0 = ensemble.members().get(0);
        TrainedMember m1 = ensemble.members().get(1);
        assertTrue(m0.seed() != m1.seed());
        assertEquals(m0.split(), m1.split());
        assertTrue(!java.util.Arrays.equals(m0.network().weights().get(0), m1.network().weights().get(0)));
    }

    static double[][] freshMixture(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] a = GaussianToy.sample(n / 2, true, rng);
        double[][] b = GaussianToy.sample(n - n / 2, false, rng);
        double[][] out = new double[n][];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
