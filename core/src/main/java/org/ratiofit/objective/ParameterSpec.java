package org.ratiofit.objective;

/**
 * One parameter of an objective as a minimiser or sampler sees it.
 *
 * @param name    the parameter's name (signal strength "mu", a nuisance parameter's name, ...)
 * @param initial starting value
 * @param step    initial step size (a first guess of its uncertainty); must be positive
 * @param lower   lower bound, {@code Double.NEGATIVE_INFINITY} when unbounded
 * @param upper   upper bound, {@code Double.POSITIVE_INFINITY} when unbounded
 * @param fixed   whether the parameter is held at its initial value
 */
public record ParameterSpec(String name, double initial, double step, double lower, double upper, boolean fixed) {

    public ParameterSpec {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("parameter name must not be empty");
        }
        if (!(step > 0) || Double.isInfinite(step)) {
            throw new IllegalArgumentException("parameter '" + name + "': step must be positive and finite, got " + step);
        }
        if (Double.isNaN(lower) || Double.isNaN(upper) || !(lower < upper)) {
            throw new IllegalArgumentException("parameter '" + name + "': bounds [" + lower + ", " + upper + "] are not an interval");
        }
        if (!(initial >= lower && initial <= upper)) {
            throw new IllegalArgumentException("parameter '" + name + "': initial value " + initial
                    + " lies outside its bounds [" + lower + ", " + upper + "]");
        }
    }

    public static ParameterSpec free(String name, double initial, double step) {
        return new ParameterSpec(name, initial, step, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, false);
    }

    public static ParameterSpec bounded(String name, double initial, double step, double lower, double upper) {
        return new ParameterSpec(name, initial, step, lower, upper, false);
    }

    public boolean hasLowerBound() {
        return lower != Double.NEGATIVE_INFINITY;
    }

    public boolean hasUpperBound() {
        return upper != Double.POSITIVE_INFINITY;
    }

    public ParameterSpec withInitial(double value) {
        return new ParameterSpec(name, value, step, lower, upper, fixed);
    }

    public ParameterSpec withFixed(boolean isFixed) {
        return new ParameterSpec(name, initial, step, lower, upper, isFixed);
    }

    public ParameterSpec withBounds(double lo, double hi) {
        return new ParameterSpec(name, initial, step, lo, hi, fixed);
    }
}
