package org.ratiofit.objective;

import java.util.OptionalInt;

/**
 * A negative log-likelihood (errorDef 0.5) that knows its parameter of interest and can stand in
 * for data generated from itself: the Asimov data set for expected results and pseudo-experiments
 * for toys. Test statistics and limits in the samplers module need exactly this.
 */
public interface StatisticalModel extends Objective {

    /** Index of the parameter of interest (the signal strength), if the model has one. */
    OptionalInt parameterOfInterest();

    /**
     * The same model with its observed data replaced by the Asimov data set at {@code point}
     * (expected event weights or counts, and auxiliary measurements of constrained nuisance
     * parameters set to their values at {@code point}).
     */
    StatisticalModel asimov(double[] point);

    /**
     * Whether {@link #asimov} is available for this model (default: where pseudo-experiments are; a
     * model whose Asimov data exist but whose pseudo-experiments do not says so by overriding this).
     */
    default boolean supportsAsimov() {
        return supportsPseudoExperiments();
    }

    /** Whether {@link #pseudoExperiment} is available for this model. */
    default boolean supportsPseudoExperiments() {
        return false;
    }

    /**
     * The same model with data drawn at random from itself at {@code truth} (Poisson counts,
     * auxiliary measurements drawn from their constraints). Deterministic for a given seed.
     */
    default StatisticalModel pseudoExperiment(double[] truth, long seed) {
        throw new IllegalStateException(getClass().getSimpleName() + " cannot generate pseudo-experiments");
    }
}
