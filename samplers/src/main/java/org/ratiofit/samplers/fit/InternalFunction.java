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
    /** The objective's exact Hessian is used (with its analytic gradient). */
    final boolean hessian;
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
        this.hessian = analytic && objective.hasHessian();
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

    /**
     * Value, internal gradient and internal Hessian from the objective's exact Hessian (counted as
     * a gradient call): with J = d ext / d int per free parameter,
     * H_int[k][l] = J_k H_ext[k][l] J_l + delta_kl g_ext[k] d^2 ext_k / d int_k^2.
     */
    double valueGradientAndHessian(double[] xin, double[] gin, double[][] hin) {
        ngrad.incrementAndGet();
        double[] e = external(xin);
        int dim = e.length;
        double[] ge = new double[dim];
        double[][] he = new double[dim][dim];
        double v = objective.valueGradientAndHessian(e, ge, he);
        int n = free.length;
        double[] jac = new double[n];
        for (int k = 0; k < n; k++) {
            jac[k] = transforms[k].derivative(xin[k]);
            gin[k] = ge[free[k]] * jac[k];
        }
        for (int k = 0; k < n; k++) {
            for (int l = 0; l < n; l++) {
                hin[k][l] = jac[k] * he[free[k]][free[l]] * jac[l];
            }
            hin[k][k] += ge[free[k]] * transforms[k].secondDerivative(xin[k]);
        }
        return v;
    }

    boolean bounded(int k) {
        return transforms[k].bounded();
    }
}
