package org.ratiofit.samplers.nuts.diagnostics;

/**
 * Posterior summary of one parameter over all chains.
 *
 * @param name     parameter name
 * @param mean     posterior mean
 * @param sd       posterior standard deviation
 * @param mcseMean Monte Carlo standard error of the mean
 * @param q5       5% quantile
 * @param q50      median
 * @param q95      95% quantile
 * @param rhat     max of rank-normalised split R-hat and folded split R-hat
 * @param essBulk  bulk effective sample size
 * @param essTail  tail effective sample size
 */
public record ParameterSummary(String name, double mean, double sd, double mcseMean, double q5, double q50, double q95,
                               double rhat, double essBulk, double essTail) {

    /** Summarises {@code draws[chain][iteration]}. */
    public static ParameterSummary of(String name, double[][] draws) {
        double[] all = ConvergenceDiagnostics.flatten(draws);
        double mean = ConvergenceDiagnostics.mean(all);
        double sd = Math.sqrt(ConvergenceDiagnostics.variance(all, mean));
        double[] sorted = all.clone();
        java.util.Arrays.sort(sorted);
        return new ParameterSummary(name, mean, sd, ConvergenceDiagnostics.mcseMean(draws),
                ConvergenceDiagnostics.sortedQuantile(sorted, 0.05), ConvergenceDiagnostics.sortedQuantile(sorted, 0.5),
                ConvergenceDiagnostics.sortedQuantile(sorted, 0.95), ConvergenceDiagnostics.rhat(draws),
                ConvergenceDiagnostics.essBulk(draws), ConvergenceDiagnostics.essTail(draws));
    }
}
