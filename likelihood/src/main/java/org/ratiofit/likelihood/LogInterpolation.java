package org.ratiofit.likelihood;

/**
 * How per-event shape factors are interpolated: in log space, so that every factor is positive by
 * construction and each nuisance parameter's effect on ln g is a linear form in the event's
 * ln u = ln(r+/r0) and ln d = ln(r-/r0) with coefficients that depend on alpha only:
 * ln g(x, alpha) = a(alpha) ln u(x) + b(alpha) ln d(x).
 *
 * <ul>
 *   <li>code 1: a = alpha, b = 0 for alpha &gt;= 0; a = 0, b = -alpha below (the piecewise
 *       exponential u^alpha, d^-alpha, as in HistFactory).</li>
 *   <li>code 4: the exponential branches beyond |alpha| = 1 and, inside, the sixth-order
 *       polynomial that joins them with value, first and second derivative continuous at +-1,
 *       applied to ln g: ln g = alpha (ln u - ln d)/2 + h(alpha) (ln u + ln d)/16 with
 *       h(alpha) = alpha^2 (15 - 10 alpha^2 + 3 alpha^4) (the form of code 4p).</li>
 * </ul>
 *
 * <p>Why not HistFactory's code 4 (a polynomial in the factor itself) per event: it stays positive
 * on |alpha| &lt;= 1 only while |ln u|, |ln d| &lt;~ 3 (for ln u = -ln d = t its minimum is -1.04
 * at t = 4, -8.1 at t = 5), and classifier ratios reach e^(+-4) in the tails, which puts +infinity
 * walls into -ln L; and it is not exponential in alpha, so even for exact ratios of a Gaussian shift
 * it biases alpha-hat (0.16 sigma at delta = 0.5, N = 1000, alpha = 0.5). The log-space form is
 * positive, agrees with code 4 at alpha = -1, 0, +1 and beyond |alpha| = 1, is C^2, and for a
 * shift whose log-ratio is linear in alpha (Gaussian shifts) reproduces the exact model once
 * normalised ({@link ShapeNormalisation}). Yield factors (normsys) keep HistFactory's code 4.
 * {@link #polynomialNotPositive} tells which events HistFactory's code 4 would have made
 * non-positive (reported by the workspace build and {@code ratiofit validate}).
 */
public final class LogInterpolation {

    /** Events with both |ln u| and |ln d| at most this have a positive code-4 polynomial (checked in the tests). */
    static final double SAFE_LOG = 3.0;
    /** The polynomial counts as not positive when its minimum on [-1, 1] is below this times min(1, u, d). */
    static final double MARGIN = 0.1;

    private LogInterpolation() {
    }

    /**
     * Coefficients at alpha: ln g = c[0] ln u + c[1] ln d and d ln g / d alpha = c[2] ln u + c[3] ln d.
     */
    public static double[] coefficients(int code, double alpha) {
        if (code == 1 || alpha > 1 || alpha < -1) {
            return alpha >= 0 ? new double[] {alpha, 0, 1, 0} : new double[] {0, -alpha, 0, -1};
        }
        if (code != 4) {
            throw new IllegalArgumentException("unsupported shape interpolation code " + code + " (use 1 or 4)");
        }
        double a2 = alpha * alpha;
        double h = a2 * (15 - 10 * a2 + 3 * a2 * a2) / 16;
        double dh = (30 * alpha - 40 * a2 * alpha + 18 * a2 * a2 * alpha) / 16;
        return new double[] {alpha / 2 + h, -alpha / 2 + h, 0.5 + dh, -0.5 + dh};
    }

    /**
     * Second derivatives of the coefficients at alpha: d^2 ln g / d alpha^2 = c[0] ln u + c[1] ln d.
     * Code 1 is linear on each side of 0 (its kink at 0 has none: 0 is returned); code 4's
     * polynomial has h''(alpha) = (30 - 120 alpha^2 + 90 alpha^4)/16 inside |alpha| &lt;= 1, 0 at +-1.
     */
    public static double[] secondCoefficients(int code, double alpha) {
        if (code == 1 || alpha > 1 || alpha < -1) {
            return new double[] {0, 0};
        }
        if (code != 4) {
            throw new IllegalArgumentException("unsupported shape interpolation code " + code + " (use 1 or 4)");
        }
        double a2 = alpha * alpha;
        double d2h = (30 - 120 * a2 + 90 * a2 * a2) / 16;
        return new double[] {d2h, d2h};
    }

    /** The factor and its alpha-derivative for one event: {g, dg/dalpha}. */
    public static double[] factor(int code, double alpha, double u, double d) {
        double[] c = coefficients(code, alpha);
        double lu = Math.log(u);
        double ld = Math.log(d);
        double g = Math.exp(c[0] * lu + c[1] * ld);
        return new double[] {g, g * (c[2] * lu + c[3] * ld)};
    }

    /**
     * Whether HistFactory's code-4 polynomial for up/down ratios u, d is not safely positive on
     * [-1, 1] (minimum below 0.1 min(1, u, d)): checked on 81 points, then by a ternary search
     * around the smallest; events with |ln u|, |ln d| &lt;= 3 are safe without examination.
     */
    public static boolean polynomialNotPositive(double u, double d) {
        double lu = Math.log(u);
        double ld = Math.log(d);
        if (Math.abs(lu) <= SAFE_LOG && Math.abs(ld) <= SAFE_LOG) {
            return false;
        }
        double[] a = Interpolation.code4Coefficients(u, d);
        double best = Double.POSITIVE_INFINITY;
        double at = 0;
        for (int i = 0; i <= 80; i++) {
            double x = -1 + i / 40.0;
            double f = poly(a, x);
            if (!(f >= best)) {
                best = f;
                at = x;
            }
        }
        double lo = Math.max(-1, at - 0.025);
        double hi = Math.min(1, at + 0.025);
        for (int it = 0; it < 40; it++) {
            double m1 = lo + (hi - lo) / 3;
            double m2 = hi - (hi - lo) / 3;
            if (poly(a, m1) < poly(a, m2)) {
                hi = m2;
            } else {
                lo = m1;
            }
        }
        best = Math.min(best, poly(a, 0.5 * (lo + hi)));
        return !(best >= MARGIN * Math.min(1, Math.min(u, d)));
    }

    static double poly(double[] a, double x) {
        double f = 0;
        for (int i = 5; i >= 0; i--) {
            f = (f + a[i]) * x;
        }
        return 1 + f;
    }

    /** How many events of a column pair have a code-4 polynomial that is not safely positive. */
    public static int countPolynomialNotPositive(double[] u, double[] d) {
        int c = 0;
        for (int i = 0; i < u.length; i++) {
            if (polynomialNotPositive(u[i], d[i])) {
                c++;
            }
        }
        return c;
    }
}
