package org.ratiofit.likelihood;

import java.nio.file.Path;
import java.util.List;

/**
 * A sample's per-event log-ratio that depends on fit parameters θ: ln r(x_i|θ) and its exact
 * θ-gradient for every event of one event set, written into the caller's primitive arrays. The
 * likelihood knows nothing of how it is computed (a trained network lives in workspace-builder); it
 * calls {@link #evaluate} only when θ changes ({@link ParametrisedColumns} caches the columns).
 */
public interface ParametrisedLogRatio {

    /** The names of θ, in the order of {@link #evaluate}'s {@code theta} and gradient rows. */
    List<String> parameters();

    /** The number of events. */
    int events();

    /**
     * ln r(x_i|θ) into {@code logRatio[i]} and ∂ ln r(x_i|θ)/∂θ_k into {@code gradient[k][i]} for every
     * event i (arrays of length {@link #events()}). A value that is not finite is reported as it is
     * (the likelihood then says where); an exception for a failure to compute.
     */
    void evaluate(double[] theta, double[] logRatio, double[][] gradient);

    /**
     * What a workspace stores to rebuild this function: the estimator (a folder or file, absolute
     * or relative to the working directory) and the per-event feature columns it reads, [feature][event];
     * null when the function cannot be stored (a closed-form ratio in a test).
     */
    default Source source() {
        return null;
    }

    /** The estimator and the events' features (see {@link #source()}). */
    record Source(Path estimator, List<String> featureNames, double[][] features) {
        public Source {
            featureNames = List.copyOf(featureNames);
            if (featureNames.size() != features.length) {
                throw new IllegalArgumentException(featureNames.size() + " feature names for " + features.length + " feature columns");
            }
        }
    }
}
