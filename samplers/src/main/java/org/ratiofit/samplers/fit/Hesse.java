package org.ratiofit.samplers.fit;

import java.util.List;

import org.ratiofit.objective.Objective;
import org.ratiofit.objective.ParameterSpec;

/**
 * HESSE: the covariance from the full matrix of second derivatives at a minimum, computed in
 * internal coordinates and carried to external ones through the bound transforms' Jacobian.
 * With an analytic gradient the Hessian is the central difference of gradients (2n gradient
 * calls); otherwise diagonal terms use Minuit's iterated step search and off-diagonal terms a
 * four-point central formula. When the objective gives its exact Hessian ({@code Objective#hasHessian}),
 * that matrix is used (one call), carried into internal coordinates exactly.
 */
public final class Hesse {

    private static final int[] HESS_CYCLES = {3, 5, 7};
    private static final double[] HESS_STEP_TOL = {0.5, 0.3, 0.1};
    private static final double[] HESS_G2_TOL = {0.1, 0.05, 0.02};

    private Hesse() {
    }

    /** Recomputes the covariance of {@code at} (a previous minimum of the same objective). */
    public static FitResult compute(Objective objective, FitResult at) {
        return compute(objective, at, 1, true);
    }

    public static FitResult compute(Objective objective, FitResult at, int strategy, boolean useGradient) {
        List<ParameterSpec> specs = at.parameters();
        InternalFunction fcn = new InternalFunction(objective, specs, useGradient);
        int n = fcn.n();
        double edmval = 0.002 * 0.1 * fcn.up;
        Migrad.Flags flags = new Migrad.Flags();
        Migrad.State s = new Migrad.State();
        s.x = fcn.internal(at.values());
        s.g = new double[n];
        s.g2 = new double[n];
        s.gstep = new double[n];
        double[] ext = fcn.external(s.x);
        for (int k = 0; k < n; k++) {
            double err = at.errors()[fcn.free[k]] > 0 ? at.errors()[fcn.free[k]] : specs.get(fcn.free[k]).step();
            double d = fcn.transforms[k].internalError(ext[fcn.free[k]], err);
            s.g2[k] = 2 * fcn.up / (d * d);
            s.gstep[k] = 0.1 * d;
        }
        // with the exact Hessian, state() takes value and gradient from its one call
        s.f = fcn.hessian ? 0 : fcn.analytic ? fcn.valueAndGradient(s.x, s.g) : fcn.value(s.x);
        Migrad.State h = state(fcn, s, strategy, flags, true, fcn.analytic);
        FitResult r = Migrad.result(fcn, h, edmval, flags, true);
        return r;
    }

    /**
     * A new state at s.x with gradient, V = inverse Hessian and EDM from second derivatives.
     * {@code accurate}: central differences throughout (what a user's HESSE gets); otherwise the
     * cheaper forward differences that MIGRAD's own checks need.
     */
    static Migrad.State state(InternalFunction fcn, Migrad.State s, int strategy, Migrad.Flags flags, boolean accurate,
                              boolean fromGradient) {
        int n = fcn.n();
        Migrad.State h = new Migrad.State();
        h.x = s.x.clone();
        h.f = s.f;
        h.g = s.g.clone();
        h.g2 = s.g2.clone();
        h.gstep = s.gstep.clone();
        double[][] hess;
        if (fcn.hessian) {
            // the exact matrix: one call instead of 2n gradients or ~n^2 values
            hess = new double[n][n];
            h.f = fcn.valueGradientAndHessian(h.x, h.g, hess);
            for (int i = 0; i < n; i++) {
                h.g2[i] = hess[i][i];
            }
        } else if (fromGradient) {
            hess = analytic(fcn, h, s.v, accurate);
        } else {
            hess = numerical(fcn, h, strategy, accurate);
            if (fcn.analytic) {
                // Keep the exact gradient for the EDM; the differences only gave curvature.
                h.g = s.g.clone();
            }
        }
        h.hessian = hess;
        double[][] v = Linalg.inverseSpd(hess);
        flags.hesseNotPositive = v == null;
        if (v == null) {
            flags.forcedPosDef = true;
            v = Linalg.inverseSpd(Linalg.makePositiveDefinite(hess));
            if (v == null) {
                flags.failed = true;
                v = s.v != null ? Linalg.copy(s.v) : identity(n);
            }
        }
        h.v = v;
        h.edm = 0.5 * Linalg.quadratic(v, h.g);
        h.dcovar = 0;
        h.fromHesse = true;
        return h;
    }

    private static double[][] identity(int n) {
        double[][] m = new double[n][n];
        for (int i = 0; i < n; i++) {
            m[i][i] = 1;
        }
        return m;
    }

    private static double[][] analytic(InternalFunction fcn, Migrad.State h, double[][] v, boolean central) {
        int n = fcn.n();
        double[][] hess = new double[n][n];
        double[] xx = h.x.clone();
        double[] gp = new double[n];
        double[] gm = new double[n];
        for (int i = 0; i < n; i++) {
            double sigma = v != null && v[i][i] > 0 ? Math.sqrt(2 * fcn.up * v[i][i])
                    : Math.sqrt(2 * fcn.up / Math.max(Math.abs(h.g2[i]), Migrad.EPS2));
            double d = Math.max(1e-3 * sigma, 1e-9 * (1 + Math.abs(xx[i])));
            if (fcn.bounded(i)) {
                d = Math.min(d, 0.01);
            }
            xx[i] = h.x[i] + d;
            fcn.valueAndGradient(xx, gp);
            if (central) {
                xx[i] = h.x[i] - d;
                fcn.valueAndGradient(xx, gm);
            } else {
                System.arraycopy(h.g, 0, gm, 0, n);
            }
            xx[i] = h.x[i];
            double span = central ? 2 * d : d;
            for (int j = 0; j < n; j++) {
                hess[i][j] = (gp[j] - gm[j]) / span;
            }
            h.g2[i] = hess[i][i];
            h.gstep[i] = d;
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                double m = 0.5 * (hess[i][j] + hess[j][i]);
                hess[i][j] = m;
                hess[j][i] = m;
            }
        }
        return hess;
    }

    private static double[][] numerical(InternalFunction fcn, Migrad.State h, int strategy, boolean central) {
        int n = fcn.n();
        double amin = h.f;
        double aimsag = Math.sqrt(Migrad.EPS2) * (Math.abs(amin) + fcn.up);
        double[][] hess = new double[n][n];
        double[] dirin = new double[n];
        double[] fplus = new double[n];
        double[] xx = h.x.clone();
        for (int i = 0; i < n; i++) {
            double xtf = h.x[i];
            double dmin = 8 * Migrad.EPS2 * (Math.abs(xtf) + Migrad.EPS2);
            // Start from the gradient's last step, as Minuit does: usually close to the final one.
            double d = Math.max(Math.abs(h.gstep[i]), dmin);
            if (fcn.bounded(i)) {
                d = Math.min(d, 0.5);
            }
            for (int cycle = 0; cycle < HESS_CYCLES[strategy]; cycle++) {
                double sag = 0;
                double fs1 = 0;
                double fs2 = 0;
                for (int mult = 0; mult < 5; mult++) {
                    xx[i] = xtf + d;
                    fs1 = fcn.value(xx);
                    xx[i] = xtf - d;
                    fs2 = fcn.value(xx);
                    xx[i] = xtf;
                    sag = 0.5 * (fs1 + fs2 - 2 * amin);
                    if (sag > Migrad.EPS2 * (Math.abs(amin) + fcn.up) * 1e-6 || d >= 0.5 && fcn.bounded(i)) {
                        break;
                    }
                    d *= 10;
                    if (fcn.bounded(i)) {
                        d = Math.min(d, 0.51);
                    }
                }
                double g2b4 = h.g2[i];
                h.g2[i] = 2 * sag / (d * d);
                h.g[i] = (fs1 - fs2) / (2 * d);
                h.gstep[i] = d;
                dirin[i] = d;
                fplus[i] = fs1;
                double dlast = d;
                d = Math.sqrt(2 * aimsag / Math.max(Math.abs(h.g2[i]), 1e-300));
                if (fcn.bounded(i)) {
                    d = Math.min(0.5, d);
                }
                d = Math.max(d, dmin);
                if (Math.abs((d - dlast) / d) < HESS_STEP_TOL[strategy]) {
                    break;
                }
                if (Math.abs((h.g2[i] - g2b4) / h.g2[i]) < HESS_G2_TOL[strategy]) {
                    break;
                }
                d = Math.min(d, 10 * dlast);
                d = Math.max(d, 0.1 * dlast);
            }
            hess[i][i] = h.g2[i];
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                double di = dirin[i];
                double dj = dirin[j];
                xx[i] = h.x[i] + di;
                xx[j] = h.x[j] + dj;
                double fpp = fcn.value(xx);
                if (!central) {
                    // Minuit's forward formula: one call per pair.
                    xx[i] = h.x[i];
                    xx[j] = h.x[j];
                    double hij = (fpp + amin - fplus[i] - fplus[j]) / (di * dj);
                    hess[i][j] = hij;
                    hess[j][i] = hij;
                    continue;
                }
                xx[j] = h.x[j] - dj;
                double fpm = fcn.value(xx);
                xx[i] = h.x[i] - di;
                double fmm = fcn.value(xx);
                xx[j] = h.x[j] + dj;
                double fmp = fcn.value(xx);
                xx[i] = h.x[i];
                xx[j] = h.x[j];
                double hij = (fpp + fmm - fpm - fmp) / (4 * di * dj);
                hess[i][j] = hij;
                hess[j][i] = hij;
            }
        }
        return hess;
    }
}
