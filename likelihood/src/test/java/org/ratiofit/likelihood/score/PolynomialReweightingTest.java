package org.ratiofit.likelihood.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Morphing weights: the log-weight against the polynomial evaluated directly, the score against finite differences. */
class PolynomialReweightingTest {

    // W(a, b) = c0 + c1 a + c2 b + c3 a² b
    static final int[][] POWERS = {{0, 0}, {1, 0}, {0, 1}, {2, 1}};

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4})
    void weightsAndScores(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = 50;
        double[][] c = new double[4][n];
        for (int k = 0; k < 4; k++) for (int i = 0; i < n; i++) c[k][i] = 0.1 + rng.nextDouble();
        double[] ref = {1, 2};
        PolynomialReweighting r = PolynomialReweighting.of(List.of("a", "b"), POWERS, c, ref);
        double[] th = {0.5 + rng.nextDouble(), 0.5 + 2 * rng.nextDouble()};
        double[] lw = new double[n];
        double[][] t = new double[2][n];
        r.logWeights(th, lw, t);
        for (int i = 0; i < n; i++) {
            double w = poly(c, i, th), w0 = poly(c, i, ref);
            assertEquals(Math.log(w / w0), lw[i], 1e-12);
            for (int j = 0; j < 2; j++) {
                double h = 1e-6;
                double[] a = th.clone(), b = th.clone();
                a[j] += h;
                b[j] -= h;
                double fd = (Math.log(poly(c, i, a)) - Math.log(poly(c, i, b))) / (2 * h);
                assertEquals(fd, t[j][i], 1e-7 * Math.max(1, Math.abs(fd)));
            }
        }
        double[] atRef = new double[n];
        r.logWeights(ref, atRef, null);
        for (double v : atRef) assertEquals(0, v, 1e-14);
    }

    @Test
    void refusesANonPositiveReferenceWeight() {
        double[][] c = {{1, -3}, {0, 0}, {0, 0}, {0, 1}};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PolynomialReweighting.of(List.of("a", "b"), POWERS, c, new double[] {1, 1}));
        assertTrue(e.getMessage().contains("event 1"), e.getMessage());
    }

    static double poly(double[][] c, int i, double[] th) {
        return c[0][i] + c[1][i] * th[0] + c[2][i] * th[1] + c[3][i] * th[0] * th[0] * th[1];
    }
}
