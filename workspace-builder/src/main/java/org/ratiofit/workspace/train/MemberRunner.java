package org.ratiofit.workspace.train;

import java.util.List;
import java.util.function.LongConsumer;

/** Trains ensemble members elsewhere (Spark): each task from its own seed, all at once. */
public interface MemberRunner {

    /**
     * Runs every task and returns their outcomes in the tasks' order.
     *
     * @param finished told how many members have finished so far (may be null)
     */
    List<MemberOutcome> run(List<MemberTask> tasks, LongConsumer finished);

    /** Where the members train, for messages ("spark local[2]"). */
    String describe();
}
