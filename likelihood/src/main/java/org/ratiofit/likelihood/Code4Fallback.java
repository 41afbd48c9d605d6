package org.ratiofit.likelihood;

/**
 * Positivity of per-event code-4 shape factors.
 *
 * <p>The six-term code-4 polynomial of a per-event factor stays positive on |alpha| &lt;= 1 only
 * while the up/down ratios are moderate (for ln u = -ln d = t its minimum is -1.04 at t = 4,
 * -8.1 at t = 5); classifier ratios reach e^(+-4) in the tails, which would put +infinity walls
 * into -ln L. For the events whose polynomial is not safely positive on [-1, 1] (its minimum below
 * 0.1 min(1, u, d)) ratiofit interpolates the logarithm instead: ln g = alpha (ln u - ln d)/2 +
 * h(alpha) (ln u + ln d)/16 with h(alpha) = alpha^2 (15 - 10 alpha^2 + 3 alpha^4) (the
 * polynomial of code 4p applied to ln g), positive by construction, equal to u at +1 and d at -1
 * and continuous with its first and second derivatives onto the exponential branches
 * (alpha ln u for alpha &gt; 1, -alpha ln d for alpha &lt; -1), which both forms share. Every
 * other event keeps the code-4 polynomial. Events with |ln u| and |ln d| &lt;= 3 are always safe
 * (their polynomial's minimum is at least 0.61 min(1, u, d), checked in the tests), so only the
 * others are examined: on 81 points of [-1, 1], then by a ternary search around the smallest.
 */
public final class Code4Fallback {

    /** Events with both |ln u| and |ln d| at most this keep the polynomial without examination. */
    static final double SAFE_LOG = 3.0;
    /** An event falls back when its polynomial's minimum on [-1, 1] is below this times min(1, u, d). */
    static final double MARGIN = 0.1;

    private Code4Fallback() {
    }

    /** Whether the event with up/down ratios u, d (logs lu, ld) uses the log-space form. */
    public static boolean needsFallback(double u, double d, double lu, double ld) {
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

    private static double poly(double[] a, double x) {
        double f = 0;
        for (int i = 5; i >= 0; i--) {
            f = (f + a[i]) * x;
        }
        return 1 + f;
    }

    /**
     * Coefficients of the log-space form at alpha: ln g = c[0] ln u + c[1] ln d and
     * d ln g / d alpha = c[2] ln u + c[3] ln d (inside |alpha| &lt;= 1 the polynomial, outside the
     * exponential branches).
     */
    public static double[] logCoefficients(double alpha) {
        if (alpha > 1) {
            return new double[] {alpha, 0, 1, 0};
        }
        if (alpha < -1) {
            return new double[] {0, -alpha, 0, -1};
        }
        double a2 = alpha * alpha;
        double h = a2 * (15 - 10 * a2 + 3 * a2 * a2) / 16;
        double dh = (30 * alpha - 40 * a2 * alpha + 18 * a2 * a2 * alpha) / 16;
        return new double[] {alpha / 2 + h, -alpha / 2 + h, 0.5 + dh, -0.5 + dh};
    }

    /** The log-space factor and its alpha-derivative: {g, dg/dalpha}. */
    public static double[] logForm(double alpha, double u, double d) {
        double[] c = logCoefficients(alpha);
        double lu = Math.log(u);
        double ld = Math.log(d);
        double g = Math.exp(c[0] * lu + c[1] * ld);
        return new double[] {g, g * (c[2] * lu + c[3] * ld)};
    }
}
