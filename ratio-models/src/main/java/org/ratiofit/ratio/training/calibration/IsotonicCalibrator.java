package org.ratiofit.ratio.training.calibration;

/**
 * Isotonic calibration fitted on the holdout: the probability of hypothesis A as a non-decreasing
 * function of the score s = r̂/(1 + r̂), by weighted PAVA with class-normalised weights; the
 * calibrated ratio is p/(1 − p). Stored as knots in score: scoreKnots[k] → calibratedScores[k],
 * linear between knots and constant beyond; scores clipped to [1e-9, 1 − 1e-9].
 */
public record IsotonicCalibrator(int formatVersion, String kind, double[] scoreKnots, double[] calibratedScores)
        implements RatioCalibrator {

    public static final int FORMAT_VERSION = 1;

    /** @param ratios r̂ on holdout events, labels 1 = A, 0 = B, weights normalised per class */
    public static IsotonicCalibrator fit(double[] ratios, int[] labels, double[] weights) {
        double[] s = new double[ratios.length];
        double[] y = new double[ratios.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = RatioCalibrator.ratioToScore(ratios[i]);
            y[i] = labels[i];
        }
        Pava.Fit f = Pava.fit(s, y, weights);
        return new IsotonicCalibrator(FORMAT_VERSION, "isotonic", f.x(), f.y());
    }

    @Override
    public double calibrate(double ratio) {
        double p = Pava.interpolate(scoreKnots, calibratedScores, RatioCalibrator.ratioToScore(ratio));
        return RatioCalibrator.scoreToRatio(p);
    }
}
