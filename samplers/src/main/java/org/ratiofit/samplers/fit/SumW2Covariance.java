package org.ratiofit.samplers.fit;

import org.hipparchus.linear.Array2DRowRealMatrix;
import org.hipparchus.linear.RealMatrix;
import org.ratiofit.objective.Objective;

/**
 * The sum-of-weights-squared corrected covariance of a fit to weighted events, C = V H2 V (RooFit's
 * SumW2Error): V is HESSE's covariance of the weighted likelihood at its minimum, H2 the Hessian
 * at the same point of the likelihood with squared event weights. For unit weights C = V.
 */
public final class SumW2Covariance {

    private SumW2Covariance() {
    }

    /**
     * @param hesse   HESSE's result for the weighted objective (its covariance V, its best fit)
     * @param squared the same objective with squared event weights
     * @return C over all parameters (zero rows and columns for fixed ones)
     */
    public static double[][] of(FitResult hesse, Objective squared) {
        int n = hesse.names().size();
        int[] free = java.util.stream.IntStream.range(0, n).filter(i -> !hesse.fixed()[i]).toArray();
        int m = free.length;
        // H2 in external coordinates, from central differences of the exact gradient: the squared-weight
        // objective is not at its minimum here, so a bound transform's curvature term (gradient times
        // the transform's second derivative) must not enter, as it would through HESSE's internal frame
        double[][] h2 = new double[m][m];
        double[] x = hesse.values().clone();
        double[] gp = new double[n];
        double[] gm = new double[n];
        for (int a = 0; a < m; a++) {
            int i = free[a];
            double d = 1e-3 * (hesse.errors()[i] > 0 ? hesse.errors()[i] : 1);
            double x0 = x[i];
            x[i] = x0 + d;
            gradient(squared, x, gp);
            x[i] = x0 - d;
            gradient(squared, x, gm);
            x[i] = x0;
            for (int b = 0; b < m; b++) {
                h2[a][b] = (gp[free[b]] - gm[free[b]]) / (2 * d);
            }
        }
        RealMatrix v = new Array2DRowRealMatrix(m, m);
        RealMatrix hess2 = new Array2DRowRealMatrix(m, m);
        for (int a = 0; a < m; a++) {
            for (int b = 0; b < m; b++) {
                v.setEntry(a, b, hesse.covariance()[free[a]][free[b]]);
                // symmetrised, and scaled by 1 / (2 errorDef) as HESSE's covariance is 2 errorDef H^-1
                hess2.setEntry(a, b, 0.5 * (h2[a][b] + h2[b][a]) / (2 * squared.errorDef()));
            }
        }
        RealMatrix c = v.multiply(hess2).multiply(v);
        double[][] out = new double[n][n];
        for (int a = 0; a < m; a++) {
            for (int b = 0; b < m; b++) {
                out[free[a]][free[b]] = 0.5 * (c.getEntry(a, b) + c.getEntry(b, a));
            }
        }
        return out;
    }

    private static void gradient(Objective o, double[] x, double[] g) {
        if (!o.hasGradient()) {
            throw new IllegalArgumentException("the sum-of-weights-squared covariance needs the objective's analytic gradient");
        }
        double f = o.valueAndGradient(x, g);
        if (!Double.isFinite(f)) {
            throw new IllegalArgumentException("the squared-weight objective is not finite near the best fit " + java.util.Arrays.toString(x));
        }
    }
}
