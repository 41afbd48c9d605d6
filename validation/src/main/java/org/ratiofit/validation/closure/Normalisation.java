package org.ratiofit.validation.closure;

/**
 * Normalisation closure of one ratio model (or the ensemble): the weighted mean of r over a sample
 * of the denominator hypothesis estimates E_den[r] = ∫ p_num = 1.
 *
 * @param name      model, member or sample checked
 * @param events    events in the sample
 * @param mean      Σ w r / Σ w
 * @param error     its statistical error, √(Σ w² (r − mean)²) / Σ w
 * @param pull      (mean − 1) / error
 * @param allowed   the largest |mean − 1| that passes: tolerance + nSigma · error
 * @param passed    |mean − 1| ≤ allowed
 */
public record Normalisation(String name, long events, double mean, double error, double pull, double allowed, boolean passed) {

    /** The check over ratios r_i = exp(logRatio_i) with event weights (null for unit weights). */
    public static Normalisation of(String name, double[] logRatio, double[] weights, double tolerance, double nSigma) {
        double[] m = ClosureStats.weightedMeanAndError(logRatio, weights, true);
        double dev = Math.abs(m[0] - 1);
        double allowed = tolerance + nSigma * m[1];
        return new Normalisation(name, logRatio.length, m[0], m[1], m[1] > 0 ? (m[0] - 1) / m[1] : (m[0] == 1 ? 0 : Double.POSITIVE_INFINITY),
                allowed, dev <= allowed);
    }
}
