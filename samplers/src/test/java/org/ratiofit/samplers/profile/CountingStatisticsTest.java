package org.ratiofit.samplers.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.hipparchus.analysis.solvers.BrentSolver;
import org.hipparchus.distribution.continuous.NormalDistribution;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.ratiofit.samplers.fit.FitResult;

/**
 * Test statistics, CLs limits and significances of a counting experiment with known background
 * against the closed forms of Cowan, Cranmer, Gross and Vitells (arXiv:1007.1727).
 */
class CountingStatisticsTest {

    static final NormalDistribution N = new NormalDistribution(0, 1);
    static final HypoTests TESTS = new HypoTests(org.ratiofit.samplers.fit.Migrad.builder().tolerance(1e-4).build());

    /** -2 ln lambda(mu) for n observed, background b, signal mu s (b known). */
    static double tClosed(double n, double s, double b, double mu) {
        double nu = mu * s + b;
        return 2 * (nu - n + (n > 0 ? n * Math.log(n / nu) : 0));
    }

    @ParameterizedTest(name = "s={0} b={1} n={2}")
    @CsvSource({"10, 5, 9", "4, 20, 22", "6, 10, 6", "6, 10, 3"})
    void statisticsMatchClosedForms(double s, double b, double n) {
        CountingModel m = new CountingModel(s, b, 0, n, 0);
        FitResult free = TESTS.fit(m);
        double muHat = (n - b) / s;
        // EDM < 0.002 * 1e-4 * 0.5 = 1e-7 puts mu-hat within sqrt(2 EDM) = 4.5e-4 sigma of the minimum.
        assertEquals(muHat, free.values()[0], 4.5e-4 * Math.sqrt(n) / s, free::table);
        for (double mu : new double[] {0.5, 1, 2}) {
            double t = tClosed(n, s, b, mu);
            double tTilde = muHat < 0 ? tClosed(n, s, b, mu) - tClosed(n, s, b, 0) : t;
            assertEquals(t, TESTS.statistic(m, free, TestStatistic.T_MU, mu), 1e-6 * (1 + t), "t_mu at " + mu);
            assertEquals(tTilde, TESTS.statistic(m, free, TestStatistic.T_TILDE_MU, mu), 1e-6 * (1 + t), "t~ at " + mu);
            assertEquals(muHat <= mu ? t : 0, TESTS.statistic(m, free, TestStatistic.Q_MU, mu), 1e-6 * (1 + t), "q at " + mu);
            assertEquals(muHat <= mu ? tTilde : 0, TESTS.statistic(m, free, TestStatistic.Q_TILDE_MU, mu), 1e-6 * (1 + t),
                    "q~ at " + mu);
        }
        double q0 = muHat >= 0 ? tClosed(n, s, b, 0) : 0;
        assertEquals(q0, TESTS.statistic(m, free, TestStatistic.Q_0, 0), 1e-6 * (1 + q0));
    }

    @Test
    void asimovDiscoverySignificanceIsTheKnownFormula() {
        double s = 8;
        double b = 12;
        double za = Math.sqrt(2 * ((s + b) * Math.log(1 + s / b) - s));
        CountingModel m = new CountingModel(s, b, 0, 17, 0);
        DiscoveryResult d = TESTS.discovery(m, 1);
        assertEquals(za, d.expectedSignificance(), 1e-5 * za, d::toJson);
        double q0 = tClosed(17, s, b, 0);
        assertEquals(Math.sqrt(q0), d.significance(), 1e-5, d::toJson);
        assertEquals(N.cumulativeProbability(-Math.sqrt(q0)), d.pValue(), 1e-6, d::toJson);
        assertTrue(d.toJson().contains("\"expectedSignificance\""));
    }

    @ParameterizedTest(name = "s={0} b={1} n={2} q~={3}")
    @CsvSource({"1, 10, 8, false", "1, 10, 14, false", "1, 10, 8, true", "1, 10, 14, true", "1, 3, 1, true"})
    void clsUpperLimitsMatchClosedForms(double s, double b, double n, boolean tilde) {
        CountingModel m = new CountingModel(s, b, 0, n, 0);
        TestStatistic ts = tilde ? TestStatistic.Q_TILDE_MU : TestStatistic.Q_MU;
        LimitResult lim = TESTS.upperLimit(m, ts, 0.95, 10);
        BrentSolver solver = new BrentSolver(1e-12, 1e-12, 1e-14);
        double muHat = (n - b) / s;
        // qA on the background-only Asimov data (n = b): closed form, mu-hat = 0 there.
        java.util.function.DoubleUnaryOperator qA = mu -> tClosed(b, s, b, mu);
        double obs = solver.solve(500, mu -> {
            double q = muHat > mu ? 0 : (tilde && muHat < 0 ? tClosed(n, s, b, mu) - tClosed(n, s, b, 0) : tClosed(n, s, b, mu));
            double a = qA.applyAsDouble(mu);
            double clsb;
            double clb;
            if (tilde && q > a) {
                clsb = 1 - N.cumulativeProbability((q + a) / (2 * Math.sqrt(a)));
                clb = 1 - N.cumulativeProbability((q - a) / (2 * Math.sqrt(a)));
            } else {
                clsb = 1 - N.cumulativeProbability(Math.sqrt(q));
                clb = N.cumulativeProbability(Math.sqrt(a) - Math.sqrt(q));
            }
            return clsb / clb - 0.05;
        }, 1e-3, 100);
        assertEquals(obs, lim.observed(), 1e-4 * obs, lim::toJson);
        for (int k = -2; k <= 2; k++) {
            final int band = k;
            double e = solver.solve(500, mu -> (1 - N.cumulativeProbability(Math.sqrt(qA.applyAsDouble(mu)) - band))
                    / N.cumulativeProbability(band) - 0.05, 1e-3, 100);
            assertEquals(e, lim.expected()[k + 2], 1e-4 * e, "band " + k + " " + lim.toJson());
        }
        // Median expected: CLs = 2 (1 - Phi(sqrt qA)) = 0.05.
        double z = N.inverseCumulativeProbability(0.975);
        double median = solver.solve(500, mu -> Math.sqrt(qA.applyAsDouble(mu)) - z, 1e-3, 100);
        assertEquals(median, lim.expected()[2], 1e-4 * median);
        assertTrue(lim.expected()[0] < lim.expected()[1] && lim.expected()[1] < lim.expected()[2]
                && lim.expected()[2] < lim.expected()[3] && lim.expected()[3] < lim.expected()[4], lim::toJson);
    }

    /** A counting model whose Asimov data set is off by {@code bias} events, as a finite reference sample makes it. */
    static CountingModel biasedAsimov(double s, double b, double n, double bias) {
        return new CountingModel(s, b, 0, n, 0) {
            @Override
            public org.ratiofit.objective.StatisticalModel asimov(double[] point) {
                return new CountingModel(s, b, 0, nu(point) + bias, point[1]);
            }
        };
    }

    @ParameterizedTest(name = "Asimov bias {0} events")
    @CsvSource({"0.8", "-0.8"})
    void asimovDataSetIsFittedFreelyUnlessTheShortcutIsAsked(double bias) {
        double s = 2;
        double b = 10;
        double nA = b + bias;
        double muHatA = bias / s;
        CountingModel m = biasedAsimov(s, b, 12, bias);
        for (double mu : new double[] {1, 2}) {
            // Free fit (pyhf's convention): q_mu of the Asimov data about its own best fit mu-hat_A.
            double free = muHatA > mu ? 0 : tClosed(nA, s, b, mu);
            HypoTestResult r = TESTS.test(m, TestStatistic.Q_MU, mu);
            assertEquals(free, r.qAsimov(), 1e-6 * (1 + free), "bias " + bias + ", mu " + mu + ": " + r.toJson());
            // Shortcut (RooStats' convention): the best fit taken as the generating point mu = 0.
            double shortcut = tClosed(nA, s, b, mu) - tClosed(nA, s, b, 0);
            HypoTestResult c = TESTS.withAsimovAtGeneratingPoint(true).test(m, TestStatistic.Q_MU, mu);
            assertEquals(shortcut, c.qAsimov(), 1e-6 * (1 + shortcut), "bias " + bias + ", mu " + mu + ": " + c.toJson());
            assertTrue(Math.abs(free - shortcut) > 0.01, "the two conventions must differ here: " + free + " vs " + shortcut);
        }
        assertTrue(!TESTS.asimovAtGeneratingPoint() && TESTS.withAsimovAtGeneratingPoint(true).asimovAtGeneratingPoint());
    }

    @Test
    void constrainedBackgroundWidensTheLimitAndTightConstraintRecoversKnownB() {
        double s = 1;
        double b = 10;
        double known = TESTS.upperLimit(new CountingModel(s, b, 0, 10, 0), TestStatistic.Q_TILDE_MU, 0.95, 10).observed();
        double tight = TESTS.upperLimit(new CountingModel(s, b, 1e-4, 10, 0), TestStatistic.Q_TILDE_MU, 0.95, 10).observed();
        double loose = TESTS.upperLimit(new CountingModel(s, b, 0.2, 10, 0), TestStatistic.Q_TILDE_MU, 0.95, 10).observed();
        assertEquals(known, tight, 1e-3 * known);
        assertTrue(loose > known * 1.05, "profiling a 20% background uncertainty must weaken the limit: " + loose + " vs " + known);
    }

    @Test
    void toysFollowTheAsymptoticDistributionOfQ0() {
        // Background-only toys with a large background: P(q0 > 1) = 1 - Phi(1) asymptotically.
        CountingModel m = new CountingModel(10, 400, 0, 400, 0);
        Toys.ToyResult r = new Toys(TESTS).run(m, new double[] {0, 0}, TestStatistic.Q_0, 0, 2000, 7L, null);
        assertEquals(0, r.invalidFits());
        double expected = 1 - N.cumulativeProbability(1);
        assertEquals(expected, r.pValue(1), 4 * Math.sqrt(expected * (1 - expected) / 2000), "seed 7");
        // Half of the toys have mu-hat < 0 and q0 = 0.
        long zeros = java.util.Arrays.stream(r.values()).filter(v -> v == 0).count();
        assertEquals(0.5, zeros / 2000.0, 0.05, "seed 7");
    }
}
