package org.ratiofit.likelihood;

/**
 * How many events of one code-4 shapesys column use the log-space form ({@link Code4Fallback})
 * because their code-4 polynomial is not safely positive on [-1, 1].
 */
public record ShapeFallbackCount(String channel, String sample, String parameter, int dataEvents, int dataFallback,
                                 int referenceEvents, int referenceFallback) {
}
