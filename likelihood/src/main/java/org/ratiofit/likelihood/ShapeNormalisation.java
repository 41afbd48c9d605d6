package org.ratiofit.likelihood;

/**
 * How an unbinned channel normalises its samples' per-event densities r_p(x) g_p(x, alpha).
 *
 * <p>{@link #REFERENCE} (the default): each sample's density is divided by its average over the
 * channel's reference events, jointly over all of the sample's nuisance parameters,
 * N_p(theta) = sum_ref w r_p(x|alpha) g_p(x, alpha) / sum_ref w (r_p including its per-event
 * polynomial (GOLLUM) rows), computed by the same kernel as the likelihood in every evaluation,
 * with its exact gradient. So every sample's density integrates to 1 over the reference sample and
 * its expected number of events is carried by the yield modifiers alone (normsys, coefficients,
 * polynomial yield coefficients: a normalised shape for the rest); at alpha = 0 it also divides by
 * the ratio's closure R_p = E_ref[r_p]. A channel with shapesys modifiers needs its reference
 * event set; one without shapesys and without a reference stays unnormalised.
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
    /** Divide each sample's per-event density by its reference-sample average (default). */
    REFERENCE,
    /** Legacy: no normalisation (biased shape parameters; see the class documentation). */
    NONE;

    /** The workspace.json spelling: "reference" or "none". */
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
