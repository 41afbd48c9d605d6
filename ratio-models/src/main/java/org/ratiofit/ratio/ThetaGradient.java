package org.ratiofit.ratio;

/**
 * ln r(x|θ) per event and its gradient with respect to θ.
 *
 * @param model    model name
 * @param theta    the point θ, or null when θ was given per event ({@link RatioModel#logRatioGradientPerEvent})
 * @param logRatio ln r per event
 * @param gradient d ln r/dθ_j, [parameter][event]
 * @param method   {@code exact} (reverse mode in double precision) or {@code finite_differences}
 */
public record ThetaGradient(String model, double[] theta, double[] logRatio, double[][] gradient, String method) {}
