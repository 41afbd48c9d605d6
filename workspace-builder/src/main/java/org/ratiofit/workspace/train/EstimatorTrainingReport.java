package org.ratiofit.workspace.train;

import java.util.List;
import org.ratiofit.ratio.training.param.ParamTrainingConfig;

/**
 * What {@code ratiofit train-estimator} did (format {@value #FORMAT}, version {@value #FORMAT_VERSION}),
 * written into the ensemble folder as {@code NAME.training.json} and printed with {@code --json}:
 * the settings, the events used, per member the loss curves, the best (restored) epoch and whether
 * early stopping ended it, and the expectation check on the held-out events — E[r̂] = 1 over the
 * events drawn at θ1 (each with the θ0 it is paired with) for ratio methods, E[t̂] = 0 over the
 * events at θ_ref for SALLY — per member and for the ensemble (mean ratio, mean score).
 *
 * @param configFile     the configuration file, or null (command line only)
 * @param folder         the ensemble folder written
 * @param output         {@code log_ratio} or {@code local_score}
 * @param referenceTheta θ1 or θ_ref recorded in the sidecars (null: not known)
 * @param events         events in the data files
 * @param trainingEvents events given to the trainer (it splits its validation events off these)
 * @param holdoutEvents  events kept out of training for the expectation check
 * @param ensemble       the ensemble's expectation check (null without held-out events)
 * @param expectationBeta β written into {@code ensemble.json} (null: the plain committee)
 * @param expectationWeights the members' weights exp(−β E_i)/Σ exp(−β E_j) from the held-out deviations
 *                       (E_i = |E[r̂_i] − 1|, or the Euclidean norm of E[t̂_i] for SALLY); null without β
 *                       or held-out events. {@code build} and {@code validate} fit their own on their
 *                       reference sample.
 */
public record EstimatorTrainingReport(String format, int formatVersion, String configFile, String folder, String name,
        String method, String output, List<String> features, List<String> parameters, double[] referenceTheta,
        ParamTrainingConfig settings, int members, long events, long trainingEvents, long holdoutEvents,
        List<Member> memberResults, Expectation ensemble, Double expectationBeta, double[] expectationWeights,
        double seconds) {

    public static final String FORMAT = "ratiofit-estimator-training";
    public static final int FORMAT_VERSION = 1;

    /**
     * One member: its files, the loss per epoch (training and validation), the epoch whose weights
     * were kept (counting from 0), whether early stopping ended training, the wall time and its expectation check.
     */
    public record Member(int index, String sidecar, String onnx, int epochs, int bestEpoch, boolean stoppedEarly,
            double bestValidationLoss, double[] trainLoss, double[] validationLoss, double seconds,
            Expectation expectation) {
    }

    /**
     * The expectation check on held-out events: E[r̂] − 1 (one entry) for ratio methods, E[t̂] per
     * parameter for SALLY; each with its standard error (sample standard deviation/√n, weighted:
     * over the effective number of events) and the pull deviation/error.
     *
     * @param quantity {@code E[r]-1} or {@code E[t]}
     * @param events   held-out events used (ratio methods: those drawn at θ1)
     */
    public record Expectation(String quantity, long events, double[] deviation, double[] standardError,
            double[] pull) {

        /** The largest |pull|. */
        public double worstPull() {
            double w = 0;
            for (double p : pull) {
                w = Math.max(w, Math.abs(p));
            }
            return w;
        }
    }
}
