package org.ratiofit.samplers.profile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.hipparchus.distribution.discrete.PoissonDistribution;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.ratiofit.samplers.toys.FitSettings;
import org.ratiofit.samplers.toys.LocalToyRunner;
import org.ratiofit.samplers.toys.NeymanBelt;
import org.ratiofit.samplers.toys.ToyCls;
import org.ratiofit.samplers.toys.ToyPlan;
import org.ratiofit.samplers.toys.ToySamples;
import org.ratiofit.samplers.toys.ToySignificance;

/**
 * The toy engine on a one-bin counting experiment with known background (the exact answers are
 * Poisson sums): n ~ Poisson(mu s + b). For n_obs below the expectation q~_mu decreases with n, so
 * CLs+b = P(n &lt;= n_obs | mu s + b) and CLb = P(n &lt;= n_obs | b) exactly; p0 = P(n &gt;= n_obs | b);
 * and the Neyman belt's critical values are the exact ones found by ordering the counts by t~_mu.
 * (In this package for the test's CountingModel.)
 */
class ToyCountingTest {

    static final double S = 2;
    static final double B = 3;

    static double cdf(int n, double mean) {
        return new PoissonDistribution(mean).cumulativeProbability(n);
    }

    @ParameterizedTest(name = "n_obs = {0}")
    @CsvSource({"2", "5"})
    void toyClsMatchesPoissonSums(int nObs) {
        CountingModel data = new CountingModel(S, B, 0, nObs, 0);
        double[] grid = {1.5, 2.5, 3.5, 5};
        int toys = 3000;
        ToyPlan plan = ToyPlan.cls(data, FitSettings.defaults(), TestStatistic.Q_TILDE_MU, grid, 11);
        ToySamples samples = new LocalToyRunner(data, 2).run(plan.study(0, toys), null);
        ToyCls.Result r = ToyCls.analyse(plan, samples, 0.95);
        for (int g = 0; g < grid.length; g++) {
            ToyCls.Point p = r.points().get(g);
            double sb = cdf(nObs, grid[g] * S + B);
            double b = cdf(nObs, B);
            String at = "n_obs " + nObs + ", mu " + grid[g];
            assertTrue(p.qObserved() > 0, at);
            // 4 binomial errors, plus 3 counts where the expected count is tiny
            assertEquals(sb, p.clsb(), 4 * Math.sqrt(sb * (1 - sb) / toys) + 3.0 / toys, "CLs+b " + at);
            assertEquals(b, p.clb(), 4 * Math.sqrt(b * (1 - b) / toys) + 3.0 / toys, "CLb " + at);
            assertEquals(sb / b, p.cls(), 4 * p.clsError() + 3.0 / toys / b, "CLs " + at);
            assertTrue(p.clsError() > 0 && p.clsError() < 0.05, at + ": MC error " + p.clsError());
            // expected bands: the background-only quantile of q is a count n_k; CLs = F(n_k; mu s + b) / F(n_k; b)
            for (int k = -2; k <= 2; k++) {
                double level = 1 - new org.hipparchus.distribution.continuous.NormalDistribution(0, 1).cumulativeProbability(k);
                // q~ decreases with n: the q-quantile at `level` is t(n_k), n_k the largest n with P(N >= n) >= level
                int nk = 0;
                double margin = 0;
                for (int n = 0; n < 40; n++) {
                    double tailN = 1 - (n == 0 ? 0 : cdf(n - 1, B));
                    if (tailN >= level) {
                        nk = n;
                        margin = tailN - level;
                    }
                }
                double nextMargin = level - (1 - cdf(nk, B));
                double num = cdf(nk, grid[g] * S + B);
                if (Math.min(margin, nextMargin) < 4 * Math.sqrt(level * (1 - level) / toys) || num * toys < 20) {
                    continue; // the quantile could land on a neighbouring count, or too few toys reach it: no sharp answer
                }
                double exact = num / cdf(nk, B);
                double err = exact * Math.sqrt((1 - num) / (num * toys) + (1 - cdf(nk, B)) / (cdf(nk, B) * toys));
                assertEquals(exact, p.expectedCls()[k + 2], 4 * err, "expected CLs band " + k + " " + at);
            }
        }
        assertTrue(Double.isFinite(r.observedLimit()), "observed limit " + r.notes());
        assertTrue(r.observedLimitError() > 0, "limit error");
        // the exact CLs limit, by bisection on the Poisson sums
        double lo = grid[0];
        double hi = grid[grid.length - 1];
        for (int i = 0; i < 60; i++) {
            double m = 0.5 * (lo + hi);
            if (cdf(nObs, m * S + B) / cdf(nObs, B) > 0.05) {
                lo = m;
            } else {
                hi = m;
            }
        }
        // linear interpolation on a coarse grid adds a bias of up to ~0.15 here; the MC error adds the rest
        assertEquals(lo, r.observedLimit(), 0.25 + 4 * r.observedLimitError(), "limit vs exact");
        // bisection: four halvings of the bracket leave an interpolation bias well below 0.05
        org.ratiofit.samplers.toys.ToyLimitRefinement.Result ref = org.ratiofit.samplers.toys.ToyLimitRefinement.refine(
                data, plan, r, new LocalToyRunner(data, 2), toys, 4, null);
        assertEquals(4, ref.points().size());
        assertTrue(ref.bracketHigh() - ref.bracketLow() <= (grid[1] - grid[0]) / 8 + 1e-12, "bracket " + ref.bracketLow() + ".." + ref.bracketHigh());
        assertTrue(ref.bracketLow() <= lo + 4 * ref.limitError() + 0.03 && lo <= ref.bracketHigh() + 4 * ref.limitError() + 0.03,
                "exact limit " + lo + " vs bracket " + ref.bracketLow() + ".." + ref.bracketHigh());
        assertEquals(lo, ref.limit(), 0.03 + 4 * ref.limitError(), "refined limit vs exact");
    }

    @Test
    void resultsAreIdenticalForAnyThreadCountAndSplitRanges() {
        CountingModel data = new CountingModel(S, B, 0.2, 4, 0.3);
        double[] grid = {1, 2, 3};
        ToyPlan plan = ToyPlan.cls(data, FitSettings.defaults(), TestStatistic.Q_TILDE_MU, grid, 99);
        ToySamples one = new LocalToyRunner(data, 1).run(plan.study(0, 120), null);
        ToySamples three = new LocalToyRunner(data, 3, 7).run(plan.study(0, 120), null);
        List<ToySamples> parts = new ArrayList<>();
        parts.add(new LocalToyRunner(data, 2).run(plan.study(70, 120), null));
        parts.add(new LocalToyRunner(data, 2).run(plan.study(0, 70), null));
        ToySamples merged = ToySamples.merge(parts);
        for (int e = 0; e < one.ensembles().size(); e++) {
            for (int m = 0; m < one.ensembles().get(e).values().length; m++) {
                assertArrayEquals(one.ensembles().get(e).values()[m], three.ensembles().get(e).values()[m], "threads, ensemble " + e);
                assertArrayEquals(one.ensembles().get(e).values()[m], merged.ensembles().get(e).values()[m], "merged, ensemble " + e);
            }
            assertArrayEquals(one.ensembles().get(e).muHat(), merged.ensembles().get(e).muHat());
        }
        // the toys differ from each other (seeds are per index, not shared)
        double[] v = one.ensembles().get(3).values()[0];
        assertTrue(java.util.Arrays.stream(v).distinct().count() > 3);
        // the JSON round trip keeps every number
        ToySamples back = ToySamples.fromJson(one.toJson());
        assertArrayEquals(one.ensembles().get(2).values()[0], back.ensembles().get(2).values()[0]);
        assertEquals(ToyCls.analyse(plan, one, 0.95).toJson(), ToyCls.analyse(plan, back, 0.95).toJson());
        // gaps, overlaps and foreign studies are refused
        assertThrows(IllegalArgumentException.class, () -> ToySamples.merge(List.of(
                new LocalToyRunner(data, 1).run(plan.study(0, 10), null), new LocalToyRunner(data, 1).run(plan.study(11, 20), null))));
        assertThrows(IllegalArgumentException.class, () -> ToySamples.merge(List.of(
                new LocalToyRunner(data, 1).run(plan.study(0, 10), null), new LocalToyRunner(data, 1).run(plan.study(5, 20), null))));
        // truth points fitted on another machine may differ in the last bits: still one study; a real difference is not
        ToySamples tail = new LocalToyRunner(data, 1).run(plan.study(10, 20), null);
        for (double eps : new double[] {1e-13, 1e-3}) {
            List<org.ratiofit.samplers.toys.ToyEnsemble> moved = new ArrayList<>();
            for (org.ratiofit.samplers.toys.ToyEnsemble e : tail.study().ensembles()) {
                double[] t = e.truth().clone();
                t[0] += eps;
                moved.add(new org.ratiofit.samplers.toys.ToyEnsemble(e.label(), e.stream(), t, e.startCovariance(), e.statistic(), e.mus()));
            }
            ToySamples movedTail = new ToySamples(tail.formatVersion(), new org.ratiofit.samplers.toys.ToyStudy(tail.study().seed(),
                    tail.study().fit(), moved, 10, 20), tail.ensembles());
            List<ToySamples> two = List.of(new LocalToyRunner(data, 1).run(plan.study(0, 10), null), movedTail);
            if (eps < 1e-9) {
                assertEquals(20, ToySamples.merge(two).study().toysPerEnsemble());
            } else {
                assertThrows(IllegalArgumentException.class, () -> ToySamples.merge(two));
            }
        }
        ToyPlan other = ToyPlan.cls(data, FitSettings.defaults(), TestStatistic.Q_TILDE_MU, grid, 100);
        assertThrows(IllegalArgumentException.class, () -> ToySamples.merge(List.of(
                new LocalToyRunner(data, 1).run(plan.study(0, 10), null), new LocalToyRunner(data, 1).run(other.study(10, 20), null))));
    }

    @Test
    void toyP0MatchesPoissonTailAndSaysWhenUnresolved() {
        int toys = 4000;
        CountingModel data = new CountingModel(S, B, 0, 8, 0);
        ToyPlan plan = ToyPlan.significance(data, FitSettings.defaults(), 5);
        ToySignificance.Result r = ToySignificance.analyse(plan, new LocalToyRunner(data, 2).run(plan.study(0, toys), null));
        double exact = 1 - cdf(7, B);
        assertTrue(r.resolved());
        assertEquals(exact, r.pValue(), 4 * Math.sqrt(exact * (1 - exact) / toys), "p0");
        assertEquals(Math.sqrt(exact * (1 - exact) / toys), r.pValueError(), 0.2 * r.pValueError());

        CountingModel far = new CountingModel(S, B, 0, 25, 0);
        ToyPlan farPlan = ToyPlan.significance(far, FitSettings.defaults(), 5);
        ToySignificance.Result u = ToySignificance.analyse(farPlan, new LocalToyRunner(far, 2).run(farPlan.study(0, 200), null));
        assertFalse(u.resolved());
        assertTrue(Double.isNaN(u.pValue()), "never a p-value of 0");
        assertEquals(1 - Math.pow(0.05, 1 / 200.0), u.pValueUpperBound(), 1e-12);
        assertTrue(u.asymptoticPValue() > 0 && u.asymptoticPValue() < 1e-6);
        assertTrue(u.notes().get(0).contains("no toy out of 200"), u.notes().toString());
    }

    /** t~_mu of a count n with known background, in closed form. */
    static double tTilde(int n, double mu) {
        double muHat = Math.max((n - B) / S, 0);
        return 2 * (nll(n, mu) - nll(n, muHat));
    }

    static double nll(int n, double mu) {
        double nu = mu * S + B;
        return nu - n * Math.log(nu);
    }

    @Test
    void neymanCriticalValuesMatchTheExactBelt() {
        int toys = 4000;
        int nObs = 4;
        CountingModel data = new CountingModel(S, B, 0, nObs, 0);
        double[] grid = {0, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4};
        double cl = 0.68;
        ToyPlan plan = ToyPlan.neyman(data, FitSettings.defaults(), TestStatistic.T_TILDE_MU, grid, 3);
        NeymanBelt.Result r = NeymanBelt.analyse(plan, new LocalToyRunner(data, 2).run(plan.study(0, toys), null), new double[] {cl});
        NeymanBelt.Level level = r.levels().get(0);
        int checked = 0;
        for (int g = 0; g < grid.length; g++) {
            double mu = grid[g];
            assertEquals(tTilde(nObs, mu), r.observed()[g], 1e-4, "observed t at mu " + mu);
            // exact belt: counts ordered by t~, the smallest critical value with P(t <= c) >= cl
            PoissonDistribution pd = new PoissonDistribution(mu * S + B);
            java.util.TreeMap<Double, Double> byT = new java.util.TreeMap<>();
            for (int n = 0; n < 60; n++) {
                // counts with equal t (all n <= b at mu = 0) form one group
                byT.merge(Math.round(tTilde(n, mu) * 1e9) / 1e9, pd.probability(n), Double::sum);
            }
            List<double[]> tp = new ArrayList<>();
            byT.forEach((t, pr) -> tp.add(new double[] {t, pr}));
            double acc = 0;
            double crit = Double.NaN;
            double margin = 0;
            for (int i = 0; i < tp.size(); i++) {
                acc += tp.get(i)[1];
                if (acc >= cl) {
                    crit = tp.get(i)[0];
                    margin = Math.min(acc - cl, cl - (acc - tp.get(i)[1]));
                    break;
                }
            }
            if (margin < 3.5 * Math.sqrt(cl * (1 - cl) / toys)) {
                continue;
            }
            checked++;
            assertEquals(crit, level.criticalValues()[g], 1e-3, "critical value at mu " + mu);
        }
        assertTrue(checked >= 3, "only " + checked + " grid points had a clear exact critical value");
        assertTrue(level.lower() <= 0.25 && level.upper() > 1, "interval [" + level.lower() + ", " + level.upper() + "]");
        assertThrows(IllegalArgumentException.class, () -> ToyPlan.neyman(data, FitSettings.defaults(), TestStatistic.T_TILDE_MU,
                new double[] {2, 3, 4}, 3), "grid without the best fit 0.5");
    }
}
