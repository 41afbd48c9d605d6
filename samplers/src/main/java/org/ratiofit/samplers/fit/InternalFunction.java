package org.ratiofit.samplers.fit;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.ratiofit.objective.Objective;
import org.ratiofit.objective.ParameterSpec;

/**
 * The objective seen in internal coordinates: only free parameters, bounds removed by
 * {@link BoundTransform}, calls counted.
 */
final class InternalFunction {

    final Objective objective;
    final List<ParameterSpec> specs;
    final int[] free;
    final BoundTransform[] transforms;
    final double up;
    final boolean analytic;
    final AtomicLong nfcn = new AtomicLong();
    final AtomicLong ngrad = new AtomicLong();
    private final double[] template;

    InternalFunction(Objective objective, List<ParameterSpec> specs, boolean useGradient) {
        if (specs.size() != objective.dimension()) {
            throw new IllegalArgumentException("got " + specs.size() + " parameter settings for an objective of dimension "
                    + objective.dimension());
        }
        this.objective = objective;
        this.specs = List.copyOf(specs);
        this.free = java.util.stream.IntStream.range(0, specs.size()).filter(i -> !specs.get(i).fixed()).toArray();
        this.transforms = new BoundTransform[free.length];
        for (int k = 0; k < free.length; k++) {
            transforms[k] = BoundTransform.of(specs.get(free[k]));
        }
        this.up = objective.errorDef();
        if (!(up > 0)) {
            throw new IllegalArgumentException("objective errorDef must be positive, got " + up);
        }
        this.analytic = useGradient && objective.hasGradient();
        this.template = specs.stream().mapToDouble(ParameterSpec::initial).toArray();
    }

    int n() {
        return free.length;
    }

    double[] external(double[] xin) {
        double[] e = template.clone();
        for (int k = 0; k < free.length; k++) {
            e[free[k]] = transforms[k].toExternal(xin[k]);
        }
        return e;
    }

    double[] internal(double[] ext) {
        double[] x = new double[free.length];
        for (int k = 0; k < free.length; k++) {
            x[k] = transforms[k].toInternal(ext[free[k]]);
        }
        return x;
    }

    double value(double[] xin) {
        nfcn.incrementAndGet();
        double v = objective.value(external(xin));
        if (Double.isNaN(v)) {
            throw new ArithmeticException("objective returned NaN at " + java.util.Arrays.toString(external(xin)));
        }
        return v;
    }

    /** Value and internal gradient from the analytic gradient. */
    double valueAndGradient(double[] xin, double[] gin) {
        ngrad.incrementAndGet();
        double[] e = external(xin);
        double[] ge = new double[e.length];
        double v = objective.valueAndGradient(e, ge);
        for (int k = 0; k < free.length; k++) {
            gin[k] = ge[free[k]] * transforms[k].derivative(xin[k]);
        }
        return v;
    }

    boolean bounded(int k) {
        return transforms[k].bounded();
    }
}
