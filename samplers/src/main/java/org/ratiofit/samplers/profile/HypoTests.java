package org.ratiofit.samplers.profile;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;

import org.hipparchus.analysis.solvers.BracketingNthOrderBrentSolver;
import org.ratiofit.objective.ParameterSpec;
import org.ratiofit.objective.StatisticalModel;
import org.ratiofit.samplers.fit.FitResult;
import org.ratiofit.samplers.fit.Json;
import org.ratiofit.samplers.fit.Migrad;
import org.ratiofit.samplers.fit.Minimiser;
import org.ratiofit.samplers.fit.Parameters;

/**
 * Test statistics of the parameter of interest, their asymptotic p-values and CLs with expected
 * bands from the background-only Asimov data set (nuisance parameters fitted to the data with
 * mu = 0), CLs upper limits by root finding, and the discovery significance.
 *
 * <p>The Asimov data set is fitted unconditionally, as pyhf's AsymptoticCalculator does: its best
 * fit is where the minimiser finds it, not assumed to be the generating point (a finite reference
 * sample, a parameter at a bound or an approximate Asimov construction move it). The shortcut that
 * RooStats' AsymptoticCalculator takes (the parameter of interest held at the generating value,
 * one conditional fit saved) is available through {@link #withAsimovAtGeneratingPoint(boolean)}.
 */
public final class HypoTests {

    private final Minimiser migrad;
    private final boolean asimovAtGeneratingPoint;
    private final boolean bracketingLimits;

    /** -Dratiofit.limit.brent=true: every limit by the bracketing solver alone (the former path), for comparisons. */
    static final boolean BRENT_LIMITS = Boolean.getBoolean("ratiofit.limit.brent");
    /** -Dratiofit.limit.freeFitStart=true: conditional fits predicted from the free fit only, not from the nearest fitted mu. */
    static final boolean NEAREST_START = !Boolean.getBoolean("ratiofit.limit.freeFitStart");

    public HypoTests(Migrad migrad) {
        this(migrad, false);
    }

    /** Hypothesis tests whose fits all go through {@code minimiser} (e.g. a {@link org.ratiofit.samplers.fit.RobustMinimiser}). */
    public HypoTests(Minimiser minimiser) {
        this(minimiser, false);
    }

    private HypoTests(Minimiser migrad, boolean asimovAtGeneratingPoint) {
        this(migrad, asimovAtGeneratingPoint, BRENT_LIMITS);
    }

    private HypoTests(Minimiser migrad, boolean asimovAtGeneratingPoint, boolean bracketingLimits) {
        this.migrad = migrad;
        this.asimovAtGeneratingPoint = asimovAtGeneratingPoint;
        this.bracketingLimits = bracketingLimits;
    }

    /**
     * {@code true}: find every limit by Brent's bracketing solver from (10⁻⁶ muMax, muMax] to
     * 10⁻⁸ in mu (the former path, six separate root finds); {@code false} (the default): by
     * {@link LimitSearch}, secant steps from the asymptotic estimate shared by the five expected
     * bands, to a relative 10⁻⁵, with the bracketing solver as its fallback.
     */
    public HypoTests withBracketingLimits(boolean bracketing) {
        return new HypoTests(migrad, asimovAtGeneratingPoint, bracketing);
    }

    public boolean bracketingLimits() {
        return bracketingLimits;
    }

    /**
     * {@code true}: take the Asimov data set's best fit as its generating point (the parameter of
     * interest held there, nuisance parameters fitted) instead of fitting it freely (the default).
     */
    public HypoTests withAsimovAtGeneratingPoint(boolean atGeneratingPoint) {
        return new HypoTests(migrad, atGeneratingPoint, bracketingLimits);
    }

    public boolean asimovAtGeneratingPoint() {
        return asimovAtGeneratingPoint;
    }

    /** The best fit of the Asimov data set generated at {@code generating} (a fit with the POI fixed). */
    private FitResult fitAsimov(StatisticalModel asimov, FitResult generating) {
        List<ParameterSpec> specs = generating.parameters();
        if (!asimovAtGeneratingPoint) {
            specs = Parameters.release(specs, specs.get(poi(asimov)).name());
        }
        return migrad.minimise(asimov, specs, generating.covariance());
    }

    /**
     * The Asimov data set made at {@code injectedMu} (the other parameters at their fit to the data
     * with mu held there), fitted with mu free, against {@code injectedMu}: see {@link AsimovClosure}.
     */
    public AsimovClosure asimovClosure(StatisticalModel model, double injectedMu) {
        int poi = poi(model);
        FitResult free = fit(model);
        FitResult at = fitAt(model, free, injectedMu);
        StatisticalModel asimov = model.asimov(at.values());
        List<ParameterSpec> specs = Parameters.release(at.parameters(), at.parameters().get(poi).name());
        FitResult a = org.ratiofit.samplers.fit.Hesse.compute(asimov, migrad.minimise(asimov, specs, at.covariance()));
        return AsimovClosure.of(at.parameters().get(poi).name(), injectedMu, a.values()[poi], a.errors()[poi]);
    }

    public static HypoTests defaults() {
        return new HypoTests(Migrad.builder().tolerance(0.01).build());
    }

    static int poi(StatisticalModel model) {
        return model.parameterOfInterest().orElseThrow(() -> new IllegalArgumentException(
                model.getClass().getSimpleName() + " has no parameter of interest"));
    }

    public FitResult fit(StatisticalModel model) {
        return migrad.minimise(model);
    }

    /** The fit with the parameter of interest held at {@code mu}, warm-started from {@code from}. */
    public FitResult fitAt(StatisticalModel model, FitResult from, double mu) {
        return fitAt(model, from, from, mu);
    }

    /**
     * The fit with the parameter of interest held at {@code mu}, its nuisance parameters started
     * from {@code base} (a free or conditional fit of the same model) moved along {@code free}'s
     * covariance.
     */
    private FitResult fitAt(StatisticalModel model, FitResult free, FitResult base, double mu) {
        int p = poi(model);
        List<ParameterSpec> specs = new ArrayList<>(free.parameters());
        ParameterSpec s = specs.get(p);
        if (mu < s.lower() || mu > s.upper()) {
            throw new IllegalArgumentException("signal strength " + mu + " lies outside the bounds of '" + s.name()
                    + "' [" + s.lower() + ", " + s.upper() + "]");
        }
        // the nuisance parameters predicted along the free fit's covariance, with the conditional covariance as metric
        ConditionalStart.Start predicted = ConditionalStart.of(free.parameters(), free, base.values(), new int[] {p}, new double[] {mu});
        try {
            return migrad.minimise(model, predicted.parameters(), predicted.covariance());
        } catch (org.ratiofit.samplers.fit.NonFiniteStartException e) {
            // not finite at the prediction: from the free fit's values
        }
        specs.set(p, new ParameterSpec(s.name(), mu, s.step(), s.lower(), s.upper(), true));
        return migrad.minimise(model, specs, free.covariance());
    }

    /** The value of {@code ts} at {@code mu}, given the unconditional fit {@code free} of {@code model}. */
    public double statistic(StatisticalModel model, FitResult free, TestStatistic ts, double mu) {
        return statistic(free, ts, mu, at -> fitAt(model, free, at), poi(model));
    }

    /** The statistic from the free fit and the conditional fits that {@code fitAt} makes (or recalls). */
    private static double statistic(FitResult free, TestStatistic ts, double mu, java.util.function.DoubleFunction<FitResult> fitAt, int p) {
        double up = free.errorDef();
        double muHat = free.values()[p];
        double fHat = free.minimumValue();
        switch (ts) {
            case Q_0:
                return muHat < 0 ? 0 : Math.max(0, (fitAt.apply(0).minimumValue() - fHat) / up);
            case Q_MU:
            case Q_TILDE_MU:
                if (muHat > mu) {
                    return 0;
                }
                break;
            default:
                break;
        }
        double fMu = fitAt.apply(mu).minimumValue();
        boolean tilde = ts == TestStatistic.T_TILDE_MU || ts == TestStatistic.Q_TILDE_MU;
        if (tilde && muHat < 0) {
            return Math.max(0, (fMu - fitAt.apply(0).minimumValue()) / up);
        }
        return Math.max(0, (fMu - fHat) / up);
    }

    /**
     * The model's background-only Asimov data set and its fit, reused across tested mu values. The
     * conditional fits of the data and of the Asimov data set are kept per mu (the tilde statistic's
     * fit at mu = 0 is made once), and each new one starts from the nearest mu already fitted,
     * its nuisance parameters moved along the free fit's covariance ({@link ConditionalStart}).
     */
    public final class Context {
        final StatisticalModel model;
        final FitResult free;
        final StatisticalModel asimov;
        final FitResult asimovFree;
        private final int p;
        private final java.util.TreeMap<Double, FitResult> dataFits = new java.util.TreeMap<>();
        private final java.util.TreeMap<Double, FitResult> asimovFits = new java.util.TreeMap<>();
        private final java.util.Map<TestStatistic, java.util.TreeMap<Double, Double>> qAsimovMemo = new java.util.EnumMap<>(TestStatistic.class);
        private final java.util.Map<TestStatistic, java.util.TreeMap<Double, Double>> qObservedMemo = new java.util.EnumMap<>(TestStatistic.class);

        Context(StatisticalModel model, FitResult free) {
            this.model = model;
            this.p = poi(model);
            this.free = free;
            FitResult bOnly = fitAt(model, free, 0);
            dataFits.put(key(0), bOnly);
            this.asimov = model.asimov(bOnly.values());
            this.asimovFree = fitAsimov(asimov, bOnly);
        }

        public FitResult free() {
            return free;
        }

        /** The Asimov data set's free fit. */
        FitResult asimovFree() {
            return asimovFree;
        }

        /** The data's fit with mu held at {@code mu}, made once. */
        synchronized FitResult dataFitAt(double mu) {
            return conditional(model, free, dataFits, mu);
        }

        /** The Asimov data set's fit with mu held at {@code mu}, made once. */
        synchronized FitResult asimovFitAt(double mu) {
            return conditional(asimov, asimovFree, asimovFits, mu);
        }

        private FitResult conditional(StatisticalModel m, FitResult freeFit, java.util.TreeMap<Double, FitResult> fits, double mu) {
            double k = key(mu);
            FitResult done = fits.get(k);
            if (done != null) {
                return done;
            }
            FitResult base = freeFit;
            if (NEAREST_START) {
                double dist = Math.abs(freeFit.values()[p] - mu);
                for (java.util.Map.Entry<Double, FitResult> e : new java.util.Map.Entry[] {fits.floorEntry(k), fits.ceilingEntry(k)}) {
                    if (e != null && Math.abs(e.getKey() - mu) < dist) {
                        dist = Math.abs(e.getKey() - mu);
                        base = e.getValue();
                    }
                }
            }
            FitResult r = fitAt(m, freeFit, base, mu);
            fits.put(k, r);
            return r;
        }

        /** q_A at mu, computed once per statistic and mu: the band limits share their points. */
        public synchronized double qAsimov(TestStatistic ts, double mu) {
            java.util.TreeMap<Double, Double> memo = qAsimovMemo.computeIfAbsent(ts, t -> new java.util.TreeMap<>());
            Double q = memo.get(key(mu));
            if (q == null) {
                q = statistic(asimovFree, ts, mu, this::asimovFitAt, p);
                memo.put(key(mu), q);
            }
            return q;
        }

        /** The values of q_A computed so far for {@code ts}, by mu. */
        synchronized java.util.SortedMap<Double, Double> qAsimovValues(TestStatistic ts) {
            return new java.util.TreeMap<>(qAsimovMemo.getOrDefault(ts, new java.util.TreeMap<>()));
        }

        /** The observed statistic at mu, computed once per statistic and mu (a root find revisits its last points). */
        public synchronized double qObserved(TestStatistic ts, double mu) {
            java.util.TreeMap<Double, Double> memo = qObservedMemo.computeIfAbsent(ts, t -> new java.util.TreeMap<>());
            Double q = memo.get(key(mu));
            if (q == null) {
                q = statistic(free, ts, mu, this::dataFitAt, p);
                memo.put(key(mu), q);
            }
            return q;
        }
    }

    /** mu as a map key: -0 and 0 are the same hypothesis. */
    private static double key(double mu) {
        return mu == 0 ? 0.0 : mu;
    }

    public Context context(StatisticalModel model) {
        return new Context(model, fit(model));
    }

    /**
     * The context of {@code model} from its free fit {@code free}, made by the caller (with this
     * object's minimiser, e.g. followed by HESSE): the fit is not repeated.
     */
    public Context context(StatisticalModel model, FitResult free) {
        if (free.values().length != model.parameters().size()) {
            throw new IllegalArgumentException("the free fit has " + free.values().length + " parameters, the model "
                    + model.parameters().size());
        }
        return new Context(model, free);
    }

    /** CLs+b, CLb, CLs and expected CLs at {@code mu}; {@code ts} is q_mu or q~_mu. */
    public HypoTestResult test(StatisticalModel model, TestStatistic ts, double mu) {
        return test(context(model), ts, mu);
    }

    public HypoTestResult test(Context c, TestStatistic ts, double mu) {
        double q = c.qObserved(ts, mu);
        double qA = c.qAsimov(ts, mu);
        double[] exp = new double[5];
        for (int k = -2; k <= 2; k++) {
            exp[k + 2] = Asymptotics.expectedCls(qA, k);
        }
        return new HypoTestResult(Json.FORMAT_VERSION, ts, mu, c.free.values()[poi(c.model)], q, qA,
                Asymptotics.pValue(ts, q, qA), Asymptotics.clb(ts, q, qA), Asymptotics.cls(ts, q, qA), exp);
    }

    /**
     * Observed and expected CLs upper limits at confidence level {@code cl} (0.95: CLs = 0.05):
     * by {@link LimitSearch} (secant steps from the asymptotic estimate, to a relative 10⁻⁵, Brent
     * as its fallback) or, {@link #withBracketingLimits(boolean) if asked}, by Brent root finding
     * on CLs(mu) in (10⁻⁶ muMax, muMax], muMax doubled until it brackets.
     */
    public LimitResult upperLimit(StatisticalModel model, TestStatistic ts, double cl, double muMax) {
        if (!(cl > 0 && cl < 1)) {
            throw new IllegalArgumentException("confidence level must lie in (0, 1), got " + cl);
        }
        if (!(muMax > 0)) {
            throw new IllegalArgumentException("muMax must be positive, got " + muMax);
        }
        return upperLimit(context(model), ts, cl, muMax);
    }

    /** {@link #upperLimit(StatisticalModel, TestStatistic, double, double)} on a context made before (its fits reused). */
    public LimitResult upperLimit(Context c, TestStatistic ts, double cl, double muMax) {
        if (!(cl > 0 && cl < 1)) {
            throw new IllegalArgumentException("confidence level must lie in (0, 1), got " + cl);
        }
        if (!(muMax > 0)) {
            throw new IllegalArgumentException("muMax must be positive, got " + muMax);
        }
        StatisticalModel model = c.model;
        if (!bracketingLimits) {
            return new LimitSearch(c, ts, cl, muMax).run();
        }
        double alpha = 1 - cl;
        double upper = model.parameters().get(poi(model)).upper();
        double observed = bracketing(mu -> Asymptotics.cls(ts, c.qObserved(ts, mu), c.qAsimov(ts, mu)) - alpha, muMax, upper);
        double[] expected = new double[5];
        for (int k = -2; k <= 2; k++) {
            final int band = k;
            expected[k + 2] = bracketing(mu -> Asymptotics.expectedCls(c.qAsimov(ts, mu), band) - alpha, muMax, upper);
        }
        return new LimitResult(Json.FORMAT_VERSION, ts, cl, observed, expected);
    }

    /** The root of the decreasing {@code f} by Brent's method in (10⁻⁶ muMax, muMax], muMax doubled up to {@code upper} until it brackets. */
    static double bracketing(DoubleUnaryOperator f, double muMax, double upper) {
        double lo = 1e-6 * muMax;
        double hi = Math.min(muMax, upper);
        if (!(f.applyAsDouble(lo) > 0)) {
            return lo;
        }
        int guard = 0;
        while (f.applyAsDouble(hi) > 0) {
            if (hi >= upper || ++guard > 20) {
                throw new IllegalStateException("CLs stays above the target up to mu = " + hi
                        + ": raise muMax (ratiofit limit --mu-max) or the upper bound of the parameter of interest");
            }
            hi = Math.min(2 * hi, upper);
        }
        return new BracketingNthOrderBrentSolver(1e-10, 1e-8, 1e-12, 5).solve(200, f::applyAsDouble, lo, hi);
    }

    /**
     * The observed q_0 significance alone, for a model that cannot make an Asimov data set (an
     * unbinned channel without its reference events): the expected fields are NaN.
     */
    public DiscoveryResult observedDiscovery(StatisticalModel model) {
        FitResult free = fit(model);
        double q0 = statistic(model, free, TestStatistic.Q_0, 0);
        return new DiscoveryResult(Json.FORMAT_VERSION, q0, Asymptotics.pValue(TestStatistic.Q_0, q0, 0), Math.sqrt(q0),
                Double.NaN, Double.NaN);
    }

    /** Observed q_0 significance and the median expected one for a signal at {@code expectedMu}. */
    public DiscoveryResult discovery(StatisticalModel model, double expectedMu) {
        FitResult free = fit(model);
        double q0 = statistic(model, free, TestStatistic.Q_0, 0);
        FitResult atMu = fitAt(model, free, expectedMu);
        StatisticalModel asimov = model.asimov(atMu.values());
        FitResult asimovFree = fitAsimov(asimov, atMu);
        double q0A = statistic(asimov, asimovFree, TestStatistic.Q_0, 0);
        return new DiscoveryResult(Json.FORMAT_VERSION, q0, Asymptotics.pValue(TestStatistic.Q_0, q0, 0),
                Math.sqrt(q0), Math.sqrt(q0A), expectedMu);
    }
}
