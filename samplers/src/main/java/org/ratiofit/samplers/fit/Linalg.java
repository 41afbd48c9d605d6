package org.ratiofit.samplers.fit;

import org.hipparchus.linear.Array2DRowRealMatrix;
import org.hipparchus.linear.CholeskyDecomposition;
import org.hipparchus.linear.EigenDecompositionSymmetric;
import org.hipparchus.linear.RealMatrix;

/** Small dense helpers on double[][] (the minimiser's matrices are parameter-sized). */
final class Linalg {

    private Linalg() {
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    static double[] times(double[][] m, double[] v) {
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = dot(m[i], v);
        }
        return r;
    }

    static double quadratic(double[][] m, double[] v) {
        return dot(v, times(m, v));
    }

    static double[][] copy(double[][] m) {
        double[][] c = new double[m.length][];
        for (int i = 0; i < m.length; i++) {
            c[i] = m[i].clone();
        }
        return c;
    }

    static boolean isPositiveDefinite(double[][] m) {
        try {
            new CholeskyDecomposition(new Array2DRowRealMatrix(m), 1e-15, 1e-300);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Inverse of a symmetric positive-definite matrix, or null when it is not positive-definite. */
    static double[][] inverseSpd(double[][] m) {
        int n = m.length;
        double[] scale = new double[n];
        for (int i = 0; i < n; i++) {
            scale[i] = m[i][i] > 0 ? 1 / Math.sqrt(m[i][i]) : 1;
        }
        RealMatrix s = new Array2DRowRealMatrix(n, n);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                s.setEntry(i, j, m[i][j] * scale[i] * scale[j]);
            }
        }
        try {
            RealMatrix inv = new CholeskyDecomposition(s, 1e-14, 1e-14).getSolver().getInverse();
            double[][] r = new double[n][n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    r[i][j] = inv.getEntry(i, j) * scale[i] * scale[j];
                }
            }
            return r;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * Minuit's MnPosDef: scale to unit diagonal, and if the smallest eigenvalue is below
     * max(1e-6, eps2) times the largest, shift the diagonal so that it is not.
     */
    static double[][] makePositiveDefinite(double[][] m) {
        int n = m.length;
        double[][] r = copy(m);
        double epspdf = Math.max(1e-6, Migrad.EPS2);
        double dgmin = Double.POSITIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            dgmin = Math.min(dgmin, r[i][i]);
        }
        if (dgmin <= 0) {
            double dg = 0.5 + epspdf - dgmin;
            for (int i = 0; i < n; i++) {
                r[i][i] += dg;
            }
        }
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            s[i] = 1 / Math.sqrt(r[i][i]);
        }
        // filled from the upper triangle (symmetrised), so the scaled matrix is exactly symmetric: the
        // products r_ij s_i s_j and r_ji s_j s_i differ in their last bit when rounded in another order
        RealMatrix p = new Array2DRowRealMatrix(n, n);
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                double e = 0.5 * (r[i][j] + r[j][i]) * s[i] * s[j];
                p.setEntry(i, j, e);
                p.setEntry(j, i, e);
            }
        }
        double[] ev = new EigenDecompositionSymmetric(p).getEigenvalues();
        double pmin = Double.POSITIVE_INFINITY;
        double pmax = Double.NEGATIVE_INFINITY;
        for (double e : ev) {
            pmin = Math.min(pmin, e);
            pmax = Math.max(pmax, Math.abs(e));
        }
        pmax = Math.max(pmax, 1);
        if (pmin > epspdf * pmax) {
            return r;
        }
        double padd = 0.001 * pmax - pmin;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double e = p.getEntry(i, j) + (i == j ? padd : 0);
                r[i][j] = e / (s[i] * s[j]);
            }
        }
        return r;
    }
}
