package org.ratiofit.samplers.fit;

import org.hipparchus.distribution.continuous.ChiSquaredDistribution;
import org.hipparchus.special.Erf;

/**
 * A confidence level, given either as n standard deviations of a Gaussian or as a probability.
 * For k parameters profiled together the cost rises by {@code errorDef * deltaChi2(k)}.
 */
public record ConfidenceLevel(double probability) {

    public ConfidenceLevel {
        if (!(probability > 0 && probability < 1)) {
            throw new IllegalArgumentException("confidence level must lie in (0, 1), got " + probability);
        }
    }

    public static ConfidenceLevel sigma(double n) {
        if (!(n > 0) || Double.isInfinite(n)) {
            throw new IllegalArgumentException("number of standard deviations must be positive, got " + n);
        }
        return new ConfidenceLevel(Erf.erf(n / Math.sqrt(2)));
    }

    public static ConfidenceLevel probability(double p) {
        return new ConfidenceLevel(p);
    }

    /** The chi-square quantile for {@code dof} parameters: 1 for 1 sigma in one dimension. */
    public double deltaChi2(int dof) {
        return new ChiSquaredDistribution(dof).inverseCumulativeProbability(probability);
    }

    /** The equivalent number of Gaussian standard deviations (two-sided). */
    public double sigmas() {
        return Math.sqrt(2) * Erf.erfInv(probability);
    }
}
