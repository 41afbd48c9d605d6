package org.ratiofit.validation.ddm;

/**
 * The exact first-passage-time density of the Wiener diffusion model (the drift-diffusion model,
 * DDM) and its derivatives in (v, a, z, t): drift v, boundary separation a, relative starting point
 * z ∈ (0, 1) (z = 0.5 unbiased), non-decision time t. A trial is a response time rt and a choice:
 * {@link #UPPER} (+1, the boundary at a, favoured by v &gt; 0) or {@link #LOWER} (−1, at 0).
 *
 * <p>Navarro &amp; Fuss (2009): with τ = rt − t the decision time and u = τ/a², the lower-boundary
 * density is p(τ | v, a, z) = a⁻² exp(−v a z − v² τ/2) f(u | z), where f is the density of the
 * standardised process (no drift, unit separation), given by two series:
 * <ul>
 *   <li>small time: f(u | w) = (2π u³)^(−1/2) Σ_{k=−K..K} (w + 2k) exp(−(w + 2k)²/(2u)), with
 *       K from Gondan, Blurton &amp; Kesselmeier (2014): K = ⌈max((√(2u) − w)/2,
 *       √(−u (u_ε − √(−2u_ε − 2)))/2 − w/2)⌉, u_ε = min(−1, ln(2π u² ε²));</li>
 *   <li>large time: f(u | w) = π Σ_{k=1..K} k exp(−k²π²u/2) sin(kπw), with Navarro &amp; Fuss's
 *       K = ⌈max(1/(π√u), √(−2 ln(π u ε)/(π² u)))⌉ (the second only where π u ε &lt; 1);</li>
 * </ul>
 * whichever needs fewer terms (the small/large-time switch), both with truncation error below
 * ε = {@value #EPSILON} in f. The upper-boundary density is the lower one with v → −v and
 * z → 1 − z. Logarithms are taken with the leading exponential factored out of each series
 * (exp(−w²/(2u)) and exp(−π²u/2)), so the log-density stays finite far in the tails.
 *
 * <p>Derivatives are closed form (the series differentiated term by term, with two terms more
 * than the value needs). Where rt ≤ t the density is zero: {@link #logDensity} returns −∞ and
 * {@link #check} says so in words.
 */
public final class WienerFpt {
    private WienerFpt() {}

    public static final int UPPER = 1;
    public static final int LOWER = -1;

    /** Truncation error bound of the standardised density f(u | w). */
    public static final double EPSILON = 1e-12;

    /** ln p(rt, choice | v, a, z, t); −∞ where rt ≤ t. */
    public static double logDensity(double rt, int choice, double v, double a, double z, double t) {
        return logDensity(rt, choice, v, a, z, t, null);
    }

    /** p(rt, choice | v, a, z, t). */
    public static double density(double rt, int choice, double v, double a, double z, double t) {
        return Math.exp(logDensity(rt, choice, v, a, z, t, null));
    }

    /**
     * ln p(rt, choice | v, a, z, t) and, when {@code grad} is not null, its derivatives
     * ∂/∂(v, a, z, t) written into grad[0..3] (zeros where rt ≤ t).
     */
    public static double logDensity(double rt, int choice, double v, double a, double z, double t, double[] grad) {
        if (choice != UPPER && choice != LOWER) throw new IllegalArgumentException("choice must be +1 (upper) or -1 (lower), got " + choice);
        double tau = rt - t;
        if (!(tau > 0)) {
            if (grad != null) java.util.Arrays.fill(grad, 0, 4, 0.0);
            return Double.NEGATIVE_INFINITY;
        }
        double vv = choice == UPPER ? -v : v;
        double w = choice == UPPER ? 1 - z : z;
        double u = tau / (a * a);
        double[] lw = new double[3];
        standardLog(u, w, lw);
        double lp = -2 * Math.log(a) - vv * a * w - vv * vv * tau / 2 + lw[0];
        if (grad != null) {
            double lu = lw[1], lwW = lw[2];
            double dv = -a * w - vv * tau;
            double da = -2 / a - vv * w + lu * (-2 * tau / (a * a * a));
            double dw = -vv * a + lwW;
            double dt = vv * vv / 2 - lu / (a * a);
            grad[0] = choice == UPPER ? -dv : dv;
            grad[1] = da;
            grad[2] = choice == UPPER ? -dw : dw;
            grad[3] = dt;
        }
        return lp;
    }

    /** Number of terms of the small-time series (k = −K..K), Gondan et al. (2014). */
    static int smallTimeTerms(double u, double w, double eps) {
        double k1 = (Math.sqrt(2 * u) - w) / 2;
        double ue = Math.min(-1, Math.log(2 * Math.PI * u * u * eps * eps));
        double arg = -u * (ue - Math.sqrt(-2 * ue - 2));
        double k2 = arg > 0 ? Math.sqrt(arg) / 2 - w / 2 : k1;
        return (int) Math.ceil(Math.max(Math.max(k1, k2), 0));
    }

    /** Number of terms of the large-time series (k = 1..K), Navarro &amp; Fuss (2009). */
    static int largeTimeTerms(double u, double eps) {
        double k = 1 / (Math.PI * Math.sqrt(u));
        if (Math.PI * u * eps < 1) k = Math.max(k, Math.sqrt(-2 * Math.log(Math.PI * u * eps) / (Math.PI * Math.PI * u)));
        return (int) Math.ceil(k);
    }

    /** Whether the small-time series is used at u (fewer terms). */
    static boolean useSmallTime(double u, double w) {
        return 2 * smallTimeTerms(u, w, EPSILON) + 1 <= largeTimeTerms(u, EPSILON);
    }

    /** out = {ln f(u | w), ∂/∂u, ∂/∂w} of the standardised density. */
    static void standardLog(double u, double w, double[] out) {
        if (useSmallTime(u, w)) smallTime(u, w, smallTimeTerms(u, w, EPSILON) + 2, out);
        else largeTime(u, w, largeTimeTerms(u, EPSILON) + 2, out);
    }

    /** Small-time series with exp(−w²/(2u)) factored out, k = −K..K. */
    static void smallTime(double u, double w, int kMax, double[] out) {
        double s = 0, su = 0, sw = 0;
        double inv2u = 1 / (2 * u);
        for (int k = -kMax; k <= kMax; k++) {
            double c = w + 2 * k;
            double d = (c * c - w * w) * inv2u;
            double e = Math.exp(-d);
            s += c * e;
            su += c * e * d / u;
            sw += e * (1 - c * 2 * k / u);
        }
        out[0] = -0.5 * Math.log(2 * Math.PI) - 1.5 * Math.log(u) - w * w * inv2u + Math.log(s);
        out[1] = -1.5 / u + w * w * inv2u / u + su / s;
        out[2] = -w / u + sw / s;
    }

    /** Large-time series with exp(−π²u/2) factored out, k = 1..K. */
    static void largeTime(double u, double w, int kMax, double[] out) {
        double s = 0, su = 0, sw = 0;
        double pp = Math.PI * Math.PI / 2;
        for (int k = 1; k <= kMax; k++) {
            double g = Math.exp(-(k * k - 1) * pp * u);
            double sn = Math.sin(k * Math.PI * w);
            s += k * g * sn;
            su += -k * g * sn * (k * k - 1) * pp;
            sw += k * g * k * Math.PI * Math.cos(k * Math.PI * w);
        }
        out[0] = Math.log(Math.PI) - pp * u + Math.log(s);
        out[1] = -pp + su / s;
        out[2] = sw / s;
    }

    /**
     * Checks one trial: null if its density is positive, else a sentence naming the trial (an
     * exact DDM assigns zero density to a response faster than the non-decision time).
     */
    public static String check(int trial, double rt, int choice, double t) {
        if (choice != UPPER && choice != LOWER) return "trial " + trial + ": choice " + choice + " is neither +1 (upper) nor -1 (lower)";
        if (!Double.isFinite(rt)) return "trial " + trial + ": response time is " + rt;
        if (!(rt > t)) {
            return "trial " + trial + ": response time " + rt + " is not above the non-decision time t = " + t
                    + ", where the DDM density is zero (log-likelihood −∞)";
        }
        return null;
    }
}
