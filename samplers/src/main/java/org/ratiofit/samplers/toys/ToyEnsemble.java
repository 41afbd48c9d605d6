package org.ratiofit.samplers.toys;

import java.io.Serializable;
import org.ratiofit.samplers.profile.TestStatistic;

/**
 * A set of pseudo-experiments generated at one truth point: toy {@code i} draws its data with the
 * seed {@link ToySeeds#seed}(study seed, {@code stream}, i), is fitted freely (started from the
 * truth point, seeded with {@code startCovariance}, the data fit's covariance) and gives the test
 * statistic at each of {@code mus}, sharing the free fit.
 *
 * @param label           what the ensemble is for ("s+b mu=1.5", "b-only")
 * @param stream          the ensemble's random stream (distinct within a study)
 * @param truth           the generating point, every parameter
 * @param startCovariance the covariance that seeds each toy's free fit (null: second derivatives)
 * @param statistic       the test statistic
 * @param mus             the tested values of the parameter of interest
 */
public record ToyEnsemble(String label, int stream, double[] truth, double[][] startCovariance, TestStatistic statistic,
                          double[] mus) implements Serializable {

    public ToyEnsemble {
        if (truth == null || truth.length == 0) {
            throw new IllegalArgumentException("ensemble '" + label + "': no truth point");
        }
        if (mus == null || mus.length == 0) {
            throw new IllegalArgumentException("ensemble '" + label + "': no tested value of the parameter of interest");
        }
    }
}
