package org.ratiofit.samplers.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.ratiofit.objective.StatisticalModel;
import org.ratiofit.samplers.fit.FitResult;
import org.ratiofit.samplers.fit.Migrad;

/**
 * The profiled values a scan reports at each point, on the correlated Gaussian of ProfileScanTest:
 * exactly theta-hat-hat(x) = M_theta + C_theta,x / C_xx (x - M_x); the stat-only scan keeps them at
 * the best fit.
 */
class ProfiledValuesTest {

    @Test
    void profiledNuisanceValuesFollowTheConditionalMeanOfTheGaussian() {
        StatisticalModel f = ProfileScanTest.gaussian();
        Migrad migrad = Migrad.builder().tolerance(1e-4).build();
        FitResult best = migrad.minimise(f);
        double[] pts = ProfileScan.grid(0, 2, 9);
        Scan1D s = new ProfileScan(migrad).scan(f, best, "mu", pts, false);
        assertEquals(List.of("mu", "a", "b"), s.parameterNames());
        double[] a = s.profiled("a");
        double[] b = s.profiled("b");
        double[] mu = s.profiled("mu");
        double[][] c = ProfileScanTest.C;
        double[] m = ProfileScanTest.M;
        for (int i = 0; i < pts.length; i++) {
            assertEquals(pts[i], mu[i], 0, "point " + i);
            assertEquals(m[1] + c[1][0] / c[0][0] * (pts[i] - m[0]), a[i], 1e-4, "a at point " + i);
            assertEquals(m[2] + c[2][0] / c[0][0] * (pts[i] - m[0]), b[i], 1e-4, "b at point " + i);
        }
        Scan1D stat = new ProfileScan(migrad).scan(f, best, "mu", pts, true);
        for (int i = 0; i < pts.length; i++) {
            assertEquals(best.value("a"), stat.profiled("a")[i], 0, "stat-only a at point " + i);
        }
    }
}
