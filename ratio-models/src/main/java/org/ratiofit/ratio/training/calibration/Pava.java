package org.ratiofit.ratio.training.calibration;

import java.util.Arrays;

/**
 * Weighted isotonic (non-decreasing) regression by pool-adjacent-violators. Input need not be
 * sorted; ties in x are pooled first. The result is the sorted distinct x and the fitted values.
 */
public final class Pava {
    private Pava() {
    }

    public record Fit(double[] x, double[] y, double[] weight) {
    }

    public static Fit fit(double[] x, double[] y, double[] w) {
        int n = x.length;
        if (y.length != n || w.length != n) {
            throw new IllegalArgumentException("x, y and weights must have the same length: " + n + ", " + y.length
                    + ", " + w.length);
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            if (!(w[i] >= 0) || !Double.isFinite(x[i]) || !Double.isFinite(y[i])) {
                throw new IllegalArgumentException("PAVA needs finite x, y and non-negative weights; event " + i
                        + ": x=" + x[i] + " y=" + y[i] + " w=" + w[i]);
            }
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(x[a], x[b]));
        // blocks as a stack: value (weighted mean), weight, first x, last x
        double[] bx = new double[n];
        double[] by = new double[n];
        double[] bw = new double[n];
        int[] bCount = new int[n];
        int top = -1;
        int i = 0;
        while (i < n) {
            // pool ties in x
            double xi = x[order[i]];
            double sw = 0;
            double swy = 0;
            while (i < n && x[order[i]] == xi) {
                sw += w[order[i]];
                swy += w[order[i]] * y[order[i]];
                i++;
            }
            double v = sw > 0 ? swy / sw : 0;
            top++;
            bx[top] = xi;
            by[top] = v;
            bw[top] = sw;
            bCount[top] = 1;
            while (top > 0 && by[top - 1] > by[top]) {
                double wsum = bw[top - 1] + bw[top];
                double merged = wsum > 0 ? (bw[top - 1] * by[top - 1] + bw[top] * by[top]) / wsum
                        : 0.5 * (by[top - 1] + by[top]);
                bw[top - 1] = wsum;
                by[top - 1] = merged;
                bCount[top - 1] += bCount[top];
                top--;
            }
        }
        // expand blocks back onto the distinct x values
        int distinct = 0;
        for (int b = 0; b <= top; b++) {
            distinct += bCount[b];
        }
        double[] outX = new double[distinct];
        double[] outY = new double[distinct];
        double[] outW = new double[distinct];
        // recompute distinct x in order
        int k = 0;
        for (int j = 0; j < n; j++) {
            double xv = x[order[j]];
            if (k == 0 || outX[k - 1] != xv) {
                outX[k++] = xv;
            }
        }
        k = 0;
        for (int b = 0; b <= top; b++) {
            for (int c = 0; c < bCount[b]; c++) {
                outY[k] = by[b];
                outW[k] = bw[b];
                k++;
            }
        }
        return new Fit(outX, outY, outW);
    }

    /** Linear interpolation of a fit, constant beyond its ends (as scikit-learn's out_of_bounds="clip"). */
    public static double interpolate(double[] xs, double[] ys, double x) {
        if (x <= xs[0]) {
            return ys[0];
        }
        int n = xs.length;
        if (x >= xs[n - 1]) {
            return ys[n - 1];
        }
        int pos = Arrays.binarySearch(xs, x);
        if (pos >= 0) {
            return ys[pos];
        }
        int hi = -pos - 1;
        int lo = hi - 1;
        double t = (x - xs[lo]) / (xs[hi] - xs[lo]);
        return ys[lo] + t * (ys[hi] - ys[lo]);
    }
}
