package org.ratiofit.samplers.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.hipparchus.analysis.solvers.BrentSolver;
import org.hipparchus.optim.MaxEval;
import org.hipparchus.optim.nonlinear.scalar.GoalType;
import org.hipparchus.optim.univariate.BrentOptimizer;
import org.hipparchus.optim.univariate.SearchInterval;
import org.hipparchus.optim.univariate.UnivariateObjectiveFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Gaussian-on-exponential extended unbinned fit against an independent computation on the
 * exact likelihood: nb profiled by a root of d(-lnL)/d nb = 0, lambda by a 1-D Brent minimisation,
 * mu-hat and the MINOS crossings by Brent roots on the profile, HESSE from the exact Hessian.
 */
class GaussExpFitTest {

    static GaussExpModel model;
    static double muHat;
    static double profileMin;

    @BeforeAll
    static void setUp() {
        model = new GaussExpModel(GaussExpModel.generate(20260123L, 60, 1000, 0.03), true);
        // mu-hat: the profile's derivative (= partial derivative at the profiled point) vanishes.
        BrentSolver solver = new BrentSolver(1e-13, 1e-13, 1e-15);
        muHat = solver.solve(200, mu -> {
            double[] p = profiled(mu);
            double[] g = new double[3];
            model.valueAndGradient(p, g);
            return g[0];
        }, 0.2, 3);
        profileMin = model.value(profiled(muHat));
    }

    /** (mu, nb-hat-hat, lambda-hat-hat) from nested one-dimensional profiling. */
    static double[] profiled(double mu) {
        BrentOptimizer opt = new BrentOptimizer(1e-14, 1e-16);
        double lam = opt.optimize(new MaxEval(500), GoalType.MINIMIZE, new SearchInterval(0.005, 0.1),
                new UnivariateObjectiveFunction(l -> model.value(new double[] {mu, nbHat(mu, l), l}))).getPoint();
        return new double[] {mu, nbHat(mu, lam), lam};
    }

    static double nbHat(double mu, double lam) {
        BrentSolver solver = new BrentSolver(1e-12, 1e-14, 1e-15);
        return solver.solve(200, nb -> {
            double[] g = new double[3];
            model.valueAndGradient(new double[] {mu, nb, lam}, g);
            return g[1];
        }, 300, 3000);
    }

    static double profile(double mu) {
        return model.value(profiled(mu)) - profileMin;
    }

    @Test
    void fitHesseAndMinosAgreeWithTheExactLikelihood() {
        FitResult fit = Migrad.builder().tolerance(0.001).build().minimise(model);
        assertTrue(fit.status().validMinimum(), fit::table);
        FitResult hesse = Hesse.compute(model, fit);
        double[][] h = model.hessian(profiled(muHat));
        double[][] cov = Linalg.inverseSpd(h);
        double hesseErr = Math.sqrt(cov[0][0]);
        double muErr = hesse.errors()[0];
        assertEquals(muHat, fit.values()[0], 1e-4 * hesseErr, fit::table);
        assertEquals(hesseErr, muErr, 1e-4 * hesseErr, hesse::table);
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                assertEquals(cov[i][j], hesse.covariance()[i][j], 1e-3 * Math.sqrt(cov[i][i] * cov[j][j]), hesse::table);
            }
        }

        BrentSolver solver = new BrentSolver(1e-13, 1e-13, 1e-15);
        double up = solver.solve(200, mu -> profile(mu) - 0.5, muHat + 0.2 * hesseErr, muHat + 3 * hesseErr);
        double lo = solver.solve(200, mu -> profile(mu) - 0.5, muHat - 3 * hesseErr, muHat - 0.2 * hesseErr);
        MinosError me = Minos.defaults().error(model, hesse, "mu", ConfidenceLevel.sigma(1));
        assertTrue(me.valid(), me::toString);
        assertEquals(up - muHat, me.upper(), 1e-4 * (up - muHat), me::toString);
        assertEquals(lo - muHat, me.lower(), 1e-4 * (muHat - lo), me::toString);
        // The asymmetry is real here (a small signal): MINOS differs from HESSE at the per-cent level.
        assertTrue(Math.abs(me.upper() - hesseErr) > 1e-3 * hesseErr, me::toString);

        // Same fit without the gradient: same minimum within the EDM's reach.
        GaussExpModel noGrad = new GaussExpModel(model.x, false);
        FitResult fitN = Migrad.defaults().minimise(noGrad);
        assertTrue(fitN.status().validMinimum(), fitN::table);
        assertEquals(muHat, fitN.values()[0], 3e-2 * hesseErr, fitN::table);
    }
}
