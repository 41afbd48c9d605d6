package org.ratiofit.workspace.nre;

import org.ratiofit.ratio.RatioModelException;

/**
 * A ratio model's network returned NaN while a likelihood evaluated it. Unlike ln r = −∞ (a
 * vanishing likelihood, which the likelihoods report as −ln L = +∞ and a sampler rejects like a
 * point beyond a bound), NaN is not a value of the likelihood: it says the network is broken at
 * this θ (an overflow inside it, say), so it is raised rather than hidden as a divergence. Names
 * the model, the observation row (counted from 0) and θ.
 */
public final class NetworkNanException extends RatioModelException {
    private final String model;
    private final int row;

    NetworkNanException(String model, int row, String theta, Throwable cause) {
        super("ratio model '" + model + "' returned NaN for observation row " + row + " (counted from 0) at " + theta
                + ": the network's output is not a number there, so the likelihood is undefined (not zero)", cause);
        this.model = model;
        this.row = row;
    }

    /** The model's name. */
    public String model() {
        return model;
    }

    /** The observation row (event), counted from 0. */
    public int row() {
        return row;
    }
}
