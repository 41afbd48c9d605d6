package org.ratiofit.objective;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * An {@link Objective} from a function, the way iminuit takes one: names, start values, optional
 * limits and steps, the errordef, and optionally the gradient. No class to write:
 *
 * <pre>{@code
 * Objective nll = FunctionObjective.of(p -> negLogLikelihood(p[0], p[1]), FunctionObjective.LIKELIHOOD)
 *         .parameter("mu", 0.5)
 *         .parameter("sigma", 1.0).limits("sigma", 0, Double.POSITIVE_INFINITY)
 *         .gradient((p, g) -> { g[0] = ...; g[1] = ...; })      // optional
 *         .build();
 * FitResult fit = Hesse.compute(nll, Migrad.defaults().minimise(nll), 1, true);
 * }</pre>
 *
 * The function receives every parameter in the order they were added (fixed ones included). The
 * default step of a parameter is a tenth of its start value's magnitude (0.1 at 0), as a first
 * guess of its error.
 */
public final class FunctionObjective implements Objective {

    /** errordef of a negative log-likelihood (iminuit's {@code Minuit.LIKELIHOOD}). */
    public static final double LIKELIHOOD = 0.5;
    /** errordef of a least-squares or chi-square cost, or of −2 ln L (iminuit's {@code Minuit.LEAST_SQUARES}). */
    public static final double LEAST_SQUARES = 1.0;

    /** The gradient of the function at {@code x}, written into {@code gradient} (one entry per parameter). */
    @FunctionalInterface
    public interface Gradient {
        void compute(double[] x, double[] gradient);
    }

    private final List<ParameterSpec> parameters;
    private final ToDoubleFunction<double[]> function;
    private final Gradient gradient;
    private final double errorDef;

    private FunctionObjective(List<ParameterSpec> parameters, ToDoubleFunction<double[]> function, Gradient gradient, double errorDef) {
        this.parameters = List.copyOf(parameters);
        this.function = function;
        this.gradient = gradient;
        this.errorDef = errorDef;
    }

    /** Starts a builder for {@code function}, a cost whose one-sigma rise is {@code errorDef}. */
    public static Builder of(ToDoubleFunction<double[]> function, double errorDef) {
        return new Builder(function, errorDef);
    }

    @Override
    public List<ParameterSpec> parameters() {
        return parameters;
    }

    @Override
    public double value(double[] x) {
        return function.applyAsDouble(x);
    }

    @Override
    public boolean hasGradient() {
        return gradient != null;
    }

    @Override
    public double valueAndGradient(double[] x, double[] g) {
        if (gradient == null) {
            throw new IllegalStateException("this FunctionObjective was built without a gradient");
        }
        gradient.compute(x, g);
        return function.applyAsDouble(x);
    }

    @Override
    public double errorDef() {
        return errorDef;
    }

    /** Collects the parameters in order; every setting names its parameter, as iminuit's {@code m.limits["x"]} does. */
    public static final class Builder {
        private final ToDoubleFunction<double[]> function;
        private final double errorDef;
        private final Map<String, double[]> specs = new LinkedHashMap<>(); // name -> {start, step, lower, upper, fixed}
        private Gradient gradient;

        private Builder(ToDoubleFunction<double[]> function, double errorDef) {
            if (function == null) {
                throw new IllegalArgumentException("the function must not be null");
            }
            if (!(errorDef > 0) || Double.isInfinite(errorDef)) {
                throw new IllegalArgumentException("errorDef must be positive and finite (0.5 for a negative log-likelihood, "
                        + "1 for a chi-square), got " + errorDef);
            }
            this.function = function;
            this.errorDef = errorDef;
        }

        /** Adds a free parameter with its start value; its position in the vector is the order of these calls. */
        public Builder parameter(String name, double start) {
            if (specs.containsKey(name)) {
                throw new IllegalArgumentException("parameter '" + name + "' is added twice");
            }
            if (!Double.isFinite(start)) {
                throw new IllegalArgumentException("parameter '" + name + "': start value must be finite, got " + start);
            }
            specs.put(name, new double[] {start, start == 0 ? 0.1 : 0.1 * Math.abs(start), Double.NEGATIVE_INFINITY,
                Double.POSITIVE_INFINITY, 0});
            return this;
        }

        /** Adds several free parameters at once: names and start values in order. */
        public Builder parameters(List<String> names, double... starts) {
            if (names.size() != starts.length) {
                throw new IllegalArgumentException(names.size() + " names but " + starts.length + " start values");
            }
            for (int i = 0; i < starts.length; i++) {
                parameter(names.get(i), starts[i]);
            }
            return this;
        }

        /** Limits of a parameter; infinite for a side without one. */
        public Builder limits(String name, double lower, double upper) {
            double[] s = spec(name);
            s[2] = lower;
            s[3] = upper;
            return this;
        }

        /** The initial step of a parameter (a first guess of its error). */
        public Builder step(String name, double step) {
            spec(name)[1] = step;
            return this;
        }

        /** Holds a parameter at its start value. */
        public Builder fixed(String name) {
            spec(name)[4] = 1;
            return this;
        }

        /** The exact gradient (optional; without it the minimiser differentiates numerically and NUTS cannot run). */
        public Builder gradient(Gradient g) {
            this.gradient = g;
            return this;
        }

        private double[] spec(String name) {
            double[] s = specs.get(name);
            if (s == null) {
                throw new IllegalArgumentException("unknown parameter '" + name + "'; add it with parameter(name, start) first; known: "
                        + specs.keySet());
            }
            return s;
        }

        public FunctionObjective build() {
            if (specs.isEmpty()) {
                throw new IllegalArgumentException("no parameters: add them with parameter(name, start)");
            }
            List<ParameterSpec> out = new ArrayList<>();
            specs.forEach((name, s) -> out.add(new ParameterSpec(name, s[0], s[1], s[2], s[3], s[4] != 0)));
            return new FunctionObjective(out, function, gradient, errorDef);
        }
    }
}
