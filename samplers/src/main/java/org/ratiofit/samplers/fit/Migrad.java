package org.ratiofit.samplers.fit;

import java.util.List;

import org.ratiofit.objective.Objective;
import org.ratiofit.objective.ParameterSpec;

/**
 * Variable-metric minimiser in the manner of Minuit2's MIGRAD: steps -V g with a parabolic line
 * search, the inverse Hessian V updated by Davidon's formula with the BFGS term, seeded from
 * numerical second derivatives, stopped when EDM = g'Vg/2 falls below 0.002 * tolerance * errorDef.
 *
 * <p>Uses the objective's analytic gradient when it has one (unless switched off), Minuit-style
 * two-point numerical gradients with adaptive steps otherwise. With an analytic gradient the seed
 * and the closing HESSE take their second derivatives from values, as Minuit2 does, unless
 * {@link Builder#gradientCurvature(boolean)} asks for gradient differences. Bounded parameters are minimised in
 * internal coordinates (sin / sqrt transforms). Instances are immutable and thread-safe.
 */
public final class Migrad implements Minimiser {

    /** Machine precision as Minuit uses it (8 times the unit round-off) and its scaled root. */
    static final double EPS = 8 * Math.ulp(1.0) / 2;
    static final double EPS2 = 2 * Math.sqrt(EPS);

    /** Newton steps stop at EDM below this share of the target (see {@link #iterate}). */
    private static final double NEWTON_MARGIN = 0.01;
    private static final int[] GRAD_CYCLES = {2, 3, 5};
    private static final double[] GRAD_STEP_TOL = {0.5, 0.3, 0.1};
    private static final double[] GRAD_TOL = {0.1, 0.05, 0.02};

    private final int strategy;
    private final double tolerance;
    private final long maxCalls;
    private final boolean useGradient;
    private final boolean gradientCurvature;
    private final boolean coarseToFine;

    /**
     * System property that switches the coarse-to-fine start on by default ({@code -Dratiofit.coarseToFine=true}):
     * see {@link Builder#coarseToFine}. Off by default: at 10^6 events it cut the full likelihood's calls
     * 56 -> 14 but not the wall time (BENCHMARKS.md, issue 21).
     */
    public static final String COARSE_TO_FINE_PROPERTY = "ratiofit.coarseToFine";

    private Migrad(Builder b) {
        this.coarseToFine = b.coarseToFine;
        this.strategy = b.strategy;
        this.tolerance = b.tolerance;
        this.maxCalls = b.maxCalls;
        this.useGradient = b.useGradient;
        this.gradientCurvature = b.gradientCurvature;
    }

    /** Strategy 1, tolerance 0.1, Minuit's default call limit, analytic gradient when available. */
    public static Migrad defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().strategy(strategy).tolerance(tolerance).maxCalls(maxCalls).useGradient(useGradient)
                .gradientCurvature(gradientCurvature).coarseToFine(coarseToFine);
    }

    /** Whether a fit without a seed covariance first minimises the objective's {@link Objective#coarse()} copy. */
    public boolean coarseToFine() {
        return coarseToFine;
    }

    public int strategy() {
        return strategy;
    }

    public double tolerance() {
        return tolerance;
    }

    public boolean usesGradient() {
        return useGradient;
    }

    /** Whether second derivatives come from differences of the analytic gradient (see the builder). */
    public boolean gradientCurvature() {
        return gradientCurvature;
    }

    /**
     * Whether HESSE inside MIGRAD takes its curvature from differences of the analytic gradient
     * (2n gradient calls) instead of function values (about n^2 calls): when asked, at strategy 2,
     * and for more than {@link #GRADIENT_CURVATURE_ABOVE} free parameters, where n^2 function calls
     * would dominate the fit (80 parameters: 3700 calls against 160).
     */
    private boolean curvatureFromGradient(InternalFunction fcn) {
        return fcn.analytic && (gradientCurvature || strategy == 2 || fcn.n() > GRADIENT_CURVATURE_ABOVE);
    }

    /** Free-parameter count above which HESSE inside MIGRAD uses the analytic gradient's differences. */
    public static final int GRADIENT_CURVATURE_ABOVE = 8;

    /** Minimises with the objective's own parameter settings. */
    @Override
    public FitResult minimise(Objective objective) {
        return minimise(objective, objective.parameters(), null);
    }

    /** Minimises with the given settings (start values, steps, bounds, fixed flags). */
    public FitResult minimise(Objective objective, List<ParameterSpec> parameters) {
        return minimise(objective, parameters, null);
    }

    /**
     * Minimises from {@code parameters}, seeding the inverse Hessian from an external covariance
     * over all parameters (for example a previous fit's), or from second derivatives when null.
     */
    @Override
    public FitResult minimise(Objective objective, List<ParameterSpec> parameters, double[][] seedCovariance) {
        if (coarseToFine && seedCovariance == null) {
            Objective coarse = objective.coarse();
            if (coarse != null) {
                // the coarse copy's own coarse copy first, and so on (each level a start for the next)
                FitResult c = toBuilder().tolerance(Math.max(COARSE_TOLERANCE, tolerance)).build().minimise(coarse, parameters, null);
                if (c.status().validMinimum()) {
                    return fine(objective, parameters, c);
                }
            }
        }
        return direct(objective, parameters, seedCovariance);
    }

    /**
     * The coarse fits' tolerance (their EDM target 0.002 x 100 x errorDef = 0.1 for -ln L): their minima are only
     * starts, a few units of -ln L from the next level's, so a precision far below that buys nothing.
     */
    static final double COARSE_TOLERANCE = 100;
    private static final boolean TRACE = Boolean.getBoolean("ratiofit.migradTrace");

    /**
     * The fine stage of coarse to fine: MIGRAD on the objective itself from the coarse minimum, so
     * that every convergence criterion (EDM, the status flags, the closing HESSE) is the
     * objective's own; the result names the caller's parameter settings. With the exact Hessian
     * the seed is its Hessian there (Newton steps where it is positive-definite); otherwise the
     * coarse covariance, not trusted (strategy 1 then closes with HESSE unless the updates confirm it).
     */
    private FitResult fine(Objective objective, List<ParameterSpec> parameters, FitResult coarse) {
        List<ParameterSpec> start = new java.util.ArrayList<>(parameters.size());
        for (int i = 0; i < parameters.size(); i++) {
            ParameterSpec p = parameters.get(i);
            start.add(p.fixed() ? p : p.withInitial(coarse.values()[i]));
        }
        FitResult f = direct(objective, start, objective.hasHessian() && useGradient ? null : coarse.covariance());
        return FitResult.build(parameters, f.values(), f.covariance(), f.minimumValue(), f.edm(), f.errorDef(), f.functionCalls(),
                f.gradientCalls(), f.covarianceSource(), f.status());
    }

    private FitResult direct(Objective objective, List<ParameterSpec> parameters, double[][] seedCovariance) {
        InternalFunction fcn = new InternalFunction(objective, parameters, useGradient);
        int n = fcn.n();
        double up = fcn.up;
        double edmval = 0.002 * tolerance * up;
        int dim = parameters.size();
        if (n == 0) {
            double f = fcn.value(new double[0]);
            double[] vals = fcn.external(new double[0]);
            FitStatus st = new FitStatus(Double.isFinite(f), true, false, false, false, false, edmval);
            return FitResult.build(parameters, vals, new double[dim][dim], f, 0, up, fcn.nfcn.get(), fcn.ngrad.get(), "none", st);
        }
        long maxfcn = maxCalls > 0 ? maxCalls : 200 + 100L * n + 5L * n * n;
        double[] ext0 = startValues(parameters);
        double[] x = fcn.internal(ext0);
        Flags flags = new Flags();
        State s = seed(fcn, x, seedCovariance, flags);
        if (!Double.isFinite(s.f)) {
            throw new IllegalArgumentException("objective is not finite at the starting point " + java.util.Arrays.toString(ext0));
        }
        boolean fromHesse = s.fromHesse;
        for (int pass = 0; pass < 5; pass++) {
            s = iterate(fcn, s, edmval, maxfcn, flags);
            if (flags.callLimit || flags.failed) {
                break;
            }
            // with the exact Hessian the closing HESSE costs one call: always, unless the last Newton step already has it
            boolean exactHere = fcn.hessian && s.fromHesse && s.hessian != null;
            if (strategy == 2 && !exactHere || (strategy == 1 && (s.dcovar > 0.05 || fcn.hessian && !exactHere))) {
                State h = Hesse.state(fcn, s, strategy, flags, false, curvatureFromGradient(fcn));
                fromHesse = true;
                s = h;
                if (flags.hesseNotPositive && calls(fcn) < maxfcn) {
                    State escaped = escapeSaddle(fcn, s);
                    if (escaped != null) {
                        s = escaped;
                        fromHesse = false;
                        continue;
                    }
                }
                if (s.edm > edmval && calls(fcn) < maxfcn) {
                    fromHesse = false;
                    continue;
                }
            } else {
                fromHesse = s.fromHesse;
            }
            break;
        }
        if (calls(fcn) >= maxfcn && s.edm > edmval) {
            flags.callLimit = true;
        }
        return result(fcn, s, edmval, flags, fromHesse);
    }

    static FitResult result(InternalFunction fcn, State s, double edmval, Flags flags, boolean fromHesse) {
        int dim = fcn.specs.size();
        double[] ext = fcn.external(s.x);
        double[][] cov = new double[dim][dim];
        int n = fcn.n();
        double[] jac = new double[n];
        for (int k = 0; k < n; k++) {
            jac[k] = fcn.transforms[k].derivative(s.x[k]);
        }
        for (int a = 0; a < n; a++) {
            for (int b = 0; b <= a; b++) {
                double c = fcn.up * (s.v[a][b] + s.v[b][a]) * jac[a] * jac[b];
                cov[fcn.free[a]][fcn.free[b]] = c;
                cov[fcn.free[b]][fcn.free[a]] = c;
            }
        }
        boolean atLimit = false;
        for (int k = 0; k < n; k++) {
            atLimit |= fcn.transforms[k].atLimit(ext[fcn.free[k]], Math.sqrt(Math.max(cov[fcn.free[k]][fcn.free[k]], 0)));
        }
        boolean aboveMax = s.edm > 10 * edmval;
        boolean converged = s.edm <= edmval || (s.edm <= 10 * edmval && flags.noImprovement);
        // Forced positive-definiteness is reported for the covariance returned, not for iterations before it.
        boolean forced = fromHesse ? flags.hesseNotPositive : flags.forcedPosDef;
        boolean accurate = !forced && (fromHesse || s.dcovar <= 0.05);
        // A parameter on its bound flattens the transform, so HESSE's internal matrix is singular there
        // by construction: the minimum stays valid (as in Minuit2), flagged at limit and forced positive-definite.
        boolean valid = converged && !flags.callLimit && !flags.failed && !aboveMax && Double.isFinite(s.f)
                && !(fromHesse && flags.hesseNotPositive && !atLimit);
        FitStatus st = new FitStatus(valid, accurate && valid, forced, atLimit, aboveMax, flags.callLimit, edmval);
        return FitResult.build(fcn.specs, ext, cov, s.f, s.edm, fcn.up, fcn.nfcn.get(), fcn.ngrad.get(),
                fromHesse ? "hesse" : "migrad", st);
    }

    private static double[] startValues(List<ParameterSpec> specs) {
        double[] v = new double[specs.size()];
        for (int i = 0; i < v.length; i++) {
            ParameterSpec p = specs.get(i);
            double x = p.initial();
            // The transforms have zero slope exactly on a bound: start a little inside.
            if (!p.fixed() && (x == p.lower() || x == p.upper())) {
                double room = Math.min(0.1 * p.step(), 0.01 * (p.upper() - p.lower()));
                x = x == p.lower() ? x + room : x - room;
            }
            v[i] = x;
        }
        return v;
    }

    static long calls(InternalFunction f) {
        return f.nfcn.get() + f.ngrad.get();
    }

    /** Mutable per-fit flags. */
    static final class Flags {
        boolean forcedPosDef;
        boolean callLimit;
        boolean failed;
        boolean noImprovement;
        /** Iterations since the exact Hessian was last computed (objectives that give it). */
        int sinceHessian;
        /** The last HESSE found a Hessian that is not positive-definite (a saddle or a flat direction). */
        boolean hesseNotPositive;
    }

    /** A point of the minimisation in internal coordinates. */
    static final class State {
        double[] x;
        double f;
        double[] g;
        double[] g2;
        double[] gstep;
        double[][] v;
        double edm;
        double dcovar;
        boolean fromHesse;
        /** Internal Hessian when this state came from HESSE. */
        double[][] hessian;
    }

    private static void requireFinite(InternalFunction fcn, double[] ext, double f) {
        if (!Double.isFinite(f)) {
            throw new NonFiniteStartException(fcn.specs, ext, f, fcn.objective.whyNotFinite(ext));
        }
    }

    private State seed(InternalFunction fcn, double[] x, double[][] seedCov, Flags flags) {
        if (fcn.hessian && strategy > 0) {
            State h = exactSeed(fcn, x);
            if (h != null) {
                return h;
            }
        }
        int n = fcn.n();
        double[] ext = fcn.external(x);
        State s = new State();
        s.x = x;
        s.g = new double[n];
        s.g2 = new double[n];
        s.gstep = new double[n];
        double[] dirin = new double[n];
        for (int k = 0; k < n; k++) {
            int i = fcn.free[k];
            double err = fcn.specs.get(i).step();
            if (seedCov != null && seedCov[i][i] > 0) {
                err = Math.sqrt(seedCov[i][i]);
            }
            dirin[k] = fcn.transforms[k].internalError(ext[i], err);
            s.g2[k] = 2 * fcn.up / (dirin[k] * dirin[k]);
            s.gstep[k] = Math.max(8 * EPS2 * (Math.abs(x[k]) + EPS2), 0.1 * dirin[k]);
            s.g[k] = s.g2[k] * dirin[k];
        }
        // As Minuit2 seeds even with a user gradient: gradient and curvature from 2n+ values, no
        // gradient call; the curvature is what the first step needs, and values cannot give it cheaper.
        // A seed covariance already holds the curvature: one gradient call then suffices.
        boolean g2FromStep = fcn.analytic && (seedCov != null || curvatureFromGradient(fcn));
        if (g2FromStep) {
            s.f = fcn.valueAndGradient(x, s.g);
            requireFinite(fcn, ext, s.f);
        } else {
            s.f = fcn.value(x);
            // before any gradient: differences of an infinite value are NaN steps, not a message
            requireFinite(fcn, ext, s.f);
            numericalGradient(fcn, s.x, s.f, s.g, s.g2, s.gstep, strategy);
        }
        s.v = new double[n][n];
        if (seedCov != null) {
            double[] jac = new double[n];
            for (int k = 0; k < n; k++) {
                jac[k] = fcn.transforms[k].derivative(x[k]);
            }
            for (int a = 0; a < n; a++) {
                for (int b = 0; b < n; b++) {
                    double j2 = jac[a] * jac[b];
                    s.v[a][b] = j2 != 0 ? seedCov[fcn.free[a]][fcn.free[b]] / (2 * fcn.up * j2) : 0;
                }
                if (!(s.v[a][a] > 0)) {
                    s.v[a][a] = dirin[a] * dirin[a] / (2 * fcn.up);
                }
            }
            if (!Linalg.isPositiveDefinite(s.v)) {
                s.v = Linalg.makePositiveDefinite(s.v);
            }
            // Minuit2's seed trusts a user covariance fully (MnSeedGenerator: dcovar 0), so strategy 1
            // runs HESSE at the end only when the metric's updates changed it by more than 5%: a
            // conditional fit warm-started from the free fit's covariance usually needs none.
            s.dcovar = 0;
        } else if (strategy == 2) {
            State h = Hesse.state(fcn, s, strategy, flags, false, fcn.analytic);
            h.dcovar = 0;
            return h;
        } else {
            for (int k = 0; k < n; k++) {
                // With an analytic gradient g2 comes from the step (a guess of the error), never from
                // noisy differences: trust it however small, or wide parameters start with V = 1.
                // Numerically, a small g2 is trusted when its sag stood well above round-off.
                double dfmin = 8 * EPS2 * (Math.abs(s.f) + fcn.up);
                boolean usable = s.g2[k] > 0 && Double.isFinite(1 / s.g2[k])
                        && (g2FromStep || s.g2[k] > EPS2 || s.g2[k] * s.gstep[k] * s.gstep[k] > 4 * dfmin);
                // Unresolved curvature: Minuit's 1, unless the user's step says the parameter is wider.
                s.v[k][k] = usable ? 1 / s.g2[k] : Math.abs(s.g2[k]) > EPS2 ? 1 / Math.abs(s.g2[k])
                        : Math.max(1, dirin[k] * dirin[k] / (2 * fcn.up));
            }
            s.dcovar = 1;
        }
        s.edm = 0.5 * Linalg.quadratic(s.v, s.g);
        return s;
    }

    /**
     * The seed from the objective's exact Hessian at the start (one call): V = H^-1 when H is
     * positive-definite (then trusted as HESSE's: dcovar 0), else the inverse of its
     * positive-definite neighbour (dcovar 1); null (the usual seed) when even that fails.
     */
    private static State exactSeed(InternalFunction fcn, double[] x) {
        int n = fcn.n();
        State s = new State();
        s.x = x;
        s.g = new double[n];
        double[][] hess = new double[n][n];
        s.f = fcn.valueGradientAndHessian(x, s.g, hess);
        requireFinite(fcn, fcn.external(x), s.f);
        boolean pd = newtonState(fcn, s, hess);
        if (!pd) {
            // far from the minimum the matrix may be indefinite: its positive-definite neighbour is
            // still a far better metric than the diagonal guess, though not trusted (dcovar 1)
            double[][] v = modifiedInverse(hess);
            if (v == null) {
                return null;
            }
            s.g2 = new double[n];
            s.gstep = new double[n];
            for (int k = 0; k < n; k++) {
                s.g2[k] = hess[k][k];
                s.gstep[k] = 1e-3 * Math.sqrt(2 * fcn.up * Math.max(v[k][k], 0));
            }
            s.v = v;
            s.dcovar = 1;
            s.edm = 0.5 * Linalg.quadratic(v, s.g);
        }
        return s;
    }

    /**
     * The inverse of an indefinite Hessian's positive-definite neighbour, H + (10^-3 λmax − λmin) I
     * (a Levenberg–Marquardt shift just past the most negative eigenvalue λmin): the Hessian's
     * shape kept, its negative-curvature directions made stiff. Minuit's {@link Linalg#makePositiveDefinite}
     * (its diagonal shifted by 0.001 of the largest correlation eigenvalue after scaling) gave, at the
     * benchmark's start, a first step the line search had to shrink 10^5 times. Null when the matrix
     * has no finite non-zero eigenvalue.
     */
    static double[][] modifiedInverse(double[][] hess) {
        int n = hess.length;
        org.hipparchus.linear.EigenDecompositionSymmetric eig =
                new org.hipparchus.linear.EigenDecompositionSymmetric(new org.hipparchus.linear.Array2DRowRealMatrix(hess));
        double[] ev = eig.getEigenvalues();
        double max = 0;
        double min = Double.POSITIVE_INFINITY;
        for (double e : ev) {
            max = Math.max(max, Math.abs(e));
            min = Math.min(min, e);
        }
        if (!(max > 0) || !Double.isFinite(max)) {
            return null;
        }
        double[][] v = new double[n][n];
        for (int i = 0; i < n; i++) {
            double l = ev[i] - Math.min(min, 0) + 1e-3 * max;
            double[] q = eig.getEigenvector(i).toArray();
            for (int a = 0; a < n; a++) {
                for (int b = 0; b < n; b++) {
                    v[a][b] += q[a] * q[b] / l;
                }
            }
        }
        return v;
    }

    /** Sets s.v = H^-1, g2, gstep, edm and dcovar 0 from the exact Hessian when it is positive-definite; false otherwise. */
    private static boolean newtonState(InternalFunction fcn, State s, double[][] hess) {
        double[][] v = Linalg.inverseSpd(hess);
        if (v == null) {
            return false;
        }
        int n = s.x.length;
        if (s.g2 == null) {
            s.g2 = new double[n];
            s.gstep = new double[n];
            for (int k = 0; k < n; k++) {
                s.gstep[k] = 1e-3 * Math.sqrt(2 * fcn.up * v[k][k]);
            }
        }
        for (int k = 0; k < n; k++) {
            s.g2[k] = hess[k][k];
        }
        s.v = v;
        s.hessian = hess;
        s.fromHesse = true;
        s.dcovar = 0;
        s.edm = 0.5 * Linalg.quadratic(v, s.g);
        return true;
    }

    /**
     * At a stationary point whose Hessian has a negative eigenvalue (a saddle), step one error
     * along that eigenvector, to whichever side is lower, and restart from there with the
     * Hessian made positive-definite as metric. Returns null when neither side is lower.
     */
    private State escapeSaddle(InternalFunction fcn, State s) {
        if (s.hessian == null) {
            return null;
        }
        int n = fcn.n();
        org.hipparchus.linear.EigenDecompositionSymmetric eig =
                new org.hipparchus.linear.EigenDecompositionSymmetric(new org.hipparchus.linear.Array2DRowRealMatrix(s.hessian));
        double[] ev = eig.getEigenvalues();
        int k = 0;
        for (int i = 1; i < n; i++) {
            if (ev[i] < ev[k]) {
                k = i;
            }
        }
        if (!(ev[k] < 0)) {
            return null;
        }
        double[] dir = eig.getEigenvector(k).toArray();
        double len = Math.sqrt(2 * fcn.up / Math.abs(ev[k]));
        double best = s.f;
        double[] bestX = null;
        // Higher-order terms may dominate one error away: shorten the step until a side is lower.
        for (int shrink = 0; shrink < 4 && bestX == null; shrink++, len *= 0.25) {
            for (int sign = -1; sign <= 1; sign += 2) {
                double[] y = s.x.clone();
                for (int i = 0; i < n; i++) {
                    y[i] += sign * len * dir[i];
                }
                double fy = fcn.value(y);
                if (fy < best) {
                    best = fy;
                    bestX = y;
                }
            }
        }
        if (bestX == null) {
            return null;
        }
        State t = new State();
        t.x = bestX;
        t.g = s.g.clone();
        t.g2 = s.g2.clone();
        t.gstep = s.gstep.clone();
        if (fcn.analytic) {
            t.f = fcn.valueAndGradient(t.x, t.g);
        } else {
            t.f = best;
            numericalGradient(fcn, t.x, t.f, t.g, t.g2, t.gstep, strategy);
        }
        t.v = s.v;
        t.dcovar = 1;
        t.edm = 0.5 * Linalg.quadratic(t.v, t.g);
        return t;
    }

    private State iterate(InternalFunction fcn, State s0, double edmval, long maxfcn, Flags flags) {
        int n = fcn.n();
        State s = s0;
        if (s.edm * (1 + 3 * s.dcovar) <= edmval && s.dcovar < 1) {
            return s;
        }
        while (true) {
            if (calls(fcn) >= maxfcn) {
                flags.callLimit = true;
                return s;
            }
            double[] step = Linalg.times(s.v, s.g);
            for (int k = 0; k < n; k++) {
                step[k] = -step[k];
            }
            double gdel = Linalg.dot(step, s.g);
            if (gdel > 0) {
                flags.forcedPosDef = true;
                s.v = Linalg.makePositiveDefinite(s.v);
                step = Linalg.times(s.v, s.g);
                for (int k = 0; k < n; k++) {
                    step[k] = -step[k];
                }
                gdel = Linalg.dot(step, s.g);
                if (gdel > 0) {
                    flags.failed = true;
                    return s;
                }
            }
            long before = calls(fcn);
            double[] ls = LineSearch.search(fcn, s.x, s.f, step, gdel);
            double lambda = ls[0];
            double f1 = ls[1];
            if (TRACE) {
                System.err.printf(java.util.Locale.ROOT, "  [migrad n=%d] f=%.6f edm=%.3g dcovar=%.2f fromHesse=%b lambda=%.4g ls-calls=%d df=%.4g%n",
                        fcn.n(), s.f, s.edm, s.dcovar, s.fromHesse, lambda, calls(fcn) - before, f1 - s.f);
            }
            if (Math.abs(f1 - s.f) <= Math.abs(s.f) * EPS || lambda == 0) {
                flags.noImprovement = true;
                return s;
            }
            State t = new State();
            t.x = new double[n];
            for (int k = 0; k < n; k++) {
                t.x[k] = s.x[k] + lambda * step[k];
            }
            t.g = new double[n];
            t.g2 = s.g2.clone();
            t.gstep = s.gstep.clone();
            // Newton (the exact Hessian at every new point) while the Hessians met were positive-definite;
            // after one that is not, gradient calls and the metric updates (the Hessian costs several gradients)
            // or again once the line search takes about the full step (the quadratic region reached), at most every third iteration
            boolean newton = fcn.hessian && (s.fromHesse && s.hessian != null && !flags.hesseNotPositive
                    || flags.sinceHessian >= 3 && lambda > 0.5 && lambda < 2);
            flags.sinceHessian = newton ? 0 : flags.sinceHessian + 1;
            if (newton) {
                double[][] exact = new double[n][n];
                t.f = fcn.valueGradientAndHessian(t.x, t.g, exact);
                // Newton: the exact inverse Hessian as metric where it is positive-definite
                if (newtonState(fcn, t, exact)) {
                    s = t;
                    // one Newton step more once inside the target (its EDM then falls quadratically, to
                    // well below it): the minimum as close as the variable metric's overshooting steps
                    // put it; a step that cannot improve (round-off) ends the loop with this point
                    if (t.edm <= NEWTON_MARGIN * edmval) {
                        return s;
                    }
                    continue;
                }
                t.hessian = null;
                t.fromHesse = false;
                // indefinite (not yet in the Newton region): the metric restarts from the Hessian's
                // positive-definite neighbour, not trusted (dcovar 1), instead of the rank-two update;
                // the variable metric goes on from there. (Modified Newton at every iteration from this
                // metric took fewer calls but led the 10^6-event benchmark into another, higher minimum.)
                double[][] v = modifiedInverse(exact);
                if (v != null) {
                    t.v = v;
                    t.dcovar = 1;
                    for (int k = 0; k < n; k++) {
                        t.g2[k] = exact[k][k];
                    }
                    t.edm = 0.5 * Linalg.quadratic(v, t.g);
                    s = t;
                    if (t.edm * (1 + 3 * t.dcovar) <= edmval) {
                        return s;
                    }
                    continue;
                }
            } else if (fcn.analytic) {
                t.f = fcn.valueAndGradient(t.x, t.g);
            } else {
                t.f = f1;
                t.g = s.g.clone();
                numericalGradient(fcn, t.x, t.f, t.g, t.g2, t.gstep, strategy);
            }
            double edm = 0.5 * Linalg.quadratic(s.v, t.g);
            if (edm < 0) {
                flags.forcedPosDef = true;
                s.v = Linalg.makePositiveDefinite(s.v);
                edm = 0.5 * Linalg.quadratic(s.v, t.g);
            }
            davidon(s, t);
            t.edm = edm;
            s = t;
            if (edm * (1 + 3 * t.dcovar) <= edmval) {
                return s;
            }
        }
    }

    /** Davidon's rank-two update with the BFGS term; sets t.v and t.dcovar. */
    static void davidon(State s, State t) {
        int n = s.x.length;
        double[] dx = new double[n];
        double[] dg = new double[n];
        for (int k = 0; k < n; k++) {
            dx[k] = t.x[k] - s.x[k];
            dg[k] = t.g[k] - s.g[k];
        }
        double delgam = Linalg.dot(dx, dg);
        double[] vg = Linalg.times(s.v, dg);
        double gvg = Linalg.dot(dg, vg);
        if (delgam == 0 || gvg <= 0) {
            t.v = Linalg.copy(s.v);
            t.dcovar = s.dcovar;
            return;
        }
        double[][] upd = new double[n][n];
        double sumUpd = 0;
        double sumNew = 0;
        // the packed upper triangle, as Minuit2 sums it (the off-diagonal terms once), mirrored
        for (int a = 0; a < n; a++) {
            for (int b = a; b < n; b++) {
                double u = dx[a] * dx[b] / delgam - vg[a] * vg[b] / gvg;
                if (delgam > gvg) {
                    double ua = dx[a] / delgam - vg[a] / gvg;
                    double ub = dx[b] / delgam - vg[b] / gvg;
                    u += gvg * ua * ub;
                }
                double e = 0.5 * (s.v[a][b] + s.v[b][a]) + u;
                upd[a][b] = e;
                upd[b][a] = e;
                sumUpd += Math.abs(u);
                sumNew += Math.abs(e);
            }
        }
        t.v = upd;
        t.dcovar = 0.5 * (s.dcovar + (sumNew > 0 ? sumUpd / sumNew : 1));
    }

    /**
     * Two-point numerical gradient with Minuit's adaptive steps: per parameter, the step balances
     * round-off (dfmin) against curvature g2, refined for up to the strategy's number of cycles.
     * Updates g, g2 and gstep in place.
     */
    static void numericalGradient(InternalFunction fcn, double[] x, double f, double[] g, double[] g2,
                                  double[] gstep, int strategy) {
        int n = x.length;
        double dfmin = 8 * EPS2 * (Math.abs(f) + fcn.up);
        double vrysml = 8 * EPS * EPS;
        int ncycle = GRAD_CYCLES[strategy];
        double[] xx = x.clone();
        for (int i = 0; i < n; i++) {
            double xtf = x[i];
            double epspri = EPS2 + Math.abs(g[i] * EPS2);
            double stepb4 = 0;
            for (int j = 0; j < ncycle; j++) {
                double optstp = Math.sqrt(dfmin / (Math.abs(g2[i]) + epspri));
                double step = Math.max(optstp, Math.abs(0.1 * gstep[i]));
                if (fcn.bounded(i) && step > 0.5) {
                    step = 0.5;
                }
                double stpmax = 10 * Math.abs(gstep[i]);
                if (step > stpmax) {
                    step = stpmax;
                }
                double stpmin = Math.max(vrysml, 8 * Math.abs(EPS2 * xtf));
                if (step < stpmin) {
                    step = stpmin;
                }
                if (Math.abs((step - stepb4) / step) < GRAD_STEP_TOL[strategy]) {
                    break;
                }
                gstep[i] = step;
                stepb4 = step;
                xx[i] = xtf + step;
                double fs1 = fcn.value(xx);
                xx[i] = xtf - step;
                double fs2 = fcn.value(xx);
                xx[i] = xtf;
                double grdb4 = g[i];
                g[i] = 0.5 * (fs1 - fs2) / step;
                g2[i] = (fs1 + fs2 - 2 * f) / step / step;
                if (Math.abs(grdb4 - g[i]) / (Math.abs(g[i]) + dfmin / step) < GRAD_TOL[strategy]) {
                    break;
                }
            }
        }
    }

    /** Options of the minimiser. */
    public static final class Builder {
        private int strategy = 1;
        private double tolerance = 0.1;
        private long maxCalls = 0;
        private boolean useGradient = true;
        private boolean gradientCurvature = false;
        private boolean coarseToFine = Boolean.getBoolean(COARSE_TO_FINE_PROPERTY);

        /**
         * Coarse to fine (default off; {@code -Dratiofit.coarseToFine=true} turns the default on): a fit
         * without a seed covariance whose objective has a {@link Objective#coarse()} copy (the unbinned
         * likelihood of 4 x 10^5 events or more: every k-th event, weight k) first minimises that copy,
         * then finishes on the objective from there; the result is the objective's minimum by every
         * criterion of a direct fit (EDM, status, covariance), only its start differs. Fits with a seed
         * covariance (conditional fits of scans, limits and MINOS) start near their minimum and go direct.
         */
        public Builder coarseToFine(boolean c) {
            this.coarseToFine = c;
            return this;
        }

        /** 0 (fewest calls), 1 (default), 2 (most careful: Hessian at start and end). */
        public Builder strategy(int s) {
            if (s < 0 || s > 2) {
                throw new IllegalArgumentException("strategy must be 0, 1 or 2, got " + s);
            }
            this.strategy = s;
            return this;
        }

        /** EDM target is 0.002 * tolerance * errorDef; default 0.1 as in iminuit. */
        public Builder tolerance(double t) {
            if (!(t > 0) || Double.isInfinite(t)) {
                throw new IllegalArgumentException("tolerance must be positive, got " + t);
            }
            this.tolerance = t;
            return this;
        }

        /** Call limit (value plus gradient calls); 0 means Minuit's 200 + 100 n + 5 n^2. */
        public Builder maxCalls(long m) {
            if (m < 0) {
                throw new IllegalArgumentException("call limit must not be negative, got " + m);
            }
            this.maxCalls = m;
            return this;
        }

        /** Whether to use the objective's analytic gradient when it has one (default true). */
        public Builder useGradient(boolean g) {
            this.useGradient = g;
            return this;
        }

        /**
         * With an analytic gradient, take the seed's and MIGRAD's closing HESSE's second derivatives
         * from differences of gradients (1 + n gradient calls) instead of Minuit's values-only
         * differences (about 2n at the seed, 2n to 4n plus n(n-1)/2 at the end). Default false, as
         * Minuit2 does: no more value and gradient calls than iminuit. Worth switching on where a
         * gradient costs about a value (the unbinned likelihood computes both in one pass) and there
         * are many parameters. Strategy 2 always uses the gradient for its Hessians.
         */
        public Builder gradientCurvature(boolean g) {
            this.gradientCurvature = g;
            return this;
        }

        public Migrad build() {
            return new Migrad(this);
        }
    }
}
