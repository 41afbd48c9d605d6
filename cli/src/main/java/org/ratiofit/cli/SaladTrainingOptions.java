package org.ratiofit.cli;

import java.util.List;
import org.ratiofit.validation.salad.KFoldClassifier;
import org.ratiofit.validation.salad.SaladConfig;
import picocli.CommandLine.Option;

/** Overrides of a SALAD configuration's Training block, shared by {@code reweight} and {@code anomaly}. */
public final class SaladTrainingOptions {

    @Option(names = "--members", paramLabel = "N", description = "Ensemble members per fold (Training.Members, default 3).")
    Integer members;

    @Option(names = "--folds", paramLabel = "K", description = "k of the k-fold split (Training.Folds, default 5).")
    Integer folds;

    @Option(names = "--epochs", paramLabel = "N", description = "Maximum epochs (Training.Epochs, default 40; early stopping).")
    Integer epochs;

    @Option(names = "--hidden", split = ",", paramLabel = "W1,W2,...", description = "Hidden-layer widths (Training.Hidden, default 32,32).")
    List<Integer> hidden;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the folds and the trainings (Training.Seed, default 1).")
    Long seed;

    @Option(names = "--patience", paramLabel = "N", description = "Epochs without a better validation loss before a member stops; "
            + "0 runs every epoch and keeps the best (Training.Patience, default 5).")
    Integer patience;

    @Option(names = "--final-lr", paramLabel = "F", description = "The cosine schedule's end as a fraction in (0, 1] of the learning "
            + "rate (Training.FinalLearningRate, default 0.05).")
    Double finalLr;

    /** Refuses out-of-range values, naming the option, before anything is read or trained. */
    void check(picocli.CommandLine cl) {
        if (patience != null && patience < 0) {
            throw new picocli.CommandLine.ParameterException(cl, "--patience must be 0 (run every epoch) or positive, not " + patience);
        }
        if (finalLr != null && !(finalLr > 0 && finalLr <= 1)) {
            throw new picocli.CommandLine.ParameterException(cl,
                    "--final-lr must be a fraction in (0, 1] of the learning rate, not " + finalLr);
        }
    }

    KFoldClassifier.Settings settings(SaladConfig c, boolean quiet) {
        return over(KFoldClassifier.Settings.of(c.training(), quiet), quiet);
    }

    /** These options over {@code base} (the configuration's Training block, or the settings a weights sidecar records). */
    KFoldClassifier.Settings over(KFoldClassifier.Settings t, boolean quiet) {
        return new KFoldClassifier.Settings(members != null ? members : t.members(), folds != null ? folds : t.folds(),
                epochs != null ? epochs : t.epochs(), hidden != null ? hidden : t.hidden(), t.batchSize(),
                t.learningRate(), seed != null ? seed : t.seed(), quiet, patience != null ? patience : t.patience(),
                finalLr != null ? finalLr : t.finalLearningRate());
    }

    /** The classifier two-sample test of the closure: one member per fold, otherwise the settings above. */
    KFoldClassifier.Settings twoSample(SaladConfig c, boolean quiet) {
        return twoSample(settings(c, quiet));
    }

    static KFoldClassifier.Settings twoSample(KFoldClassifier.Settings s) {
        boolean quiet = s.quiet();
        return new KFoldClassifier.Settings(1, s.folds(), s.epochs(), s.hidden(), s.batchSize(), s.learningRate(), s.seed(), quiet,
                s.patience(), s.finalLearningRate());
    }
}
