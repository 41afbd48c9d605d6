package org.ratiofit.likelihood;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class LogInterpolationTest {

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 20);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void code4InLogSpaceHitsItsNodesAndIsTwiceDifferentiableAtTheJoins(long seed) {
        Random r = new Random(seed);
        double u = Math.exp(2 * r.nextGaussian());
        double d = Math.exp(2 * r.nextGaussian());
        assertEquals(1, LogInterpolation.factor(4, 0, u, d)[0], 1e-15);
        assertEquals(u, LogInterpolation.factor(4, 1, u, d)[0], 1e-12 * u);
        assertEquals(d, LogInterpolation.factor(4, -1, u, d)[0], 1e-12 * d);
        for (double a : new double[] {1.7, -2.3}) {
            // beyond |alpha| = 1: the exponential branch, as codes 1 and 4
            assertEquals(Interpolation.code1(a, u, d)[0], LogInterpolation.factor(4, a, u, d)[0], 1e-12 * Interpolation.code1(a, u, d)[0]);
            assertEquals(Interpolation.code1(a, u, d)[0], LogInterpolation.factor(1, a, u, d)[0], 1e-12 * Interpolation.code1(a, u, d)[0]);
        }
        for (double join : new double[] {-1, 1}) {
            double h = 1e-4;
            double in = join - Math.signum(join) * h;
            double out = join + Math.signum(join) * h;
            // ln g: value, slope and curvature from either side agree
            double[] li = lnG(in, u, d, h);
            double[] lo = lnG(out, u, d, h);
            assertEquals(li[0], lo[0], 2 * h * (Math.abs(Math.log(u)) + Math.abs(Math.log(d))) + 1e-12);
            assertEquals(li[1], lo[1], 1e-3 * (1 + Math.abs(li[1])), "slope at " + join);
            assertEquals(li[2], lo[2], 0.05 * (1 + Math.abs(Math.log(u)) + Math.abs(Math.log(d))), "curvature at " + join);
        }
        // derivative against finite differences inside
        for (double a : new double[] {-0.8, -0.3, 0.1, 0.6, 0.99}) {
            double h = 1e-6;
            double fd = (LogInterpolation.factor(4, a + h, u, d)[0] - LogInterpolation.factor(4, a - h, u, d)[0]) / (2 * h);
            double g = LogInterpolation.factor(4, a, u, d)[1];
            assertEquals(fd, g, 1e-6 * Math.max(1, Math.abs(g)), "alpha " + a);
        }
    }

    /** ln g and its first two derivatives at a by central differences of step h. */
    private static double[] lnG(double a, double u, double d, double h) {
        double f0 = Math.log(LogInterpolation.factor(4, a, u, d)[0]);
        double fp = Math.log(LogInterpolation.factor(4, a + h, u, d)[0]);
        double fm = Math.log(LogInterpolation.factor(4, a - h, u, d)[0]);
        return new double[] {f0, (fp - fm) / (2 * h), (fp - 2 * f0 + fm) / (h * h)};
    }

    /** The claim behind the quick screen: inside |ln u|, |ln d| <= 3 the code-4 polynomial stays above 0.6 min(1, u, d). */
    @Test
    void code4PolynomialIsPositiveInsideTheSafeBox() {
        double worst = Double.POSITIVE_INFINITY;
        for (double lu = -3; lu <= 3.0001; lu += 0.1) {
            for (double ld = -3; ld <= 3.0001; ld += 0.1) {
                double u = Math.exp(lu);
                double d = Math.exp(ld);
                double[] a = Interpolation.code4Coefficients(u, d);
                for (double x = -1; x <= 1.0001; x += 0.002) {
                    worst = Math.min(worst, LogInterpolation.poly(a, x) / Math.min(1, Math.min(u, d)));
                }
            }
        }
        assertTrue(worst > 0.6, "smallest relative value " + worst);
    }

    @Test
    void polynomialNotPositiveFindsTheIssuesCases() {
        // ln u = -ln d = t: minimum -1.04 at t = 4, -8.1 at t = 5 (issue 13)
        assertTrue(LogInterpolation.polynomialNotPositive(Math.exp(4), Math.exp(-4)));
        assertTrue(LogInterpolation.polynomialNotPositive(Math.exp(5), Math.exp(-5)));
        assertFalse(LogInterpolation.polynomialNotPositive(Math.exp(2), Math.exp(-2)));
        assertEquals(-1.04, minimum(4), 0.01);
        assertEquals(-8.1, minimum(5), 0.05);
        // agreement with a fine grid on random pairs
        Random r = new Random(3);
        for (int t = 0; t < 3000; t++) {
            double u = Math.exp(8 * (2 * r.nextDouble() - 1));
            double d = Math.exp(8 * (2 * r.nextDouble() - 1));
            double[] a = Interpolation.code4Coefficients(u, d);
            double fine = Double.POSITIVE_INFINITY;
            for (int i = 0; i <= 4000; i++) {
                fine = Math.min(fine, LogInterpolation.poly(a, -1 + i / 2000.0));
            }
            if (fine <= 0) {
                assertTrue(LogInterpolation.polynomialNotPositive(u, d), "u " + u + " d " + d + ": minimum " + fine);
            }
        }
    }

    private static double minimum(double t) {
        double[] a = Interpolation.code4Coefficients(Math.exp(t), Math.exp(-t));
        double m = Double.POSITIVE_INFINITY;
        for (int i = 0; i <= 20000; i++) {
            m = Math.min(m, LogInterpolation.poly(a, -1 + i / 10000.0));
        }
        return m;
    }
}
