package org.ratiofit.likelihood;

import org.ratiofit.objective.ParameterSpec;

/**
 * A parameter of the model.
 *
 * @param name    unique name
 * @param kind    parameter of interest, free norm factor, or constrained nuisance parameter
 * @param initial starting value
 * @param lower   lower bound (may be -infinity)
 * @param upper   upper bound (may be +infinity)
 * @param fixed   held at its initial value
 * @param aux     auxiliary measurement of a constrained nuisance parameter (the Gaussian's centre;
 *                for a Poisson-constrained one the auxiliary count, tau at the nominal data)
 * @param sigma   width of the Gaussian constraint (for a Poisson-constrained one the relative
 *                width 1/sqrt(tau): the constraint is Poisson(aux | tau theta), tau = 1/sigma^2)
 */
public record Parameter(String name, Kind kind, double initial, double lower, double upper, boolean fixed,
                        double aux, double sigma) {

    /**
     * POISSON: a HistFactory shapesys factor gamma with the constraint Poisson(aux | tau gamma),
     * tau = 1/sigma^2 (Barlow-Beeston).
     */
    public enum Kind { POI, NORM_FACTOR, CONSTRAINED, POISSON }

    public Parameter {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("parameter name must not be empty");
        }
        if (kind == null) {
            throw new IllegalArgumentException("parameter '" + name + "': kind must be given");
        }
        if (Double.isNaN(lower) || Double.isNaN(upper) || !(lower < upper)) {
            throw new IllegalArgumentException("parameter '" + name + "': bounds [" + lower + ", " + upper + "] are not an interval");
        }
        if (!(initial >= lower && initial <= upper)) {
            throw new IllegalArgumentException("parameter '" + name + "': initial value " + initial
                    + " lies outside its bounds [" + lower + ", " + upper + "]");
        }
        if ((kind == Kind.CONSTRAINED || kind == Kind.POISSON) && (!Double.isFinite(aux) || !(sigma > 0) || Double.isInfinite(sigma))) {
            throw new IllegalArgumentException("parameter '" + name + "': constraint needs a finite aux value and a positive width, got aux="
                    + aux + " sigma=" + sigma);
        }
    }

    /** A parameter of interest (signal strength), bounded. */
    public static Parameter poi(String name, double initial, double lower, double upper) {
        return new Parameter(name, Kind.POI, initial, lower, upper, false, 0, 1);
    }

    /** A free norm factor, bounded. */
    public static Parameter normFactor(String name, double initial, double lower, double upper) {
        return new Parameter(name, Kind.NORM_FACTOR, initial, lower, upper, false, 0, 1);
    }

    /** A nuisance parameter with a unit Gaussian constraint centred at 0, bounds [-5, 5]. */
    public static Parameter constrained(String name) {
        return new Parameter(name, Kind.CONSTRAINED, 0, -5, 5, false, 0, 1);
    }

    /** A nuisance parameter with a Gaussian constraint of centre {@code aux} and width {@code sigma}. */
    public static Parameter constrained(String name, double initial, double lower, double upper, double aux, double sigma) {
        return new Parameter(name, Kind.CONSTRAINED, initial, lower, upper, false, aux, sigma);
    }

    /**
     * A HistFactory shapesys factor (start 1, bounds [1e-10, 10]) with the Poisson constraint
     * Poisson(tau | tau gamma) at the nominal data: aux = tau, sigma = 1/sqrt(tau).
     */
    public static Parameter poisson(String name, double tau) {
        return new Parameter(name, Kind.POISSON, 1, 1e-10, 10, false, tau, 1 / Math.sqrt(tau));
    }

    /** The Poisson constraint's scale tau = 1/sigma^2 (POISSON kind). */
    public double tau() {
        return 1 / (sigma * sigma);
    }

    /** Whether a constraint term (Gaussian or Poisson) belongs to this parameter. */
    public boolean isConstrained() {
        return kind == Kind.CONSTRAINED || kind == Kind.POISSON;
    }

    public Parameter withInitial(double value) {
        return new Parameter(name, kind, value, lower, upper, fixed, aux, sigma);
    }

    public Parameter withFixed(boolean f) {
        return new Parameter(name, kind, initial, lower, upper, f, aux, sigma);
    }

    public Parameter withAux(double a) {
        return new Parameter(name, kind, initial, lower, upper, fixed, a, sigma);
    }

    /** The view a minimiser or sampler gets; the step is the constraint width or a tenth of the range. */
    public ParameterSpec toSpec() {
        double step;
        if (kind == Kind.CONSTRAINED || kind == Kind.POISSON) {
            step = sigma;
        } else if (Double.isFinite(upper - lower)) {
            step = (upper - lower) / 10;
        } else {
            step = Math.max(0.1, Math.abs(initial) / 10);
        }
        return new ParameterSpec(name, initial, step, lower, upper, fixed);
    }
}
