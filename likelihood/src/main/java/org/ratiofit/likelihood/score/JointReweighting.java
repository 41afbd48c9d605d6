package org.ratiofit.likelihood.score;

import java.util.List;

/**
 * The latent information of a simulated reference sample (events drawn at θ_ref), as per-event
 * joint ratios w_i(θ) = r(x_i, z_i | θ, θ_ref) = p(x_i, z_i | θ) / p(x_i, z_i | θ_ref) and their
 * θ-gradients ∂w_i/∂θ = w_i t(x_i, z_i | θ). Reweighting the reference sample by w_i(θ) gives
 * expectations at θ; a binned likelihood in θ built that way
 * ({@link ScoreHistogramLikelihood}) has an exact gradient.
 *
 * <p>For a simulator with closed-form latent densities the implementation evaluates ln p(z|θ)
 * directly; in general it may interpolate per-event joint log-ratios tabulated on a θ grid, or use
 * morphing (MadMiner). Implementations must be thread-safe for concurrent calls with distinct
 * output arrays, and must not allocate per event.
 */
public interface JointReweighting {

    /** Number of reference events. */
    int events();

    /** The names of θ, in the order of every {@code theta} passed here. */
    List<String> parameterNames();

    /**
     * Writes ln w_i(θ) into {@code logWeight[i]} and, when {@code score} is not null, the joint
     * score t(x_i, z_i | θ) = ∇θ ln w_i(θ) into {@code score[j][i]} ([parameter][event]).
     * A weight of zero is −∞.
     */
    void logWeights(double[] theta, double[] logWeight, double[][] score);
}
