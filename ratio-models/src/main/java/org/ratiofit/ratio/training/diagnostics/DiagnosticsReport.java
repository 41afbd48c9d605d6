package org.ratiofit.ratio.training.diagnostics;

import java.util.List;

/**
 * Numbers behind the training diagnostics (the figures show the same). Written as report.json.
 *
 * @param lossCurves     per member: epochs run, the kept epoch and its validation loss
 * @param overtraining   train vs holdout distributions of ln r̂ per hypothesis, two-sample KS test
 * @param calibration    holdout: per bin of predicted score, the observed fraction of A
 * @param closure        holdout: per feature, B reweighted by r̂ against A, χ²/ndf
 * @param normalisation  holdout: Σ_B w r̂ (w normalised to 1) with its statistical error
 * @param nullTest       shuffled-label training, or null when not run
 * @param figures        PNG files written beside the report
 */
public record DiagnosticsReport(int formatVersion, int members, List<LossCurve> lossCurves,
        List<Overtraining> overtraining, Calibration calibration, List<Closure> closure, Normalisation normalisation,
        NullTest nullTest, List<String> figures) {

    public static final int FORMAT_VERSION = 1;

    public record LossCurve(int member, int epochs, int bestEpoch, double bestValidationLoss, double finalTrainLoss,
            boolean stoppedEarly, double eventsPerSecond) {
    }

    /** hypothesis "A" or "B"; KS distance and p-value of train vs holdout ln r̂ (unweighted events). */
    public record Overtraining(String hypothesis, int trainEvents, int holdoutEvents, double ksStatistic,
            double pValue) {
    }

    public record Calibration(double[] meanPredictedScore, double[] observedFractionA, double[] observedError,
            double chi2, int ndf) {
    }

    public record Closure(String feature, double chi2, int ndf, double chi2PerNdf) {
    }

    /** value = Σ_B w r̂ with Σ_B w = 1; pull = (value − 1)/error. */
    public record Normalisation(double value, double error, double pull, int events) {
    }

    public record NullTest(double rmsLogRatio, double meanLogRatio, double maxAbsLogRatio, int events) {
    }
}
