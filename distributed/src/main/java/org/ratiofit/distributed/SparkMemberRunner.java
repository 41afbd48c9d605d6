package org.ratiofit.distributed;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.LongAccumulator;
import org.ratiofit.workspace.train.MemberOutcome;
import org.ratiofit.workspace.train.MemberRunner;
import org.ratiofit.workspace.train.MemberTask;
import org.ratiofit.workspace.train.MemberTraining;

/**
 * Trains ensemble members as Spark tasks (what nsbi_common_utils does with HTCondor DAGs): one task
 * per member, carrying the configuration's path, the ensemble's index, the member's index and the
 * training configuration (its seed); each executor reads the events from their paths (a shared
 * filesystem), trains the member from its seed and sends back its record (weights, scaler, split,
 * loss history: tens of kB); an accumulator feeds the driver's progress bar. A failed task that
 * Spark retries trains the same member again from the same seed.
 */
public final class SparkMemberRunner implements MemberRunner {

    private final String master;

    public SparkMemberRunner(String master) {
        this.master = master;
    }

    @Override
    public List<MemberOutcome> run(List<MemberTask> tasks, LongConsumer finished) {
        if (tasks.isEmpty()) {
            return List.of();
        }
        JavaSparkContext sc = SparkContexts.get(master);
        LongAccumulator done = sc.sc().longAccumulator("ratiofit members");
        boolean failFirst = sc.getConf().getBoolean(SparkToyRunner.FAIL_FIRST_ATTEMPT, false);
        JavaFutureAction<List<MemberOutcome>> f = sc.parallelize(tasks, tasks.size())
                .map(t -> runTask(t, done, failFirst)).collectAsync();
        try {
            while (true) {
                try {
                    List<MemberOutcome> out = f.get(200, TimeUnit.MILLISECONDS);
                    if (finished != null) {
                        finished.accept(tasks.size());
                    }
                    return out;
                } catch (TimeoutException e) {
                    if (finished != null) {
                        finished.accept(Math.min(done.value(), tasks.size()));
                    }
                }
            }
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the members trained on Spark", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause() == null ? e : e.getCause();
            throw new IllegalStateException("training on Spark failed: " + c.getMessage(), c);
        }
    }

    private static MemberOutcome runTask(MemberTask t, LongAccumulator done, boolean failFirst) {
        TaskContext c = TaskContext.get();
        if (failFirst && c != null && c.partitionId() == 0 && c.attemptNumber() == 0) {
            throw new IllegalStateException("injected failure of the first attempt of task 0 (" + SparkToyRunner.FAIL_FIRST_ATTEMPT + ")");
        }
        MemberOutcome o = MemberTraining.train(t);
        done.add(1);
        return o;
    }

    @Override
    public String describe() {
        return "spark " + (master == null ? "(spark-submit)" : master);
    }
}
