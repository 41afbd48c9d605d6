package org.ratiofit.likelihood;

/**
 * How an unbinned channel normalises its samples' per-event densities r_p(x) g_p(x, alpha).
 *
 * <p>{@link #REFERENCE} (the default): each sample's density is divided by its shape factors'
 * average over the channel's reference events, jointly over all of the sample's nuisance
 * parameters, K_p(alpha) = sum_ref w r_p(x|alpha) g_p(x, alpha) / sum_ref w r_p(x|0), with r_p
 * including its per-event polynomial (GOLLUM) rows; computed by the same kernel as the likelihood
 * in every evaluation, with its exact gradient. So a sample's shape variations move no events:
 * its expected number of events is carried by the yield modifiers alone (normsys, coefficients,
 * polynomial yield coefficients: a normalised shape for the rest). K_p(0) = 1, and a channel whose
 * samples have no per-event shapes is the plain NSBI likelihood (no pass over the reference).
 * A channel with shapesys modifiers needs its reference event set.
 *
 * <p>{@link #REFERENCE_AND_CLOSURE}: as {@link #REFERENCE}, and also divides by the ratio's closure
 * on the reference sample, R_p = sum_ref w r_p / sum_ref w, so N_p = R_p K_p and every sample's
 * density averages exactly 1 over the reference events. It corrects learned ratios that do not
 * average to 1, and only with it does an Asimov data set built from the reference events give
 * back its point exactly whatever the ratios; but it also moves the signal strength by the
 * reference sample's statistical error on R_p (of order sd(r)/sqrt(N_ref)), even for exact ratios.
 *
 * <p>{@link #NONE}: the legacy form of the public NSBI toolkits, -ln L = nu(theta) -
 * sum_i w_i ln sum_p nu_p(theta) r_p g_p. <b>Warning:</b> the per-event factors then appear only
 * inside the logarithm, and an interpolated factor's reference average E_0[g(x, alpha)] differs
 * from 1 between alpha = -1, 0, +1 even for exact ratios (code 1: exp(|alpha|(|alpha|-1) delta^2/2)
 * for a Gaussian shift of delta per unit alpha). The profiled likelihood then gains
 * -N ln E_0[g(alpha)] with no penalty: the shape parameters run to their bounds and their
 * uncertainties come out too small. Use it only to reproduce results of that form.
 */
public enum ShapeNormalisation {
    /** Divide each sample's per-event shape factors by their reference-sample average (default). */
    REFERENCE,
    /** Also divide each sample's ratio by its reference-sample average (closure correction). */
    REFERENCE_AND_CLOSURE,
    /** Legacy: no normalisation (biased shape parameters; see the class documentation). */
    NONE;

    /** The workspace.json spelling: "reference", "reference_and_closure" or "none". */
    public String jsonName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Parses the workspace.json spelling; null for an unknown name. */
    public static ShapeNormalisation fromJson(String s) {
        for (ShapeNormalisation n : values()) {
            if (n.jsonName().equals(s)) {
                return n;
            }
        }
        return null;
    }
}
