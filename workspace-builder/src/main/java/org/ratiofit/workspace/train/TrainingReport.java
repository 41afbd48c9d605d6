package org.ratiofit.workspace.train;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link ConfigTraining#train} did, written as JSON by the {@code train} command (format
 * version {@value #FORMAT_VERSION}).
 *
 * @param configFile the fit configuration
 * @param settings   the settings used
 * @param ensembles  one result per trained ensemble, in the configuration's order
 * @param skipped    ensembles the configuration names that were not trained, with the reason
 * @param seconds    wall time of the whole training
 */
public record TrainingReport(int formatVersion, Path configFile, TrainingSettings settings, List<EnsembleResult> ensembles,
        List<Skipped> skipped, double seconds) {

    public static final int FORMAT_VERSION = 2;

    /**
     * One trained ensemble.
     *
     * @param numeratorEvents   events of the numerator hypothesis used (train + validation + holdout)
     * @param denominatorEvents events of the denominator hypothesis used
     * @param seed              the seed the members were trained with (the settings' seed, or
     *                          that plus {@link ConfigTraining#RETRY_SEED_STEP} after a NaN loss)
     * @param members           per member: epochs run, the kept epoch and its validation loss
     * @param normalisation     holdout Σ_B w r̂ (should be 1) with its error and pull; null without diagnostics
     * @param worstClosureChi2PerNdf the largest χ²/ndf of the reweighting closure over the features; NaN without diagnostics
     * @param diagnostics       the diagnostics folder (report.json and figures), or null
     * @param yieldFit          a polynomial (PNN) model's inclusive yield fit: coefficients, splines, the residual and
     *                          pull at every ν point, χ²; null for other ensembles (format version 2)
     */
    public record EnsembleResult(String yamlPath, String name, String numerator, String denominator, Path folder,
            int numeratorEvents, int denominatorEvents, long seed, List<Member> members, Normalisation normalisation,
            double worstClosureChi2PerNdf, Path diagnostics, double seconds, org.ratiofit.ratio.training.pnn.YieldFit.Result yieldFit) {

        /** Without a yield fit (every ensemble but a polynomial model's). */
        public EnsembleResult(String yamlPath, String name, String numerator, String denominator, Path folder,
                int numeratorEvents, int denominatorEvents, long seed, List<Member> members, Normalisation normalisation,
                double worstClosureChi2PerNdf, Path diagnostics, double seconds) {
            this(yamlPath, name, numerator, denominator, folder, numeratorEvents, denominatorEvents, seed, members, normalisation,
                    worstClosureChi2PerNdf, diagnostics, seconds, null);
        }
    }

    /** One member's training: epochs run, the epoch whose weights were kept, its validation loss. */
    public record Member(int index, int epochs, int bestEpoch, double bestValidationLoss, boolean stoppedEarly) {
    }

    /** Σ_B w r̂ over the holdout (B's weights normalised to 1): 1 for a well-trained ratio. */
    public record Normalisation(double value, double error, double pull) {
    }

    public record Skipped(String yamlPath, Path folder, String reason) {
    }
}
