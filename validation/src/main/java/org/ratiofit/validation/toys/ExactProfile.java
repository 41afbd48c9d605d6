package org.ratiofit.validation.toys;

import java.util.ArrayList;
import java.util.List;
import org.hipparchus.analysis.solvers.BracketingNthOrderBrentSolver;
import org.hipparchus.linear.Array2DRowRealMatrix;
import org.hipparchus.linear.ArrayRealVector;
import org.hipparchus.linear.CholeskyDecomposition;
import org.hipparchus.linear.RealMatrix;
import org.hipparchus.optim.MaxEval;
import org.hipparchus.optim.nonlinear.scalar.GoalType;
import org.hipparchus.optim.univariate.BrentOptimizer;
import org.hipparchus.optim.univariate.SearchInterval;
import org.hipparchus.optim.univariate.UnivariateObjectiveFunction;
import org.hipparchus.optim.univariate.UnivariatePointValuePair;
import org.ratiofit.objective.Objective;
import org.ratiofit.objective.ParameterSpec;

/**
 * Profile likelihood of one parameter computed independently of ratiofit's minimiser: the other
 * parameters by Newton's method on the exact gradient (Hessian from central differences of it),
 * the best fit by Brent's method on the profile, interval ends by bracketing root finding. This is
 * the reference the minimiser, MINOS and the scans are compared with.
 */
public final class ExactProfile {

    private final Objective f;
    private final int poi;
    private final int[] nuisances;
    private double[] warm;

    public ExactProfile(Objective objective, int parameterOfInterest) {
        if (!objective.hasGradient()) {
            throw new IllegalArgumentException("ExactProfile needs an objective with an exact gradient");
        }
        this.f = objective;
        this.poi = parameterOfInterest;
        List<Integer> free = new ArrayList<>();
        List<ParameterSpec> ps = objective.parameters();
        for (int i = 0; i < ps.size(); i++) {
            if (i != poi && !ps.get(i).fixed()) {
                free.add(i);
            }
        }
        this.nuisances = free.stream().mapToInt(Integer::intValue).toArray();
        this.warm = objective.initialValues();
    }

    /** The parameter point minimising the objective with the parameter of interest held at {@code value}. */
    public double[] conditionalFit(double value) {
        double[] x = warm.clone();
        x[poi] = value;
        int k = nuisances.length;
        double[] g = new double[x.length];
        double fx = f.valueAndGradient(x, g);
        boolean converged = k == 0;
        for (int iter = 0; iter < 100 && !converged; iter++) {
            RealMatrix h = hessian(x);
            double[] gn = new double[k];
            for (int a = 0; a < k; a++) {
                gn[a] = g[nuisances[a]];
            }
            double[] step;
            try {
                step = new CholeskyDecomposition(h, 1e-12, 1e-14).getSolver().solve(new ArrayRealVector(gn)).toArray();
            } catch (RuntimeException notPositive) {
                step = gn.clone(); // steepest descent where the Hessian is not positive-definite
            }
            double t = 1.0;
            boolean improved = false;
            while (t > 1e-12 && !improved) {
                double[] y = x.clone();
                for (int a = 0; a < k; a++) {
                    y[nuisances[a]] -= t * step[a];
                }
                double[] gy = new double[x.length];
                double fy = f.valueAndGradient(y, gy);
                if (fy <= fx) {
                    converged = Math.abs(fx - fy) < 1e-13 * Math.max(1, Math.abs(fx));
                    x = y;
                    g = gy;
                    fx = fy;
                    improved = true;
                }
                t *= 0.5;
            }
            converged |= !improved;
        }
        warm = x.clone();
        return x;
    }

    /** The profiled objective at the given value of the parameter of interest. */
    public double profile(double value) {
        return f.value(conditionalFit(value));
    }

    /** The best-fit value of the parameter of interest in [lo, hi] and the objective there. */
    public UnivariatePointValuePair bestFit(double lo, double hi) {
        BrentOptimizer brent = new BrentOptimizer(1e-12, 1e-14);
        double start = Math.min(hi, Math.max(lo, f.initialValues()[poi]));
        return brent.optimize(new MaxEval(500), GoalType.MINIMIZE,
                new UnivariateObjectiveFunction(this::profile), new SearchInterval(lo, hi, start));
    }

    /**
     * Where the profile rises by {@code rise} above its minimum {@code minValue} reached at
     * {@code best}, searching between {@code best} and {@code limit} (below or above it).
     */
    public double crossing(double best, double minValue, double rise, double limit) {
        BracketingNthOrderBrentSolver solver = new BracketingNthOrderBrentSolver(1e-12, 1e-12, 1e-12, 5);
        return solver.solve(500, v -> profile(v) - minValue - rise, Math.min(best, limit), Math.max(best, limit));
    }

    private RealMatrix hessian(double[] x) {
        int k = nuisances.length;
        RealMatrix h = new Array2DRowRealMatrix(k, k);
        double[] gp = new double[x.length];
        double[] gm = new double[x.length];
        for (int a = 0; a < k; a++) {
            int i = nuisances[a];
            double e = 1e-5 * Math.max(1, Math.abs(x[i]));
            double[] xp = x.clone();
            double[] xm = x.clone();
            xp[i] += e;
            xm[i] -= e;
            f.valueAndGradient(xp, gp);
            f.valueAndGradient(xm, gm);
            for (int b = 0; b < k; b++) {
                h.setEntry(b, a, (gp[nuisances[b]] - gm[nuisances[b]]) / (2 * e));
            }
        }
        // symmetrise: finite differences leave a small asymmetry
        return h.add(h.transpose()).scalarMultiply(0.5);
    }
}
