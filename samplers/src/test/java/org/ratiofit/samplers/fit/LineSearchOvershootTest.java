package org.ratiofit.samplers.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ratiofit.objective.FunctionObjective;

/**
 * A cost whose minimum is far narrower than the parameters' steps say (as for a likelihood of
 * 10^5 events with steps of order one): with the gradient's curvature, MIGRAD's first metric comes
 * from the steps, so its first step overshoots by orders of magnitude into a region where the cost
 * is far from quadratic (exponential there, infinite beyond). The line search must back-track to a decrease
 * instead of giving up, and the fit must reach the minimum, valid, at the exact errors.
 */
class LineSearchOvershootTest {

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 8);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void farOvershootingFirstStepStillReachesTheMinimum(long seed) {
        Random r = new Random(seed);
        int n = 12;
        double[] t = new double[n];
        double[] k = new double[n];
        for (int i = 0; i < n; i++) {
            t[i] = r.nextGaussian() * 0.5;
            k[i] = Math.pow(10, 5 + 3 * r.nextDouble()); // curvature 1e5..1e8: errors 3e-3..1e-4
        }
        String[] names = new String[n];
        double[] starts = new double[n];
        for (int i = 0; i < n; i++) {
            names[i] = "p" + i;
        }
        // f = sum k_i (e^z - 1 - z), z = x_i - t_i, + a mild coupling; curvature at the minimum k_i (+ coupling)
        FunctionObjective f = FunctionObjective.of(x -> {
                    double s = 0;
                    for (int i = 0; i < n; i++) {
                        s += k[i] * expMinusLinear(x[i] - t[i]);
                    }
                    double c = x[0] - t[0] - (x[1] - t[1]);
                    return s + 50 * c * c;
                }, 0.5)
                .parameters(java.util.List.of(names), starts)
                .gradient((x, g) -> {
                    for (int i = 0; i < n; i++) {
                        g[i] = k[i] * Math.expm1(x[i] - t[i]);
                    }
                    double c = x[0] - t[0] - (x[1] - t[1]);
                    g[0] += 100 * c;
                    g[1] -= 100 * c;
                })
                .build();
        FitResult fit = Migrad.builder().gradientCurvature(true).build().minimise(f);
        assertTrue(fit.status().validMinimum(), "seed " + seed + ": " + fit.status());
        for (int i = 0; i < n; i++) {
            double err = 1 / Math.sqrt(k[i]); // sigma^2 = 2 up / f'' with up = 0.5
            assertEquals(t[i], fit.values()[i], 0.01 * err, "seed " + seed + " p" + i);
        }
        FitResult h = Hesse.compute(f, fit);
        for (int i = 2; i < n; i++) {
            assertEquals(1 / Math.sqrt(k[i]), h.errors()[i], 1e-3 / Math.sqrt(k[i]), "seed " + seed + " error p" + i);
        }
    }

    private static double bump(double l) {
        return Math.max(0.6, 2.5 - 1.85 * (l - 0.35) * (l - 0.35));
    }

    private static double expMinusLinear(double z) {
        return Math.expm1(z) - z;
    }

    /**
     * Along the step the cost is -l + min(1000 l^2, P(|l|)) with P a concave bump (at least 0.6): a
     * narrow valley (minimum -2.5e-4 at l = 5e-4) before a bump that the full step and the first
     * parabola land on (f(1) = 0.72, f(0.3) = 2.2: concave), where a purely parabolic search turns
     * away from the valley. The search must find a point lower than the start, inside the valley.
     */
    @org.junit.jupiter.api.Test
    void backTracksIntoANarrowValleyBeforeAPlateau() {
        FunctionObjective f = FunctionObjective.of(x -> -x[0] + Math.min(1000 * x[0] * x[0], bump(Math.abs(x[0]))), 0.5)
                .parameter("l", 0).build();
        InternalFunction fcn = new InternalFunction(f, f.parameters(), false);
        double[] ls = LineSearch.search(fcn, new double[] {0}, 0, new double[] {1}, -1);
        assertTrue(ls[1] < -1e-4, "cost found " + ls[1] + " at lambda " + ls[0]);
        assertEquals(5e-4, ls[0], 3e-4);
    }
}
