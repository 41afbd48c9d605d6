package org.ratiofit.ratio;

import java.util.List;

/**
 * Member weights of an ensemble and, after expectation-based weighting, the closure deviations
 * E_i = (weighted mean of r_i over a denominator sample) − 1 and w_i = exp(−β|E_i|)/Σ_j exp(−β|E_j|).
 *
 * @param deviations E_i per member, or null when the weights are the plain committee without a closure check
 * @param beta       β used (0 for the committee)
 */
public record EnsembleReport(String ensemble, List<String> members, EnsembleManifest.Aggregation aggregation,
                             double beta, double[] deviations, double[] weights, long sampleEvents) {}
