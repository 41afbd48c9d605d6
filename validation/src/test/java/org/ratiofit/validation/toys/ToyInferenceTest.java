package org.ratiofit.validation.toys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.hipparchus.random.RandomDataGenerator;
import org.hipparchus.random.Well19937c;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.ratiofit.objective.ParameterSpec;
import org.ratiofit.samplers.fit.FitResult;
import org.ratiofit.samplers.fit.Migrad;
import org.ratiofit.samplers.fit.Parameters;
import org.ratiofit.samplers.profile.TestStatistic;
import org.ratiofit.samplers.toys.FitSettings;
import org.ratiofit.samplers.toys.LocalToyRunner;
import org.ratiofit.samplers.toys.NeymanCoverage;
import org.ratiofit.samplers.toys.ToyCls;
import org.ratiofit.samplers.toys.ToyPlan;
import org.ratiofit.samplers.toys.ToySamples;

/**
 * Toy-based inference on the Gaussian-on-exponential toy with its exact likelihood: the toy CLs
 * against the asymptotic formulae where they hold (1000 background, 50 signal events) and against
 * an independent high-statistics toy computation (slow); the Neyman construction's coverage at a
 * small signal near the boundary of the likelihood's domain, where the asymptotic interval
 * undercovers.
 */
class ToyInferenceTest {

    static final GaussianOnExponential STANDARD = new GaussianOnExponential(GaussianOnExponential.Config.standard());
    /** 5 signal and 20 background events: the asymptotic regime is far away. */
    static final GaussianOnExponential SMALL = new GaussianOnExponential(new GaussianOnExponential.Config(100, 150, 125, 2, 0.05,
            5, 20, 0.5, 1.1));

    static final double[] GRID = {0.2, 0.35, 0.5, 0.65, 0.8, 1.0};

    static GaussianOnExponentialModel backgroundOnlyData() {
        return GaussianOnExponentialModel.generated(STANDARD, new double[] {0, 0, 0}, 20261203L);
    }

    @Test
    void toyClsAgreesWithAsymptoticsWhereTheyHold() {
        GaussianOnExponentialModel data = backgroundOnlyData();
        int toys = 120;
        ToyPlan plan = ToyPlan.cls(data, FitSettings.defaults(), TestStatistic.Q_TILDE_MU, GRID, 7);
        ToySamples s = new LocalToyRunner(data, 2).run(plan.study(0, toys), null);
        ToyCls.Result r = ToyCls.analyse(plan, s, 0.95);
        for (ToyCls.Point p : r.points()) {
            // the asymptotic CLs is an approximation too: allow 4 Monte-Carlo errors plus 0.02
            assertEquals(p.asymptoticCls(), p.cls(), 4 * p.clsError() + 0.02, "CLs at mu " + p.mu());
            assertEquals(p.asymptoticExpectedCls()[2], p.expectedCls()[2], 4 * p.expectedClsError()[2] + 0.02, "median expected CLs at mu " + p.mu());
        }
        assertTrue(Double.isFinite(r.observedLimit()), r.notes().toString());
        assertEquals(r.asymptoticLimit(), r.observedLimit(), 4 * r.observedLimitError() + 0.05, "observed limit");
    }

    /** Coverage at mu = 0.1 with 5 signal and 20 background events, t_mu ordering. */
    static NeymanCoverage.Result smallSignalCoverage(int beltToys, int coverageToys) {
        GaussianOnExponentialModel m = GaussianOnExponentialModel.of(SMALL, new double[0]);
        return NeymanCoverage.run(m, new LocalToyRunner(m, 2), FitSettings.defaults(), TestStatistic.T_MU,
                new double[] {0.1, 0, 0}, new double[] {0.683, 0.95}, beltToys, coverageToys, 17, null);
    }

    @Test
    void neymanCoversWhereTheAsymptoticIntervalDoesNot() {
        NeymanCoverage.Result r = smallSignalCoverage(300, 300);
        // the belt's own Monte-Carlo error about doubles the variance of the Neyman coverage
        double slack = 3.5 * Math.sqrt(2);
        assertTrue(Math.abs(r.deviation()[1]) < slack, "Neyman 95% coverage " + r.coverage()[1] + " (" + r.deviation()[1] + " sigma)");
        assertTrue(Math.abs(r.deviation()[0]) < slack, "Neyman 68% coverage " + r.coverage()[0] + " (" + r.deviation()[0] + " sigma)");
        assertTrue(r.asymptoticDeviation()[1] < -4, "asymptotic 95% coverage " + r.asymptoticCoverage()[1] + " should fail here ("
                + r.asymptoticDeviation()[1] + " sigma)");
        assertTrue(r.criticalValues()[1] > 3.84 + 1, "critical value " + r.criticalValues()[1] + " is not chi-square's");
        for (int l = 0; l < 2; l++) {
            // the all-toys coverage counts failed toys as not covering: covered over every coverage toy
            assertEquals(r.covered()[l] / 300.0, r.coverageAllToys()[l], 1e-15);
            assertTrue(r.coverageAllToys()[l] <= r.coverage()[l]);
        }
    }

    @Test
    @Tag("slow")
    void neymanCoverageOverThousandsOfPseudoExperiments() {
        NeymanCoverage.Result r = smallSignalCoverage(4000, 2000);
        System.out.println(r.toJson());
        // belt of 4000 toys: its quantile error adds about half the binomial variance of 2000 coverage toys
        double slack = 3 * Math.sqrt(1.5);
        for (int l = 0; l < 2; l++) {
            assertTrue(Math.abs(r.deviation()[l]) < slack, "Neyman coverage " + r.coverage()[l] + " (" + r.deviation()[l] + " sigma)");
        }
        assertTrue(r.asymptoticDeviation()[1] < -5, "asymptotic 95% coverage " + r.asymptoticCoverage()[1]);
    }

    /**
     * The reference: CLs at each grid point from a plain loop over many toys, sharing nothing with
     * the toy engine but the toy's generator and the minimiser (its own seeds, its own q~ code).
     */
    static double referenceCls(GaussianOnExponentialModel data, double mu, int toys, long seed) {
        Migrad migrad = Migrad.builder().tolerance(0.01).build();
        double qObs = qTilde(migrad, data, mu);
        double[] thetaMu = conditional(migrad, data, mu).values();
        double[] theta0 = conditional(migrad, data, 0).values();
        int sb = 0;
        int b = 0;
        RandomDataGenerator seeds = RandomDataGenerator.of(new Well19937c(seed));
        for (int i = 0; i < toys; i++) {
            if (qTilde(migrad, data.pseudoExperiment(thetaMu, seeds.nextLong()), mu) >= qObs) {
                sb++;
            }
            if (qTilde(migrad, data.pseudoExperiment(theta0, seeds.nextLong()), mu) >= qObs) {
                b++;
            }
        }
        return sb / (double) b;
    }

    static FitResult conditional(Migrad migrad, GaussianOnExponentialModel m, double mu) {
        List<ParameterSpec> specs = Parameters.fix(m.parameters(), "mu", mu);
        return migrad.minimise(m, specs);
    }

    static double qTilde(Migrad migrad, GaussianOnExponentialModel m, double mu) {
        FitResult free = migrad.minimise(m);
        double muHat = free.values()[0];
        if (muHat > mu) {
            return 0;
        }
        double denominator = muHat < 0 ? conditional(migrad, m, 0).minimumValue() : free.minimumValue();
        return Math.max(0, 2 * (conditional(migrad, m, mu).minimumValue() - denominator));
    }

    @Test
    @Tag("slow")
    void toyClsLimitMatchesAnIndependentHighStatisticsReference() {
        GaussianOnExponentialModel data = backgroundOnlyData();
        int toys = 1000;
        ToyPlan plan = ToyPlan.cls(data, FitSettings.defaults(), TestStatistic.Q_TILDE_MU, GRID, 7);
        ToyCls.Result r = ToyCls.analyse(plan, new LocalToyRunner(data, 2).run(plan.study(0, toys), null), 0.95);
        double[] ref = new double[GRID.length];
        double[] zero = new double[GRID.length];
        for (int g = 0; g < GRID.length; g++) {
            ref[g] = referenceCls(data, GRID[g], 2500, 1000 + g);
            System.out.printf("mu %.2f toy CLs %.4f +- %.4f reference %.4f asymptotic %.4f%n", GRID[g], r.points().get(g).cls(),
                    r.points().get(g).clsError(), ref[g], r.points().get(g).asymptoticCls());
            assertEquals(ref[g], r.points().get(g).cls(), 4 * Math.hypot(r.points().get(g).clsError(), r.points().get(g).clsError() * Math.sqrt(1000 / 2500.0)),
                    "CLs at mu " + GRID[g]);
        }
        double refLimit = ToyCls.crossing(GRID, ref, zero, 0.05)[0];
        System.out.println("limit " + r.observedLimit() + " +- " + r.observedLimitError() + " reference " + refLimit);
        assertEquals(refLimit, r.observedLimit(), 4 * r.observedLimitError() + 0.01, "limit");
    }
}
