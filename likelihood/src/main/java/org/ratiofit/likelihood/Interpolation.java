package org.ratiofit.likelihood;

/**
 * HistFactory interpolation codes (as in pyhf and ROOT), each with its first derivative in alpha.
 *
 * <p>Multiplicative codes (1, 4) return a factor that is 1 at alpha = 0, {@code u} at +1 and
 * {@code d} at -1, where u and d are the up and down ratios to nominal. Additive codes (0, 4p)
 * return a shift that is 0 at alpha = 0, {@code du} at +1 and {@code -dd} at -1, where
 * du = up - nominal and dd = nominal - down.
 */
public final class Interpolation {

    private Interpolation() {
    }

    /** Code 1: piecewise exponential. Returns {factor, dfactor/dalpha}. */
    public static double[] code1(double alpha, double u, double d) {
        double f;
        double g;
        if (alpha >= 0) {
            f = Math.pow(u, alpha);
            g = f * Math.log(u);
        } else {
            f = Math.pow(d, -alpha);
            g = -f * Math.log(d);
        }
        return new double[] {f, g};
    }

    /**
     * Code 4: sixth-order polynomial inside |alpha| &lt;= 1, exponential (code 1) outside; value,
     * first and second derivative continuous at |alpha| = 1. Returns {factor, dfactor/dalpha}.
     */
    public static double[] code4(double alpha, double u, double d) {
        if (alpha > 1 || alpha < -1) {
            return code1(alpha, u, d);
        }
        double[] a = code4Coefficients(u, d);
        double f = 0;
        double g = 0;
        for (int i = 6; i >= 1; i--) {
            f = (f + a[i - 1]) * alpha;
        }
        for (int i = 6; i >= 2; i--) {
            g = (g + i * a[i - 1]) * alpha;
        }
        return new double[] {1 + f, g + a[0]};
    }

    /** The polynomial coefficients a1..a6 of code 4 (index 0..5) for up/down ratios u, d. */
    public static double[] code4Coefficients(double u, double d) {
        double lu = Math.log(u);
        double ld = Math.log(d);
        double s0 = (u + d) / 2;
        double a0 = (u - d) / 2;
        double s1 = (u * lu - d * ld) / 2;
        double a1 = (u * lu + d * ld) / 2;
        double s2 = (u * lu * lu + d * ld * ld) / 2;
        double a2 = (u * lu * lu - d * ld * ld) / 2;
        return new double[] {
            (15 * a0 - 7 * s1 + a2) / 8,
            (-24 + 24 * s0 - 9 * a1 + s2) / 8,
            (-5 * a0 + 5 * s1 - a2) / 4,
            (12 - 12 * s0 + 7 * a1 - s2) / 4,
            (3 * a0 - 3 * s1 + a2) / 8,
            (-8 + 8 * s0 - 5 * a1 + s2) / 8,
        };
    }

    /**
     * Weights that turn the code-4 polynomial into a linear form over six per-event quantities,
     * so that one alpha serves a whole column: for |alpha| &lt;= 1,
     * {@code f - 1 = w0 (u-1) + w1 (d-1) + w2 u ln u + w3 d ln d + w4 u ln^2 u + w5 d ln^2 d}.
     * Returns 12 numbers: the six weights for f, then the six for df/dalpha.
     */
    public static double[] code4Weights(double alpha) {
        // Coefficients of a_i (i = 1..6) on Q = (S0 - 1, A0, S1, A1, S2, A2).
        double[][] c = {
            {0, 15.0 / 8, -7.0 / 8, 0, 0, 1.0 / 8},
            {3, 0, 0, -9.0 / 8, 1.0 / 8, 0},
            {0, -5.0 / 4, 5.0 / 4, 0, 0, -1.0 / 4},
            {-3, 0, 0, 7.0 / 4, -1.0 / 4, 0},
            {0, 3.0 / 8, -3.0 / 8, 0, 0, 1.0 / 8},
            {1, 0, 0, -5.0 / 8, 1.0 / 8, 0},
        };
        double[] wq = new double[6];
        double[] gq = new double[6];
        double pw = 1; // alpha^(i-1)
        for (int i = 1; i <= 6; i++) {
            for (int q = 0; q < 6; q++) {
                wq[q] += c[i - 1][q] * pw * alpha;
                gq[q] += c[i - 1][q] * i * pw;
            }
            pw *= alpha;
        }
        double[] out = new double[12];
        toQuantityWeights(wq, out, 0);
        toQuantityWeights(gq, out, 6);
        return out;
    }

    private static void toQuantityWeights(double[] wq, double[] out, int off) {
        // S0-1 = ((u-1)+(d-1))/2, A0 = ((u-1)-(d-1))/2, S1 = (ul-dl)/2, A1 = (ul+dl)/2,
        // S2 = (ul2+dl2)/2, A2 = (ul2-dl2)/2
        out[off] = (wq[0] + wq[1]) / 2;
        out[off + 1] = (wq[0] - wq[1]) / 2;
        out[off + 2] = (wq[2] + wq[3]) / 2;
        out[off + 3] = (wq[3] - wq[2]) / 2;
        out[off + 4] = (wq[4] + wq[5]) / 2;
        out[off + 5] = (wq[4] - wq[5]) / 2;
    }

    /** Multiplicative interpolation by code (1 or 4). Returns {factor, dfactor/dalpha}. */
    public static double[] multiplicative(int code, double alpha, double u, double d) {
        return switch (code) {
            case 1 -> code1(alpha, u, d);
            case 4 -> code4(alpha, u, d);
            default -> throw new IllegalArgumentException("unsupported multiplicative interpolation code " + code + " (use 1 or 4)");
        };
    }

    /**
     * The second derivative in alpha of {@link #multiplicative} (code 1: u^alpha ln^2 u or
     * d^-alpha ln^2 d; code 4: the polynomial's inside |alpha| &lt;= 1, code 1's outside).
     */
    public static double multiplicativeSecond(int code, double alpha, double u, double d) {
        if (code != 1 && code != 4) {
            throw new IllegalArgumentException("unsupported multiplicative interpolation code " + code + " (use 1 or 4)");
        }
        if (code == 1 || alpha > 1 || alpha < -1) {
            if (alpha >= 0) {
                double lu = Math.log(u);
                return Math.pow(u, alpha) * lu * lu;
            }
            double ld = Math.log(d);
            return Math.pow(d, -alpha) * ld * ld;
        }
        double[] a = code4Coefficients(u, d);
        double h = 0;
        for (int i = 6; i >= 3; i--) {
            h = (h + i * (i - 1) * a[i - 1]) * alpha;
        }
        return h + 2 * a[1];
    }

    /** Code 0: piecewise linear shift. Returns {shift, dshift/dalpha}. */
    public static double[] code0(double alpha, double du, double dd) {
        return alpha >= 0 ? new double[] {alpha * du, du} : new double[] {alpha * dd, dd};
    }

    /**
     * Code 4p (pyhf's default for histosys): polynomial inside |alpha| &lt;= 1, linear outside.
     * Returns {shift, dshift/dalpha}.
     */
    public static double[] code4p(double alpha, double du, double dd) {
        if (alpha > 1) {
            return new double[] {alpha * du, du};
        }
        if (alpha < -1) {
            return new double[] {alpha * dd, dd};
        }
        double s = (du + dd) / 2;
        double a = (du - dd) / 16;
        double a2 = alpha * alpha;
        double poly = a2 * (15 - 10 * a2 + 3 * a2 * a2);
        double dpoly = 30 * alpha - 40 * a2 * alpha + 18 * a2 * a2 * alpha;
        return new double[] {alpha * s + poly * a, s + dpoly * a};
    }
}
