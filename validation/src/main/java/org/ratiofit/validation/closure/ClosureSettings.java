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
        // each bad setting by name, with its command-line option (validate's --tolerance, --n-sigma, ...)
        java.util.List<String> bad = new java.util.ArrayList<>();
        if (!(tolerance >= 0)) bad.add("tolerance (--tolerance) must be >= 0, got " + tolerance);
        if (!(nSigma >= 0)) bad.add("nSigma (--n-sigma) must be >= 0, got " + nSigma);
        if (bins < 2) bad.add("bins (--bins) must be at least 2, got " + bins);
        if (!(minPValue >= 0 && minPValue < 1)) bad.add("minPValue (--min-p) must lie in [0, 1), got " + minPValue);
        if (!(beta >= 0)) bad.add("beta (--beta) must be >= 0, got " + beta);
        if (!bad.isEmpty()) {
            throw new IllegalArgumentException("invalid closure setting: " + String.join("; ", bad));
        }
    }
}
