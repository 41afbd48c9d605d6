package org.ratiofit.ratio.training.pnn;

import java.util.ArrayList;
import java.util.List;

/**
 * The linear and quadratic monomials m_A(ν) of n nuisance parameters in the likelihood's order
 * (ν_0 .. ν_{n−1}, then ν_l ν_m for l = 0..n−1, m = l..n−1), named as the PNN sidecars name their
 * outputs: parameter names joined by '*' ({@code tes}, {@code tes*tes}, {@code tes*jes}).
 */
public final class PnnMonomials {
    private PnnMonomials() {
    }

    public static int count(int n) {
        return n + n * (n + 1) / 2;
    }

    /** Pairs (l, m) per monomial; m = −1 for a linear one. */
    public static int[][] pairs(int n) {
        int[][] out = new int[count(n)][];
        int k = 0;
        for (int l = 0; l < n; l++) {
            out[k++] = new int[] {l, -1};
        }
        for (int l = 0; l < n; l++) {
            for (int m = l; m < n; m++) {
                out[k++] = new int[] {l, m};
            }
        }
        return out;
    }

    public static List<String> names(List<String> parameters) {
        List<String> out = new ArrayList<>();
        for (int[] p : pairs(parameters.size())) {
            out.add(p[1] < 0 ? parameters.get(p[0]) : parameters.get(p[0]) + "*" + parameters.get(p[1]));
        }
        return out;
    }

    public static double[] values(double[] nu) {
        int[][] pr = pairs(nu.length);
        double[] out = new double[pr.length];
        for (int k = 0; k < pr.length; k++) {
            out[k] = pr[k][1] < 0 ? nu[pr[k][0]] : nu[pr[k][0]] * nu[pr[k][1]];
        }
        return out;
    }

    /**
     * The index of the first monomial whose column over the points is a linear combination of the
     * earlier ones (Gram–Schmidt with a relative tolerance), or −1 when the design matrix has
     * full column rank.
     */
    static int firstDependent(int n, List<double[]> nus) {
        int m = count(n);
        int j = nus.size();
        double[][] cols = new double[m][j];
        for (int p = 0; p < j; p++) {
            double[] v = values(nus.get(p));
            for (int a = 0; a < m; a++) {
                cols[a][p] = v[a];
            }
        }
        List<double[]> basis = new ArrayList<>();
        for (int a = 0; a < m; a++) {
            double[] v = cols[a].clone();
            double norm0 = Math.sqrt(dot(v, v));
            for (double[] b : basis) {
                double d = dot(v, b);
                for (int p = 0; p < j; p++) {
                    v[p] -= d * b[p];
                }
            }
            double norm = Math.sqrt(dot(v, v));
            if (!(norm > 1e-9 * Math.max(1, norm0))) {
                return a;
            }
            for (int p = 0; p < j; p++) {
                v[p] /= norm;
            }
            basis.add(v);
        }
        return -1;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
