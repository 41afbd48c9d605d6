package org.ratiofit.samplers.fit;

/**
 * What a user needs to know before trusting a minimum, in Minuit's terms.
 *
 * @param validMinimum         converged below the EDM target, no call limit hit, covariance usable
 * @param accurateCovariance   covariance from HESSE (or a converged update) and positive-definite as computed
 * @param forcedPositiveDefinite the covariance had to be made positive-definite
 * @param parameterAtLimit     some parameter ended on one of its bounds
 * @param aboveMaxEdm          final EDM more than 10 times the target
 * @param callLimitReached     stopped at the call limit
 * @param edmTarget            the EDM target 0.002 * tolerance * errorDef
 */
public record FitStatus(boolean validMinimum, boolean accurateCovariance, boolean forcedPositiveDefinite,
                        boolean parameterAtLimit, boolean aboveMaxEdm, boolean callLimitReached,
                        double edmTarget) {
}
