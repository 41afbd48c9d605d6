package org.ratiofit.workspace.train;

/** Progress of {@link ConfigTraining#train}: per ensemble, and per epoch of each member. */
public interface TrainingListener {

    /** Ensemble {@code index} of {@code count} starts, with its events read. */
    default void ensembleStarted(int index, int count, EnsembleJob job, int numeratorEvents, int denominatorEvents) {
    }

    /** One epoch of one member is done. */
    default void epochDone(EnsembleJob job, int member, int epoch, double trainLoss, double validationLoss) {
    }

    /** Members trained elsewhere (a Spark cluster): {@code done} of {@code total} have finished. */
    default void membersDone(long done, long total) {
    }

    /** Training failed with a NaN loss and starts again with {@code seed}. */
    default void retry(EnsembleJob job, String reason, long seed) {
    }

    /** The ensemble's folder is written. */
    default void ensembleDone(TrainingReport.EnsembleResult result) {
    }

    TrainingListener NONE = new TrainingListener() {
    };
}
