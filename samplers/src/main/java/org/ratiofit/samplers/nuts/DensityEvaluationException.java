package org.ratiofit.samplers.nuts;

/**
 * The log-density threw while a chain evaluated it: carries the unconstrained point of that
 * evaluation so {@link NutsSampler} can name the draw (chain, iteration, parameter values) in the
 * {@link NutsChainFailedException} it throws.
 */
final class DensityEvaluationException extends RuntimeException {
    private final double[] point;

    DensityEvaluationException(double[] point, RuntimeException cause) {
        super(cause.getMessage(), cause);
        this.point = point.clone();
    }

    /** The unconstrained point whose evaluation failed. */
    double[] point() {
        return point.clone();
    }
}
