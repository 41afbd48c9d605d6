package org.ratiofit.validation.closure;

import java.util.List;
import org.ratiofit.ratio.Ensemble;

/**
 * The expectation per ensemble member: E_i = Σ_k w_k r_i(x_k)/Σ_k w_k − 1 on the denominator
 * sample (0 for a perfectly normalised member) with its statistical error, and the weights the
 * ensemble's expectation-based weighting gives them, w_i ∝ exp(−β|E_i|) (as
 * {@link Ensemble#fitExpectationWeights}).
 *
 * @param passed every member's |E_i| within tolerance + nSigma · error
 */
public record Expectation(String ensemble, List<String> members, double[] deviations, double[] errors, double[] weights,
                          double beta, boolean[] memberPassed, boolean passed) {

    /** From the members' normalisation checks (same sample). */
    public static Expectation of(String ensemble, List<Normalisation> members, double beta) {
        int n = members.size();
        double[] e = new double[n];
        double[] err = new double[n];
        boolean[] ok = new boolean[n];
        boolean all = true;
        for (int i = 0; i < n; i++) {
            e[i] = members.get(i).mean() - 1;
            err[i] = members.get(i).error();
            ok[i] = members.get(i).passed();
            all &= ok[i];
        }
        return new Expectation(ensemble, members.stream().map(Normalisation::name).toList(), e, err,
                Ensemble.expectationWeights(e, beta), beta, ok, all);
    }
}
