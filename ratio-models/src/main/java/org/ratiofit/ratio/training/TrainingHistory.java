package org.ratiofit.ratio.training;

/**
 * Per-epoch losses (weighted binary cross-entropy with each class normalised to total weight ½, so
 * ln 2 ≈ 0.693 is the loss of r̂ ≡ 1), the epoch whose weights were kept, and whether early
 * stopping cut training short. Train loss is the mean over the epoch's batches while training.
 */
public record TrainingHistory(double[] trainLoss, double[] validationLoss, int bestEpoch, boolean stoppedEarly,
        double seconds, long eventsPerEpoch) {

    public int epochs() {
        return trainLoss.length;
    }

    /** Training throughput in events per second per epoch. */
    public double eventsPerSecond() {
        return eventsPerEpoch * (double) epochs() / seconds;
    }
}
