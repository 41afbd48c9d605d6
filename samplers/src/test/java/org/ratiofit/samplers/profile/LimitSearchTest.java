package org.ratiofit.samplers.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import org.hipparchus.distribution.continuous.NormalDistribution;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.ratiofit.objective.StatisticalModel;
import org.ratiofit.samplers.fit.Migrad;

/**
 * The limits' secant search ({@link LimitSearch}) against closed forms (a Gaussian measurement,
 * where the asymptotic formulas are exact) and against the former path, Brent's bracketing
 * solver on each of the six limits, over seeded random Gaussian and counting models; with the
 * likelihood calls of both counted.
 */
class LimitSearchTest {

    static final NormalDistribution N = new NormalDistribution(0, 1);
    static final HypoTests FAST = new HypoTests(Migrad.builder().tolerance(1e-4).build()).withBracketingLimits(false);
    static final HypoTests BRENT = FAST.withBracketingLimits(true);
    static final double ALPHA = 0.05;

    static Stream<Arguments> seeds() {
        return LongStream.rangeClosed(1, 10).mapToObj(s -> Arguments.of(s, s % 2 == 0 ? TestStatistic.Q_MU : TestStatistic.Q_TILDE_MU));
    }

    @ParameterizedTest(name = "alpha {0}")
    @org.junit.jupiter.params.provider.ValueSource(doubles = {0.05, 0.1, 0.32, 0.01})
    void theBandsConstantInvertsTheExpectedCls(double alpha) {
        for (int k = -2; k <= 2; k++) {
            double c = Asymptotics.expectedRootQAsimov(alpha, k);
            assertEquals(alpha, Asymptotics.expectedCls(c * c, k), 1e-12 * alpha, "band " + k);
            // decreasing in q_A: a larger sqrt(q_A) excludes
            assertTrue(Asymptotics.expectedCls((c + 0.01) * (c + 0.01), k) < alpha);
        }
    }

    @org.junit.jupiter.api.Test
    void aLimitBeyondTheUpperBoundIsAnErrorInBothPaths() {
        // a signal of 0.01 events on 10: the limit (~ 600) lies beyond the bound 100 of mu
        CountingModel m = new CountingModel(0.01, 10, 0, 10, 0);
        IllegalStateException fast = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> FAST.upperLimit(m, TestStatistic.Q_TILDE_MU, 0.95, 10));
        assertTrue(fast.getMessage().contains("CLs stays above the target up to mu = 100"), fast.getMessage());
        IllegalStateException brent = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> BRENT.upperLimit(m, TestStatistic.Q_TILDE_MU, 0.95, 10));
        assertTrue(brent.getMessage().contains("CLs stays above the target up to mu = 100"), brent.getMessage());
    }

    /**
     * A one-parameter Gaussian measurement of mu (width 1) whose Asimov likelihood drops by 1/2 above
     * mu = 1.5: q_A = mu^2 below, mu^2 - 1 above, so sqrt(q_A) falls from 1.5 to 1.12 there.
     */
    static StatisticalModel stepInQAsimov(double measured, boolean step) {
        return new StatisticalModel() {
            @Override
            public java.util.List<org.ratiofit.objective.ParameterSpec> parameters() {
                return java.util.List.of(org.ratiofit.objective.ParameterSpec.free("mu", 1, 0.5));
            }

            @Override
            public double value(double[] x) {
                double d = x[0] - measured;
                return 0.5 * d * d - (step && x[0] > 1.5 ? 0.5 : 0);
            }

            @Override
            public double errorDef() {
                return 0.5;
            }

            @Override
            public java.util.OptionalInt parameterOfInterest() {
                return java.util.OptionalInt.of(0);
            }

            @Override
            public StatisticalModel asimov(double[] point) {
                return stepInQAsimov(point[0], true);
            }
        };
    }

    @org.junit.jupiter.api.Test
    void aStepInQAsimovStillGivesACrossingForEachBand() {
        StatisticalModel m = stepInQAsimov(0.3, false);
        LimitSearch search = new LimitSearch(FAST.context(m), TestStatistic.Q_TILDE_MU, 1 - ALPHA, 5);
        LimitResult a = search.run();
        LimitResult b = BRENT.upperLimit(m, TestStatistic.Q_TILDE_MU, 1 - ALPHA, 5);
        // the bands with one crossing: sqrt(q_A) = c_k on one side of the step only
        double[] exact = new double[5];
        for (int k = -2; k <= 2; k++) {
            double c = Asymptotics.expectedRootQAsimov(ALPHA, k);
            exact[k + 2] = c < 1.118 ? c : c > 1.5 ? Math.sqrt(c * c + 1) : Double.NaN;
        }
        for (int k : new int[] {0, 2, 3, 4}) {
            assertEquals(exact[k], a.expected()[k], 2e-5 * exact[k], "band " + (k - 2) + ": " + a.toJson());
        }
        // band -1 (c = 1.41) crosses at 1.41, at the step and at 1.73: either path may give any of them
        double c = Asymptotics.expectedRootQAsimov(ALPHA, -1);
        for (double found : new double[] {a.expected()[1], b.expected()[1]}) {
            assertTrue(Math.abs(found - c) < 2e-5 * c || Math.abs(found - 1.5) < 1e-6 || Math.abs(found - Math.sqrt(c * c + 1)) < 2e-5 * c,
                    "band -1 at a crossing: " + found);
        }
        assertEquals(b.observed(), a.observed(), 2e-5 * b.observed(), a.toJson() + " vs " + b.toJson());
    }

    /** A random correlated Gaussian measurement of 2 to 5 parameters, the POI's measured value within [-2, 2] sigma. */
    static MeasuredGaussianModel gaussian(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = 2 + r.nextInt(4);
        double[][] a = new double[n][n];
        for (double[] row : a) {
            for (int j = 0; j < n; j++) row[j] = r.nextDouble(-1, 1);
        }
        double[][] cov = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < n; k++) cov[i][j] += a[i][k] * a[j][k];
                if (i == j) cov[i][j] += 0.3;
            }
        }
        double scale = 0.2 + 2 * r.nextDouble();
        for (double[] row : cov) {
            for (int j = 0; j < n; j++) row[j] *= scale * scale;
        }
        double[][] precision = new org.hipparchus.linear.LUDecomposition(new org.hipparchus.linear.Array2DRowRealMatrix(cov))
                .getSolver().getInverse().getData();
        double[] m = new double[n];
        for (int i = 1; i < n; i++) m[i] = r.nextDouble(-1, 1);
        m[0] = r.nextDouble(-2, 2) * Math.sqrt(cov[0][0]);
        return new MeasuredGaussianModel(m, precision);
    }

    static double sigma(MeasuredGaussianModel g) {
        double[][] cov = new org.hipparchus.linear.LUDecomposition(new org.hipparchus.linear.Array2DRowRealMatrix(g.precision))
                .getSolver().getInverse().getData();
        return Math.sqrt(cov[0][0]);
    }

    @ParameterizedTest(name = "seed {0} {1}")
    @MethodSource("seeds")
    void gaussianLimitsMatchTheClosedForms(long seed, TestStatistic ts) {
        MeasuredGaussianModel g = gaussian(seed);
        double sigma = sigma(g);
        double muHat = g.m[0];
        LimitSearch search = new LimitSearch(FAST.context(g), ts, 1 - ALPHA, Math.max(muHat, 0) + 5 * sigma);
        LimitResult lim = search.run();
        assertEquals(0, search.fallbacks(), lim::toJson);
        // CLs = (1 - Phi((mu - mu-hat) / sigma)) / Phi(mu-hat / sigma) for q and q~ alike; bands: sqrt(qA) = mu / sigma = c_k
        double observed = muHat + sigma * N.inverseCumulativeProbability(1 - ALPHA * N.cumulativeProbability(muHat / sigma));
        assertEquals(observed, lim.observed(), 2e-5 * observed, "seed " + seed + ": " + lim.toJson());
        for (int k = -2; k <= 2; k++) {
            double e = sigma * (k + N.inverseCumulativeProbability(1 - ALPHA * N.cumulativeProbability(k)));
            assertEquals(e, lim.expected()[k + 2], 2e-5 * e, "seed " + seed + " band " + k + ": " + lim.toJson());
        }
        System.out.println("seed " + seed + " " + ts + ": " + search.observedEvaluations() + " observed + " + search.expectedEvaluations() + " expected points");
        // near-linear functions from the Wald estimate: the observed in 2 to 3 points, five bands in a few more
        assertTrue(search.observedEvaluations() <= 3 && search.expectedEvaluations() <= 10,
                "seed " + seed + ": " + search.observedEvaluations() + " observed + " + search.expectedEvaluations() + " expected points");
    }

    /** A random one-bin counting model, its background known or constrained within 5-30%. */
    static CountingModel counting(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double s = 1 + 9 * r.nextDouble();
        double b = 2 + 48 * r.nextDouble();
        double delta = r.nextInt(3) == 0 ? 0 : 0.05 + 0.25 * r.nextDouble();
        double n = Math.max(0, Math.round(b + 1.5 * Math.sqrt(b) * r.nextDouble(-1, 1)));
        return new CountingModel(s, b, delta, n, 0);
    }

    static Stream<Arguments> models() {
        return Stream.concat(
                LongStream.rangeClosed(1, 8).mapToObj(s -> Arguments.of("counting", s, s % 3 == 0 ? TestStatistic.Q_MU : TestStatistic.Q_TILDE_MU)),
                LongStream.rangeClosed(11, 14).mapToObj(s -> Arguments.of("gaussian", s, s % 2 == 0 ? TestStatistic.Q_MU : TestStatistic.Q_TILDE_MU)));
    }

    @ParameterizedTest(name = "{0} seed {1} {2}")
    @MethodSource("models")
    void sameLimitsAsTheBracketingSolverWithFewerCalls(String kind, long seed, TestStatistic ts) {
        StatisticalModel model = kind.equals("counting") ? counting(seed) : gaussian(seed);
        double muMax = 10;
        CallCountingModel fast = new CallCountingModel(model);
        CallCountingModel brent = new CallCountingModel(model);
        LimitResult a = FAST.upperLimit(fast, ts, 1 - ALPHA, muMax);
        LimitResult b = BRENT.upperLimit(brent, ts, 1 - ALPHA, muMax);
        // the search's tolerance is 1e-5 relative; the fits' precision adds a little
        assertEquals(b.observed(), a.observed(), 2e-5 * b.observed(), () -> a.toJson() + " vs " + b.toJson());
        for (int k = 0; k < 5; k++) {
            final int band = k;
            assertEquals(b.expected()[k], a.expected()[k], 2e-5 * b.expected()[k], () -> "band " + (band - 2) + ": " + a.toJson() + " vs " + b.toJson());
        }
        System.out.printf(java.util.Locale.ROOT, "%s seed %d %s: likelihood calls %d (secant) vs %d (Brent); observed %.6f vs %.6f%n",
                kind, seed, ts, fast.calls(), brent.calls(), a.observed(), b.observed());
        // with nuisance parameters to fit the conditional fits dominate: fewer than half the calls; without, the free fits do
        boolean nuisances = model.parameters().stream().filter(p -> !p.fixed()).count() > 1;
        assertTrue(fast.calls() * (nuisances ? 2 : 1) < brent.calls(), kind + " seed " + seed + ": " + fast.calls() + " calls vs " + brent.calls());
    }
}
