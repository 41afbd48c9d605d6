package org.ratiofit.ratio.training.param;

import java.util.SplittableRandom;

/**
 * Accuracy of a trained estimator on {@link GammaLatentSimulator} against the exact (quadrature)
 * answers: the mean squared error of ln r̂(x|θ0) against ln r(x|θ0,θ1) over a grid of θ0 on held-out
 * events drawn at θ1, and of the score t̂(x|θ_ref) against the exact marginal score at θ_ref = θ1
 * (∇θ0 ln r̂ at θ0 = θ1 for the ratio methods, the output for SALLY).
 *
 * @param mseLogRatio     mean over the grid and the events of (ln r̂ − ln r)²; NaN for SALLY
 * @param mseScore        mean over the events of |t̂ − t|²
 * @param varianceLogRatio the same mean of (ln r)², the MSE of the trivial r̂ ≡ 1
 * @param meanSquareScore  mean of |t|², the MSE of the trivial t̂ ≡ 0
 */
public record GammaLatentValidation(double mseLogRatio, double mseScore, double varianceLogRatio,
        double meanSquareScore, int events, int gridPoints) {

    /** Held-out events at θ1 with the exact ln r at each grid point and the exact score at θ1, computed once. */
    public record Reference(double[][] x, double[][] thetaGrid, double[][] logRatio, double[][] score, double[] theta1) {

        public static Reference of(GammaLatentSimulator sim, int n, double[][] thetaGrid, double[] theta1, long seed) {
            double[][] x = sim.sampleFeatures(n, theta1, new SplittableRandom(seed));
            double[][] lr = new double[thetaGrid.length][n];
            double[][] score = new double[2][n];
            double[] t = new double[2];
            java.util.stream.IntStream.range(0, n).parallel().forEach(e -> {
                double[] te = new double[2];
                double l1 = sim.logMarginal(x[0][e], x[1][e], theta1, te);
                score[0][e] = te[0];
                score[1][e] = te[1];
                for (int g = 0; g < thetaGrid.length; g++) {
                    lr[g][e] = sim.logMarginal(x[0][e], x[1][e], thetaGrid[g], null) - l1;
                }
            });
            return new Reference(x, thetaGrid, lr, score, theta1.clone());
        }

        /** A regular grid of m × m points in the box. */
        public static double[][] grid(double[] low, double[] high, int m) {
            double[][] g = new double[m * m][];
            for (int a = 0; a < m; a++) {
                for (int b = 0; b < m; b++) {
                    g[a * m + b] = new double[] {low[0] + (high[0] - low[0]) * (m == 1 ? 0.5 : a / (m - 1.0)),
                            low[1] + (high[1] - low[1]) * (m == 1 ? 0.5 : b / (m - 1.0))};
                }
            }
            return g;
        }
    }

    /**
     * A doubly parametrised estimator over pairs (θ0, θ1): for every θ1 of {@code theta1Grid}, n
     * held-out events drawn at θ1 and every θ0 of {@code theta0Grid}, the mean of (ln r̂(x|θ0, θ1) −
     * ln r(x|θ0, θ1))² ({@code mseLogRatio}) and of (ln r)² ({@code varianceLogRatio}); the score
     * entries are ∇θ0 ln r̂ at θ0 = θ1 against the exact score t(x|θ1), averaged over the θ1 grid.
     */
    public static GammaLatentValidation ofDoubly(TrainedEstimator est, GammaLatentSimulator sim, int n,
            double[][] theta0Grid, double[][] theta1Grid, long seed) {
        if (!est.method().doubly()) {
            throw new IllegalArgumentException(est.method() + " is not doubly parametrised");
        }
        double mse = 0, var = 0, ms = 0, ss = 0;
        for (int b = 0; b < theta1Grid.length; b++) {
            double[] theta1 = theta1Grid[b];
            Reference ref = Reference.of(sim, n, theta0Grid, theta1, seed + b);
            for (int g = 0; g < theta0Grid.length; g++) {
                double[] l = est.logRatios(ref.x(), theta0Grid[g], theta1);
                for (int e = 0; e < n; e++) {
                    double d = l[e] - ref.logRatio()[g][e];
                    mse += d * d;
                    var += ref.logRatio()[g][e] * ref.logRatio()[g][e];
                }
            }
            double[][] t = est.thetaGradients(ref.x(), theta1, theta1);
            for (int e = 0; e < n; e++) {
                for (int j = 0; j < ref.score().length; j++) {
                    double d = t[j][e] - ref.score()[j][e];
                    ms += d * d;
                    ss += ref.score()[j][e] * ref.score()[j][e];
                }
            }
        }
        double cells = (double) n * theta0Grid.length * theta1Grid.length;
        double events = (double) n * theta1Grid.length;
        return new GammaLatentValidation(mse / cells, ms / events, var / cells, ss / events, n * theta1Grid.length,
                theta0Grid.length * theta1Grid.length);
    }

    public static GammaLatentValidation of(TrainedEstimator est, Reference ref) {
        int n = ref.x()[0].length;
        double mse = Double.NaN, var = 0;
        for (int g = 0; g < ref.thetaGrid().length; g++) {
            for (int e = 0; e < n; e++) {
                var += ref.logRatio()[g][e] * ref.logRatio()[g][e];
            }
        }
        var /= (double) n * ref.thetaGrid().length;
        if (!est.method().localScore()) {
            double s = 0;
            for (int g = 0; g < ref.thetaGrid().length; g++) {
                double[] l = est.logRatios(ref.x(), ref.thetaGrid()[g]);
                for (int e = 0; e < n; e++) {
                    double d = l[e] - ref.logRatio()[g][e];
                    s += d * d;
                }
            }
            mse = s / ((double) n * ref.thetaGrid().length);
        }
        double[][] t = est.scores(ref.x(), ref.theta1());
        double ms = 0, ss = 0;
        for (int e = 0; e < n; e++) {
            for (int j = 0; j < t.length; j++) {
                double d = t[j][e] - ref.score()[j][e];
                ms += d * d;
                ss += ref.score()[j][e] * ref.score()[j][e];
            }
        }
        return new GammaLatentValidation(mse, ms / n, var, ss / n, n, ref.thetaGrid().length);
    }
}
