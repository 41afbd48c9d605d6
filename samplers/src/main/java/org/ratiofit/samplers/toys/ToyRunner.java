package org.ratiofit.samplers.toys;

import java.util.function.LongConsumer;

/**
 * Where toys run: {@link LocalToyRunner} on a thread pool, or a distributed engine (the
 * {@code distributed} module's Spark runner, found through {@link DistributedToyRunners}). Every
 * runner gives the same {@link ToySamples} for the same study.
 */
public interface ToyRunner extends AutoCloseable {

    /**
     * Runs the study.
     *
     * @param progress called with the number of toys finished so far (may be null)
     */
    ToySamples run(ToyStudy study, LongConsumer progress);

    /** A short description for reports ("local, 8 threads", "spark local[2]"). */
    String describe();

    @Override
    default void close() {
    }
}
