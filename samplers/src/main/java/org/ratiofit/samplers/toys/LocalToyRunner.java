package org.ratiofit.samplers.toys;

import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import org.ratiofit.objective.StatisticalModel;

/**
 * Runs a study's toys on a fork-join pool of {@code threads} threads, in batches; each toy is
 * seeded by its index alone, so the samples are identical for any thread count.
 */
public final class LocalToyRunner implements ToyRunner {

    private final StatisticalModel model;
    private final int threads;
    private final int batchSize;

    /**
     * @param model   the model whose pseudo-experiments are drawn; it must evaluate on the calling
     *                thread (no event-loop pool), since the toys are the parallel unit
     * @param threads threads of the pool (1: the calling thread)
     */
    public LocalToyRunner(StatisticalModel model, int threads) {
        this(model, threads, 4);
    }

    public LocalToyRunner(StatisticalModel model, int threads, int batchSize) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        if (!model.supportsPseudoExperiments()) {
            throw new IllegalArgumentException("the model cannot generate pseudo-experiments "
                    + "(a workspace's unbinned channels need their reference events for toys)");
        }
        model.parameterOfInterest().orElseThrow(() -> new IllegalArgumentException("the model has no parameter of interest"));
        this.model = model;
        this.threads = threads;
        this.batchSize = batchSize;
    }

    @Override
    public ToySamples run(ToyStudy study, LongConsumer progress) {
        ToySamples.Builder out = ToySamples.builder(study);
        List<ToyStudy.Batch> batches = study.batches(batchSize);
        AtomicLong done = new AtomicLong();
        Runnable perToy = progress == null ? null : () -> progress.accept(done.incrementAndGet());
        if (threads == 1) {
            for (ToyStudy.Batch b : batches) {
                out.addAll(ToyWorker.run(model, study, b, perToy));
            }
            return out.build();
        }
        ForkJoinPool pool = new ForkJoinPool(threads);
        try {
            pool.submit(() -> batches.parallelStream().forEach(b -> out.addAll(ToyWorker.run(model, study, b, perToy)))).join();
        } finally {
            pool.shutdown();
        }
        return out.build();
    }

    @Override
    public String describe() {
        return "local, " + threads + (threads == 1 ? " thread" : " threads");
    }
}
