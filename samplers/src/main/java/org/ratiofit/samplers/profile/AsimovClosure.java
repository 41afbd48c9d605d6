package org.ratiofit.samplers.profile;

/**
 * Whether the Asimov data set behind expected limits and significances gives back the signal
 * strength it was made with: the free fit of the Asimov set at {@code injected} (nuisance
 * parameters at their fit to the data) should return mu-hat_A = injected. A model whose ratios do
 * not close (its reweighted reference events do not reproduce its own expectation) does not, and
 * the expected results built on that set are biased.
 *
 * @param injected the parameter of interest the Asimov set was made with
 * @param muHat    the Asimov set's best fit of it
 * @param error    its HESSE error
 * @param pull     (muHat − injected) / error
 * @param closes   |pull| ≤ {@link #MAX_PULL}
 */
public record AsimovClosure(int formatVersion, String parameter, double injected, double muHat, double error, double pull,
                            boolean closes) {

    /** The largest |mu-hat_A − injected| in units of its error that passes. */
    public static final double MAX_PULL = 0.2;

    public static AsimovClosure of(String parameter, double injected, double muHat, double error) {
        double pull = (muHat - injected) / error;
        return new AsimovClosure(1, parameter, injected, muHat, error, pull, Math.abs(pull) <= MAX_PULL || muHat == injected);
    }

    /** The warning to print when the check fails; null when it passes. */
    public String warning() {
        if (closes) {
            return null;
        }
        return String.format(java.util.Locale.ROOT, "the Asimov data set made with %s = %s fits back to %s = %.6g +- %.4g (%.2f errors off, more"
                        + " than %.1f): the model does not close on its reference events (sum_ref w r != 1: a ratio model"
                        + " that does not close, or too few reference events), so the expected results built on it are biased;"
                        + " check with ratiofit validate --workspace", parameter, plain(injected), parameter, muHat, error, pull, MAX_PULL);
    }

    private static String plain(double v) {
        return new java.math.BigDecimal(String.format(java.util.Locale.ROOT, "%.6g", v)).stripTrailingZeros().toPlainString();
    }
}
