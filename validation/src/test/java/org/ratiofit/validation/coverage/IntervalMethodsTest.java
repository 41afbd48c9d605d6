package org.ratiofit.validation.coverage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ratiofit.objective.Objective;
import org.ratiofit.objective.ParameterSpec;

/**
 * The scan and posterior interval methods on a closed-form model: one measurement x ~ N(mu + theta, 1)
 * and an auxiliary measurement a ~ N(theta, 1) of the nuisance parameter. Its profile likelihood in
 * mu is exactly Gaussian with mean x - a and standard deviation sqrt(2), and so is the marginal
 * posterior of mu under a flat prior: every interval is x - a +- k sqrt(2), and the coverage of the
 * toys can be counted directly.
 */
class IntervalMethodsTest {

    static final double SIGMA = Math.sqrt(2);
    static final double TRUE_MU = 1;
    static final double TRUE_THETA = 0.5;

    /** The data (x, a) of toy {@code seed}. */
    static double[] data(long seed) {
        Random r = new Random(seed * 7919 + 17);
        return new double[] {TRUE_MU + TRUE_THETA + r.nextGaussian(), TRUE_THETA + r.nextGaussian()};
    }

    /** -ln L of one toy; mu bounded to [muLow, 20]. */
    static Objective nll(long seed, double muLow) {
        double[] d = data(seed);
        List<ParameterSpec> specs = List.of(new ParameterSpec("mu", 1, 0.1, muLow, 20, false),
                new ParameterSpec("theta", 0, 0.1, -10, 10, false));
        return new Objective() {
            @Override
            public List<ParameterSpec> parameters() {
                return specs;
            }

            @Override
            public double value(double[] p) {
                double r1 = d[0] - p[0] - p[1];
                double r2 = d[1] - p[1];
                return 0.5 * (r1 * r1 + r2 * r2);
            }

            @Override
            public boolean hasGradient() {
                return true;
            }

            @Override
            public double valueAndGradient(double[] p, double[] g) {
                double r1 = d[0] - p[0] - p[1];
                double r2 = d[1] - p[1];
                g[0] = -r1;
                g[1] = -r1 - r2;
                return 0.5 * (r1 * r1 + r2 * r2);
            }

            @Override
            public double errorDef() {
                return 0.5;
            }
        };
    }

    static final LongFunction<Objective> TOYS = s -> nll(s, -20);
    static final double[] TRUTH = {TRUE_MU, TRUE_THETA};

    static double[] grid(double from, double to, int n) {
        double[] g = new double[n];
        for (int i = 0; i < n; i++) {
            g[i] = from + (to - from) * i / (n - 1);
        }
        return g;
    }

    @ParameterizedTest(name = "toy {0}")
    @ValueSource(longs = {0, 1, 2, 3, 4})
    void scanIntervalIsTheMinosIntervalAndTheExactOne(long seed) {
        double step = 0.25;
        ToyInterval scan = new ScanIntervals(grid(-6, 8, 57)).interval(TOYS.apply(seed), "mu", ProfileCoverage.LEVELS, seed);
        ToyInterval minos = new MinosIntervals().interval(TOYS.apply(seed), "mu", ProfileCoverage.LEVELS, seed);
        assertTrue(scan.valid() && minos.valid(), scan + " / " + minos);
        double[] d = data(seed);
        for (int l = 0; l < 2; l++) {
            double k = l + 1;
            // within the grid's resolution of MINOS, and (the signed root of t_mu is linear here) much closer to exact
            assertEquals(minos.lower()[l], scan.lower()[l], step / 2, "lower, level " + l);
            assertEquals(minos.upper()[l], scan.upper()[l], step / 2, "upper, level " + l);
            assertEquals(d[0] - d[1] - k * SIGMA, scan.lower()[l], 0.01, "lower, level " + l);
            assertEquals(d[0] - d[1] + k * SIGMA, scan.upper()[l], 0.01, "upper, level " + l);
        }
    }

    @Test
    void scanCoverageOf200ToysIsTheDirectCountAndNominal() {
        int n = 200;
        ProfileCoverage.Result r = ProfileCoverage.run("gaussian", "mu", TRUTH, n, 100, 2, 3, null, TOYS,
                new ScanIntervals(grid(-9, 11, 41)));
        assertEquals(n, r.validToys(), r.invalidReasons().toString());
        for (int l = 0; l < 2; l++) {
            int direct = 0;
            for (int i = 0; i < n; i++) {
                double[] d = data(ProfileCoverage.toySeed(100, i));
                direct += Math.abs(d[0] - d[1] - TRUE_MU) <= (l + 1) * SIGMA ? 1 : 0;
            }
            // a toy within the fit tolerance of an interval end may fall either way
            assertEquals(direct, r.covered()[l], 1, "level " + l);
            assertTrue(Math.abs(r.deviation()[l]) <= 3, "coverage " + r.coverage()[l] + " +- " + r.binomialError()[l]);
        }
        assertEquals("scan", r.method());
        assertEquals(41, r.methodSettings().get("gridPoints"));
    }

    @Test
    void intervalsOffTheGridAreInvalidAndCountBothWays() {
        ProfileCoverage.Result r = ProfileCoverage.run("gaussian", "mu", TRUTH, 40, 7, 1, 3, null, TOYS,
                new ScanIntervals(grid(0, 2.5, 11)));
        assertTrue(r.invalidToys() > 20, r.toString());
        assertEquals(r.invalidToys(), r.invalidReasons().get(ScanIntervals.OFF_GRID));
        for (int l = 0; l < 2; l++) {
            assertEquals((double) r.covered()[l] / 40, r.coverageAllToys()[l], 1e-12);
            assertTrue(r.coverageAllToys()[l] < r.coverage()[l] || r.validToys() == 0);
        }
    }

    @Test
    void aGridEndingAtTheBoundEndsTheIntervalThere() {
        // mu >= 0 and the grid starts at 0: a toy with x - a - 2 sqrt(2) < 0 has its lower ends at the bound
        long seed = -1;
        for (long s = 0; s < 100 && seed < 0; s++) {
            double[] d = data(s);
            if (d[0] - d[1] > SIGMA + 0.1 && d[0] - d[1] < 2 * SIGMA - 0.1) {
                seed = s;
            }
        }
        assertTrue(seed >= 0);
        double[] d = data(seed);
        ToyInterval t = new ScanIntervals(grid(0, 8, 33)).interval(nll(seed, 0), "mu", ProfileCoverage.LEVELS, seed);
        assertTrue(t.valid(), t.toString());
        assertEquals(d[0] - d[1] - SIGMA, t.lower()[0], 0.01);
        assertEquals(0, t.lower()[1], 0);
        // the same grid inside wider bounds: the 95.4% interval runs off the grid
        ToyInterval off = new ScanIntervals(grid(0, 8, 33)).interval(nll(seed, -20), "mu", ProfileCoverage.LEVELS, seed);
        assertFalse(off.valid());
        assertEquals(ScanIntervals.OFF_GRID, off.failure());
    }

    @ParameterizedTest(name = "toy {0}")
    @ValueSource(longs = {0, 1, 2})
    void posteriorIntervalWithAFlatPriorIsTheProfileInterval(long seed) {
        ToyInterval p = new PosteriorIntervals(1, 500, 2000).interval(TOYS.apply(seed), "mu", ProfileCoverage.LEVELS, seed);
        assertTrue(p.valid(), p.toString());
        double[] d = data(seed);
        double c = d[0] - d[1];
        // Monte-Carlo error of a quantile of ~2000 draws: about 0.06 (68.3%) and 0.12 (95.4%) here
        assertEquals(c - SIGMA, p.lower()[0], 0.25);
        assertEquals(c + SIGMA, p.upper()[0], 0.25);
        assertEquals(c - 2 * SIGMA, p.lower()[1], 0.45);
        assertEquals(c + 2 * SIGMA, p.upper()[1], 0.45);
        assertEquals(c, p.estimate(), 0.15);
        assertEquals(SIGMA, p.spread(), 0.15);
    }

    @Test
    void scanAndPosteriorCoverageDoNotDependOnTheThreadCount() {
        for (IntervalMethod m : List.of(new ScanIntervals(grid(-6, 8, 29)), new PosteriorIntervals(1, 150, 150))) {
            ProfileCoverage.Result one = ProfileCoverage.run("gaussian", "mu", TRUTH, 12, 3, 1, 3, null, TOYS, m);
            ProfileCoverage.Result two = ProfileCoverage.run("gaussian", "mu", TRUTH, 12, 3, 2, 3, null, TOYS, m);
            assertArrayEquals(one.covered(), two.covered(), m.name());
            assertEquals(one.meanMuHat(), two.meanMuHat(), 0, m.name());
            assertEquals(one.meanHesseError(), two.meanHesseError(), 0, m.name());
            assertEquals(one.divergentTransitions(), two.divergentTransitions(), m.name());
        }
    }

    /** The posterior interval's coverage on the Gaussian model is nominal (flat prior: it is the profile interval). */
    @Test
    @Tag("slow")
    void posteriorCoverageOn400ToysIsNominal() {
        ProfileCoverage.Result r = ProfileCoverage.run("gaussian", "mu", TRUTH, 400, 1000, Runtime.getRuntime().availableProcessors(), 3,
                null, TOYS, new PosteriorIntervals(1, 300, 300));
        System.out.println("posterior coverage, Gaussian model, 400 toys: covered " + java.util.Arrays.toString(r.covered())
                + ", coverage " + java.util.Arrays.toString(r.coverage()) + " +- " + java.util.Arrays.toString(r.binomialError())
                + ", deviation " + java.util.Arrays.toString(r.deviation()) + ", divergent " + r.divergentTransitions());
        assertEquals(400, r.validToys());
        for (int l = 0; l < 2; l++) {
            assertTrue(Math.abs(r.deviation()[l]) <= 3, "coverage " + r.coverage()[l] + " +- " + r.binomialError()[l]);
        }
    }
}
