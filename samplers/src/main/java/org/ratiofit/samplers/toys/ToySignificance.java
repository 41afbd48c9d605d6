package org.ratiofit.samplers.toys;

import java.util.ArrayList;
import java.util.List;
import org.ratiofit.samplers.fit.Json;
import org.ratiofit.samplers.profile.Asymptotics;

/**
 * The discovery p-value p0 = P(q0 &gt;= q0_obs | mu = 0) from toys, with its binomial error. When
 * no toy reaches the observed q0 the toys cannot resolve p0: the result gives the 95% upper bound
 * 1 - 0.05^(1/N) instead (and never 0), with the asymptotic value beside it.
 */
public final class ToySignificance {

    private ToySignificance() {
    }

    /**
     * @param pValue           p0 from toys (NaN when not resolved)
     * @param pValueError      its binomial error
     * @param resolved         whether at least one toy reached q0_obs
     * @param pValueUpperBound the 95% upper bound on p0 when not resolved (else NaN)
     * @param significance     Z from the toy p0 (or the lower bound on Z when not resolved)
     * @param asymptoticPValue the asymptotic p0 and {@code asymptoticSignificance} = sqrt(q0)
     */
    public record Result(int formatVersion, String parameterOfInterest, double q0, long toys, int validToys, long seed,
                         int exceeding, double pValue, double pValueError, boolean resolved, double pValueUpperBound,
                         double significance, double significanceError, double asymptoticPValue, double asymptoticSignificance,
                         List<String> notes) {

        public String toJson() {
            return Json.write(this);
        }
    }

    public static Result analyse(ToyPlan plan, ToySamples samples) {
        if (plan.kind() != ToyPlan.Kind.SIGNIFICANCE) {
            throw new IllegalArgumentException("not a significance toy plan: " + plan.kind());
        }
        ToySamples.Ensemble e = samples.ensembles().get(0);
        double[] q = e.sortedValid(0);
        int n = q.length;
        double q0 = plan.observed()[0];
        int k = ToyStats.countAtLeast(q, q0);
        List<String> notes = new ArrayList<>();
        if (e.toys() > n) {
            notes.add((e.toys() - n) + " toys had invalid fits and are left out");
        }
        double asymP = plan.asymptotic()[0][0];
        double asymZ = Math.sqrt(Math.max(q0, 0));
        if (n == 0) {
            throw new IllegalStateException("no toy gave a valid fit, so there is no p-value");
        }
        if (k == 0) {
            double bound = 1 - Math.pow(0.05, 1.0 / n);
            notes.add("no toy out of " + n + " reached the observed q0 = " + q0 + ": p0 < " + bound
                    + " (95% CL), Z > " + Asymptotics.significance(bound) + "; the asymptotic p0 is " + asymP
                    + " (Z = " + asymZ + "); run about " + (long) Math.ceil(10 / Math.max(asymP, 1e-300)) + " toys to resolve it");
            return new Result(Json.FORMAT_VERSION, plan.parameterOfInterest(), q0, e.toys(), n, plan.seed(), 0, Double.NaN, Double.NaN,
                    false, bound, Asymptotics.significance(bound), Double.NaN, asymP, asymZ, notes);
        }
        double p = k / (double) n;
        double err = ToyStats.binomialError(p, n);
        double z = Asymptotics.significance(p);
        // dZ/dp = -1 / phi(Z)
        double dens = Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
        return new Result(Json.FORMAT_VERSION, plan.parameterOfInterest(), q0, e.toys(), n, plan.seed(), k, p, err, true,
                Double.NaN, z, err / dens, asymP, asymZ, notes);
    }
}
