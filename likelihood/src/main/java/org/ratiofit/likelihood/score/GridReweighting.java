package org.ratiofit.likelihood.score;

import java.util.Arrays;
import java.util.List;
import org.ratiofit.likelihood.NaturalCubicSpline;

/**
 * Joint ratios tabulated per event on a θ grid: the user supplies ln r(x_i, z_i | θ_g, θ_ref) at
 * every point θ_g of a tensor grid (knots per parameter), and ln w_i(θ) is their tensor-product
 * natural cubic spline interpolation (continued linearly outside the knots). A spline is linear in
 * its values, so ln w_i(θ) = Σ_g c_g(θ) L_ig with c_g(θ) = Π_j s_{j,g_j}(θ_j) the product of the
 * cardinal splines of each axis: the interpolant and its exact θ-gradient cost one pass over the
 * G grid columns per event. Linear functions of θ are reproduced exactly (a closed-form joint
 * log-ratio linear in θ up to an event-independent term is interpolated with that term's error only).
 */
public final class GridReweighting implements JointReweighting {

    private final List<String> names;
    private final NaturalCubicSpline[][] cardinal; // [parameter][knot]
    private final int[] knots;
    private final double[][] logRatios; // [grid point][event], the last parameter fastest
    private final int n;

    private GridReweighting(List<String> names, NaturalCubicSpline[][] cardinal, int[] knots, double[][] logRatios) {
        this.names = List.copyOf(names);
        this.cardinal = cardinal;
        this.knots = knots;
        this.logRatios = logRatios;
        this.n = logRatios[0].length;
    }

    /**
     * @param names     θ's names
     * @param grid      per parameter its knots, strictly increasing, at least 2
     * @param logRatios per grid point (row-major: the last parameter varies fastest) the events' ln r(x,z|θ_g, θ_ref)
     */
    public static GridReweighting of(List<String> names, double[][] grid, double[][] logRatios) {
        if (grid.length != names.size()) throw new IllegalArgumentException("grid reweighting: " + grid.length + " axes for parameters " + names);
        int[] k = new int[grid.length];
        int total = 1;
        NaturalCubicSpline[][] card = new NaturalCubicSpline[grid.length][];
        for (int j = 0; j < grid.length; j++) {
            k[j] = grid[j].length;
            total = Math.multiplyExact(total, k[j]);
            card[j] = new NaturalCubicSpline[k[j]];
            for (int g = 0; g < k[j]; g++) {
                double[] unit = new double[k[j]];
                unit[g] = 1;
                card[j][g] = new NaturalCubicSpline(grid[j], unit, "grid reweighting, axis '" + names.get(j) + "'");
            }
        }
        if (logRatios.length != total) {
            throw new IllegalArgumentException("grid reweighting: " + logRatios.length + " columns of joint log-ratios for a grid of " + total + " points "
                    + Arrays.toString(k));
        }
        int n = logRatios[0].length;
        for (int g = 0; g < total; g++) {
            if (logRatios[g].length != n) throw new IllegalArgumentException("grid reweighting: grid point " + g + " has " + logRatios[g].length + " events, point 0 has " + n);
            for (int i = 0; i < n; i++) {
                if (!Double.isFinite(logRatios[g][i])) {
                    throw new IllegalArgumentException("grid reweighting: the joint log-ratio of event " + i + " at grid point " + g + " is " + logRatios[g][i]);
                }
            }
        }
        return new GridReweighting(names, card, k, logRatios);
    }

    @Override
    public int events() {
        return n;
    }

    @Override
    public List<String> parameterNames() {
        return names;
    }

    @Override
    public void logWeights(double[] theta, double[] logWeight, double[][] score) {
        int p = knots.length;
        double[][] c = new double[p][], d = new double[p][];
        for (int j = 0; j < p; j++) {
            c[j] = new double[knots[j]];
            d[j] = new double[knots[j]];
            for (int g = 0; g < knots[j]; g++) {
                c[j][g] = cardinal[j][g].value(theta[j]);
                d[j][g] = cardinal[j][g].derivative(theta[j]);
            }
        }
        int total = logRatios.length;
        double[] coef = new double[total];
        double[][] dcoef = score == null ? null : new double[p][total];
        int[] idx = new int[p];
        for (int g = 0; g < total; g++) {
            // mixed-radix index, last parameter fastest
            int r = g;
            for (int j = p - 1; j >= 0; j--) {
                idx[j] = r % knots[j];
                r /= knots[j];
            }
            double v = 1;
            for (int j = 0; j < p; j++) v *= c[j][idx[j]];
            coef[g] = v;
            if (dcoef != null) {
                for (int j = 0; j < p; j++) {
                    double dv = d[j][idx[j]];
                    for (int k = 0; k < p; k++) if (k != j) dv *= c[k][idx[k]];
                    dcoef[j][g] = dv;
                }
            }
        }
        Arrays.fill(logWeight, 0, n, 0);
        if (score != null) for (int j = 0; j < p; j++) Arrays.fill(score[j], 0, n, 0);
        for (int g = 0; g < total; g++) {
            double[] l = logRatios[g];
            double cg = coef[g];
            if (cg != 0) for (int i = 0; i < n; i++) logWeight[i] += cg * l[i];
            if (score != null) {
                for (int j = 0; j < p; j++) {
                    double dg = dcoef[j][g];
                    if (dg == 0) continue;
                    double[] s = score[j];
                    for (int i = 0; i < n; i++) s[i] += dg * l[i];
                }
            }
        }
    }
}
