package org.ratiofit.engine;

import java.util.ServiceLoader;

/**
 * Finds the distributed engine's factories (toy runners, ensemble-member trainers) through
 * {@link ServiceLoader}, so that no core module depends on Apache Spark: the 'distributed' module
 * registers them, and `--master` works when its jar is on the class path.
 */
public final class DistributedEngine {

    private DistributedEngine() {
    }

    /** The first registered implementation of {@code factory}, or an error saying how to get one. */
    public static <T> T find(Class<T> factory) {
        for (T f : ServiceLoader.load(factory)) {
            return f;
        }
        throw new IllegalStateException("--master needs the distributed engine, which is not on the class path: run the command "
                + "through ./ratiofit-spark (it builds the 'distributed' module with Apache Spark), or put "
                + "distributed/target/ratiofit-distributed.jar and its libraries on the class path");
    }
}
