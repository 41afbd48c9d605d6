package org.ratiofit.ratio.training.param;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ratiofit.ratio.Ensemble;
import org.ratiofit.ratio.EnsembleManifest;

/**
 * Trains an ensemble of one estimator method (members 0…m−1, each with its own seed, the same data
 * and validation split) and writes it as an ensemble folder: {@code NAME-K.onnx}, {@code NAME-K.json},
 * {@code NAME-K.estimator.json} per member and {@code ensemble.json}, which
 * {@link Ensemble#load} reads. Expectation-based weights are fitted afterwards on a reference sample:
 * {@link Ensemble#fitExpectationWeights} (E[r̂] = 1 under θ1) for ratio methods,
 * {@link org.ratiofit.ratio.EnsembleFisher#fitScoreExpectationWeights} (E[t̂] = 0) for SALLY.
 */
public final class EstimatorEnsembleTrainer {
    private EstimatorEnsembleTrainer() {
    }

    /** The trained members and the manifest's path. */
    public record Result(List<TrainedEstimator> members, Path manifest) {
    }

    public static Result trainAndExport(AugmentedData data, ParamTrainingConfig config, int members,
            double[] referenceTheta, Path dir, String name) {
        return trainAndExport(data, config, members, referenceTheta, dir, name, null);
    }

    /** As above, with {@code listener} told after every epoch of every member (null: nobody). */
    public static Result trainAndExport(AugmentedData data, ParamTrainingConfig config, int members,
            double[] referenceTheta, Path dir, String name, ParamTrainer.EpochListener listener) {
        if (members < 1) {
            throw new IllegalArgumentException("an ensemble needs at least one member: " + members);
        }
        List<TrainedEstimator> out = new ArrayList<>();
        List<String> sidecars = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            TrainedEstimator est = ParamTrainer.train(data, config, i, referenceTheta, listener);
            Path sc = EstimatorExport.export(est, dir, name + "-" + i);
            out.add(est);
            sidecars.add(sc.getFileName().toString());
        }
        // ratio members: mean of ratios; score members are combined by EnsembleFisher, not by this field
        Path manifest = dir.resolve(EnsembleManifest.FILE_NAME);
        Ensemble.writeManifest(EnsembleManifest.of(name, sidecars, EnsembleManifest.Aggregation.MEAN_RATIO), manifest);
        return new Result(out, manifest);
    }
}
