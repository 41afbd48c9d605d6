package org.ratiofit.likelihood;

/**
 * For one code-4 shapesys column pair: how many data and reference events have a HistFactory
 * code-4 polynomial that is not safely positive on [-1, 1] ({@link LogInterpolation#polynomialNotPositive}).
 * ratiofit interpolates shape factors in log space, which is positive for every event; the count
 * says how far the per-event ratios are from where the two forms agree closely (|ln u|, |ln d| &lt;= 3)
 * and how many events a polynomial code 4 (the public NSBI toolkits') would have made non-positive.
 */
public record Code4PositivityCount(String channel, String sample, String parameter, int dataEvents, int dataNotPositive,
                                   int referenceEvents, int referenceNotPositive) {
}
