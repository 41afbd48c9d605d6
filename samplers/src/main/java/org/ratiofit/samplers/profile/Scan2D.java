package org.ratiofit.samplers.profile;

import org.ratiofit.samplers.fit.ConfidenceLevel;
import org.ratiofit.samplers.fit.Json;

/**
 * A profile-likelihood scan of two parameters on a grid: q[i][j] at (x[i], y[j]).
 *
 * @param formatVersion JSON layout version
 * @param parameterX    first parameter
 * @param parameterY    second parameter
 * @param statOnly      whether the other parameters were frozen at the best fit
 * @param x             grid of the first parameter
 * @param y             grid of the second parameter
 * @param q             q on the grid
 * @param valid         whether each conditional fit was a valid minimum
 */
public record Scan2D(int formatVersion, String parameterX, String parameterY, boolean statOnly, double[] x,
                     double[] y, double[][] q, boolean[][] valid) {

    /** The level of q bounding a joint region of two parameters: 2.30 at 68.3%, 6.18 at 95.4%. */
    public static double level(ConfidenceLevel cl) {
        return cl.deltaChi2(2);
    }

    /** Whether grid point (i, j) lies inside the joint region of {@code cl}. */
    public boolean inside(int i, int j, ConfidenceLevel cl) {
        return q[i][j] <= level(cl);
    }

    public String toJson() {
        return Json.write(this);
    }
}
