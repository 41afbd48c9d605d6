package org.ratiofit.samplers.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MonotoneRootsTest {

    /** y = mu / s + c mu^2 (c >= 0): roots of y = t in closed form; five targets on shared points, as the expected bands. */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void fiveTargetsOnSharedPointsMatchTheClosedFormWithFewEvaluations(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double s = 0.1 + 3 * r.nextDouble();
        double c = 0.1 * r.nextDouble() / (s * s);
        MonotoneRoots roots = new MonotoneRoots(mu -> mu / s + c * mu * mu, 1e-6, 1e3, 1e-5, 1e-5 * s);
        for (int k : new int[] {0, 1, -1, 2, -2}) {
            double t = Asymptotics.expectedRootQAsimov(0.05, k);
            double exact = c == 0 ? t * s : (-1 / s + Math.sqrt(1 / (s * s) + 4 * c * t)) / (2 * c);
            // the estimate of the linear model, off by the curvature
            double found = roots.solve(t, t * s, 1 / s);
            assertEquals(exact, found, 1e-5 * exact, "seed " + seed + " band " + k);
        }
        System.out.println("seed " + seed + ": " + roots.evaluations() + " evaluations for 5 targets");
        assertTrue(roots.evaluations() <= 10, "seed " + seed + ": " + roots.evaluations() + " evaluations for 5 targets");
    }

    @Test
    void withoutAnEstimateItStillConverges() {
        MonotoneRoots roots = new MonotoneRoots(mu -> Math.log(mu), 1e-6, 1e6, 1e-6, 1e-9);
        assertEquals(Math.exp(3), roots.solve(3, Double.NaN, Double.NaN), 1e-6 * Math.exp(3));
        assertEquals(Math.exp(-2), roots.solve(-2, Double.NaN, Double.NaN), 1e-6 * Math.exp(-2));
    }

    @Test
    void infiniteValuesCountAsBelowOrAboveTheTarget() {
        // -Phi^-1(CLs) is -inf where CLs = 1 and +inf where CLs = 0
        MonotoneRoots roots = new MonotoneRoots(mu -> mu < 0.5 ? Double.NEGATIVE_INFINITY : mu > 4 ? Double.POSITIVE_INFINITY : mu,
                1e-6, 100, 1e-6, 1e-9);
        assertEquals(2, roots.solve(2, 0.1, Double.NaN), 2e-6);
    }

    @Test
    void aTargetReachedAtTheLowerEndGivesTheLowerEnd() {
        MonotoneRoots roots = new MonotoneRoots(mu -> mu + 5, 1e-3, 10, 1e-5, 1e-8);
        assertEquals(1e-3, roots.solve(1, 1, 1));
    }

    @Test
    void aTargetNotReachedBelowTheUpperBoundIsAnError() {
        MonotoneRoots roots = new MonotoneRoots(mu -> mu, 1e-3, 5, 1e-5, 1e-8);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> roots.solve(10, 1, 1));
        assertTrue(e.getMessage().contains("up to mu = 5"), e.getMessage());
    }

    @Test
    void aDownwardCrossingGivesUpForTheFallback() {
        // y = mu below 1.5, mu - 1 above: the target 1.2 is crossed at 1.2, at the step and at 2.2
        MonotoneRoots roots = new MonotoneRoots(mu -> mu < 1.5 ? mu : mu - 1, 1e-3, 100, 1e-5, 1e-8);
        roots.know(1.45, 1.45);
        roots.know(1.6, 0.6);
        assertThrows(MonotoneRoots.NotConverged.class, () -> roots.solve(1.2, 1, 1));
    }

    @Test
    void noiseFarBelowTheTargetIsNoCrossing() {
        // near mu = 0 the statistic is of the order of the fits' precision: its wiggles there do not matter
        MonotoneRoots roots = new MonotoneRoots(mu -> mu < 0.01 ? -2.7 + 30 * Math.sin(1e4 * mu) * 1e-2 : mu, 1e-4, 100, 1e-6, 1e-9);
        roots.know(0.0013, -2.65);
        roots.know(0.0027, -2.72);
        assertEquals(1.6449, roots.solve(1.6449, 0.02, Double.NaN), 1e-6 * 1.6449);
    }

    @Test
    void aFunctionThatNeverReachesTheTargetBelowTheBoundIsAnError() {
        // rises to 1 at mu = 2 and falls after: the target 2 is not reached up to the bound
        MonotoneRoots roots = new MonotoneRoots(mu -> 1 - (mu - 2) * (mu - 2), 1e-3, 100, 1e-5, 1e-8);
        assertThrows(IllegalStateException.class, () -> roots.solve(2, 1, 1));
    }

    @Test
    void nanGivesUpForTheFallback() {
        MonotoneRoots roots = new MonotoneRoots(mu -> mu > 1.5 ? Double.NaN : mu, 1e-3, 100, 1e-5, 1e-8);
        assertThrows(MonotoneRoots.NotConverged.class, () -> roots.solve(2, 1, 1));
    }
}
