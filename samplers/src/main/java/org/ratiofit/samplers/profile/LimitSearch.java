package org.ratiofit.samplers.profile;

import java.util.function.DoubleUnaryOperator;

import org.hipparchus.analysis.solvers.BrentSolver;
import org.ratiofit.samplers.fit.Json;

/**
 * The observed and five expected CLs upper limits of one model with few conditional fits.
 *
 * <p>Under the asymptotic formulas the expected CLs of band k depends on q_A(μ) alone and
 * decreases in it, so the band's limit is where √q_A(μ) reaches the constant
 * {@link Asymptotics#expectedRootQAsimov c_k}; √q_A is close to linear in μ (≈ μ/σ_A), and the
 * five bands are roots of the same function, found by {@link MonotoneRoots} on one shared set of
 * evaluated points. The observed limit is where the normal quantile of CLs, −Φ⁻¹(CLs(μ)), reaches
 * −Φ⁻¹(α): also close to linear in μ. Each search starts from the asymptotic (Wald) estimate,
 * with σ_A measured on one point of √q_A (at μ̂_A + 2σ from the free fit's covariance; again
 * where that point is off by more than a factor of a few), and that estimate's slope; the q_A values the observed search computed are reused by the bands.
 * The limits are found to a relative {@value #RELATIVE_TOLERANCE} (absolute
 * {@value #RELATIVE_TOLERANCE} σ_A near zero). The definitions (q~_μ or q_μ, CLs, the bands)
 * are those of {@link Asymptotics}, unchanged. Where a search does not converge or its function
 * is seen not to be monotone, that limit falls back to Brent's bracketing solver on CLs − α
 * ({@link HypoTests#bracketing}).
 */
final class LimitSearch {

    /** Relative tolerance on each limit. */
    static final double RELATIVE_TOLERANCE = 1e-5;

    private final HypoTests.Context c;
    private final TestStatistic ts;
    private final double cl;
    private final double alpha;
    private final double muMax;
    private final double upper;
    private final double lo;
    private final int p;
    private int fallbacks;
    private int observedEvaluations;
    private int expectedEvaluations;
    private int calibration;

    LimitSearch(HypoTests.Context c, TestStatistic ts, double cl, double muMax) {
        if (ts != TestStatistic.Q_MU && ts != TestStatistic.Q_TILDE_MU) {
            throw new IllegalArgumentException("CLs needs q_mu or q~_mu, got " + ts);
        }
        this.c = c;
        this.ts = ts;
        this.cl = cl;
        this.alpha = 1 - cl;
        this.muMax = muMax;
        this.p = HypoTests.poi(c.model);
        this.upper = c.model.parameters().get(p).upper();
        this.lo = 1e-6 * muMax;
    }

    /** How many of the six limits fell back to the bracketing solver. */
    int fallbacks() {
        return fallbacks;
    }

    /** Points (mu values) the observed search evaluated: one conditional fit of the data and one of the Asimov data each. */
    int observedEvaluations() {
        return observedEvaluations;
    }

    /** Points the expected bands' search evaluated (beyond those of the observed search and σ_A's): one conditional Asimov fit each. */
    int expectedEvaluations() {
        return expectedEvaluations;
    }

    LimitResult run() {
        double muHat = c.free().values()[p];
        double muHatA = c.asimovFree().values()[p];
        double muA = Math.max(muHatA, 0);
        // expected: sqrt(q_A) increases through c_k; every band on the same points, the observed search's q_A among them
        DoubleUnaryOperator rootQA = mu -> Math.sqrt(Math.max(c.qAsimov(ts, mu), 0));
        // the width of mu-hat from the free fit (the Asimov fit's where it has none), checked on one point of q_A
        double sigma0 = positive(c.free().errors()[p], positive(c.asimovFree().errors()[p], Double.NaN));
        MonotoneRoots bands = new MonotoneRoots(rootQA, lo, upper, RELATIVE_TOLERANCE,
                RELATIVE_TOLERANCE * (Double.isFinite(sigma0) ? sigma0 : muMax));
        final double sigmaA = calibrate(bands, sigma0, muA);
        final double sigmaObs = sigmaA;
        double absTol = RELATIVE_TOLERANCE * (Double.isFinite(sigmaA) ? sigmaA : muMax);

        // observed: -Phi^-1(CLs) increases through -Phi^-1(alpha)
        double target = Asymptotics.significance(alpha);
        DoubleUnaryOperator yObs = mu -> Asymptotics.significance(Asymptotics.cls(ts, c.qObserved(ts, mu), c.qAsimov(ts, mu)));
        DoubleUnaryOperator wald = mu -> Asymptotics.significance(Asymptotics.cls(ts,
                Asymptotics.wald(ts, mu, muHat, sigmaObs), Asymptotics.wald(ts, mu, muHatA, sigmaA)));
        MonotoneRoots obs = new MonotoneRoots(yObs, lo, upper, RELATIVE_TOLERANCE, absTol);
        double observed;
        try {
            double[] start = estimate(wald, target, sigmaA);
            observed = obs.solve(target, start[0], start[1]);
        } catch (MonotoneRoots.NotConverged e) {
            trace("observed", e);
            fallbacks++;
            observed = HypoTests.bracketing(mu -> Asymptotics.cls(ts, c.qObserved(ts, mu), c.qAsimov(ts, mu)) - alpha, muMax, upper);
        }
        observedEvaluations = obs.evaluations();

        // expected: sqrt(q_A) increases through c_k; every band on the same points, the observed search's q_A among them
        DoubleUnaryOperator rootWald = mu -> Math.sqrt(Asymptotics.wald(ts, mu, muHatA, sigmaA));
        c.qAsimovValues(ts).forEach((mu, q) -> bands.know(mu, Math.sqrt(Math.max(q, 0))));
        double[] expected = new double[5];
        boolean bandsFailed = false;
        for (int k : new int[] {0, 1, -1, 2, -2}) {
            double ck = Asymptotics.expectedRootQAsimov(alpha, k);
            if (!bandsFailed) {
                try {
                    double[] start = estimate(rootWald, ck, sigmaA);
                    expected[k + 2] = bands.solve(ck, start[0], start[1]);
                    continue;
                } catch (MonotoneRoots.NotConverged e) {
                    trace("band " + k, e);
                    bandsFailed = true;
                }
            }
            fallbacks++;
            final int band = k;
            expected[k + 2] = HypoTests.bracketing(mu -> Asymptotics.expectedCls(c.qAsimov(ts, mu), band) - alpha, muMax, upper);
        }
        expectedEvaluations = bands.evaluations() - calibration;
        return new LimitResult(Json.FORMAT_VERSION, ts, cl, observed, expected);
    }

    /**
     * σ_A measured on q_A: √q_A(μ) ≈ (μ − μ̂_A)/σ_A from one point, at μ̂_A + 2σ from the fit's σ;
     * where that point lies outside 0.5…5 σ_A (a fit covariance that had not learnt μ's variance),
     * once or twice more at the new μ̂_A + 2σ_A. The points are the bands' too. NaN: no width known.
     */
    private double calibrate(MonotoneRoots bands, double sigma, double muA) {
        double x = Double.isFinite(sigma) ? muA + 2 * sigma : 0.5 * Math.min(muMax, upper);
        for (int i = 0; i < 3; i++) {
            x = Math.min(Math.max(x, lo), upper);
            int before = bands.evaluations();
            double r = bands.value(x);
            calibration += bands.evaluations() - before;
            if (!(r > 0 && Double.isFinite(r))) {
                // q_A = 0: below the Asimov fit's mu-hat or no sensitivity yet
                x = 4 * Math.max(x, muA);
                continue;
            }
            double s = (x - muA) / r;
            if (s > 0 && Double.isFinite(s)) {
                sigma = s;
            }
            if (r >= 0.5 && r <= 5) {
                break;
            }
            x = muA + 2 * sigma;
        }
        return sigma;
    }

    /**
     * Where the asymptotic model {@code m} (increasing, cheap) reaches {@code target}, and its slope
     * there: the fast path's start. Where the model has no width or no crossing: muMax / 2 and no slope.
     */
    private double[] estimate(DoubleUnaryOperator m, double target, double sigma) {
        if (!(sigma > 0 && Double.isFinite(sigma))) {
            return new double[] {0.5 * Math.min(muMax, upper), Double.NaN};
        }
        double hi = Math.max(lo, Math.min(muMax, upper));
        int guard = 0;
        while (!(m.applyAsDouble(hi) >= target)) {
            if (hi >= upper || ++guard > 60) {
                return new double[] {0.5 * Math.min(muMax, upper), Double.NaN};
            }
            hi = Math.min(2 * hi, upper);
        }
        if (m.applyAsDouble(lo) >= target) {
            return new double[] {lo, Double.NaN};
        }
        double x = new BrentSolver(1e-12 * sigma).solve(200, v -> m.applyAsDouble(v) - target, lo, hi);
        double h = Math.min(1e-4 * sigma, 0.5 * (x - lo));
        double slope = (m.applyAsDouble(x + h) - m.applyAsDouble(x - h)) / (2 * h);
        return new double[] {x, slope > 0 && Double.isFinite(slope) ? slope : Double.NaN};
    }

    private static void trace(String what, MonotoneRoots.NotConverged e) {
        if (MonotoneRoots.TRACE) {
            System.err.println("LimitSearch: " + what + " falls back to Brent: " + e.getMessage());
        }
    }

    private static double positive(double v, double otherwise) {
        return v > 0 && Double.isFinite(v) ? v : otherwise;
    }
}
