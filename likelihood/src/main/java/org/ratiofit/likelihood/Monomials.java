package org.ratiofit.likelihood;

/**
 * The linear and quadratic monomials of n nuisance parameters, in the fixed order used by the
 * polynomial modifier: a_0 .. a_{n-1}, then a_l a_m for l = 0..n-1, m = l..n-1.
 */
public final class Monomials {

    private Monomials() {
    }

    public static int count(int n) {
        return n + n * (n + 1) / 2;
    }

    /** Pairs (l, m) per monomial; m = -1 for a linear term. */
    public static int[][] of(int n) {
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

    /** Values of the monomials at a (the parameters in the modifier's order). */
    public static void values(int[][] pairs, double[] a, double[] out) {
        for (int k = 0; k < pairs.length; k++) {
            out[k] = pairs[k][1] < 0 ? a[pairs[k][0]] : a[pairs[k][0]] * a[pairs[k][1]];
        }
    }
}
