package org.ratiofit.ratio.training;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Two 2-D Gaussians with diagonal covariances: A = N((0.5, 0), diag(1.1², 0.9²)), B = N(0, 1).
 * The exact log-ratio ln p_A/p_B is known in closed form.
 */
final class GaussianToy {
    static final double[] MEAN_A = {0.5, 0.0};
    static final double[] SIGMA_A = {1.1, 0.9};
    static final List<String> FEATURES = List.of("x1", "x2");

    private GaussianToy() {
    }

    static double[][] sample(int n, boolean a, SplittableRandom rng) {
        double[][] rows = new double[n][2];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 2; j++) {
                double g = gaussian(rng);
                rows[i][j] = a ? MEAN_A[j] + SIGMA_A[j] * g : g;
            }
        }
        return rows;
    }

    static double exactLogRatio(double[] x) {
        double l = 0;
        for (int j = 0; j < 2; j++) {
            double za = (x[j] - MEAN_A[j]) / SIGMA_A[j];
            l += -0.5 * za * za - Math.log(SIGMA_A[j]) + 0.5 * x[j] * x[j];
        }
        return l;
    }

    /** nA events of A and nB of B as one table (unit weights). */
    static TrainingData data(int nA, int nB, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] a = sample(nA, true, rng);
        double[][] b = sample(nB, false, rng);
        return TrainingData.ofSamples(columns(a), null, columns(b), null, FEATURES, FEATURES);
    }

    static Map<String, double[]> columns(double[][] rows) {
        Map<String, double[]> m = new LinkedHashMap<>();
        for (int j = 0; j < FEATURES.size(); j++) {
            double[] c = new double[rows.length];
            for (int i = 0; i < rows.length; i++) {
                c[i] = rows[i][j];
            }
            m.put(FEATURES.get(j), c);
        }
        return m;
    }

    static double gaussian(SplittableRandom rng) {
        double u1 = rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log1p(-u1)) * Math.cos(2 * Math.PI * u2);
    }
}
