package org.ratiofit.validation.closure;

/**
 * Tolerances of the closure checks.
 *
 * @param tolerance allowance beyond statistics for normalisations (relative): |mean − 1| ≤ tolerance + nSigma · error
 * @param nSigma    statistical errors allowed in the normalisation checks
 * @param bins      bins per feature (reweighting) and in the score (calibration)
 * @param minPValue smallest χ² p-value that passes (reweighting per feature, calibration)
 * @param beta      β of the expectation-based member weights when the ensemble's manifest gives none
 */
public record ClosureSettings(double tolerance, double nSigma, int bins, double minPValue, double beta) {

    /** 1% allowance plus 3σ, 20 bins, p ≥ 0.001, β = 2. */
    public static final ClosureSettings DEFAULT = new ClosureSettings(0.01, 3, 20, 1e-3, 2);

    public ClosureSettings {
        if (!(tolerance >= 0) || !(nSigma >= 0) || bins < 2 || !(minPValue >= 0 && minPValue < 1) || !(beta >= 0)) {
            throw new IllegalArgumentException("invalid closure settings: tolerance " + tolerance + ", nSigma " + nSigma + ", bins " + bins
                    + ", minPValue " + minPValue + ", beta " + beta);
        }
    }
}
