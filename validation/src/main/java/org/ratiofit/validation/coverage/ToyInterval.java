package org.ratiofit.validation.coverage;

/**
 * The intervals of one pseudo-experiment at each confidence level, or why there are none.
 *
 * @param valid    whether every level has an interval; an invalid toy is left out of the coverage
 *                 and counted as not covering in the "all toys" column
 * @param failure  why not valid (e.g. "fit not valid", "interval runs off the grid"); null when valid
 * @param estimate the point estimate: the best fit (minos, scan) or the posterior median (posterior)
 * @param spread   its spread: the HESSE error (minos, scan) or the posterior standard deviation
 * @param lower    per level, the lower end of the interval
 * @param upper    per level, the upper end of the interval
 * @param divergent NUTS divergent transitions after warm-up (posterior; 0 for the others)
 */
public record ToyInterval(boolean valid, String failure, double estimate, double spread, double[] lower, double[] upper,
                          int divergent) {

    /** A toy without intervals, and why. */
    public static ToyInterval failed(String why) {
        return new ToyInterval(false, why, Double.NaN, Double.NaN, null, null, 0);
    }

    /** A toy with intervals at every level. */
    public static ToyInterval of(double estimate, double spread, double[] lower, double[] upper) {
        return new ToyInterval(true, null, estimate, spread, lower, upper, 0);
    }

    /** Whether the interval of level {@code l} contains {@code truth} (ends included). */
    public boolean covers(int l, double truth) {
        return valid && lower[l] <= truth && truth <= upper[l];
    }
}
