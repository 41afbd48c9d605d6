package org.ratiofit.workspace.score;

import java.util.function.DoubleUnaryOperator;

/** Golden-section minimum and Δ(−ln L) = 0.5 crossings of a one-dimensional function, for the tests. */
final class Minimise1D {

    private Minimise1D() {}

    /** The minimiser of f on [a, b] (unimodal), to tol. */
    static double argmin(DoubleUnaryOperator f, double a, double b, double tol) {
        double g = (Math.sqrt(5) - 1) / 2;
        double c = b - g * (b - a), d = a + g * (b - a);
        double fc = f.applyAsDouble(c), fd = f.applyAsDouble(d);
        while (b - a > tol) {
            if (fc < fd) {
                b = d;
                d = c;
                fd = fc;
                c = b - g * (b - a);
                fc = f.applyAsDouble(c);
            } else {
                a = c;
                c = d;
                fc = fd;
                d = a + g * (b - a);
                fd = f.applyAsDouble(d);
            }
        }
        return 0.5 * (a + b);
    }

    /** The point between inside (f − level < 0) and outside (> 0) where f = level, by bisection. */
    static double crossing(DoubleUnaryOperator f, double level, double inside, double outside, double tol) {
        if (!(f.applyAsDouble(outside) > level)) throw new IllegalStateException("no crossing before " + outside);
        while (Math.abs(outside - inside) > tol) {
            double m = 0.5 * (inside + outside);
            if (f.applyAsDouble(m) > level) outside = m;
            else inside = m;
        }
        return 0.5 * (inside + outside);
    }

    /** {lower end, minimum, upper end} of the Δ = 0.5 interval on [a, b]. */
    static double[] interval(DoubleUnaryOperator f, double a, double b) {
        double m = argmin(f, a, b, 1e-7);
        double level = f.applyAsDouble(m) + 0.5;
        return new double[] {crossing(f, level, m, a, 1e-7), m, crossing(f, level, m, b, 1e-7)};
    }
}
