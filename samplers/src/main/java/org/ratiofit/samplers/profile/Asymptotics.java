package org.ratiofit.samplers.profile;

import org.hipparchus.distribution.continuous.NormalDistribution;

/**
 * Asymptotic distributions of the test statistics (Wald and Wilks, arXiv:1007.1727), with the
 * width of the signal-strength estimator taken from the Asimov data set: qA = mu^2 / sigma^2.
 */
public final class Asymptotics {

    private static final NormalDistribution N = new NormalDistribution(0, 1);

    private Asymptotics() {
    }

    static double phi(double x) {
        return N.cumulativeProbability(x);
    }

    /** Upper tail 1 - Phi(x), accurate far in the tail. */
    static double tail(double x) {
        return N.cumulativeProbability(-x);
    }

    /**
     * p-value of the signal-plus-background hypothesis mu (CLs+b) for an observed value of the
     * statistic; {@code qA} is the statistic on the background-only Asimov data set at mu.
     */
    /**
     * The warning for an untilded statistic (q_mu, t_mu) when the parameter of interest cannot go
     * below zero: the fit's bound then makes the statistic behave as its tilde form, and the
     * untilded asymptotic formulas give wrong p-values (at q = 9, q_A = 4: CLs 0.0085 from q_mu's
     * formula where the bounded statistic's distribution gives 0.0055). Empty when the pairing is
     * consistent. pyhf warns in the same case.
     */
    public static java.util.Optional<String> boundedPoiWarning(TestStatistic ts, org.ratiofit.objective.ParameterSpec poi) {
        boolean untilded = ts == TestStatistic.Q_MU || ts == TestStatistic.T_MU;
        if (untilded && poi.lower() >= 0) {
            String tilde = ts == TestStatistic.Q_MU ? "q~_mu (--statistic qtilde)" : "t~_mu";
            return java.util.Optional.of("the test statistic " + (ts == TestStatistic.Q_MU ? "q_mu" : "t_mu") + " is used with '"
                    + poi.name() + "' bounded below at " + poi.lower() + ": the bound makes it the tilde statistic, whose asymptotic "
                    + "distribution differs; use " + tilde + ", or let '" + poi.name() + "' go negative");
        }
        return java.util.Optional.empty();
    }

    public static double pValue(TestStatistic ts, double q, double qA) {
        double r = Math.sqrt(Math.max(q, 0));
        double ra = Math.sqrt(Math.max(qA, 0));
        switch (ts) {
            case T_MU:
                return 2 * tail(r);
            case T_TILDE_MU:
                if (q <= qA) {
                    return 2 * tail(r);
                }
                return 1 - (phi(r) + phi((q + qA) / (2 * ra)) - 1);
            case Q_MU:
            case Q_0:
                return tail(r);
            case Q_TILDE_MU:
                if (q <= qA || ra == 0) {
                    return tail(r);
                }
                return tail((q + qA) / (2 * ra));
            default:
                throw new IllegalArgumentException("no asymptotic p-value for " + ts);
        }
    }

    /** CLb = 1 - p_b for q_mu and q~_mu (the q~ branch when q > qA). */
    public static double clb(TestStatistic ts, double q, double qA) {
        double r = Math.sqrt(Math.max(q, 0));
        double ra = Math.sqrt(Math.max(qA, 0));
        if (ts == TestStatistic.Q_TILDE_MU && q > qA && ra > 0) {
            return tail((q - qA) / (2 * ra));
        }
        if (ts != TestStatistic.Q_MU && ts != TestStatistic.Q_TILDE_MU) {
            throw new IllegalArgumentException("CLs needs q_mu or q~_mu, got " + ts);
        }
        return phi(ra - r);
    }

    public static double cls(TestStatistic ts, double q, double qA) {
        double clb = clb(ts, q, qA);
        return clb > 0 ? pValue(ts, q, qA) / clb : 1;
    }

    /**
     * Expected CLs under the background-only hypothesis at band {@code k} standard deviations
     * (k = 0 median; k = +1, +2 the bands of weaker exclusion, i.e. higher limits).
     */
    public static double expectedCls(double qA, double k) {
        double ra = Math.sqrt(Math.max(qA, 0));
        double clb = phi(k);
        return tail(ra - k) / clb;
    }

    /**
     * The √q_A at which the expected CLs of band {@code k} equals {@code alpha}: the inverse of
     * {@link #expectedCls} in √q_A (which it decreases), k + Φ⁻¹(1 − α Φ(k)).
     */
    public static double expectedRootQAsimov(double alpha, double k) {
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("alpha must lie in (0, 1), got " + alpha);
        }
        return k + significance(alpha * phi(k));
    }

    /**
     * The statistic's asymptotic (Wald) value at {@code mu} for a Gaussian estimator mu-hat of width
     * {@code sigma}: (mu − mu-hat)² / σ² for q_mu, with q~_mu's (mu² − 2 mu mu-hat) / σ² when
     * mu-hat &lt; 0, and 0 where mu-hat &gt; mu (arXiv:1007.1727, eqs. 14 and 16).
     */
    static double wald(TestStatistic ts, double mu, double muHat, double sigma) {
        if (ts != TestStatistic.Q_MU && ts != TestStatistic.Q_TILDE_MU) {
            throw new IllegalArgumentException("the Wald approximation here is for q_mu or q~_mu, got " + ts);
        }
        if (muHat > mu) {
            return 0;
        }
        if (ts == TestStatistic.Q_TILDE_MU && muHat < 0) {
            return (mu * mu - 2 * mu * muHat) / (sigma * sigma);
        }
        double d = (mu - muHat) / sigma;
        return d * d;
    }

    /** The Gaussian significance of a one-sided p-value. */
    public static double significance(double p) {
        return -N.inverseCumulativeProbability(p);
    }
}
