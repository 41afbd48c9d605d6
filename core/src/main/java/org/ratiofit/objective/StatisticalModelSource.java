package org.ratiofit.objective;

import java.io.Serializable;

/**
 * How to build a statistical model anywhere: a small serialisable recipe (for a workspace, its
 * path and the options applied to it) that a distributed engine ships to its executors, each of
 * which loads the model once. Implementations must have value equality (records), since
 * executors cache the loaded model by the recipe.
 */
public interface StatisticalModelSource extends Serializable {

    /** Loads the model; it must evaluate on the calling thread (no event-loop pool of its own). */
    StatisticalModel load();

    /**
     * A cheap fingerprint of what {@link #load()} reads as it is now (for files: their sizes and
     * modification times), so that an executor that cached the model reloads it when the input was
     * rewritten under the same recipe; null (the default): the input never changes.
     */
    default String stamp() {
        return null;
    }

    /** A short description for messages. */
    String describe();
}
