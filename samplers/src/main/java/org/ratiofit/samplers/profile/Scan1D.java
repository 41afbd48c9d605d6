package org.ratiofit.samplers.profile;

import org.ratiofit.samplers.fit.ConfidenceLevel;
import org.ratiofit.samplers.fit.Json;

/**
 * A profile-likelihood scan of one parameter: q(x) = (cost at x with the others refitted - minimum)
 * / errorDef, i.e. 2 (-ln L(x, theta-hat-hat) + ln L(x-hat, theta-hat)) for a negative log-likelihood.
 *
 * @param formatVersion JSON layout version
 * @param parameter     the scanned parameter
 * @param statOnly      whether the other parameters were frozen at the best fit instead of refitted
 * @param bestFit       the unconditional best-fit value
 * @param points        scan points, ascending
 * @param q             q at each point
 * @param valid         whether each conditional fit was a valid minimum
 * @param parameterNames every parameter of the objective, in its order
 * @param profiledValues per point, the values of every parameter at the conditional minimum
 *                      ({@code profiledValues[point][parameter]}: the scanned one at the point, the
 *                      others profiled, or frozen at the best fit for a stat-only scan)
 */
public record Scan1D(int formatVersion, String parameter, boolean statOnly, double bestFit, double[] points,
                     double[] q, boolean[] valid, java.util.List<String> parameterNames, double[][] profiledValues) {

    /** The profiled values of parameter {@code name} along the scan, one per point (NaN where the profile failed). */
    public double[] profiled(String name) {
        int k = parameterNames.indexOf(name);
        if (k < 0) {
            throw new IllegalArgumentException("unknown parameter '" + name + "'; known: " + parameterNames);
        }
        double[] out = new double[points.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = profiledValues[i] == null ? Double.NaN : profiledValues[i][k];
        }
        return out;
    }

    /**
     * Where q crosses the level of {@code cl} (1 for 68.3%, 4 for 95.4%) below and above the best
     * fit, by linear interpolation of the signed root of q between scan points; NaN when the
     * scan does not reach the level on that side.
     */
    public double[] crossings(ConfidenceLevel cl) {
        double level = Math.sqrt(cl.deltaChi2(1));
        double lo = Double.NaN;
        double hi = Double.NaN;
        for (int i = 0; i + 1 < points.length; i++) {
            double a = signed(i);
            double b = signed(i + 1);
            if (a <= -level && b > -level && Double.isNaN(lo)) {
                lo = points[i] + (-level - a) * (points[i + 1] - points[i]) / (b - a);
            }
            if (a < level && b >= level) {
                hi = points[i] + (level - a) * (points[i + 1] - points[i]) / (b - a);
            }
        }
        return new double[] {lo, hi};
    }

    private double signed(int i) {
        double r = Math.sqrt(Math.max(q[i], 0));
        return points[i] < bestFit ? -r : r;
    }

    public String toJson() {
        return Json.write(this);
    }
}
