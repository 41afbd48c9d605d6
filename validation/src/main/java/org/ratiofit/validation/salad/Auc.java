package org.ratiofit.validation.salad;

/**
 * The weighted area under the ROC curve, P(score_A > score_B) (ties count ½), with the
 * Hanley–McNeil error at the samples' effective sizes n_eff = (Σw)²/Σw². AUC = 0.5 when the
 * scores do not separate the samples.
 */
public record Auc(double value, double error, double effectiveA, double effectiveB) {

    public static Auc of(double[] scoreA, double[] weightA, double[] scoreB, double[] weightB) {
        int na = scoreA.length;
        int nb = scoreB.length;
        Integer[] order = new Integer[na + nb];
        double[] s = new double[na + nb];
        for (int i = 0; i < na; i++) {
            s[i] = scoreA[i];
        }
        for (int i = 0; i < nb; i++) {
            s[na + i] = scoreB[i];
        }
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (x, y) -> Double.compare(s[x], s[y]));
        double sumA = 0;
        double sumB = 0;
        double below = 0;
        double num = 0;
        int k = 0;
        while (k < order.length) {
            int j = k;
            double ta = 0;
            double tb = 0;
            while (j < order.length && s[order[j]] == s[order[k]]) {
                int e = order[j];
                if (e < na) {
                    ta += w(weightA, e);
                } else {
                    tb += w(weightB, e - na);
                }
                j++;
            }
            num += ta * (below + 0.5 * tb);
            below += tb;
            sumA += ta;
            sumB += tb;
            k = j;
        }
        double auc = num / (sumA * sumB);
        double nA = effective(weightA, na);
        double nB = effective(weightB, nb);
        double q1 = auc / (2 - auc);
        double q2 = 2 * auc * auc / (1 + auc);
        double var = (auc * (1 - auc) + (nA - 1) * (q1 - auc * auc) + (nB - 1) * (q2 - auc * auc)) / (nA * nB);
        return new Auc(auc, Math.sqrt(Math.max(var, 0)), nA, nB);
    }

    /** |AUC − 0.5| in units of the error. */
    public double pull() {
        return (value - 0.5) / error;
    }

    private static double w(double[] w, int i) {
        return w == null ? 1 : w[i];
    }

    private static double effective(double[] w, int n) {
        if (w == null) {
            return n;
        }
        double s = 0;
        double s2 = 0;
        for (double v : w) {
            s += v;
            s2 += v * v;
        }
        return s * s / s2;
    }
}
