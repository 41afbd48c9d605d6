package org.ratiofit.likelihood;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ratiofit.likelihood.workspace.WorkspaceReader;
import org.ratiofit.likelihood.workspace.WorkspaceWriter;

/** The yield-spline modifier: the spline itself, the yields and exact gradients of a model using it, the workspace round trip. */
class YieldSplineTest {

    static final double[] KNOTS = {-2, -1, 0, 1, 2};
    static final double[] VALUES = {-0.31, -0.12, 0, 0.19, 0.52};

    @Test
    void splineInterpolatesIsNaturalAndContinuesLinearly() {
        NaturalCubicSpline s = new NaturalCubicSpline(KNOTS, VALUES, "test");
        for (int k = 0; k < KNOTS.length; k++) {
            assertEquals(VALUES[k], s.value(KNOTS[k]), 1e-14, "knot " + k);
        }
        // natural: the second derivative vanishes at the end knots (finite difference of the exact derivative inside)
        double h = 1e-5;
        assertEquals(0, (s.derivative(-2 + 2 * h) - s.derivative(-2 + h)) / h, 1e-4);
        assertEquals(0, (s.derivative(2 - h) - s.derivative(2 - 2 * h)) / h, 1e-4);
        // linear beyond the ends with the end slopes: value and derivative continuous
        assertEquals(s.derivative(2), (s.value(5) - s.value(3)) / 2, 1e-12);
        assertEquals(s.value(2) + 1.5 * s.derivative(2), s.value(3.5), 1e-12);
        assertEquals(s.derivative(-2 + 1e-9), s.derivative(-2.5), 1e-7);
        // two knots: the straight line
        NaturalCubicSpline line = new NaturalCubicSpline(new double[] {0, 2}, new double[] {0, 1}, "line");
        assertEquals(0.25, line.value(0.5), 1e-15);
        assertEquals(-0.5, line.value(-1), 1e-15);
        assertEquals(0.5, line.derivative(7), 0);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void derivativeMatchesFiniteDifferencesOnRandomSplines(long seed) {
        Random r = new Random(seed);
        int n = 2 + r.nextInt(6);
        double[] x = new double[n];
        double[] y = new double[n];
        double t = -3 * r.nextDouble();
        for (int k = 0; k < n; k++) {
            t += 0.2 + r.nextDouble();
            x[k] = t;
            y[k] = r.nextGaussian() * 0.3;
        }
        NaturalCubicSpline s = new NaturalCubicSpline(x, y, "seed " + seed);
        for (int i = 0; i < 50; i++) {
            double a = x[0] - 1 + (x[n - 1] - x[0] + 2) * r.nextDouble();
            double h = 1e-6;
            double fd = (s.value(a + h) - s.value(a - h)) / (2 * h);
            assertEquals(fd, s.derivative(a), 1e-6 * (1 + Math.abs(fd)), "seed " + seed + " at " + a);
        }
    }

    @Test
    void badKnotsAreRefusedNamingTheModifier() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Modifier.YieldSpline("tes", new double[] {0, 1, 1}, new double[] {0, 1, 2}));
        assertTrue(e.getMessage().contains("yield spline on 'tes'") && e.getMessage().contains("knot 2 is 1.0 after 1.0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Modifier.YieldSpline("tes", new double[] {0}, new double[] {0}));
        assertTrue(e.getMessage().contains("at least two knots"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new BinnedSample("b", new double[] {1},
                List.of(new Modifier.YieldSpline("tes", KNOTS, VALUES)), false));
        assertTrue(e.getMessage().contains("unbinned only"), e.getMessage());
    }

    /** Signal with a polynomial in (a, b) whose a-terms are 0 and a spline in a; background with a normsys (code 4: smooth at 0, so central differences apply). */
    static Model model() {
        Random r = new Random(9);
        int n = 60;
        double[] lrS = new double[n];
        double[] lrB = new double[n];
        double[] da = new double[n];
        double[] db = new double[n];
        double[] daa = new double[n];
        double[] dab = new double[n];
        double[] dbb = new double[n];
        for (int i = 0; i < n; i++) {
            lrS[i] = 0.5 * r.nextGaussian();
            da[i] = 0.1 * r.nextGaussian();
            db[i] = 0.1 * r.nextGaussian();
            daa[i] = 0.02 * r.nextGaussian();
            dab[i] = 0.02 * r.nextGaussian();
            dbb[i] = 0.02 * r.nextGaussian();
        }
        ModelBuilder b = new ModelBuilder()
                .parameter(Parameter.poi("mu", 1, 0, 10))
                .parameter(Parameter.constrained("a"))
                .parameter(Parameter.constrained("b"));
        // monomials a, b, a*a, a*b, b*b: the a and a*a yield terms are the spline's
        b.unbinned("SR", n)
                .sample("signal", 30, lrS).normFactor("mu")
                .polynomial(List.of("a", "b"), new double[] {0, 0.07, 0, 0.03, -0.01}, List.of(da, db, daa, dab, dbb))
                .yieldSpline("a", KNOTS, VALUES).end()
                .sample("background", 50, lrB).normSys("b", 4, 1.1, 0.92).end()
                .end();
        return b.build();
    }

    @Test
    void yieldsCarryTheSplineAndGradientsAreExact() {
        Model m = model();
        NaturalCubicSpline s = new NaturalCubicSpline(KNOTS, VALUES, "test");
        for (double[] th : new double[][] {{1, 0, 0}, {1.3, 0.4, -0.7}, {0.6, -1.5, 0.3}, {2, 2.6, 1.1}, {0.9, -3, 0}}) {
            double a = th[1];
            double bb = th[2];
            double want = 30 * th[0] * Math.exp(s.value(a) + 0.07 * bb + 0.03 * a * bb - 0.01 * bb * bb);
            assertEquals(want, m.unbinnedSampleYields(th)[0][0], 1e-10 * want, "signal yield at a = " + a);
            double[] g = new double[3];
            m.valueAndGradient(th, g);
            for (int k = 0; k < 3; k++) {
                double h = 1e-6;
                double[] p = th.clone();
                double[] q = th.clone();
                p[k] += h;
                q[k] -= h;
                double fd = (m.value(p) - m.value(q)) / (2 * h);
                assertEquals(fd, g[k], 1e-5 * (1 + Math.abs(fd)), "d/d theta[" + k + "] at " + java.util.Arrays.toString(th));
            }
        }
    }

    @Test
    void workspaceRoundTripKeepsTheSpline(@TempDir Path dir) throws Exception {
        Model m = model();
        WorkspaceWriter.write(m, dir);
        Model back = WorkspaceReader.readModel(dir);
        UnbinnedSample s = ((UnbinnedChannel) back.channels().get(0)).samples().get(0);
        assertTrue(s.modifiers().contains(new Modifier.YieldSpline("a", KNOTS, VALUES)), s.modifiers().toString());
        for (double[] th : new double[][] {{1, 0.3, -0.2}, {1.7, -2.4, 0.9}}) {
            assertEquals(m.value(th), back.value(th), 1e-9 * Math.abs(m.value(th)));
        }
    }
}
