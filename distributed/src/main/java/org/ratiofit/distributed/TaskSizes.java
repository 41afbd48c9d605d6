package org.ratiofit.distributed;

import java.util.ArrayList;
import java.util.List;
import org.ratiofit.samplers.toys.ToyStudy;

/**
 * How a toy study is cut into Spark tasks: large tasks first, shrinking to the smallest size at the
 * end (guided self-scheduling). Each task takes about a {@code 1/(2 slots)} share of the toys still
 * to be handed out, at least {@code smallest} and at most {@link #MAX_FACTOR}{@code  x smallest}
 * toys of one ensemble, in the study's order (Spark launches the tasks in that order). Few tasks,
 * so few of Spark's per-task round trips, while the last wave is made of the smallest tasks, so
 * the slots run out of work at nearly the same time. The cut does not change any toy: each is
 * seeded by its index.
 */
public final class TaskSizes {

    /** The largest task, in multiples of the smallest (bounds the progress bar's step and a retry's cost). */
    public static final int MAX_FACTOR = 8;

    private TaskSizes() {
    }

    /**
     * @param smallest the smallest task (the command line's --toys-per-task)
     * @param slots    task slots of the cluster (its total executor cores)
     */
    public static List<ToyStudy.Batch> tapered(ToyStudy study, int smallest, int slots) {
        if (smallest < 1) {
            throw new IllegalArgumentException("toys per task must be at least 1, got " + smallest);
        }
        long perEnsemble = study.to() - study.from();
        long remaining = perEnsemble * study.ensembles().size();
        long largest = (long) smallest * MAX_FACTOR;
        int share = 2 * Math.max(1, slots);
        List<ToyStudy.Batch> out = new ArrayList<>();
        for (int e = 0; e < study.ensembles().size(); e++) {
            for (long a = study.from(); a < study.to(); ) {
                long size = Math.min(largest, Math.max(smallest, (remaining + share - 1) / share));
                long b = Math.min(study.to(), a + size);
                out.add(new ToyStudy.Batch(e, a, b));
                remaining -= b - a;
                a = b;
            }
        }
        return out;
    }
}
