package org.ratiofit.samplers.toys;

import java.util.ArrayList;
import java.util.List;
import org.ratiofit.objective.ParameterSpec;
import org.ratiofit.objective.StatisticalModel;
import org.ratiofit.samplers.fit.FitResult;
import org.ratiofit.samplers.fit.Json;
import org.ratiofit.samplers.profile.Asymptotics;
import org.ratiofit.samplers.profile.HypoTestResult;
import org.ratiofit.samplers.profile.HypoTests;
import org.ratiofit.samplers.profile.TestStatistic;

/**
 * Everything a toy-based result needs from the observed data, computed once before any toy: the
 * data fit, the observed statistic at each grid point, the asymptotic values beside them, and the
 * toy ensembles with their truth points (nuisance parameters at their conditional fits to the
 * data, as ROOT's FrequentistCalculator and pyhf's toy calculator take them). The plan is the same
 * in every run with the same data and options, so runs over index ranges merge.
 *
 * @param kind                 what the toys are for
 * @param parameterOfInterest  the parameter's name
 * @param statistic            the test statistic
 * @param grid                 the tested values of the parameter of interest
 * @param observed             the statistic on the data at each grid point
 * @param observedMuHat        the data's best fit of the parameter of interest
 * @param lowerBound           the parameter of interest's lower bound (for interval ends)
 * @param upperBound           its upper bound
 * @param asymptotic           asymptotic companions per grid point: for CLS {CLs, CLs+b, CLb, then
 *                             the expected CLs at -2..+2 sigma, q_A}; for SIGNIFICANCE {p0}; for NEYMAN
 *                             {the Asimov statistic} (may be empty)
 * @param seed                 the study's seed
 * @param fit                  the toys' fit settings
 * @param ensembles            the toy ensembles
 */
public record ToyPlan(int formatVersion, Kind kind, String parameterOfInterest, TestStatistic statistic, double[] grid,
                      double[] observed, double observedMuHat, double lowerBound, double upperBound, double[][] asymptotic,
                      long seed, FitSettings fit, List<ToyEnsemble> ensembles) {

    /** The kinds of toy study. */
    public enum Kind {
        /** CLs at each grid point: s+b toys per point, one background-only ensemble tested at every point. */
        CLS,
        /** p0 from toys of q0 at mu = 0. */
        SIGNIFICANCE,
        /** The Neyman construction: toys at each grid point, critical values of the statistic. */
        NEYMAN
    }

    /** The study over toy indices {@code [from, to)}. */
    public ToyStudy study(long from, long to) {
        return new ToyStudy(seed, fit, ensembles, from, to);
    }

    public String toJson() {
        return Json.write(this);
    }

    private static int poi(StatisticalModel model) {
        return model.parameterOfInterest().orElseThrow(() -> new IllegalArgumentException("the model has no parameter of interest"));
    }

    private static void checkToys(StatisticalModel model) {
        if (!model.supportsPseudoExperiments()) {
            throw new IllegalArgumentException("toys need pseudo-experiments, which this model cannot generate "
                    + "(a workspace's unbinned channels need their reference events, EventSet 'reference')");
        }
    }

    /** Checks a grid: at least two points, strictly increasing, inside the parameter's bounds. */
    static void checkGrid(double[] grid, ParameterSpec p) {
        checkGrid(grid, p, 2);
    }

    static void checkGrid(double[] grid, ParameterSpec p, int minPoints) {
        if (grid == null || grid.length < minPoints) {
            throw new IllegalArgumentException("the grid of " + p.name() + " needs at least two points");
        }
        for (int i = 0; i < grid.length; i++) {
            if (!Double.isFinite(grid[i]) || grid[i] < p.lower() || grid[i] > p.upper()) {
                throw new IllegalArgumentException("grid point " + p.name() + " = " + grid[i] + " lies outside its bounds ["
                        + p.lower() + ", " + p.upper() + "]");
            }
            if (i > 0 && !(grid[i] > grid[i - 1])) {
                throw new IllegalArgumentException("the grid of " + p.name() + " must increase, but " + grid[i] + " follows " + grid[i - 1]);
            }
        }
    }

    /** The free fit of the data (Hessian-quality covariance comes from MIGRAD's own estimate). */
    private static FitResult dataFit(HypoTests tests, StatisticalModel model) {
        FitResult free = tests.fit(model);
        if (!free.status().validMinimum()) {
            throw new IllegalStateException("the fit to the data is not a valid minimum; toys would start from a wrong point");
        }
        return free;
    }

    /**
     * CLs toys: for each grid point mu an ensemble generated at (mu, nuisances fitted to the data
     * at mu) tested at mu, and one background-only ensemble generated at (0, nuisances fitted at 0)
     * tested at every grid point.
     *
     * @param ts q_mu or q~_mu
     */
    public static ToyPlan cls(StatisticalModel model, FitSettings fit, TestStatistic ts, double[] grid, long seed) {
        return cls(model, fit, ts, grid, seed, 0, 2);
    }

    /**
     * A CLs plan whose ensembles use the random streams from {@code streamOffset} on (refinement
     * points of a limit use streams apart from the grid's), with at least {@code minPoints} points.
     */
    static ToyPlan cls(StatisticalModel model, FitSettings fit, TestStatistic ts, double[] grid, long seed, int streamOffset,
                       int minPoints) {
        if (ts != TestStatistic.Q_MU && ts != TestStatistic.Q_TILDE_MU) {
            throw new IllegalArgumentException("CLs needs q_mu or q~_mu, got " + ts);
        }
        checkToys(model);
        int p = poi(model);
        ParameterSpec spec = model.parameters().get(p);
        checkGrid(grid, spec, minPoints);
        if (0 < spec.lower() || 0 > spec.upper()) {
            throw new IllegalArgumentException("background-only toys need " + spec.name() + " = 0 inside its bounds ["
                    + spec.lower() + ", " + spec.upper() + "]");
        }
        HypoTests tests = new HypoTests(fit.migrad());
        HypoTests.Context ctx = tests.context(model);
        FitResult free = ctx.free();
        if (!free.status().validMinimum()) {
            throw new IllegalStateException("the fit to the data is not a valid minimum; toys would start from a wrong point");
        }
        double[] observed = new double[grid.length];
        double[][] asym = new double[grid.length][];
        List<ToyEnsemble> ens = new ArrayList<>();
        for (int g = 0; g < grid.length; g++) {
            HypoTestResult r = tests.test(ctx, ts, grid[g]);
            observed[g] = r.q();
            double[] a = new double[9];
            a[0] = r.cls();
            a[1] = r.clsb();
            a[2] = r.clb();
            System.arraycopy(r.expectedCls(), 0, a, 3, 5);
            a[8] = r.qAsimov();
            asym[g] = a;
            double[] truth = tests.fitAt(model, free, grid[g]).values();
            ens.add(new ToyEnsemble("s+b " + spec.name() + "=" + grid[g], streamOffset + g, truth, free.covariance(), ts, new double[] {grid[g]}));
        }
        double[] bTruth = tests.fitAt(model, free, 0).values();
        ens.add(new ToyEnsemble("b-only", streamOffset + grid.length, bTruth, free.covariance(), ts, grid.clone()));
        return new ToyPlan(Json.FORMAT_VERSION, Kind.CLS, spec.name(), ts, grid.clone(), observed, free.values()[p],
                spec.lower(), spec.upper(), asym, seed, fit, ens);
    }

    /** Discovery toys: q0 of toys generated at (0, nuisances fitted to the data at 0). */
    public static ToyPlan significance(StatisticalModel model, FitSettings fit, long seed) {
        checkToys(model);
        int p = poi(model);
        ParameterSpec spec = model.parameters().get(p);
        if (0 < spec.lower() || 0 > spec.upper()) {
            throw new IllegalArgumentException("the discovery test needs " + spec.name() + " = 0 inside its bounds ["
                    + spec.lower() + ", " + spec.upper() + "]");
        }
        HypoTests tests = new HypoTests(fit.migrad());
        FitResult free = dataFit(tests, model);
        double q0 = tests.statistic(model, free, TestStatistic.Q_0, 0);
        double[] truth = tests.fitAt(model, free, 0).values();
        List<ToyEnsemble> ens = List.of(new ToyEnsemble("b-only", 0, truth, free.covariance(), TestStatistic.Q_0, new double[] {0}));
        return new ToyPlan(Json.FORMAT_VERSION, Kind.SIGNIFICANCE, spec.name(), TestStatistic.Q_0, new double[] {0},
                new double[] {q0}, free.values()[p], spec.lower(), spec.upper(),
                new double[][] {{Asymptotics.pValue(TestStatistic.Q_0, q0, 0)}}, seed, fit, ens);
    }

    /**
     * The Neyman construction with the profile-likelihood-ratio ordering (Feldman-Cousins): for
     * each grid point an ensemble generated at (mu, nuisances fitted to the data at mu), tested at
     * mu. The grid must contain the data's best fit of the parameter of interest.
     *
     * @param ts t_mu, or t~_mu (the best fit held at mu &gt;= 0, the Feldman-Cousins boundary)
     */
    public static ToyPlan neyman(StatisticalModel model, FitSettings fit, TestStatistic ts, double[] grid, long seed) {
        if (ts != TestStatistic.T_MU && ts != TestStatistic.T_TILDE_MU) {
            throw new IllegalArgumentException("the Neyman construction orders by t_mu or t~_mu, got " + ts);
        }
        checkToys(model);
        int p = poi(model);
        ParameterSpec spec = model.parameters().get(p);
        checkGrid(grid, spec);
        HypoTests tests = new HypoTests(fit.migrad());
        FitResult free = dataFit(tests, model);
        double muHat = free.values()[p];
        double eps = 1e-9 * Math.max(1, Math.abs(muHat));
        boolean atBound = muHat <= spec.lower() + eps && grid[0] <= spec.lower() + eps;
        if (!atBound && (muHat < grid[0] - eps || muHat > grid[grid.length - 1] + eps)) {
            throw new IllegalArgumentException("the grid [" + grid[0] + ", " + grid[grid.length - 1] + "] does not contain the best fit "
                    + spec.name() + " = " + muHat + ", around which the interval lies; widen it");
        }
        double[] observed = new double[grid.length];
        List<ToyEnsemble> ens = new ArrayList<>();
        for (int g = 0; g < grid.length; g++) {
            observed[g] = tests.statistic(model, free, ts, grid[g]);
            double[] truth = tests.fitAt(model, free, grid[g]).values();
            ens.add(new ToyEnsemble(spec.name() + "=" + grid[g], g, truth, free.covariance(), ts, new double[] {grid[g]}));
        }
        return new ToyPlan(Json.FORMAT_VERSION, Kind.NEYMAN, spec.name(), ts, grid.clone(), observed, muHat,
                spec.lower(), spec.upper(), new double[0][], seed, fit, ens);
    }
}
