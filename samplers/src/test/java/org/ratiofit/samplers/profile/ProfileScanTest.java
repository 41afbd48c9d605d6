package org.ratiofit.samplers.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.ratiofit.objective.StatisticalModel;
import org.ratiofit.samplers.fit.ConfidenceLevel;
import org.ratiofit.samplers.fit.FitResult;
import org.ratiofit.samplers.fit.Migrad;

/**
 * Scans of a correlated Gaussian likelihood, where the profile is known exactly:
 * q(x) = (x - m)^2 / C_xx, the stat-only one (x - m)^2 (C^-1)_xx, and in 2-D the quadratic form of
 * the inverse of the 2x2 block of C.
 */
class ProfileScanTest {

    static final double[] M = {1.0, -0.5, 2.0};
    static final double[][] C = {{0.25, 0.12, -0.05}, {0.12, 0.16, 0.02}, {-0.05, 0.02, 0.09}};

    static StatisticalModel gaussian() {
        return GaussianModel.of(List.of("mu", "a", "b"), new double[] {0.5, 0, 1.5}, 0.3, M, invert3(C));
    }

    static double[][] invert3(double[][] a) {
        double det = a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0])
                + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
        double[][] r = new double[3][3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                int i1 = (j + 1) % 3;
                int i2 = (j + 2) % 3;
                int j1 = (i + 1) % 3;
                int j2 = (i + 2) % 3;
                r[i][j] = (a[i1][j1] * a[i2][j2] - a[i1][j2] * a[i2][j1]) / det;
            }
        }
        return r;
    }

    @Test
    void oneDimensionalProfileStatOnlyAndCrossings() {
        StatisticalModel g = gaussian();
        FitResult best = Migrad.builder().tolerance(0.01).build().minimise(g);
        double sd = Math.sqrt(C[0][0]);
        double[] grid = ProfileScan.grid(M[0] - 3 * sd, M[0] + 3 * sd, 25);
        Scan1D scan = ProfileScan.defaults().scan(g, best, "mu", grid, false);
        Scan1D stat = ProfileScan.defaults().scan(g, best, "mu", grid, true);
        double cinv00 = invert3(C)[0][0];
        for (int i = 0; i < grid.length; i++) {
            double d = grid[i] - M[0];
            assertEquals(d * d / C[0][0], scan.q()[i], 1e-3, "profiled at " + grid[i]);
            assertTrue(scan.valid()[i]);
            // Frozen nuisances sit at the best fit, which is within EDM reach of the truth.
            assertEquals(d * d * cinv00, stat.q()[i], 2e-3 * (1 + d * d * cinv00), "stat-only at " + grid[i]);
        }
        double[] one = scan.crossings(ConfidenceLevel.sigma(1));
        double[] two = scan.crossings(ConfidenceLevel.sigma(2));
        assertEquals(M[0] - sd, one[0], 2e-3 * sd);
        assertEquals(M[0] + sd, one[1], 2e-3 * sd);
        assertEquals(M[0] - 2 * sd, two[0], 2e-3 * sd);
        assertEquals(M[0] + 2 * sd, two[1], 2e-3 * sd);
        // 68.3% as a probability is the same level as 1 sigma.
        assertEquals(one[1], scan.crossings(ConfidenceLevel.probability(0.682689492))[1], 1e-6);
        double[] statOne = stat.crossings(ConfidenceLevel.sigma(1));
        assertEquals(M[0] + 1 / Math.sqrt(cinv00), statOne[1], 3e-3 * sd);
        assertTrue(scan.toJson().contains("\"statOnly\" : false"));
    }

    @Test
    void twoDimensionalProfile() {
        StatisticalModel g = gaussian();
        FitResult best = Migrad.builder().tolerance(0.01).build().minimise(g);
        double[] x = ProfileScan.grid(0, 2, 7);
        double[] y = ProfileScan.grid(-1.3, 0.3, 6);
        java.util.concurrent.atomic.AtomicInteger seen = new java.util.concurrent.atomic.AtomicInteger();
        Scan2D s = new ProfileScan(Migrad.builder().tolerance(0.01).build(), d -> seen.accumulateAndGet(d, Math::max))
                .scan(g, best, "mu", x, "a", y, false);
        assertEquals(x.length * y.length, seen.get());
        double det = C[0][0] * C[1][1] - C[0][1] * C[0][1];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < y.length; j++) {
                double dx = x[i] - M[0];
                double dy = y[j] - M[1];
                double q = (C[1][1] * dx * dx - 2 * C[0][1] * dx * dy + C[0][0] * dy * dy) / det;
                assertEquals(q, s.q()[i][j], 1e-3 * (1 + q), "at " + x[i] + ", " + y[j]);
                assertEquals(q <= 2.2957, s.inside(i, j, ConfidenceLevel.sigma(1)) || Math.abs(q - 2.2957) < 1e-2);
            }
        }
        assertEquals(2.2957, Scan2D.level(ConfidenceLevel.sigma(1)), 1e-3);
        assertEquals(6.1801, Scan2D.level(ConfidenceLevel.sigma(2)), 1e-3);
    }
}
