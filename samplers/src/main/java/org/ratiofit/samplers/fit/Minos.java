package org.ratiofit.samplers.fit;

import java.util.ArrayList;
import java.util.List;

import org.ratiofit.objective.Objective;
import org.ratiofit.objective.ParameterSpec;

/**
 * MINOS: asymmetric errors by profiling. For each direction the parameter is fixed at trial
 * values and the others refitted (warm-started, seeded with the minimum's covariance) until the
 * profiled cost crosses the minimum plus errorDef * deltaChi2. The search runs a secant on
 * sqrt(rise / errorDef), which is linear in the parameter for a quadratic cost, so a quadratic
 * needs one conditional fit per side. As Minuit's MnMinos does, each conditional fit starts from the
 * other parameters moved along the covariance (theta_i + C_ix / C_xx * dx, exact for a quadratic)
 * and is seeded with the conditional covariance C_ij - C_ix C_xj / C_xx, so that it starts at (or
 * next to) its minimum with the right metric; conditional fits asked for at strategy 1 run at
 * strategy 0, since only their minimum is used.
 */
public final class Minos {

    private final Migrad migrad;
    private final double crossingTolerance;
    private final long maxCalls;

    /**
     * @param migrad            minimiser for the conditional fits
     * @param crossingTolerance accepted |rise - target| in units of errorDef
     * @param maxCalls          call limit per side (0: 20 times MIGRAD's default)
     */
    public Minos(Migrad migrad, double crossingTolerance, long maxCalls) {
        if (!(crossingTolerance > 0)) {
            throw new IllegalArgumentException("crossing tolerance must be positive, got " + crossingTolerance);
        }
        // The conditional fits need their minimum, not their covariance: strategy 1's closing HESSE
        // (2n gradient calls per fit) is skipped; strategy 2, asked for explicitly, keeps its own.
        this.migrad = migrad.strategy() == 1 ? migrad.toBuilder().strategy(0).build() : migrad;
        this.crossingTolerance = crossingTolerance;
        this.maxCalls = maxCalls;
    }

    /** Conditional fits with strategy 1 and tolerance 0.01, crossings to 1e-4 errorDef. */
    public static Minos defaults() {
        return new Minos(Migrad.builder().tolerance(0.01).build(), 1e-4, 0);
    }

    public MinosError error(Objective objective, FitResult minimum, String parameter, ConfidenceLevel cl) {
        int index = minimum.indexOf(parameter);
        if (minimum.fixed()[index]) {
            throw new IllegalArgumentException("parameter '" + parameter + "' is fixed: it has no MINOS error");
        }
        double delta = cl.deltaChi2(1) * minimum.errorDef();
        Side lo = side(objective, minimum, index, -1, delta);
        Side hi = side(objective, minimum, index, +1, delta);
        return new MinosError(parameter, minimum.values()[index], -lo.distance, hi.distance, cl.probability(), delta,
                lo.valid, hi.valid, lo.atLimit, hi.atLimit, lo.callLimit || hi.callLimit,
                lo.newMinimum || hi.newMinimum, lo.calls + hi.calls);
    }

    /** MINOS errors of every free parameter. */
    public List<MinosError> errors(Objective objective, FitResult minimum, ConfidenceLevel cl) {
        List<MinosError> out = new ArrayList<>();
        for (int i = 0; i < minimum.names().size(); i++) {
            if (!minimum.fixed()[i]) {
                out.add(error(objective, minimum, minimum.names().get(i), cl));
            }
        }
        return out;
    }

    private static final class Side {
        double distance;
        boolean valid;
        boolean atLimit;
        boolean callLimit;
        boolean newMinimum;
        long calls;
    }

    private Side side(Objective objective, FitResult minimum, int index, int dir, double delta) {
        Side out = new Side();
        ParameterSpec spec = minimum.parameters().get(index);
        double x0 = minimum.values()[index];
        double fmin = minimum.minimumValue();
        double up = minimum.errorDef();
        double zTarget = Math.sqrt(delta / up);
        double sigma = minimum.errors()[index] > 0 ? minimum.errors()[index] : spec.step();
        double bound = dir > 0 ? spec.upper() : spec.lower();
        double room = Math.abs(bound - x0);
        long limit = maxCalls > 0 ? maxCalls : 20 * (200 + 100L * minimum.names().size() + 5L * minimum.names().size() * minimum.names().size());
        double[] start = minimum.values().clone();
        double tStart = 0;   // the distance from the minimum at which {@code start} is a conditional minimum
        double[][] cov = minimum.covariance();
        double cxx = cov[index][index];
        int dim = start.length;
        double[] slope = new double[dim];
        double[][] conditional = new double[dim][dim];
        for (int i = 0; i < dim; i++) {
            slope[i] = i != index && cxx > 0 ? cov[i][index] / cxx : 0;
            for (int j = 0; j < dim; j++) {
                conditional[i][j] = i == index || j == index ? 0 : cov[i][j] - (cxx > 0 ? cov[i][index] * cov[index][j] / cxx : 0);
            }
        }
        // Points (t, z): distance from the minimum and sqrt(rise / errorDef); the minimum is (0, 0).
        double tPrev = 0;
        double zPrev = 0;
        double t = Math.min(zTarget * sigma, room);
        boolean triedBound = false;
        for (int iter = 0; iter < 30; iter++) {
            double v = x0 + dir * t;
            List<ParameterSpec> specs = new ArrayList<>(minimum.parameters());
            for (int i = 0; i < specs.size(); i++) {
                ParameterSpec s = specs.get(i);
                double moved = start[i] + slope[i] * dir * (t - tStart);
                double init = Math.min(Math.max(Double.isFinite(moved) ? moved : start[i], s.lower()), s.upper());
                specs.set(i, new ParameterSpec(s.name(), i == index ? v : init, s.step(), s.lower(), s.upper(),
                        s.fixed() || i == index));
            }
            FitResult cond = migrad.minimise(objective, specs, conditional);
            out.calls += cond.functionCalls() + cond.gradientCalls();
            double rise = cond.minimumValue() - fmin;
            if (rise < -crossingTolerance * up) {
                out.newMinimum = true;
            }
            boolean ok = cond.status().validMinimum();
            double z = Math.sqrt(Math.max(rise, 0) / up);
            if (Math.abs(rise - delta) <= crossingTolerance * up) {
                out.distance = t;
                out.valid = ok && !out.newMinimum;
                return out;
            }
            if (out.calls >= limit) {
                out.callLimit = true;
                out.distance = t;
                return out;
            }
            start = cond.values();
            tStart = t;
            if (z < zTarget && t >= room) {
                // The cost never rises enough before the bound.
                out.atLimit = true;
                out.valid = ok;
                out.distance = room;
                return out;
            }
            double tNext;
            if (z != zPrev) {
                tNext = t + (zTarget - z) * (t - tPrev) / (z - zPrev);
            } else {
                tNext = 2 * t;
            }
            if (!(tNext > 0) || Double.isNaN(tNext)) {
                tNext = z < zTarget ? 2 * t : 0.5 * t;
            }
            // Keep the secant from running away: at most a factor 4 per step.
            tNext = Math.min(Math.max(tNext, 0.25 * t), 4 * t);
            if (tNext >= room) {
                if (triedBound) {
                    tNext = 0.5 * (t + room);
                }
                tNext = Math.min(tNext, room);
                triedBound = tNext == room;
            }
            tPrev = t;
            zPrev = z;
            t = tNext;
        }
        out.distance = t;
        out.valid = false;
        return out;
    }
}
