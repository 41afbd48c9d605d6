package org.ratiofit.samplers.toys;

import org.ratiofit.engine.DistributedEngine;
import org.ratiofit.objective.StatisticalModelSource;

/**
 * Finds a distributed toy engine on the class path through {@link java.util.ServiceLoader}: the
 * {@code distributed} module registers its Spark runner as a {@link Factory}, so that the command
 * line runs toys on a cluster when that module's jar is present, without depending on it.
 */
public final class DistributedToyRunners {

    private DistributedToyRunners() {
    }

    /** A distributed engine (one implementation per engine, registered in META-INF/services). */
    public interface Factory {

        /** The engine's name ("spark"). */
        String name();

        /**
         * A runner on the cluster at {@code master} (for Spark: local[N], spark://host:port, or
         * whatever spark-submit provides when null) that loads the model on each executor from
         * {@code source}.
         *
         * @param batchSize toys per task
         */
        ToyRunner create(String master, StatisticalModelSource source, int batchSize);
    }

    /** The first factory on the class path, or an error saying how to get one. */
    public static Factory find() {
        return DistributedEngine.find(Factory.class);
    }
}
