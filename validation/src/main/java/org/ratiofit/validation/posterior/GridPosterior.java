package org.ratiofit.validation.posterior;

import java.util.stream.IntStream;
import org.ratiofit.objective.Objective;

/**
 * The exact marginal posterior of the first parameter of a three-parameter likelihood, by brute
 * force on a grid: exp(−nll) (flat priors; any constraint terms are part of the nll) summed over
 * the other two parameters by the trapezoid rule, then normalised along the first. For smooth,
 * quickly decaying integrands the trapezoid rule with steps well below the width is accurate far
 * beyond what a sampler check needs.
 *
 * @param grid    the first parameter's grid points
 * @param density normalised marginal density at the grid points
 * @param cdf     distribution function at the grid points (trapezoid)
 */
public record GridPosterior(double[] grid, double[] density, double[] cdf) {

    /**
     * @param ranges  [parameter][lo, hi] of the box integrated over (wide enough to hold the posterior)
     * @param points  grid points per parameter
     */
    public static GridPosterior marginalOfFirst(Objective nll, double[][] ranges, int[] points, double nllOffset) {
        if (nll.parameters().size() != 3) {
            throw new IllegalArgumentException("the grid posterior takes exactly 3 parameters, got " + nll.parameters().size());
        }
        double[][] g = new double[3][];
        for (int k = 0; k < 3; k++) {
            g[k] = new double[points[k]];
            for (int i = 0; i < points[k]; i++) {
                g[k][i] = ranges[k][0] + (ranges[k][1] - ranges[k][0]) * i / (points[k] - 1);
            }
        }
        double scale = 1 / (2 * nll.errorDef());
        double[] marginal = new double[points[0]];
        IntStream.range(0, points[0]).parallel().forEach(i -> {
            double[] p = new double[3];
            p[0] = g[0][i];
            double s = 0;
            for (int j = 0; j < points[1]; j++) {
                double wj = (j == 0 || j == points[1] - 1) ? 0.5 : 1;
                p[1] = g[1][j];
                for (int k = 0; k < points[2]; k++) {
                    double wk = (k == 0 || k == points[2] - 1) ? 0.5 : 1;
                    p[2] = g[2][k];
                    double v = nll.value(p);
                    if (Double.isFinite(v)) {
                        s += wj * wk * Math.exp(-scale * (v - nllOffset));
                    }
                }
            }
            marginal[i] = s;
        });
        double[] cdf = new double[points[0]];
        for (int i = 1; i < points[0]; i++) {
            cdf[i] = cdf[i - 1] + 0.5 * (marginal[i] + marginal[i - 1]) * (g[0][i] - g[0][i - 1]);
        }
        double total = cdf[points[0] - 1];
        if (!(total > 0) || !Double.isFinite(total)) {
            throw new IllegalStateException("the grid posterior has no mass (total " + total + "): widen the ranges or set nllOffset near the minimum");
        }
        double[] density = new double[points[0]];
        for (int i = 0; i < points[0]; i++) {
            cdf[i] /= total;
            density[i] = marginal[i] / total;
        }
        return new GridPosterior(g[0], density, cdf);
    }

    /**
     * The distribution function at {@code x}: between grid points the trapezoid's own cumulative
     * integral of the linearly interpolated density (a quadratic in x), so it is exact for the
     * piecewise-linear density it integrates.
     */
    public double cdfAt(double x) {
        if (x <= grid[0]) {
            return 0;
        }
        if (x >= grid[grid.length - 1]) {
            return 1;
        }
        int lo = 0;
        int hi = grid.length - 1;
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            if (grid[mid] <= x) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        double h = grid[hi] - grid[lo];
        double t = x - grid[lo];
        double slope = (density[hi] - density[lo]) / h;
        return cdf[lo] + density[lo] * t + 0.5 * slope * t * t;
    }
}
