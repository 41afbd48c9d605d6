package org.ratiofit.likelihood;

import java.util.Arrays;
import org.hipparchus.analysis.interpolation.SplineInterpolator;
import org.hipparchus.analysis.polynomials.PolynomialFunction;
import org.hipparchus.analysis.polynomials.PolynomialSplineFunction;

/**
 * The natural cubic spline through points (x_k, y_k), x strictly increasing (Hipparchus's
 * {@link SplineInterpolator}: second derivative zero at the end knots), continued linearly beyond
 * the end knots with the end slopes (so value and first derivative are continuous everywhere);
 * two points give the straight line through them. {@link #value} and {@link #derivative} are exact.
 */
public final class NaturalCubicSpline {
    private final double[] x;
    private final double[] y;
    private final PolynomialSplineFunction spline;
    private final double slopeLo;
    private final double slopeHi;

    public NaturalCubicSpline(double[] x, double[] y, String where) {
        if (x == null || y == null || x.length != y.length || x.length < 2) {
            throw new IllegalArgumentException(where + ": a spline needs at least two knots and as many values, got "
                    + (x == null ? "none" : x.length) + " knots and " + (y == null ? "none" : y.length) + " values");
        }
        for (int k = 0; k < x.length; k++) {
            if (!Double.isFinite(x[k]) || !Double.isFinite(y[k])) {
                throw new IllegalArgumentException(where + ": knot " + k + " is not finite (" + x[k] + ", " + y[k] + ")");
            }
            if (k > 0 && !(x[k] > x[k - 1])) {
                throw new IllegalArgumentException(where + ": knots must increase strictly; knot " + k + " is " + x[k]
                        + " after " + x[k - 1]);
            }
        }
        this.x = x.clone();
        this.y = y.clone();
        if (x.length == 2) {
            spline = null;
            slopeLo = (y[1] - y[0]) / (x[1] - x[0]);
            slopeHi = slopeLo;
        } else {
            spline = new SplineInterpolator().interpolate(this.x, this.y);
            PolynomialFunction[] p = spline.getPolynomials();
            slopeLo = p[0].polynomialDerivative().value(0);
            PolynomialFunction last = p[p.length - 1];
            slopeHi = last.polynomialDerivative().value(x[x.length - 1] - x[x.length - 2]);
        }
    }

    public double[] knots() {
        return x.clone();
    }

    public double[] values() {
        return y.clone();
    }

    public double value(double t) {
        int n = x.length;
        if (t <= x[0]) {
            return y[0] + slopeLo * (t - x[0]);
        }
        if (t >= x[n - 1]) {
            return y[n - 1] + slopeHi * (t - x[n - 1]);
        }
        return spline == null ? y[0] + slopeLo * (t - x[0]) : spline.value(t);
    }

    public double derivative(double t) {
        if (t <= x[0]) {
            return slopeLo;
        }
        if (t >= x[x.length - 1]) {
            return slopeHi;
        }
        if (spline == null) {
            return slopeLo;
        }
        int i = Arrays.binarySearch(x, t);
        int seg = i >= 0 ? Math.min(i, x.length - 2) : -i - 2;
        return spline.getPolynomials()[seg].polynomialDerivative().value(t - x[seg]);
    }

    /** The second derivative: the cubic's inside the knots, 0 on the linear continuations outside. */
    public double secondDerivative(double t) {
        if (spline == null || t <= x[0] || t >= x[x.length - 1]) {
            return 0;
        }
        int i = Arrays.binarySearch(x, t);
        int seg = i >= 0 ? Math.min(i, x.length - 2) : -i - 2;
        return spline.getPolynomials()[seg].polynomialDerivative().polynomialDerivative().value(t - x[seg]);
    }
}
