package org.ratiofit.samplers.toys;

import java.util.ArrayList;
import java.util.List;
import org.hipparchus.distribution.continuous.ChiSquaredDistribution;
import org.ratiofit.samplers.fit.Json;

/**
 * The Neyman construction with the profile-likelihood-ratio ordering (Feldman-Cousins): at each
 * grid point the critical value q_c(mu) below which a fraction CL of the toys' statistic lies;
 * the interval is {mu : q_obs(mu) &lt;= q_c(mu)}, its ends interpolated linearly in q_obs - q_c
 * between grid points. The asymptotic interval uses the chi-square(1) quantile instead of q_c.
 */
public final class NeymanBelt {

    private NeymanBelt() {
    }

    /**
     * One confidence level.
     *
     * @param criticalValues       q_c(mu) per grid point, {@code criticalValueErrors} their Monte-Carlo errors
     *                             (from the binomial error of the quantile's level, through the toys' density)
     * @param lower                the toy interval's lower end; {@code upper} its upper end
     * @param asymptoticCritical   the chi-square(1) quantile
     * @param asymptoticLower      the asymptotic interval's ends on the same grid
     * @param lowerAtGridEdge      the interval reaches the grid's first point (a bound, or the grid is too short)
     */
    public record Level(double level, double[] criticalValues, double[] criticalValueErrors, double lower, double upper,
                        boolean lowerAtGridEdge, boolean upperAtGridEdge, double asymptoticCritical, double asymptoticLower,
                        double asymptoticUpper) {
    }

    public record Result(int formatVersion, String parameterOfInterest, String statistic, long toys, long seed, double[] grid,
                         double[] observed, double observedMuHat, int[] validToys, List<Level> levels, List<String> notes) {

        public String toJson() {
            return Json.write(this);
        }
    }

    public static Result analyse(ToyPlan plan, ToySamples samples, double[] levels) {
        if (plan.kind() != ToyPlan.Kind.NEYMAN) {
            throw new IllegalArgumentException("not a Neyman toy plan: " + plan.kind());
        }
        double[] grid = plan.grid();
        int ng = grid.length;
        double[][] sorted = new double[ng][];
        int[] valid = new int[ng];
        for (int g = 0; g < ng; g++) {
            sorted[g] = samples.ensembles().get(g).sortedValid(0);
            valid[g] = sorted[g].length;
        }
        List<Level> out = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        ChiSquaredDistribution chi2 = new ChiSquaredDistribution(1);
        for (double cl : levels) {
            if (!(cl > 0 && cl < 1)) {
                throw new IllegalArgumentException("confidence level must lie in (0, 1), got " + cl);
            }
            double[] qc = new double[ng];
            double[] qcErr = new double[ng];
            double[] asymC = new double[ng];
            double a = chi2.inverseCumulativeProbability(cl);
            for (int g = 0; g < ng; g++) {
                qc[g] = ToyStats.quantile(sorted[g], cl);
                int n = sorted[g].length;
                double dl = ToyStats.binomialError(cl, n);
                qcErr[g] = 0.5 * Math.abs(ToyStats.quantile(sorted[g], Math.min(1, cl + dl)) - ToyStats.quantile(sorted[g], Math.max(0, cl - dl)));
                asymC[g] = a;
            }
            double[] toy = interval(grid, plan.observed(), qc, plan.observedMuHat());
            double[] asym = interval(grid, plan.observed(), asymC, plan.observedMuHat());
            boolean loEdge = toy[2] == 1;
            boolean hiEdge = toy[3] == 1;
            String name = plan.parameterOfInterest();
            if (loEdge && grid[0] > plan.lowerBound()) {
                notes.add(cl + " CL: the interval reaches the grid's first point " + name + " = " + grid[0] + ": start the grid lower");
            }
            if (hiEdge && grid[ng - 1] < plan.upperBound()) {
                notes.add(cl + " CL: the interval reaches the grid's last point " + name + " = " + grid[ng - 1] + ": extend the grid");
            }
            if (toy[4] == 1) {
                notes.add(cl + " CL: the accepted grid points are not contiguous; the interval given is their extent");
            }
            out.add(new Level(cl, qc, qcErr, toy[0], toy[1], loEdge, hiEdge, a, asym[0], asym[1]));
        }
        return new Result(Json.FORMAT_VERSION, plan.parameterOfInterest(), plan.statistic().name(),
                samples.study().toysPerEnsemble(), plan.seed(), grid.clone(), plan.observed().clone(), plan.observedMuHat(), valid, out, notes);
    }

    /**
     * {lower, upper, lower at edge (1/0), upper at edge (1/0), not contiguous (1/0)} of
     * {x : q(x) &lt;= c(x)}. The best fit {@code xHat} (where q = 0) joins the grid, and the ends
     * are interpolated linearly in sqrt(q) - sqrt(c), which is exact for a Gaussian likelihood
     * with a constant critical value; NaN ends when no point is inside.
     */
    static double[] interval(double[] grid, double[] qGrid, double[] cGrid, double xHat) {
        int n = grid.length;
        boolean add = Double.isFinite(xHat) && xHat > grid[0] && xHat < grid[n - 1];
        for (double g : grid) {
            add &= g != xHat;
        }
        double[] x = new double[n + (add ? 1 : 0)];
        double[] q = new double[x.length];
        double[] c = new double[x.length];
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (add && i > 0 && grid[i - 1] < xHat && xHat < grid[i]) {
                double f = (xHat - grid[i - 1]) / (grid[i] - grid[i - 1]);
                x[k] = xHat;
                q[k] = 0;
                c[k] = cGrid[i - 1] + f * (cGrid[i] - cGrid[i - 1]);
                k++;
            }
            x[k] = grid[i];
            q[k] = qGrid[i];
            c[k] = cGrid[i];
            k++;
        }
        int first = -1;
        int last = -1;
        int count = 0;
        for (int i = 0; i < x.length; i++) {
            if (q[i] <= c[i]) {
                if (first < 0) {
                    first = i;
                }
                last = i;
                count++;
            }
        }
        if (first < 0) {
            return new double[] {Double.NaN, Double.NaN, 0, 0, 0};
        }
        double lo = x[first];
        if (first > 0) {
            lo = cross(x[first - 1], d(q[first - 1], c[first - 1]), x[first], d(q[first], c[first]));
        }
        double hi = x[last];
        if (last < x.length - 1) {
            hi = cross(x[last], d(q[last], c[last]), x[last + 1], d(q[last + 1], c[last + 1]));
        }
        return new double[] {lo, hi, first == 0 ? 1 : 0, last == x.length - 1 ? 1 : 0, count != last - first + 1 ? 1 : 0};
    }

    private static double d(double q, double c) {
        return Math.sqrt(Math.max(q, 0)) - Math.sqrt(Math.max(c, 0));
    }

    private static double cross(double x0, double d0, double x1, double d1) {
        if (!(Double.isFinite(d0) && Double.isFinite(d1)) || d0 == d1) {
            return 0.5 * (x0 + x1);
        }
        return x0 + (0 - d0) / (d1 - d0) * (x1 - x0);
    }
}
