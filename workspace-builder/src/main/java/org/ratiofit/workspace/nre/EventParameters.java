package org.ratiofit.workspace.nre;

import java.util.List;

/**
 * How the parameters of a likelihood (φ) set a parametrised ratio model's parameters θ event by
 * event: θ_j(i) = f_j(φ, covariates of event i). The likelihood chains the model's per-event
 * θ-gradients through {@link #accumulateGradient}. Implementations must be thread-safe (the NUTS
 * chains call the likelihood concurrently); {@link LinearPredictor} is the usual one.
 */
public interface EventParameters {

    /** Number of events the covariates cover. */
    int events();

    /** The model parameters θ this sets, in the order of the ratio model's parameters. */
    List<String> modelParameters();

    /** θ_j for events [from, from + count), written into {@code out[j][0..count)}. */
    void theta(double[] phi, int from, int count, double[][] out);

    /**
     * Adds Σ_i g[j][i] ∂θ_j(from + i)/∂φ_k to {@code grad[k]} for every φ_k, where g[j][i] is a
     * derivative with respect to θ_j at event from + i.
     */
    void accumulateGradient(double[] phi, int from, int count, double[][] g, double[] grad);
}
