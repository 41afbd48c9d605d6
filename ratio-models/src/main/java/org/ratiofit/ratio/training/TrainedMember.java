package org.ratiofit.ratio.training;

/**
 * One trained ensemble member: the index and seed it was trained with, the split and the scaler
 * (fitted on its training events), the network weights and the loss history. The network's logit
 * on scaled features is ln r̂(x) = ln p_A(x)/p_B(x).
 */
public record TrainedMember(int formatVersion, int index, long seed, TrainingConfig config, DataSplit split,
        FittedScaler scaler, MlpWeights network, TrainingHistory history) {

    public static final int FORMAT_VERSION = 1;

    /** ln r̂ for raw (unscaled) rows, evaluated in Java with the exported float32 weights. */
    public double[] logRatio(double[][] rows) {
        return network.logits(scaler.transformRows(rows));
    }

    /** ln r̂ for events of a table. */
    public double[] logRatio(TrainingData data, int[] events) {
        return network.logits(scaler.transformRows(data, events));
    }
}
