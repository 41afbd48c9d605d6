package org.ratiofit.samplers.toys;

import java.io.Serializable;
import org.ratiofit.samplers.fit.Migrad;

/**
 * The minimiser settings of the toys' fits, small and serialisable so that they travel with a
 * study to other threads, processes or machines.
 *
 * @param strategy  Minuit strategy 0, 1 or 2
 * @param tolerance MIGRAD's tolerance (EDM &lt; 0.002 · tolerance · errorDef)
 */
public record FitSettings(int strategy, double tolerance) implements Serializable {

    public FitSettings {
        if (strategy < 0 || strategy > 2) {
            throw new IllegalArgumentException("strategy must be 0, 1 or 2, got " + strategy);
        }
        if (!(tolerance > 0) || Double.isInfinite(tolerance)) {
            throw new IllegalArgumentException("tolerance must be positive, got " + tolerance);
        }
    }

    /** Strategy 1, tolerance 0.01 (the hypothesis tests' defaults). */
    public static FitSettings defaults() {
        return new FitSettings(1, 0.01);
    }

    public Migrad migrad() {
        return Migrad.builder().strategy(strategy).tolerance(tolerance).build();
    }
}
