package org.ratiofit.samplers.toys;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ratiofit.objective.ParameterSpec;
import org.ratiofit.objective.StatisticalModel;
import org.ratiofit.samplers.fit.FitResult;
import org.ratiofit.samplers.fit.Migrad;
import org.ratiofit.samplers.profile.HypoTests;

/**
 * One pseudo-experiment, the same wherever it runs: data drawn at the ensemble's truth point with
 * the toy's own seed, the free fit started from the truth point and seeded with the data fit's
 * covariance, then the statistic at each tested value with conditional fits warm-started from the
 * free fit. Runs on the calling thread; the model must not use an event-loop pool of its own (the
 * toys are the parallel unit), so that the numbers do not depend on any thread count.
 */
public final class ToyWorker {

    private ToyWorker() {
    }

    /** Toys {@code batch.from()} to {@code batch.to()} of one ensemble. */
    public static List<ToyOutcome> run(StatisticalModel model, ToyStudy study, ToyStudy.Batch batch, Runnable perToy) {
        Migrad migrad = study.fit().migrad();
        HypoTests tests = new HypoTests(migrad);
        ToyEnsemble e = study.ensembles().get(batch.ensemble());
        List<ToyOutcome> out = new ArrayList<>((int) (batch.to() - batch.from()));
        for (long i = batch.from(); i < batch.to(); i++) {
            out.add(one(model, migrad, tests, study.seed(), batch.ensemble(), e, i));
            if (perToy != null) {
                perToy.run();
            }
        }
        return out;
    }

    static ToyOutcome one(StatisticalModel model, Migrad migrad, HypoTests tests, long seed, int ensembleIndex, ToyEnsemble e, long i) {
        double[] values = new double[e.mus().length];
        Arrays.fill(values, Double.NaN);
        StatisticalModel toy = model.pseudoExperiment(e.truth(), ToySeeds.seed(seed, e.stream(), i));
        int poi = model.parameterOfInterest().orElseThrow();
        try {
            List<ParameterSpec> start = new ArrayList<>(toy.parameters());
            for (int k = 0; k < start.size(); k++) {
                ParameterSpec s = start.get(k);
                if (!s.fixed()) {
                    start.set(k, s.withInitial(Math.min(Math.max(e.truth()[k], s.lower()), s.upper())));
                }
            }
            FitResult free = migrad.minimise(toy, start, e.startCovariance());
            boolean valid = free.status().validMinimum();
            for (int m = 0; m < values.length; m++) {
                values[m] = tests.statistic(toy, free, e.statistic(), e.mus()[m]);
                valid &= Double.isFinite(values[m]);
            }
            return new ToyOutcome(ensembleIndex, i, free.values()[poi], values, valid);
        } catch (RuntimeException ex) {
            // a toy whose fit throws is kept, marked invalid, so that counts stay honest
            return new ToyOutcome(ensembleIndex, i, Double.NaN, values, false);
        }
    }
}
