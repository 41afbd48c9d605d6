package org.ratiofit.validation.coverage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ratiofit.objective.Objective;
import org.ratiofit.validation.toys.GaussianOnExponential;

class ProfileCoverageTest {

    static final GaussianOnExponential TOY = new GaussianOnExponential(GaussianOnExponential.Config.standard());

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void auxiliaryMeasurementsShiftTheConstraints(long seed) {
        double[] x = TOY.generate(new double[] {1, 0, 0}, seed);
        Objective exact = TOY.exactNll(x, null);
        java.util.Random r = new java.util.Random(seed);
        double a1 = r.nextGaussian();
        double a2 = r.nextGaussian();
        Objective o = ProfileCoverage.withAux(exact, a1, a2);
        double[] p = {0.5 + r.nextDouble(), r.nextGaussian(), r.nextGaussian()};
        // ½(α − a)² instead of ½α²
        double expected = exact.value(p) - 0.5 * p[1] * p[1] - 0.5 * p[2] * p[2] + 0.5 * (p[1] - a1) * (p[1] - a1) + 0.5 * (p[2] - a2) * (p[2] - a2);
        assertEquals(expected, o.value(p), 1e-9 * Math.abs(expected), "seed " + seed);
        double[] g = new double[3];
        o.valueAndGradient(p, g);
        for (int k = 0; k < 3; k++) {
            double h = 1e-5;
            double[] up = p.clone();
            double[] dn = p.clone();
            up[k] += h;
            dn[k] -= h;
            assertEquals((o.value(up) - o.value(dn)) / (2 * h), g[k], 1e-4 * (1 + Math.abs(g[k])), "seed " + seed + " component " + k);
        }
    }

    @Test
    void resultDoesNotDependOnTheThreadCount() {
        ProfileCoverage.Result one = ProfileCoverage.run(TOY, new double[] {1, 0, 0}, 24, 5, 1, 3, null);
        ProfileCoverage.Result two = ProfileCoverage.run(TOY, new double[] {1, 0, 0}, 24, 5, 2, 3, null);
        assertArrayEquals(one.covered(), two.covered());
        assertEquals(one.meanMuHat(), two.meanMuHat(), 0);
        assertEquals(24, one.validToys() + one.invalidToys());
        assertTrue(one.covered()[1] >= one.covered()[0], "the 95.4% interval contains the 68.3% one");
        assertEquals(0.6827, one.nominal()[0], 1e-4);
        assertEquals(Math.sqrt(0.6827 * (1 - 0.6827) / one.validToys()), one.binomialError()[0], 1e-4);
    }

    /**
     * Toys whose fit throws (here every third toy) are reported both ways: left out of the
     * coverage, and counted as not covering in the all-toys coverage, each with its own error.
     */
    @Test
    void failedToysAreReportedBothWays() {
        java.util.Set<Long> failing = new java.util.HashSet<>();
        for (int i = 0; i < 30; i += 3) {
            failing.add(ProfileCoverage.toySeed(1, i));
        }
        java.util.function.LongFunction<org.ratiofit.objective.Objective> toy = s -> {
            if (failing.contains(s)) {
                throw new IllegalStateException("a failed toy fit");
            }
            double[] events = TOY.generate(new double[] {1, 0, 0}, s);
            return ProfileCoverage.withAux(TOY.exactNll(events, null), 0, 0);
        };
        ProfileCoverage.Result r = ProfileCoverage.run("failing", "mu", new double[] {1, 0, 0}, 30, 1, 2, 3, null, toy);
        assertEquals(10, r.invalidToys());
        assertEquals(20, r.validToys());
        for (int l = 0; l < 2; l++) {
            assertEquals((double) r.covered()[l] / 20, r.coverage()[l], 1e-15);
            assertEquals((double) r.covered()[l] / 30, r.coverageAllToys()[l], 1e-15);
            double nominal = r.nominal()[l];
            assertEquals((r.coverageAllToys()[l] - nominal) / Math.sqrt(nominal * (1 - nominal) / 30), r.deviationAllToys()[l], 1e-12);
        }
        String table = CoverageRunner.table(r);
        assertTrue(table.contains("the 10 invalid toys counted as not covering"), table);
    }

    /**
     * Studies with different seeds draw different pseudo-experiments: toy i of the study seeded s
     * must not be a toy of the study seeded s + 1 (with seed + i as the toy's seed, the studies of
     * seeds 1 and 2 shared 999 of their 1000 toys, and their coverages were one measurement).
     * Within a study every toy has its own seed, and the seeds do not depend on the thread count.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {0, 1, 41, 1_000_000_007L})
    void studiesWithDifferentSeedsShareNoToys(long seed) {
        int n = 1000;
        java.util.Set<Long> first = toySeeds(seed, n, 2);
        java.util.Set<Long> next = toySeeds(seed + 1, n, 1);
        assertEquals(n, first.size(), "every toy of a study has its own seed");
        assertEquals(first, toySeeds(seed, n, 1), "the same toys on 1 and 2 threads");
        java.util.Set<Long> shared = new java.util.HashSet<>(first);
        shared.retainAll(next);
        assertEquals(0, shared.size(), "toys shared by the studies of " + n + " toys seeded " + seed + " and " + (seed + 1));
        // nor with a study seeded n further on (seed + i made seed s + n continue seed s's toys)
        shared = new java.util.HashSet<>(first);
        shared.retainAll(toySeeds(seed + n - 1, n, 2));
        assertEquals(0, shared.size(), "toys shared by the studies seeded " + seed + " and " + (seed + n - 1));
    }

    /** The seeds with which a coverage study of {@code n} toys calls the toy generator and the interval method. */
    private static java.util.Set<Long> toySeeds(long seed, int n, int threads) {
        java.util.Set<Long> generated = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.util.Set<Long> methodSeeds = java.util.concurrent.ConcurrentHashMap.newKeySet();
        IntervalMethod fixed = new IntervalMethod() {
            @Override
            public String name() {
                return "fixed";
            }

            @Override
            public String describe() {
                return "the interval [0, 2] at every level";
            }

            @Override
            public ToyInterval interval(Objective nll, String poiName, java.util.List<org.ratiofit.samplers.fit.ConfidenceLevel> levels,
                                        long toySeed) {
                methodSeeds.add(toySeed);
                return ToyInterval.of(1, 1, new double[] {0, 0}, new double[] {2, 2});
            }
        };
        Objective nll = TOY.exactNll(new double[] {125}, null);
        ProfileCoverage.Result r = ProfileCoverage.run("seeds", "mu", new double[] {1, 0, 0}, n, seed, threads, 3, null, s -> {
            generated.add(s);
            return nll;
        }, fixed);
        assertEquals(n, r.covered()[0]);
        assertEquals(generated, methodSeeds, "the method gets the toy's seed");
        return generated;
    }

    @Test
    void workspaceToysAreSeededAndFitted() {
        org.ratiofit.likelihood.Model m = org.ratiofit.validation.toys.ToyWorkspaces.gaussianOnExponential(TOY,
                TOY.generate(new double[] {1, 0, 0}, 3), 5_000, 4, false);
        ProfileCoverage.Result a = ProfileCoverage.run("ws", m, new double[] {1, 0, 0}, 6, 9, 2, 3, null);
        ProfileCoverage.Result b = ProfileCoverage.run("ws", m, new double[] {1, 0, 0}, 6, 9, 1, 3, null);
        assertEquals(6, a.validToys());
        assertArrayEquals(a.covered(), b.covered());
        assertEquals(a.meanMuHat(), b.meanMuHat(), 0);
        assertEquals("mu", a.parameterOfInterest());
    }

    /** Through the workspace: unbinned pseudo-experiments resampled from 200k reference events. */
    @Test
    @Tag("slow")
    void workspaceIntervalsCoverAtTheNominalLevels() {
        double[] truth = {1, 0, 0};
        org.ratiofit.likelihood.Model m = org.ratiofit.validation.toys.ToyWorkspaces.gaussianOnExponential(TOY,
                TOY.generate(truth, 1), CoverageRunner.WORKSPACE_REFERENCE, 2, false);
        ProfileCoverage.Result r = ProfileCoverage.run("workspace", m, truth, 1000, 1, Runtime.getRuntime().availableProcessors(), 3, null);
        System.out.print(CoverageRunner.table(r));
        assertTrue(r.invalidToys() <= 5, "invalid toys: " + r.invalidToys());
        for (int l = 0; l < r.nominal().length; l++) {
            assertEquals(r.nominal()[l], r.coverage()[l], 3 * r.binomialError()[l], "level " + r.nominal()[l]);
        }
        // the pseudo-data follow the finite reference sample, not the true densities: with this
        // sample (0.9% more signal weight, 0.5% more background under the peak than the densities)
        // μ̂ moves by ~0.04, a sixth of its error; the intervals still cover
        assertEquals(1, r.meanMuHat(), 0.25 * r.sdMuHat());
    }

    /**
     * The workspace of the cli tests (reference: a 4000-point midpoint quadrature of the background
     * density, so the toys' events are resampled grid points, many of them repeated): 4000 toys at
     * mu = 1 cover at the nominal levels, and the spread of the best fits and the mean HESSE error are
     * the inverse expected Fisher information at the truth, computed here by quadrature of the
     * generator's densities (scipy's quad of the same integrals: 0.26891). Its README figure of 0.715
     * at 68.3% was the first 1000 toys of seed 1 (and, with seed + i as the toy seed, of seed 2).
     */
    @Test
    @Tag("slow")
    void quadratureWorkspaceCoversWithTheFisherInformationsError() {
        double[] truth = {1, 0, 0};
        org.ratiofit.likelihood.Model m = org.ratiofit.validation.toys.ToyWorkspaces.gaussianOnExponentialQuadrature(TOY,
                TOY.generate(new double[] {0.3, 0, 0}, 21), 4000, false);
        int n = 4000;
        ProfileCoverage.Result r = ProfileCoverage.run("quadrature workspace", m, truth, n, 1, Runtime.getRuntime().availableProcessors(), 3,
                null);
        System.out.print(CoverageRunner.table(r));
        double sigma = fisherError(truth);
        assertEquals(0.26891, sigma, 2e-5, "inverse Fisher information by quadrature");
        assertEquals(n, r.validToys());
        for (int l = 0; l < r.nominal().length; l++) {
            assertEquals(r.nominal()[l], r.coverage()[l], 3 * r.binomialError()[l], "level " + r.nominal()[l]);
        }
        // the spread of n Gaussian best fits has the standard error sigma / sqrt(2 (n - 1))
        assertEquals(sigma, r.sdMuHat(), 3.5 * sigma / Math.sqrt(2.0 * (n - 1)), "spread of the best fits");
        assertEquals(sigma, r.meanHesseError(), 0.02 * sigma, "mean HESSE error");
        assertEquals(1, r.meanMuHat(), 4 * sigma / Math.sqrt(n), "mean best fit");
    }

    /**
     * sqrt((I^-1)_mu,mu) of the toy's extended unbinned likelihood with its two unit Gaussian
     * constraints: I_jk = integral of d_j nu d_k nu / nu over the window (nu(x) = mu S f_S(x; alpha_shift)
     * + B kappa^alpha_bkg f_B(x)) plus 1 on the nuisance parameters' diagonal; 200k-point midpoint rule,
     * the peak's shift derivative by central differences of the signal density.
     */
    static double fisherError(double[] p) {
        GaussianOnExponential.Config c = TOY.config();
        int points = 200_000;
        double h = (c.hi() - c.lo()) / points;
        double d = 1e-4;
        double[][] info = new double[3][3];
        double[] g = new double[3];
        for (int i = 0; i < points; i++) {
            double x = c.lo() + (i + 0.5) * h;
            double fs = TOY.signalPdf(x, p[GaussianOnExponential.ALPHA_SHIFT]);
            double fb = TOY.backgroundPdf(x);
            double nu = TOY.signalYield(p[GaussianOnExponential.MU]) * fs + TOY.backgroundYield(p[GaussianOnExponential.ALPHA_BKG]) * fb;
            g[0] = c.signalYield() * fs;
            g[1] = TOY.signalYield(p[GaussianOnExponential.MU])
                    * (TOY.signalPdf(x, p[GaussianOnExponential.ALPHA_SHIFT] + d) - TOY.signalPdf(x, p[GaussianOnExponential.ALPHA_SHIFT] - d)) / (2 * d);
            g[2] = Math.log(c.kappa()) * TOY.backgroundYield(p[GaussianOnExponential.ALPHA_BKG]) * fb;
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 3; k++) {
                    info[j][k] += g[j] * g[k] / nu * h;
                }
            }
        }
        info[1][1] += 1;
        info[2][2] += 1;
        double det = info[0][0] * (info[1][1] * info[2][2] - info[1][2] * info[2][1])
                - info[0][1] * (info[1][0] * info[2][2] - info[1][2] * info[2][0])
                + info[0][2] * (info[1][0] * info[2][1] - info[1][1] * info[2][0]);
        return Math.sqrt((info[1][1] * info[2][2] - info[1][2] * info[2][1]) / det);
    }

    /** At least 1000 toys: the intervals cover at their nominal levels within 3 binomial errors. */
    @Test
    @Tag("slow")
    void profileIntervalsCoverAtTheNominalLevels() {
        ProfileCoverage.Result r = ProfileCoverage.run(TOY, new double[] {1, 0, 0}, 2000, 1, Runtime.getRuntime().availableProcessors(), 3, null);
        System.out.print(CoverageRunner.table(r));
        assertTrue(r.invalidToys() <= 10, "invalid toys: " + r.invalidToys());
        for (int l = 0; l < r.nominal().length; l++) {
            assertEquals(r.nominal()[l], r.coverage()[l], 3 * r.binomialError()[l], "level " + r.nominal()[l]);
        }
        // unbiased, and HESSE's error matches the spread of the best fits
        assertEquals(1, r.meanMuHat(), 4 * r.sdMuHat() / Math.sqrt(r.validToys()));
        assertEquals(r.sdMuHat(), r.meanHesseError(), 0.05 * r.sdMuHat());
        assertTrue(r.passed());
    }
}
