package org.ratiofit.validation.closure;

/** The upper-tail probability of a χ², shared with the posterior checks. */
public final class ChiSquare {

    private ChiSquare() {
    }

    /** P(χ²_ndf ≥ chi2); 1 when ndf ≤ 0. */
    public static double pValue(double chi2, int ndf) {
        return ClosureStats.pValue(chi2, ndf);
    }
}
