package org.ratiofit.likelihood;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class InterpolationTest {

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 20);
    }

    private static double[] ud(long seed) {
        Random r = new Random(seed);
        return new double[] {Math.exp(0.4 * r.nextGaussian()), Math.exp(0.4 * r.nextGaussian())};
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void code4IsC2AtPlusMinusOne(long seed) {
        double[] ud = ud(seed);
        double u = ud[0];
        double d = ud[1];
        double eps = 1e-7;
        for (double edge : new double[] {-1, 1}) {
            // value: polynomial side at the edge equals the exponential
            double[] in = Interpolation.code4(edge, u, d);
            double expo = edge > 0 ? u : d;
            assertEquals(expo, in[0], 1e-12, "seed " + seed + " value at " + edge);
            // first derivative: polynomial at the edge vs exponential's derivative
            double expoD = edge > 0 ? u * Math.log(u) : -d * Math.log(d);
            assertEquals(expoD, in[1], 1e-11, "seed " + seed + " first derivative at " + edge);
            // second derivative from the analytic first derivative on each side
            double inside = edge - Math.signum(edge) * eps;
            double secondInside = (Interpolation.code4(edge, u, d)[1] - Interpolation.code4(inside, u, d)[1]) / (edge - inside);
            double expoD2 = edge > 0 ? u * Math.log(u) * Math.log(u) : d * Math.log(d) * Math.log(d);
            assertEquals(expoD2, secondInside, 1e-5 * Math.max(1, Math.abs(expoD2)), "seed " + seed + " second derivative at " + edge);
            double outside = edge + Math.signum(edge) * eps;
            double secondOutside = (Interpolation.code4(outside, u, d)[1] - Interpolation.code4(edge, u, d)[1]) / (outside - edge);
            assertEquals(secondInside, secondOutside, 1e-5 * Math.max(1, Math.abs(expoD2)), "seed " + seed + " second derivative jump at " + edge);
        }
        assertEquals(1.0, Interpolation.code4(0, u, d)[0], 0, "seed " + seed + " value at 0");
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void code4CoefficientsFollowTheReferenceFormulas(long seed) {
        double[] ud = ud(seed);
        double u = ud[0];
        double d = ud[1];
        double lu = Math.log(u);
        double ld = Math.log(d);
        double s0 = (u + d) / 2, a0 = (u - d) / 2;
        double s1 = (u * lu - d * ld) / 2, a1 = (u * lu + d * ld) / 2;
        double s2 = (u * lu * lu + d * ld * ld) / 2, a2 = (u * lu * lu - d * ld * ld) / 2;
        double[] expected = {
            (15 * a0 - 7 * s1 + a2) / 8, (-24 + 24 * s0 - 9 * a1 + s2) / 8, (-5 * a0 + 5 * s1 - a2) / 4,
            (12 - 12 * s0 + 7 * a1 - s2) / 4, (3 * a0 - 3 * s1 + a2) / 8, (-8 + 8 * s0 - 5 * a1 + s2) / 8};
        double[] got = Interpolation.code4Coefficients(u, d);
        for (int i = 0; i < 6; i++) {
            assertEquals(expected[i], got[i], 1e-14, "seed " + seed + " a" + (i + 1));
        }
        // the per-event linear form used by the hot loop gives the same factor and derivative
        Random r = new Random(seed + 99);
        for (int t = 0; t < 10; t++) {
            double alpha = -1 + 2 * r.nextDouble();
            double[] w = Interpolation.code4Weights(alpha);
            double[] q = {u - 1, d - 1, u * lu, d * ld, u * lu * lu, d * ld * ld};
            double f = 1;
            double g = 0;
            for (int j = 0; j < 6; j++) {
                f += w[j] * q[j];
                g += w[6 + j] * q[j];
            }
            double[] direct = Interpolation.code4(alpha, u, d);
            assertEquals(direct[0], f, 1e-13, "seed " + seed + " alpha " + alpha + " value");
            assertEquals(direct[1], g, 1e-12, "seed " + seed + " alpha " + alpha + " derivative");
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void code4pAndCode0AreContinuousWithTheRightEndpoints(long seed) {
        Random r = new Random(seed);
        double du = r.nextGaussian();
        double dd = r.nextGaussian();
        double eps = 1e-8;
        for (double edge : new double[] {-1, 1}) {
            double[] at = Interpolation.code4p(edge, du, dd);
            assertEquals(edge > 0 ? du : -dd, at[0], 1e-13, "seed " + seed + " code 4p value at " + edge);
            double[] out = Interpolation.code4p(edge + Math.signum(edge) * eps, du, dd);
            assertEquals(at[1], out[1], 1e-7, "seed " + seed + " code 4p derivative at " + edge);
        }
        assertEquals(0, Interpolation.code4p(0, du, dd)[0], 0);
        assertEquals(2 * du, Interpolation.code0(2, du, dd)[0], 1e-15);
        assertEquals(-2 * dd, Interpolation.code0(-2, du, dd)[0], 1e-15);
        double[] c1 = Interpolation.code1(1.7, 1.2, 0.9);
        assertEquals(Math.pow(1.2, 1.7), c1[0], 1e-15);
        assertTrue(Interpolation.code1(-1.0, 1.2, 0.9)[0] == 0.9);
    }
}
