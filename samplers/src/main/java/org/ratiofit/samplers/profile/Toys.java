package org.ratiofit.samplers.profile;

import java.util.Arrays;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

import org.ratiofit.objective.StatisticalModel;
import org.ratiofit.samplers.fit.FitResult;
import org.ratiofit.samplers.fit.Json;
import org.ratiofit.samplers.toys.ToySeeds;

/**
 * Pseudo-experiments: generate data from the model at a truth point, fit, and collect a test
 * statistic; toys run in parallel, each with its own seed so results replay: toy {@code i} of a run
 * seeded {@code seed} gets {@link ToySeeds#seed(long, long, long) ToySeeds.seed(seed, 0, i)}, as every
 * other toy path does (the seed is mixed, so runs seeded s and s + 1 share no toys).
 */
public final class Toys {

    private final HypoTests tests;

    public Toys(HypoTests tests) {
        this.tests = tests;
    }

    /**
     * The distribution of {@code ts} at {@code mu} over {@code n} toys generated at {@code truth}.
     *
     * @param progress called with the number of toys done (may be null)
     */
    public ToyResult run(StatisticalModel model, double[] truth, TestStatistic ts, double mu, int n, long seed,
                         IntConsumer progress) {
        if (!model.supportsPseudoExperiments()) {
            throw new IllegalArgumentException(model.getClass().getSimpleName() + " cannot generate pseudo-experiments");
        }
        double[] values = new double[n];
        boolean[] valid = new boolean[n];
        java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
        IntStream.range(0, n).parallel().forEach(i -> {
            StatisticalModel toy = model.pseudoExperiment(truth, ToySeeds.seed(seed, 0, i));
            FitResult free = tests.fit(toy);
            valid[i] = free.status().validMinimum();
            values[i] = tests.statistic(toy, free, ts, mu);
            int d = done.incrementAndGet();
            if (progress != null) {
                progress.accept(d);
            }
        });
        int invalid = 0;
        for (boolean v : valid) {
            invalid += v ? 0 : 1;
        }
        return new ToyResult(Json.FORMAT_VERSION, ts, mu, truth.clone(), seed, values, invalid);
    }

    /**
     * @param values        the statistic in each toy
     * @param invalidFits   toys whose unconditional fit was not a valid minimum
     */
    public record ToyResult(int formatVersion, TestStatistic statistic, double mu, double[] truth, long seed,
                            double[] values, int invalidFits) {

        /** Fraction of toys with a statistic at least as large as {@code observed}. */
        public double pValue(double observed) {
            return Arrays.stream(values).filter(v -> v >= observed).count() / (double) values.length;
        }

        public String toJson() {
            return Json.write(this);
        }
    }
}
