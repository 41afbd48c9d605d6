package org.ratiofit.workspace.train;

import org.ratiofit.engine.DistributedEngine;

/**
 * Finds a distributed training engine on the class path through {@link java.util.ServiceLoader}: the
 * {@code distributed} module registers its Spark runner as a {@link Factory}, so that
 * {@code ratiofit train --master URL} trains members on a cluster when that module's jar is present,
 * without the command line depending on it.
 */
public final class DistributedTrainers {

    private DistributedTrainers() {
    }

    /** A distributed engine (one implementation per engine, registered in META-INF/services). */
    public interface Factory {

        /** The engine's name ("spark"). */
        String name();

        /**
         * A runner on the cluster at {@code master} (for Spark: local[N], spark://host:port, or
         * whatever spark-submit provides when null).
         */
        MemberRunner create(String master);
    }

    /** The first factory on the class path, or an error saying how to get one. */
    public static Factory find() {
        return DistributedEngine.find(Factory.class);
    }
}
