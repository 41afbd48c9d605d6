package org.ratiofit.ratio.training.calibration;

/**
 * Isotonic calibration fitted on the holdout: the probability p of hypothesis A as a non-decreasing
 * function of the raw ratio r̂ (equivalently of the score r̂/(1 + r̂)), by weighted PAVA with
 * class-normalised weights; the calibrated ratio at a knot is p/(1 − p), p clipped to
 * [1e-9, 1 − 1e-9]. Between knots the calibrated ratio is linear in r̂ and constant beyond the end
 * knots, as the sidecar's isotonic calibration is evaluated.
 */
public record IsotonicCalibrator(int formatVersion, String kind, double[] ratioKnots, double[] calibratedRatios)
        implements RatioCalibrator {

    public static final int FORMAT_VERSION = 1;

    /** @param ratios r̂ on holdout events, labels 1 = A, 0 = B, weights normalised per class */
    public static IsotonicCalibrator fit(double[] ratios, int[] labels, double[] weights) {
        double[] y = new double[ratios.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = labels[i];
        }
        Pava.Fit f = Pava.fit(ratios, y, weights);
        double[] out = new double[f.y().length];
        for (int k = 0; k < out.length; k++) {
            out[k] = RatioCalibrator.scoreToRatio(f.y()[k]);
        }
        return new IsotonicCalibrator(FORMAT_VERSION, "isotonic", f.x(), out);
    }

    @Override
    public double calibrate(double ratio) {
        return Pava.interpolate(ratioKnots, calibratedRatios, ratio);
    }
}
