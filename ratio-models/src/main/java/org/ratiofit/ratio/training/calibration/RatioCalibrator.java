package org.ratiofit.ratio.training.calibration;

/** Maps a classifier's ratio r̂ to a calibrated ratio (the field's convention: ratio in, ratio out). */
public interface RatioCalibrator {
    double calibrate(double ratio);

    /** Clipping of scores used throughout: s in [1e-9, 1 − 1e-9]. */
    double SCORE_CLIP = 1e-9;

    static double clipScore(double s) {
        return Math.min(1 - SCORE_CLIP, Math.max(SCORE_CLIP, s));
    }

    static double scoreToRatio(double s) {
        double c = clipScore(s);
        return c / (1 - c);
    }

    static double ratioToScore(double r) {
        return r / (1 + r);
    }
}
