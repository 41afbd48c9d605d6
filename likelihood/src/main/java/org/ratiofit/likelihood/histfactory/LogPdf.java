package org.ratiofit.likelihood.histfactory;

import org.hipparchus.special.Gamma;
import org.ratiofit.likelihood.BinnedChannel;
import org.ratiofit.likelihood.Channel;
import org.ratiofit.likelihood.Model;
import org.ratiofit.likelihood.Parameter;

/**
 * The constants that ratiofit's −ln L drops and pyhf's {@code logpdf} keeps, so that
 * {@code logpdf(θ) = −(model.value(θ) + constant(model))} (the {@code --full-logpdf} option):
 * Σ_bins ln Γ(n_b + 1) of the binned channels' observed counts, ½ ln 2π + ln σ_k for every
 * Gaussian constraint and ln Γ(aux_k + 1) for every Poisson constraint. Unbinned channels add
 * nothing (their dropped Σ w ln p_ref(x) is not known to the likelihood).
 */
public final class LogPdf {

    private static final double HALF_LN_2PI = 0.5 * Math.log(2 * Math.PI);

    private LogPdf() {
    }

    public static double constant(Model model) {
        double c = 0;
        for (Channel ch : model.channels()) {
            if (ch instanceof BinnedChannel b) {
                for (double n : b.observed()) {
                    c += Gamma.logGamma(n + 1);
                }
            }
        }
        for (Parameter p : model.modelParameters()) {
            if (p.kind() == Parameter.Kind.CONSTRAINED) {
                c += HALF_LN_2PI + Math.log(p.sigma());
            } else if (p.kind() == Parameter.Kind.POISSON) {
                c += Gamma.logGamma(p.aux() + 1);
            }
        }
        return c;
    }

    /** pyhf's {@code logpdf} at θ: −(−ln L + constants). */
    public static double logpdf(Model model, double[] theta) {
        return -(model.value(theta) + constant(model));
    }
}
