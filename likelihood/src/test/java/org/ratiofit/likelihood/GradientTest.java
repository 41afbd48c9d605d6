package org.ratiofit.likelihood;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class GradientTest {

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 12);
    }

    /** Five-point central difference: truncation error O(h^4). */
    static double derivative(Model m, double[] x, int i, double h) {
        double[] y = x.clone();
        y[i] = x[i] + h;
        double f1 = m.value(y);
        y[i] = x[i] - h;
        double fm1 = m.value(y);
        y[i] = x[i] + 2 * h;
        double f2 = m.value(y);
        y[i] = x[i] - 2 * h;
        double fm2 = m.value(y);
        return (8 * (f1 - fm1) - (f2 - fm2)) / (12 * h);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void gradientMatchesFiniteDifferences(long seed) {
        Model m = RandomModels.model(seed, 3000, seed % 2 == 0, true);
        double[] x = RandomModels.point(m, seed);
        Evaluation e = m.evaluate(x, true);
        assertTrue(e.isValid(), "seed " + seed + ": " + e.reason());
        for (int i = 0; i < x.length; i++) {
            double fd = derivative(m, x, i, 1e-4);
            double g = e.gradient()[i];
            double rel = Math.abs(fd - g) / Math.max(1, Math.abs(g));
            assertTrue(rel < 1e-6, "seed " + seed + " parameter " + m.parameters().get(i).name() + ": analytic " + g + " vs finite difference "
                    + fd + " (rel err " + rel + ")");
        }
        assertEquals(e.value(), m.value(x), 0, "seed " + seed + ": value with and without gradient differ");
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void gradientAcrossCode4BranchesMatches(long seed) {
        // nuisances exactly at +-1 and 0, where the interpolation switches branch
        Model m = RandomModels.model(seed, 500, false, true);
        double[] x = RandomModels.point(m, seed);
        for (int i = 0; i < x.length; i++) {
            String n = m.parameters().get(i).name();
            if (n.equals("a1") || n.equals("a3")) {
                x[i] = seed % 3 == 0 ? 1 : (seed % 3 == 1 ? -1 : 0.999999);
            }
        }
        double[] g = new double[x.length];
        m.valueAndGradient(x, g);
        for (String n : new String[] {"a1", "a3"}) {
            int i = m.indexOf(n);
            double fd = derivative(m, x, i, 1e-5);
            double rel = Math.abs(fd - g[i]) / Math.max(1, Math.abs(g[i]));
            assertTrue(rel < 1e-6, "seed " + seed + " " + n + "=" + x[i] + ": analytic " + g[i] + " vs " + fd);
        }
    }

    /** The gradient in every normalisation mode, including the closure divisor R_p of each sample. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void gradientMatchesFiniteDifferencesInEveryNormalisation(long seed) {
        Model base = RandomModels.model(seed, 2000, seed % 2 == 0, true);
        double[] x = RandomModels.point(base, seed);
        for (ShapeNormalisation mode : ShapeNormalisation.values()) {
            java.util.List<Channel> cs = new java.util.ArrayList<>();
            for (Channel c : base.channels()) {
                cs.add(c instanceof UnbinnedChannel u && u.reference() != null
                        ? new UnbinnedChannel(u.name(), u.samples(), u.data(), u.reference(), mode) : c);
            }
            Model m = new Model(base.modelParameters(), cs);
            Evaluation e = m.evaluate(x, true);
            assertTrue(e.isValid(), "seed " + seed + " " + mode + ": " + e.reason());
            for (int i = 0; i < x.length; i++) {
                double fd = derivative(m, x, i, 1e-4);
                double g = e.gradient()[i];
                double rel = Math.abs(fd - g) / Math.max(1, Math.abs(g));
                assertTrue(rel < 1e-6, "seed " + seed + " " + mode + " parameter " + m.parameters().get(i).name() + ": analytic " + g
                        + " vs finite difference " + fd + " (rel err " + rel + ")");
            }
        }
    }
}
