package org.ratiofit.likelihood;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ratiofit.objective.Objective;

/**
 * The analytic Hessian of -ln L against central differences of the analytic gradient, over seeded
 * random unbinned models: several samples, shape factors and normsys with codes 1 and 4 drawn per
 * seed, a polynomial (GOLLUM) modifier, a yield spline, coefficients, norm factors, Gaussian and
 * Poisson constraints, every shape normalisation, weighted and unweighted data, float32 columns.
 */
class HessianTest {

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 12);
    }

    static final String[] NAMES = {"S", "SBI", "B", "bkg"};

    /** A random model of one unbinned channel; codes, weights, float32 and normalisation drawn from the seed. */
    static Model model(long seed, int events) {
        Random r = new Random(seed);
        ModelBuilder b = new ModelBuilder();
        b.float32(seed % 3 == 0);
        b.parameter(Parameter.poi("mu", 1, 0, 10));
        b.parameter(Parameter.normFactor("k", 1, 0, 5));
        b.parameter(Parameter.poisson("gam", 50 + 100 * r.nextDouble()));
        for (int a = 0; a < 6; a++) {
            b.parameter(Parameter.constrained("a" + a, 0, -5, 5, 0.1 * r.nextGaussian(), 0.5 + r.nextDouble()));
        }
        int[] code = new int[6];
        for (int i = 0; i < code.length; i++) {
            code[i] = r.nextBoolean() ? 1 : 4;
        }
        int n = events;
        ModelBuilder.UnbinnedBuilder u = b.unbinned("SR", n);
        if (seed % 2 == 0) {
            double[] w = new double[n];
            for (int i = 0; i < n; i++) {
                w[i] = 0.5 + r.nextDouble();
            }
            u.weights(w);
        }
        u.sample("S", 5, RandomModels.normalColumn(r, n, 0, 0.5)).coefficient("mu", new double[] {1, -1}, new double[] {1, 0.5})
                .normSys("a0", code[0], 1.1, 0.92).shapeSys("a1", code[1], RandomModels.ratioColumn(r, n, 0.1), RandomModels.ratioColumn(r, n, 0.1)).end();
        u.sample("SBI", 10, RandomModels.normalColumn(r, n, 0, 0.4)).coefficient("mu", new double[] {1}, new double[] {0.5})
                .shapeSys("a1", code[2], RandomModels.ratioColumn(r, n, 0.1), RandomModels.ratioColumn(r, n, 0.1))
                .shapeSys("a2", code[3], RandomModels.ratioColumn(r, n, 0.1), RandomModels.ratioColumn(r, n, 0.1)).end();
        u.sample("B", 5, RandomModels.normalColumn(r, n, 0, 0.3)).coefficient("mu", new double[] {1, -1}, new double[] {0, 0.5})
                .normSys("a0", code[4], 1.05, 0.97).normFactor("gam")
                .yieldSpline("a2", new double[] {-1, 0, 1, 2}, new double[] {-0.1 + 0.02 * r.nextGaussian(), 0, 0.08, 0.2}).end();
        List<double[]> poly = polyColumns(r, n);
        u.sample("bkg", 500, RandomModels.normalColumn(r, n, 0, 0.3)).normFactor("k").normSys("a3", code[5], 1.08, 0.9)
                .shapeSys("a3", code[5], RandomModels.ratioColumn(r, n, 0.15), RandomModels.ratioColumn(r, n, 0.15))
                .polynomial(List.of("a4", "a5"), new double[] {0.03, -0.02, 0.01, 0.004, -0.003}, poly).end();
        u.reference(reference(r, 400 + n / 4));
        u.shapeNormalisation(ShapeNormalisation.values()[(int) (seed % 3)]);
        u.end();
        return b.build();
    }

    private static List<double[]> polyColumns(Random r, int n) {
        return List.of(RandomModels.normalColumn(r, n, 0, 0.05), RandomModels.normalColumn(r, n, 0, 0.05),
                RandomModels.normalColumn(r, n, 0, 0.02), RandomModels.normalColumn(r, n, 0, 0.02), RandomModels.normalColumn(r, n, 0, 0.02));
    }

    private static EventSet reference(Random r, int n) {
        Map<String, SampleColumns> cols = new LinkedHashMap<>();
        cols.put("S", new SampleColumns(RandomModels.normalColumn(r, n, 0, 0.5), List.of(RandomModels.ratioColumn(r, n, 0.1)),
                List.of(RandomModels.ratioColumn(r, n, 0.1)), List.of()));
        cols.put("SBI", new SampleColumns(RandomModels.normalColumn(r, n, 0, 0.4),
                List.of(RandomModels.ratioColumn(r, n, 0.1), RandomModels.ratioColumn(r, n, 0.1)),
                List.of(RandomModels.ratioColumn(r, n, 0.1), RandomModels.ratioColumn(r, n, 0.1)), List.of()));
        cols.put("B", SampleColumns.of(RandomModels.normalColumn(r, n, 0, 0.3)));
        cols.put("bkg", new SampleColumns(RandomModels.normalColumn(r, n, 0, 0.3), List.of(RandomModels.ratioColumn(r, n, 0.15)),
                List.of(RandomModels.ratioColumn(r, n, 0.15)), polyColumns(r, n)));
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = 0.5 + r.nextDouble();
        }
        return new EventSet(n, w, cols);
    }

    /** mu in [1, 2], k and gam near 1, nuisances in [-1.5, 1.5] away from code 1's kink at 0. */
    static double[] point(Model m, long seed) {
        Random r = new Random(seed * 7919 + 13);
        double[] x = new double[m.dimension()];
        for (int i = 0; i < x.length; i++) {
            String name = m.parameters().get(i).name();
            if (name.equals("mu")) {
                x[i] = 1 + r.nextDouble();
            } else if (name.equals("k") || name.equals("gam")) {
                x[i] = 0.8 + 0.4 * r.nextDouble();
            } else {
                x[i] = -1.5 + 3 * r.nextDouble();
                if (Math.abs(x[i]) < 0.05) {
                    x[i] = 0.3;
                }
            }
        }
        return x;
    }

    /** Five-point central difference of the analytic gradient in parameter i: column i of the Hessian, O(h^4). */
    static double[] gradientDifference(Objective m, double[] x, int i, double h) {
        int n = x.length;
        double[][] g = new double[4][n];
        double[] steps = {h, -h, 2 * h, -2 * h};
        for (int s = 0; s < 4; s++) {
            double[] y = x.clone();
            y[i] += steps[s];
            m.valueAndGradient(y, g[s]);
        }
        double[] out = new double[n];
        for (int j = 0; j < n; j++) {
            out[j] = (8 * (g[0][j] - g[1][j]) - (g[2][j] - g[3][j])) / (12 * h);
        }
        return out;
    }

    static void assertHessianMatches(Objective m, double[] x, String what) {
        int n = x.length;
        double[] g = new double[n];
        double[][] h = new double[n][n];
        double v = m.valueGradientAndHessian(x, g, h);
        assertTrue(Double.isFinite(v), what + ": not finite");
        double[] g1 = new double[n];
        double v1 = m.valueAndGradient(x, g1);
        assertEquals(v1, v, 0, what + ": value");
        assertArrayEquals(g1, g, 0, what + ": the gradient of the Hessian call differs from valueAndGradient's");
        for (int i = 0; i < n; i++) {
            double[] fd = gradientDifference(m, x, i, 1e-4);
            for (int j = 0; j < n; j++) {
                assertEquals(h[i][j], h[j][i], 0, what + ": not symmetric at " + i + "," + j);
                double scale = Math.max(1, Math.max(Math.abs(h[i][j]), Math.sqrt(Math.abs(h[i][i] * h[j][j]))));
                double err = Math.abs(h[i][j] - fd[j]) / scale;
                assertTrue(err < 1e-6, what + ": H[" + m.parameterNames().get(i) + "][" + m.parameterNames().get(j) + "] = " + h[i][j]
                        + " vs gradient differences " + fd[j] + " (relative error " + err + ")");
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void hessianMatchesDifferencesOfTheGradient(long seed) {
        Model m = model(seed, 1000);
        assertTrue(m.hasHessian());
        double[] x = point(m, seed);
        assertTrue(m.evaluate(x, false).isValid(), m.whyNotFinite(x));
        assertHessianMatches(m, x, "seed " + seed + " " + (m.isFloat32() ? "float32 " : "")
                + ((UnbinnedChannel) m.channels().get(0)).normalisation());
    }

    /** Through the objective's settings wrapper (bounds changed, a parameter fixed): the same matrix over all parameters. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void hessianPassesThroughParameterSettings(long seed) {
        Model m = model(seed, 600);
        double[] x = point(m, seed);
        Objective o = m.withFixed(Map.of(m.indexOf("a2"), x[m.indexOf("a2")]));
        assertTrue(o.hasHessian());
        double[][] h1 = new double[x.length][x.length];
        double[][] h2 = new double[x.length][x.length];
        m.valueGradientAndHessian(x, new double[x.length], h1);
        o.valueGradientAndHessian(x, new double[x.length], h2);
        for (int i = 0; i < x.length; i++) {
            assertArrayEquals(h1[i], h2[i], 0);
        }
    }

    /** The blocks' sums are reduced in block order: the same bits on one thread and on the pool. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void hessianIsTheSameForAnyThreadCount(long seed) {
        Model m = model(seed, 3000);
        Model one = m.withPool((ForkJoinPool) null);
        Model four = m.withPool(new ForkJoinPool(4));
        double[] x = point(m, seed);
        int n = x.length;
        double[][] h1 = new double[n][n];
        double[][] h4 = new double[n][n];
        one.valueGradientAndHessian(x, new double[n], h1);
        four.valueGradientAndHessian(x, new double[n], h4);
        for (int i = 0; i < n; i++) {
            assertArrayEquals(h1[i], h4[i], 0, "row " + i);
        }
    }

    @Test
    void modelsWithBinnedChannelsOfferNoHessian() {
        Model m = RandomModels.model(3, 200, false, true);
        assertFalse(m.hasHessian());
        assertTrue(RandomModels.model(3, 200, false, false).hasHessian());
    }

    @Test
    void aSystemPropertySwitchesTheHessianOff() {
        Model m = model(1, 200);
        String old = System.getProperty(Model.NO_HESSIAN_PROPERTY);
        try {
            System.setProperty(Model.NO_HESSIAN_PROPERTY, "true");
            assertFalse(m.hasHessian());
        } finally {
            if (old == null) {
                System.clearProperty(Model.NO_HESSIAN_PROPERTY);
            } else {
                System.setProperty(Model.NO_HESSIAN_PROPERTY, old);
            }
        }
        assertTrue(m.hasHessian());
    }
}
