package org.ratiofit.objective;

import java.util.List;

/**
 * A scalar cost over named parameters: what the minimiser minimises and what the NUTS sampler
 * turns into a log-density (see {@link #errorDef()}).
 *
 * <p>This is the only contract between the likelihood module and the samplers module, so that
 * neither depends on the other. Implementations are evaluated with the full parameter vector, fixed
 * parameters included, in the order of {@link #parameters()}.
 */
public interface Objective {

    /** The parameters, in the order used by every {@code double[]} passed to this objective. */
    List<ParameterSpec> parameters();

    default int dimension() {
        return parameters().size();
    }

    default List<String> parameterNames() {
        return parameters().stream().map(ParameterSpec::name).toList();
    }

    /** Index of a parameter by name; throws with the known names when absent. */
    default int indexOf(String name) {
        List<String> names = parameterNames();
        int i = names.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("unknown parameter '" + name + "'; known: " + names);
        }
        return i;
    }

    /**
     * The cost at {@code x}. May return {@code Double.POSITIVE_INFINITY} where the model is not
     * defined (for example a negative mixture density); never NaN for finite input.
     */
    double value(double[] x);

    /** Whether {@link #valueAndGradient} gives the exact gradient. */
    default boolean hasGradient() {
        return false;
    }

    /**
     * The cost at {@code x}, with its gradient with respect to every parameter (fixed ones
     * included) written into {@code gradient}. Only valid when {@link #hasGradient()}.
     */
    default double valueAndGradient(double[] x, double[] gradient) {
        throw new IllegalStateException(getClass().getSimpleName() + " provides no analytic gradient");
    }

    /**
     * Whether {@link #valueGradientAndHessian} gives the exact matrix of second derivatives (default
     * false: a minimiser then takes its curvature from differences). An implementation that cannot
     * give the exact matrix at every point says false here; it never returns an approximate one.
     */
    default boolean hasHessian() {
        return false;
    }

    /**
     * The cost at {@code x}, with its gradient written into {@code gradient} (the same numbers, to
     * the last bit, as {@link #valueAndGradient}) and its matrix of second derivatives into
     * {@code hessian} (dimension x dimension, fixed parameters included, symmetric). Only valid when
     * {@link #hasHessian()}. Where the cost is not finite the gradient and Hessian are zeros.
     */
    default double valueGradientAndHessian(double[] x, double[] gradient, double[][] hessian) {
        throw new IllegalStateException(getClass().getSimpleName() + " provides no analytic Hessian");
    }

    /**
     * Why the cost at {@code x} is not finite, in words for the user (for a likelihood: which
     * channel, and at how many events the density is not positive); null when it is finite or the
     * cost cannot say.
     */
    default String whyNotFinite(double[] x) {
        return null;
    }

    /**
     * A cheaper cost with about the same minimum, for a minimiser's first iterations (coarse to
     * fine): for an unbinned likelihood, the same model on every k-th event with weight k. Its
     * minimum is only a start: the minimiser finishes, and checks convergence, on this cost. Null
     * (the default) when the cost has none or is too small for one to save time. Same parameters,
     * in the same order.
     */
    default Objective coarse() {
        return null;
    }

    /**
     * The rise of the cost that corresponds to one standard deviation: 0.5 for a negative
     * log-likelihood, 1 for a chi-square or -2 ln L. The log-density for sampling is
     * {@code -value / (2 * errorDef)}.
     */
    double errorDef();

    /**
     * The same cost with other parameter settings (start values, steps, bounds, fixed flags): the
     * names and their order must stay as they are, since the cost reads the vector by position.
     */
    default Objective withParameters(List<ParameterSpec> specs) {
        List<String> names = specs.stream().map(ParameterSpec::name).toList();
        if (!names.equals(parameterNames())) {
            throw new IllegalArgumentException("parameters " + names + " are not this objective's " + parameterNames());
        }
        List<ParameterSpec> copy = List.copyOf(specs);
        Objective f = this;
        return new Objective() {
            @Override
            public List<ParameterSpec> parameters() {
                return copy;
            }

            @Override
            public double value(double[] x) {
                return f.value(x);
            }

            @Override
            public boolean hasGradient() {
                return f.hasGradient();
            }

            @Override
            public double valueAndGradient(double[] x, double[] gradient) {
                return f.valueAndGradient(x, gradient);
            }

            @Override
            public boolean hasHessian() {
                return f.hasHessian();
            }

            @Override
            public double valueGradientAndHessian(double[] x, double[] gradient, double[][] hessian) {
                return f.valueGradientAndHessian(x, gradient, hessian);
            }

            @Override
            public double errorDef() {
                return f.errorDef();
            }

            @Override
            public String whyNotFinite(double[] x) {
                return f.whyNotFinite(x);
            }

            @Override
            public Objective coarse() {
                Objective c = f.coarse();
                return c == null ? null : c.withParameters(copy);
            }
        };
    }

    /** The same cost with the parameters at the given indices held fixed at the given values. */
    default Objective withFixed(java.util.Map<Integer, Double> values) {
        List<ParameterSpec> specs = new java.util.ArrayList<>(parameters());
        values.forEach((i, v) -> specs.set(i, specs.get(i).withInitial(v).withFixed(true)));
        return withParameters(specs);
    }

    /** Initial values of all parameters, from {@link #parameters()}. */
    default double[] initialValues() {
        return parameters().stream().mapToDouble(ParameterSpec::initial).toArray();
    }
}
