package org.ratiofit.distributed;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.LongAccumulator;
import org.ratiofit.objective.StatisticalModelSource;
import org.ratiofit.samplers.toys.ToyOutcome;
import org.ratiofit.samplers.toys.ToyRunner;
import org.ratiofit.samplers.toys.ToySamples;
import org.ratiofit.samplers.toys.ToyStudy;
import org.ratiofit.samplers.toys.ToyWorker;

/**
 * Runs a toy study as Spark tasks: one task per batch of toy indices of one ensemble (by default
 * large batches first, shrinking to {@code batchSize} toys at the end: {@link TaskSizes}), the model
 * recipe (a workspace path) and the study in the task closure (a few kB), the model loaded once
 * per executor, small records back; an accumulator feeds the driver's progress bar. Each toy is
 * seeded by its index, so a failed task that Spark retries gives the same toys, and the samples
 * equal the local thread pool's.
 */
public final class SparkToyRunner implements ToyRunner {

    /** Spark conf key of the fault injection that tests use: the first attempt of task 0 fails. */
    public static final String FAIL_FIRST_ATTEMPT = "spark.ratiofit.test.failFirstAttempt";

    private final String master;
    private final StatisticalModelSource source;
    private final int batchSize;
    private final boolean tapered;
    private volatile long lastToyNanos;

    /** Tasks of {@code batchSize} toys at the end of the study, larger before ({@link TaskSizes#tapered}). */
    public SparkToyRunner(String master, StatisticalModelSource source, int batchSize) {
        this(master, source, batchSize, true);
    }

    /**
     * @param tapered true: large tasks first, down to {@code batchSize} toys at the end; false: every
     *                task {@code batchSize} toys
     */
    public SparkToyRunner(String master, StatisticalModelSource source, int batchSize, boolean tapered) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("toys per task must be at least 1, got " + batchSize);
        }
        this.master = master;
        this.source = source;
        this.batchSize = batchSize;
        this.tapered = tapered;
    }

    @Override
    public ToySamples run(ToyStudy study, LongConsumer progress) {
        JavaSparkContext sc = SparkContexts.get(master);
        List<ToyStudy.Batch> batches = tasks(study, sc.defaultParallelism());
        LongAccumulator done = sc.sc().longAccumulator("ratiofit toys");
        LongAccumulator toyNanos = sc.sc().longAccumulator("ratiofit toy ns");
        boolean failFirst = sc.getConf().getBoolean(FAIL_FIRST_ATTEMPT, false);
        StatisticalModelSource src = source;
        JavaRDD<ToyStudy.Batch> rdd = sc.parallelize(batches, batches.size());
        JavaFutureAction<List<List<ToyOutcome>>> f = rdd.map(b -> runTask(src, study, b, done, toyNanos, failFirst)).collectAsync();
        try {
            while (true) {
                try {
                    List<List<ToyOutcome>> out = f.get(200, TimeUnit.MILLISECONDS);
                    ToySamples.Builder builder = ToySamples.collector(study);
                    for (List<ToyOutcome> o : out) {
                        builder.addAll(o);
                    }
                    if (progress != null) {
                        progress.accept(study.totalToys());
                    }
                    lastToyNanos = toyNanos.value();
                    return builder.build();
                } catch (TimeoutException e) {
                    if (progress != null) {
                        progress.accept(done.value());
                    }
                }
            }
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the toys ran on Spark", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause() == null ? e : e.getCause();
            throw new IllegalStateException("the toy study failed on Spark: " + c.getMessage(), c);
        }
    }

    /** The tasks this runner makes of {@code study} on a cluster of {@code slots} task slots. */
    public List<ToyStudy.Batch> tasks(ToyStudy study, int slots) {
        return tapered ? TaskSizes.tapered(study, batchSize, slots) : study.batches(batchSize);
    }

    /** Nanoseconds the last study's tasks spent getting the model and running the toys (summed over tasks). */
    public long lastToyNanos() {
        return lastToyNanos;
    }

    private static List<ToyOutcome> runTask(StatisticalModelSource src, ToyStudy study, ToyStudy.Batch b, LongAccumulator done,
                                            LongAccumulator toyNanos, boolean failFirst) {
        TaskContext t = TaskContext.get();
        if (failFirst && t != null && t.partitionId() == 0 && t.attemptNumber() == 0) {
            throw new IllegalStateException("injected failure of the first attempt of task 0 (" + FAIL_FIRST_ATTEMPT + ")");
        }
        long t0 = System.nanoTime();
        List<ToyOutcome> r = ToyWorker.run(ExecutorModels.get(src), study, b, null);
        toyNanos.add(System.nanoTime() - t0);
        done.add(r.size());
        return r;
    }

    @Override
    public String describe() {
        return "spark " + (master == null ? "(spark-submit)" : master);
    }
}
