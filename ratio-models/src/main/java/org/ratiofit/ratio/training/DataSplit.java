package org.ratiofit.ratio.training;

import java.util.SplittableRandom;

/**
 * The train / validation / holdout split of a table, drawn from a seed; saved with every trained
 * member so the split can be rebuilt and checked. Validation drives early stopping; the holdout
 * is seen only by calibration and diagnostics.
 */
public record DataSplit(int formatVersion, long seed, double trainFraction, double validationFraction,
        double holdoutFraction, int[] train, int[] validation, int[] holdout) {

    public static final int FORMAT_VERSION = 1;

    /** Permutes the n events with the seed and cuts them by the fractions (which must sum to 1). */
    public static DataSplit draw(int n, long seed, double trainFraction, double validationFraction) {
        double holdoutFraction = 1.0 - trainFraction - validationFraction;
        if (!(trainFraction > 0) || !(validationFraction > 0) || holdoutFraction < -1e-12) {
            throw new IllegalArgumentException("split fractions train=" + trainFraction + ", validation="
                    + validationFraction + " must be positive and sum to at most 1");
        }
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int k = rng.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[k];
            perm[k] = t;
        }
        int nTrain = (int) Math.round(trainFraction * n);
        int nVal = (int) Math.round(validationFraction * n);
        nVal = Math.min(nVal, n - nTrain);
        int[] tr = java.util.Arrays.copyOfRange(perm, 0, nTrain);
        int[] va = java.util.Arrays.copyOfRange(perm, nTrain, nTrain + nVal);
        int[] ho = java.util.Arrays.copyOfRange(perm, nTrain + nVal, n);
        java.util.Arrays.sort(tr);
        java.util.Arrays.sort(va);
        java.util.Arrays.sort(ho);
        return new DataSplit(FORMAT_VERSION, seed, trainFraction, validationFraction, Math.max(0, holdoutFraction),
                tr, va, ho);
    }
}
