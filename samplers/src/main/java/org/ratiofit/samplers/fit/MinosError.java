package org.ratiofit.samplers.fit;

/**
 * Asymmetric error of one parameter from the profiled cost: where it rises by
 * errorDef * deltaChi2 above the minimum, below and above the best-fit value.
 *
 * @param parameter        the parameter's name
 * @param value            best-fit value
 * @param lower            signed lower error (negative, or 0 when not found)
 * @param upper            upper error (positive)
 * @param confidenceLevel  probability content of the interval
 * @param deltaCost        the rise of the cost that defines the crossing
 * @param lowerValid       lower crossing found with valid conditional fits
 * @param upperValid       upper crossing found with valid conditional fits
 * @param lowerAtLimit     the lower crossing lies beyond the parameter's bound (error is the distance to it)
 * @param upperAtLimit     the upper crossing lies beyond the parameter's bound
 * @param callLimitReached the call limit stopped the search
 * @param newMinimumFound  a conditional fit fell below the minimum: the minimum was not the minimum
 * @param calls            objective calls spent (value plus gradient)
 */
public record MinosError(String parameter, double value, double lower, double upper, double confidenceLevel,
                         double deltaCost, boolean lowerValid, boolean upperValid, boolean lowerAtLimit,
                         boolean upperAtLimit, boolean callLimitReached, boolean newMinimumFound, long calls) {

    public boolean valid() {
        return lowerValid && upperValid && !newMinimumFound && !callLimitReached;
    }

    public String toJson() {
        return Json.write(this);
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%s = %.6g %+.4g %+.4g (CL %.4f)%s%s", parameter, value, lower, upper,
                confidenceLevel, valid() ? "" : " INVALID", (lowerAtLimit || upperAtLimit) ? " at limit" : "");
    }
}
