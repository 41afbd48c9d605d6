package org.ratiofit.samplers.nuts;

import java.util.List;
import java.util.function.Function;
import org.hipparchus.analysis.differentiation.DSFactory;
import org.hipparchus.analysis.differentiation.DerivativeStructure;
import org.hipparchus.analysis.differentiation.Gradient;
import org.ratiofit.objective.Objective;
import org.ratiofit.objective.ParameterSpec;

/**
 * Turns a model written on Hipparchus derivative types into an {@link Objective} with an exact
 * gradient, so user-written models need no hand-written derivatives.
 *
 * <p>The function receives one variable per parameter (fixed ones included, in the order of the
 * specs) and returns the cost (for example a negative log-likelihood with errorDef 0.5, or
 * {@code -log p} with errorDef 0.5 for a log-density).
 */
public final class HipparchusObjectives {

    private HipparchusObjectives() {
    }

    /** A cost written with {@link Gradient} (first derivatives, forward mode). */
    public static Objective ofGradient(List<ParameterSpec> parameters, double errorDef, Function<Gradient[], Gradient> cost) {
        List<ParameterSpec> specs = List.copyOf(parameters);
        int n = specs.size();
        return new Adapter(specs, errorDef) {
            @Override
            public double valueAndGradient(double[] x, double[] gradient) {
                check(x);
                Gradient[] vars = new Gradient[n];
                for (int i = 0; i < n; i++) {
                    vars[i] = Gradient.variable(n, i, x[i]);
                }
                Gradient out = cost.apply(vars);
                System.arraycopy(out.getGradient(), 0, gradient, 0, n);
                return out.getValue();
            }

            @Override
            public double value(double[] x) {
                check(x);
                Gradient[] vars = new Gradient[n];
                for (int i = 0; i < n; i++) {
                    vars[i] = Gradient.constant(n, x[i]);
                }
                return cost.apply(vars).getValue();
            }
        };
    }

    /** A cost written with {@link DerivativeStructure} (order 1 is used). */
    public static Objective ofDerivativeStructure(List<ParameterSpec> parameters, double errorDef,
                                                  Function<DerivativeStructure[], DerivativeStructure> cost) {
        List<ParameterSpec> specs = List.copyOf(parameters);
        int n = specs.size();
        DSFactory factory = new DSFactory(n, 1);
        return new Adapter(specs, errorDef) {
            @Override
            public double valueAndGradient(double[] x, double[] gradient) {
                check(x);
                DerivativeStructure[] vars = new DerivativeStructure[n];
                for (int i = 0; i < n; i++) {
                    vars[i] = factory.variable(i, x[i]);
                }
                DerivativeStructure out = cost.apply(vars);
                int[] orders = new int[n];
                for (int i = 0; i < n; i++) {
                    orders[i] = 1;
                    gradient[i] = out.getPartialDerivative(orders);
                    orders[i] = 0;
                }
                return out.getValue();
            }

            @Override
            public double value(double[] x) {
                check(x);
                DerivativeStructure[] vars = new DerivativeStructure[n];
                for (int i = 0; i < n; i++) {
                    vars[i] = factory.constant(x[i]);
                }
                return cost.apply(vars).getValue();
            }
        };
    }

    private abstract static class Adapter implements Objective {
        private final List<ParameterSpec> specs;
        private final double errorDef;

        Adapter(List<ParameterSpec> specs, double errorDef) {
            if (!(errorDef > 0)) {
                throw new IllegalArgumentException("errorDef must be positive, got " + errorDef);
            }
            this.specs = specs;
            this.errorDef = errorDef;
        }

        void check(double[] x) {
            if (x.length != specs.size()) {
                throw new IllegalArgumentException("expected " + specs.size() + " parameter values, got " + x.length);
            }
        }

        @Override
        public List<ParameterSpec> parameters() {
            return specs;
        }

        @Override
        public boolean hasGradient() {
            return true;
        }

        @Override
        public double errorDef() {
            return errorDef;
        }
    }
}
