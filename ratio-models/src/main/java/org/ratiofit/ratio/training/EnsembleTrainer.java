package org.ratiofit.ratio.training;

import java.util.ArrayList;
import java.util.List;

/**
 * Trains an ensemble: members 0..n−1 share the split (so the holdout is common to all and the
 * diagnostics see one holdout) and differ by seed (initialisation and batch order) and, with
 * bootstrap on, by a resampling with replacement of the training events.
 */
public final class EnsembleTrainer {
    private EnsembleTrainer() {
    }

    public static TrainedEnsemble train(TrainingData data, TrainingConfig config, int members) {
        return train(data, config, members, null);
    }

    public static TrainedEnsemble train(TrainingData data, TrainingConfig config, int members,
            DjlTrainer.EpochListener listener) {
        if (members < 1) {
            throw new IllegalArgumentException("an ensemble needs at least one member, got " + members);
        }
        DjlOffline.ensure();
        DataSplit split = DataSplit.draw(data.size(), config.splitSeed(), config.trainFraction(),
                config.validationFraction());
        List<TrainedMember> out = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            out.add(DjlTrainer.train(data, config, i, split, listener));
        }
        return new TrainedEnsemble(TrainedEnsemble.FORMAT_VERSION, out);
    }
}
