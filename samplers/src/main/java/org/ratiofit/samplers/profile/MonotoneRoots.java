package org.ratiofit.samplers.profile;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.DoubleUnaryOperator;

/**
 * Where an increasing function y(μ) that is expensive to evaluate (each value one or two
 * conditional fits) crosses one or several targets, every evaluated point kept and reused by all
 * targets. The limits' functions are close to linear in μ (√q_A ≈ μ/σ_A; the normal quantile of
 * CLs likewise), so a secant step through the two points nearest the target, started from the
 * asymptotic estimate with its slope, lands within the tolerance in two or three evaluations.
 *
 * <p>Each step is safeguarded: inside a bracket (a point below and one at or above the target)
 * a step that leaves it is replaced by bisection; without one, extrapolation at most doubles (or
 * halves) the range of evaluated μ. The answer is a μ whose secant step from an evaluated point
 * is shorter than the tolerance max(relTol |μ|, absTol), or the middle of a bracket narrower than
 * twice it. A function seen to cross the target downwards (a point at or above it left of one
 * below it: several crossings), a NaN, or a search that takes too many evaluations throws
 * {@link NotConverged}: the caller then falls back to a bracketing solver. Decreases that do not
 * cross the target are not checked: far below it (μ near 0, q of the order of the fits'
 * precision) the statistic's noise is no sign of a second crossing.
 */
final class MonotoneRoots {

    /** The fast path gave up: the caller should use a bracketing solver. */
    static final class NotConverged extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotConverged(String why) {
            super(why, null, false, false);
        }
    }

    /** Evaluations per target before giving up. */
    static final int MAX_EVALUATIONS = 30;

    /** -Dratiofit.limit.trace=true: every evaluation and every fallback on standard error. */
    static final boolean TRACE = Boolean.getBoolean("ratiofit.limit.trace");

    private final DoubleUnaryOperator f;
    private final double lo;
    private final double hi;
    private final double relTol;
    private final double absTol;
    private final TreeMap<Double, Double> points = new TreeMap<>();
    private int evaluations;

    /**
     * @param f      the increasing function (may be −∞ or +∞ where the statistic saturates)
     * @param lo     the smallest μ searched: a target that f(lo) already reaches gives lo
     * @param hi     the largest μ allowed (the upper bound of the parameter of interest)
     * @param relTol relative tolerance on the root
     * @param absTol absolute tolerance on the root (for roots near zero)
     */
    MonotoneRoots(DoubleUnaryOperator f, double lo, double hi, double relTol, double absTol) {
        if (!(lo > 0 && hi > lo)) {
            throw new IllegalArgumentException("search interval must satisfy 0 < lo < hi, got [" + lo + ", " + hi + "]");
        }
        this.f = f;
        this.lo = lo;
        this.hi = hi;
        this.relTol = relTol;
        this.absTol = absTol;
    }

    /** The number of evaluations of f so far (points known beforehand not counted). */
    int evaluations() {
        return evaluations;
    }

    /** A value of f known beforehand (e.g. computed by another search sharing the same fits). */
    void know(double mu, double y) {
        if (mu >= lo && mu <= hi && !Double.isNaN(y)) {
            points.put(mu, y);
        }
    }

    /** f at mu, evaluated once. */
    double value(double mu) {
        Double y = points.get(mu);
        if (y == null) {
            evaluations++;
            y = f.applyAsDouble(mu);
            if (TRACE) {
                System.err.println("MonotoneRoots: f(" + mu + ") = " + y);
            }
            if (Double.isNaN(y)) {
                throw new NotConverged("the function is NaN at mu = " + mu);
            }
            points.put(mu, y);
        }
        return y;
    }

    private double tol(double mu) {
        return Math.max(relTol * Math.abs(mu), absTol);
    }

    /**
     * The μ in [lo, hi] where f reaches {@code target}: lo when f(lo) already reaches it.
     *
     * @param guess      where to start when no point is known yet (the asymptotic estimate)
     * @param priorSlope f's slope to assume where only one point is known (NaN: none)
     * @throws IllegalStateException when f stays below the target up to hi
     * @throws NotConverged          when the fast path gives up
     */
    double solve(double target, double guess, double priorSlope) {
        int budget = evaluations + MAX_EVALUATIONS;
        if (points.isEmpty()) {
            value(clamp(Double.isFinite(guess) ? guess : Double.isFinite(hi) ? 0.5 * (lo + hi) : Math.max(1, 2 * lo)));
        }
        while (true) {
            if (evaluations > budget) {
                throw new NotConverged("no convergence in " + MAX_EVALUATIONS + " evaluations for target " + target);
            }
            // the tightest bracket among the known points
            double a = Double.NaN; // largest mu below the target
            double b = Double.NaN; // smallest mu at or above it
            for (Map.Entry<Double, Double> e : points.entrySet()) {
                if (e.getValue() < target) {
                    a = e.getKey();
                } else if (Double.isNaN(b)) {
                    b = e.getKey();
                }
            }
            if (!Double.isNaN(a) && !Double.isNaN(b) && b < a) {
                // a point at or above the target left of one below it: more than one crossing, or noise larger than the steps
                throw new NotConverged("not increasing through " + target + ": f(" + b + ") = " + points.get(b) + " >= target > f("
                        + a + ") = " + points.get(a));
            }
            if (!Double.isNaN(b) && b == lo) {
                return lo;
            }
            if (!Double.isNaN(a) && a == hi) {
                throw new IllegalStateException("CLs stays above the target up to mu = " + hi
                        + ": raise the upper bound of the parameter of interest");
            }
            if (!Double.isNaN(a) && !Double.isNaN(b) && b - a <= 2 * tol(0.5 * (a + b))) {
                return 0.5 * (a + b);
            }
            // the secant through the finite point nearest the target and a second one at least 10 tolerances away
            double[] p1 = null;
            double[] p2 = null;
            List<double[]> finite = new ArrayList<>();
            for (Map.Entry<Double, Double> e : points.entrySet()) {
                if (Double.isFinite(e.getValue())) {
                    finite.add(new double[] {e.getKey(), e.getValue()});
                }
            }
            for (double[] p : finite) {
                if (p1 == null || Math.abs(p[1] - target) < Math.abs(p1[1] - target)) {
                    p1 = p;
                }
            }
            if (p1 != null) {
                boolean p1Below = p1[1] < target;
                for (double[] p : finite) {
                    if (p == p1 || Math.abs(p[0] - p1[0]) < 10 * tol(p1[0]) || p[1] == p1[1]) {
                        continue;
                    }
                    // prefer a partner on the other side of the target, then the nearest to it
                    boolean across = (p[1] < target) != p1Below;
                    boolean pAcross = p2 != null && (p2[1] < target) != p1Below;
                    if (p2 == null || across && !pAcross
                            || across == pAcross && Math.abs(p[1] - target) < Math.abs(p2[1] - target)) {
                        p2 = p;
                    }
                }
            }
            double slope = Double.NaN;
            if (p2 != null) {
                slope = (p2[1] - p1[1]) / (p2[0] - p1[0]);
            }
            boolean measured = slope > 0 && Double.isFinite(slope);
            if (!measured) {
                slope = priorSlope;
            }
            double x;
            boolean interpolated = p1 != null && slope > 0 && Double.isFinite(slope);
            if (interpolated) {
                x = p1[0] + (target - p1[1]) / slope;
                boolean converged = Math.abs(x - p1[0]) <= tol(x) || measured && Math.abs(x - p2[0]) <= tol(x);
                if (converged && !measured) {
                    // the assumed slope says p1 is the root: measure the slope with a point 20 tolerances across the estimate
                    double probe = clamp(x + (p1[1] < target ? 20 : -20) * tol(x));
                    if (!points.containsKey(probe)) {
                        value(probe);
                        continue;
                    }
                    converged = false;
                }
                if (!converged && measured) {
                    // the parabola through the three points nearest the secant's estimate, where it corrects that estimate a little
                    double[][] nodes = nearest3(finite, x);
                    if (nodes != null) {
                        double xq = parabolaRoot(nodes, target, x);
                        if (Double.isFinite(xq) && Math.abs(xq - x) <= 0.5 * Math.abs(x - p1[0])) {
                            x = xq;
                            for (double[] n : nodes) {
                                converged |= Math.abs(x - n[0]) <= tol(x);
                            }
                        }
                    }
                }
                // converged: the step from an evaluated point of the interpolating line (or parabola) is shorter than the tolerance
                if (converged) {
                    if (!Double.isNaN(a)) {
                        x = Math.max(x, a);
                    }
                    if (!Double.isNaN(b)) {
                        x = Math.min(x, b);
                    }
                    return clamp(x);
                }
            } else {
                x = Double.NaN;
            }
            double minMu = points.firstKey();
            double maxMu = points.lastKey();
            if (!Double.isNaN(a) && !Double.isNaN(b)) {
                if (!(x > a && x < b)) {
                    x = 0.5 * (a + b);
                } else {
                    // keep clear of the bracket's ends so that a step cannot stall next to one
                    double margin = 0.5 * tol(x);
                    x = Math.min(Math.max(x, a + margin), b - margin);
                }
            } else if (Double.isNaN(b)) {
                // every point below the target: go up, at most doubling
                double cap = Math.max(2 * maxMu, maxMu + 10 * tol(maxMu));
                x = !(x > maxMu) ? cap : Math.min(x, cap);
            } else {
                // every point at or above the target: go down, at most halving
                double floor = 0.5 * minMu;
                x = !(x < minMu) ? floor : Math.max(x, floor);
            }
            x = clamp(x);
            if (points.containsKey(x)) {
                // nothing new to learn: the bracket's end at lo or hi decides on the next pass, else give up
                if (x != lo && x != hi) {
                    throw new NotConverged("the step returns to mu = " + x);
                }
            }
            value(x);
            if (x == lo && points.get(lo) >= target) {
                return lo;
            }
        }
    }

    /** The three points nearest {@code x} in mu, at least 10 tolerances apart; null when there are not three such. */
    private double[][] nearest3(List<double[]> finite, double x) {
        List<double[]> sorted = new ArrayList<>(finite);
        sorted.sort((u, v) -> Double.compare(Math.abs(u[0] - x), Math.abs(v[0] - x)));
        List<double[]> nodes = new ArrayList<>(3);
        for (double[] q : sorted) {
            boolean apart = true;
            for (double[] n : nodes) {
                apart &= Math.abs(q[0] - n[0]) >= 10 * tol(n[0]) && q[1] != n[1];
            }
            if (apart) {
                nodes.add(q);
                if (nodes.size() == 3) {
                    return nodes.toArray(new double[3][]);
                }
            }
        }
        return null;
    }

    /**
     * The root of y = target on the parabola through {@code nodes} (Newton's divided differences),
     * by Newton's method from {@code x}; NaN where the parabola is not increasing on the way.
     */
    static double parabolaRoot(double[][] nodes, double target, double x) {
        double x0 = nodes[0][0];
        double x1 = nodes[1][0];
        double x2 = nodes[2][0];
        double d01 = (nodes[1][1] - nodes[0][1]) / (x1 - x0);
        double d12 = (nodes[2][1] - nodes[1][1]) / (x2 - x1);
        double d012 = (d12 - d01) / (x2 - x0);
        for (int i = 0; i < 8; i++) {
            double y = nodes[0][1] + d01 * (x - x0) + d012 * (x - x0) * (x - x1);
            double dy = d01 + d012 * (2 * x - x0 - x1);
            if (!(dy > 0)) {
                return Double.NaN;
            }
            double step = (target - y) / dy;
            x += step;
            if (Math.abs(step) <= 1e-15 * Math.max(1, Math.abs(x))) {
                break;
            }
        }
        return x;
    }

    private double clamp(double x) {
        return Math.min(Math.max(x, lo), hi);
    }
}
