package org.ratiofit.samplers.nuts;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.ratiofit.objective.Objective;
import org.ratiofit.objective.ParameterSpec;

/**
 * The log-density the sampler explores: {@code -value/(2 errorDef)} of an {@link Objective} plus
 * the log-priors, over the free parameters mapped to an unconstrained space, with the Jacobians of
 * those maps added.
 *
 * <p>A parameter bounded below only is sampled as {@code y = ln(x - a)}, above only as
 * {@code y = ln(b - x)}, on both sides as {@code y = logit((x - a)/(b - a))}. The bounds are the
 * intersection of the parameter's own bounds and its prior's support. Fixed parameters are held at
 * their initial values and are not sampled.
 *
 * <p>When the objective gives no exact gradient, central finite differences are used (two
 * objective calls per free parameter); prefer an exact gradient, for example through
 * {@link HipparchusObjectives}.
 *
 * <p>Instances are thread-safe as long as the objective's {@code value}/{@code valueAndGradient}
 * are (the chains call them concurrently).
 */
public final class PosteriorDensity {

    private final Objective objective;
    private final int[] free;
    private final String[] names;
    private final Prior[] priors;
    private final double[] lower;
    private final double[] upper;
    private final double[] fixedPoint;
    private final double scale;
    // a LongAdder, not an AtomicLong: chains in several threads count here at every leapfrog step
    private final LongAdder gradientEvaluations = new LongAdder();

    public PosteriorDensity(Objective objective, Map<String, Prior> priors) {
        this.objective = objective;
        List<ParameterSpec> specs = objective.parameters();
        for (String name : priors.keySet()) {
            objective.indexOf(name); // throws with the known names
        }
        List<Integer> freeIdx = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            if (!specs.get(i).fixed()) {
                freeIdx.add(i);
            }
        }
        if (freeIdx.isEmpty()) {
            throw new IllegalArgumentException("every parameter is fixed: nothing to sample");
        }
        if (!(objective.errorDef() > 0)) {
            throw new IllegalArgumentException("objective errorDef must be positive, got " + objective.errorDef());
        }
        int n = freeIdx.size();
        this.free = freeIdx.stream().mapToInt(Integer::intValue).toArray();
        this.names = new String[n];
        this.priors = new Prior[n];
        this.lower = new double[n];
        this.upper = new double[n];
        for (int k = 0; k < n; k++) {
            ParameterSpec s = specs.get(free[k]);
            names[k] = s.name();
            Prior p = priors.getOrDefault(s.name(), Prior.flat());
            this.priors[k] = p;
            lower[k] = Math.max(s.lower(), p.lower());
            upper[k] = Math.min(s.upper(), p.upper());
            if (!(lower[k] < upper[k])) {
                throw new IllegalArgumentException("parameter '" + s.name() + "': bounds [" + s.lower() + ", " + s.upper()
                        + "] and the support of its " + p.type() + " prior [" + p.lower() + ", " + p.upper() + "] do not overlap");
            }
        }
        this.fixedPoint = objective.initialValues();
        this.scale = 1.0 / (2.0 * objective.errorDef());
    }

    public PosteriorDensity(Objective objective) {
        this(objective, Map.of());
    }

    /** Number of sampled (free) parameters. */
    public int dimension() {
        return free.length;
    }

    /** Names of the sampled parameters, in sampling order. */
    public List<String> names() {
        return Collections.unmodifiableList(List.of(names));
    }

    public Prior prior(int k) {
        return priors[k];
    }

    public double lower(int k) {
        return lower[k];
    }

    public double upper(int k) {
        return upper[k];
    }

    public Objective objective() {
        return objective;
    }

    /** Log-density evaluations with gradient made so far (all threads). */
    public long gradientEvaluations() {
        return gradientEvaluations.sum();
    }

    /** Constrained value of free parameter {@code k} at unconstrained {@code y}. */
    public double toConstrained(int k, double y) {
        double a = lower[k];
        double b = upper[k];
        boolean lo = a != Double.NEGATIVE_INFINITY;
        boolean hi = b != Double.POSITIVE_INFINITY;
        if (lo && hi) {
            return a + (b - a) * sigmoid(y);
        } else if (lo) {
            return a + Math.exp(y);
        } else if (hi) {
            return b - Math.exp(y);
        }
        return y;
    }

    /** Unconstrained value of free parameter {@code k}; a value on a bound is moved just inside. */
    public double toUnconstrained(int k, double x) {
        double a = lower[k];
        double b = upper[k];
        boolean lo = a != Double.NEGATIVE_INFINITY;
        boolean hi = b != Double.POSITIVE_INFINITY;
        if (lo && hi) {
            double u = (x - a) / (b - a);
            u = Math.min(Math.max(u, 1e-8), 1 - 1e-8);
            return Math.log(u) - Math.log1p(-u);
        } else if (lo) {
            return Math.log(Math.max(x - a, 1e-8 * Math.max(1, Math.abs(a))));
        } else if (hi) {
            return Math.log(Math.max(b - x, 1e-8 * Math.max(1, Math.abs(b))));
        }
        return x;
    }

    /** The scale of one unit of {@code y} near {@code x} for a constrained step {@code step}. */
    double unconstrainedStep(int k, double x, double step) {
        double a = lower[k];
        double b = upper[k];
        boolean lo = a != Double.NEGATIVE_INFINITY;
        boolean hi = b != Double.POSITIVE_INFINITY;
        if (lo && hi) {
            double u = Math.min(Math.max((x - a) / (b - a), 1e-8), 1 - 1e-8);
            return Math.min(2, step / ((b - a) * u * (1 - u)));
        } else if (lo) {
            return Math.min(2, step / Math.max(x - a, 1e-300));
        } else if (hi) {
            return Math.min(2, step / Math.max(b - x, 1e-300));
        }
        return step;
    }

    /** Full objective parameter vector (fixed parameters included) for unconstrained {@code y}. */
    public double[] fullPoint(double[] y) {
        double[] x = fixedPoint.clone();
        for (int k = 0; k < free.length; k++) {
            x[free[k]] = toConstrained(k, y[k]);
        }
        return x;
    }

    /** Constrained values of the free parameters for unconstrained {@code y}, written into {@code out}. */
    public void constrain(double[] y, double[] out) {
        for (int k = 0; k < free.length; k++) {
            out[k] = toConstrained(k, y[k]);
        }
    }

    /** Per-thread scratch so that evaluation allocates nothing. */
    final class Workspace {
        final double[] x = fixedPoint.clone();
        final double[] gradX = new double[fixedPoint.length];
        final double[] dxdy = new double[free.length];
    }

    Workspace workspace() {
        return new Workspace();
    }

    /**
     * Log-density (Jacobian included) at unconstrained {@code y}, with its gradient in {@code grad}.
     * Returns {@code -Infinity} where the model is undefined.
     */
    double logDensityAndGradient(double[] y, double[] grad, Workspace w) {
        gradientEvaluations.increment();
        double logJac = 0;
        double logPrior = 0;
        double[] x = w.x;
        for (int k = 0; k < free.length; k++) {
            double a = lower[k];
            double b = upper[k];
            boolean lo = a != Double.NEGATIVE_INFINITY;
            boolean hi = b != Double.POSITIVE_INFINITY;
            double yk = y[k];
            double xk;
            double dLogJac;
            if (lo && hi) {
                double s = sigmoid(yk);
                xk = a + (b - a) * s;
                double d = (b - a) * s * (1 - s);
                w.dxdy[k] = d;
                // log s(1-s) = -|y| - 2 log(1 + e^{-|y|}), stable for large |y|
                logJac += Math.log(b - a) - Math.abs(yk) - 2 * Math.log1p(Math.exp(-Math.abs(yk)));
                dLogJac = 1 - 2 * s;
            } else if (lo || hi) {
                double e = Math.exp(yk);
                xk = lo ? a + e : b - e;
                w.dxdy[k] = lo ? e : -e;
                logJac += yk;
                dLogJac = 1;
            } else {
                xk = yk;
                w.dxdy[k] = 1;
                dLogJac = 0;
            }
            x[free[k]] = xk;
            grad[k] = dLogJac;
            Prior p = priors[k];
            if (!(p instanceof Prior.Flat)) {
                logPrior += p.logDensity(xk);
                grad[k] += p.dLogDensity(xk) * w.dxdy[k];
            }
        }
        double value;
        if (objective.hasGradient()) {
            value = objective.valueAndGradient(x, w.gradX);
        } else {
            value = objective.value(x);
            if (Double.isFinite(value)) {
                finiteDifferences(x, w.gradX);
            }
        }
        double lp = -scale * value + logPrior + logJac;
        if (!Double.isFinite(lp)) {
            return Double.NEGATIVE_INFINITY;
        }
        for (int k = 0; k < free.length; k++) {
            double gk = grad[k] - scale * w.gradX[free[k]] * w.dxdy[k];
            if (!Double.isFinite(gk)) {
                return Double.NEGATIVE_INFINITY;
            }
            grad[k] = gk;
        }
        return lp;
    }

    private void finiteDifferences(double[] x, double[] gradX) {
        for (int k = 0; k < free.length; k++) {
            int i = free[k];
            double xi = x[i];
            double h = 1e-6 * Math.max(1.0, Math.abs(xi));
            double hp = Math.min(h, (upper[k] - xi) * 0.5);
            double hm = Math.min(h, (xi - lower[k]) * 0.5);
            x[i] = xi + hp;
            double fp = objective.value(x);
            x[i] = xi - hm;
            double fm = objective.value(x);
            x[i] = xi;
            gradX[i] = (fp - fm) / (hp + hm);
        }
    }

    private static double sigmoid(double y) {
        if (y >= 0) {
            return 1 / (1 + Math.exp(-y));
        }
        double e = Math.exp(y);
        return e / (1 + e);
    }
}
