package org.ratiofit.samplers.toys;

import java.io.Serializable;

/**
 * What one pseudo-experiment gives back: a small record, cheap to ship from an executor.
 *
 * @param ensemble index of the ensemble in the study
 * @param index    the toy's index within the ensemble
 * @param muHat    the toy's best-fit parameter of interest
 * @param values   the statistic at each tested value (NaN where a fit threw)
 * @param valid    whether the free fit was a valid minimum and every statistic finite
 */
public record ToyOutcome(int ensemble, long index, double muHat, double[] values, boolean valid) implements Serializable {
}
