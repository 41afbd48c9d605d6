package org.ratiofit.ratio.training.param;

/**
 * Per-epoch losses of a {@link ParamTrainer} run (the method's loss, weighted mean per event), the
 * epoch whose weights were kept, whether early stopping ended training, the wall time, the
 * training events per epoch and the optimiser steps taken.
 */
public record ParamTrainingHistory(double[] trainLoss, double[] validationLoss, int bestEpoch, boolean stoppedEarly,
        double seconds, long eventsPerEpoch, long steps) {

    public int epochs() {
        return trainLoss.length;
    }

    /** Training throughput: events per second over all epochs (validation passes included). */
    public double eventsPerSecond() {
        return eventsPerEpoch * (double) epochs() / seconds;
    }
}
