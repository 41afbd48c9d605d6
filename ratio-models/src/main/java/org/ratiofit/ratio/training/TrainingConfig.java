package org.ratiofit.ratio.training;

import java.util.List;

/**
 * Everything that defines how one ensemble member is trained. Defaults follow common NSBI practice:
 * 3×64 swish network, Adam at 1e-3 with cosine decay, batches of 512, early stopping with
 * patience 10 on the validation loss, split 60/20/20, standard scaling of the listed features.
 */
public record TrainingConfig(
        int formatVersion,
        List<Integer> hiddenLayers,
        Activation activation,
        OptimizerKind optimizer,
        double learningRate,
        Schedule schedule,
        /** cosine: final learning rate as a fraction of the initial; exponential: factor per epoch */
        double scheduleParameter,
        int epochs,
        int batchSize,
        int patience,
        double minDelta,
        double trainFraction,
        double validationFraction,
        long splitSeed,
        long seed,
        ScalerKind scaler,
        double minMaxLow,
        double minMaxHigh,
        OutputConvention output,
        boolean bootstrap,
        boolean quiet) {

    public static final int FORMAT_VERSION = 1;

    public enum Activation { RELU, TANH, SWISH }

    public enum OptimizerKind { ADAM, NADAM }

    public enum Schedule { CONSTANT, COSINE, EXPONENTIAL }

    /** What the exported network returns: a sigmoid score s (r = s/(1 − s)) or the logit ln r. */
    public enum OutputConvention { SCORE, LOGIT }

    public TrainingConfig {
        if (hiddenLayers.isEmpty() || hiddenLayers.stream().anyMatch(w -> w == null || w < 1)) {
            throw new IllegalArgumentException("hidden layers must be a non-empty list of positive widths: " + hiddenLayers);
        }
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("learning rate must be positive: " + learningRate);
        }
        if (epochs < 1 || batchSize < 1 || patience < 1) {
            throw new IllegalArgumentException("epochs, batch size and patience must be at least 1: " + epochs + ", "
                    + batchSize + ", " + patience);
        }
        hiddenLayers = List.copyOf(hiddenLayers);
    }

    public static TrainingConfig defaults() {
        return new TrainingConfig(FORMAT_VERSION, List.of(64, 64, 64), Activation.SWISH, OptimizerKind.ADAM, 1e-3,
                Schedule.COSINE, 0.05, 100, 512, 10, 0.0, 0.6, 0.2, 12345L, 1L, ScalerKind.STANDARD, -1.5, 1.5,
                OutputConvention.SCORE, false, false);
    }

    public TrainingConfig withNetwork(List<Integer> layers, Activation act) {
        return new TrainingConfig(formatVersion, layers, act, optimizer, learningRate, schedule, scheduleParameter,
                epochs, batchSize, patience, minDelta, trainFraction, validationFraction, splitSeed, seed, scaler,
                minMaxLow, minMaxHigh, output, bootstrap, quiet);
    }

    public TrainingConfig withOptimizer(OptimizerKind opt, double lr, Schedule sched, double schedParam) {
        return new TrainingConfig(formatVersion, hiddenLayers, activation, opt, lr, sched, schedParam,
                epochs, batchSize, patience, minDelta, trainFraction, validationFraction, splitSeed, seed, scaler,
                minMaxLow, minMaxHigh, output, bootstrap, quiet);
    }

    public TrainingConfig withEpochs(int nEpochs, int batch, int pat) {
        return new TrainingConfig(formatVersion, hiddenLayers, activation, optimizer, learningRate, schedule,
                scheduleParameter, nEpochs, batch, pat, minDelta, trainFraction, validationFraction, splitSeed, seed,
                scaler, minMaxLow, minMaxHigh, output, bootstrap, quiet);
    }

    /** Early stopping: stop after {@code pat} epochs without a validation-loss improvement larger than {@code delta}. */
    public TrainingConfig withEarlyStopping(int pat, double delta) {
        return new TrainingConfig(formatVersion, hiddenLayers, activation, optimizer, learningRate, schedule,
                scheduleParameter, epochs, batchSize, pat, delta, trainFraction, validationFraction, splitSeed, seed,
                scaler, minMaxLow, minMaxHigh, output, bootstrap, quiet);
    }

    public TrainingConfig withSeeds(long splitSeedValue, long memberSeed) {
        return new TrainingConfig(formatVersion, hiddenLayers, activation, optimizer, learningRate, schedule,
                scheduleParameter, epochs, batchSize, patience, minDelta, trainFraction, validationFraction,
                splitSeedValue, memberSeed, scaler, minMaxLow, minMaxHigh, output, bootstrap, quiet);
    }

    public TrainingConfig withScaler(ScalerKind kind, double low, double high) {
        return new TrainingConfig(formatVersion, hiddenLayers, activation, optimizer, learningRate, schedule,
                scheduleParameter, epochs, batchSize, patience, minDelta, trainFraction, validationFraction, splitSeed,
                seed, kind, low, high, output, bootstrap, quiet);
    }

    public TrainingConfig withSplit(double train, double validation) {
        return new TrainingConfig(formatVersion, hiddenLayers, activation, optimizer, learningRate, schedule,
                scheduleParameter, epochs, batchSize, patience, minDelta, train, validation, splitSeed, seed, scaler,
                minMaxLow, minMaxHigh, output, bootstrap, quiet);
    }

    public TrainingConfig withOutput(OutputConvention convention) {
        return new TrainingConfig(formatVersion, hiddenLayers, activation, optimizer, learningRate, schedule,
                scheduleParameter, epochs, batchSize, patience, minDelta, trainFraction, validationFraction, splitSeed,
                seed, scaler, minMaxLow, minMaxHigh, convention, bootstrap, quiet);
    }

    public TrainingConfig withBootstrap(boolean on) {
        return new TrainingConfig(formatVersion, hiddenLayers, activation, optimizer, learningRate, schedule,
                scheduleParameter, epochs, batchSize, patience, minDelta, trainFraction, validationFraction, splitSeed,
                seed, scaler, minMaxLow, minMaxHigh, output, on, quiet);
    }

    public TrainingConfig withQuiet(boolean on) {
        return new TrainingConfig(formatVersion, hiddenLayers, activation, optimizer, learningRate, schedule,
                scheduleParameter, epochs, batchSize, patience, minDelta, trainFraction, validationFraction, splitSeed,
                seed, scaler, minMaxLow, minMaxHigh, output, bootstrap, on);
    }

    /** The learning rate at an epoch (0-based) under the schedule. */
    public double learningRateAt(double epoch) {
        return switch (schedule) {
            case CONSTANT -> learningRate;
            case EXPONENTIAL -> learningRate * Math.pow(scheduleParameter, epoch);
            case COSINE -> {
                double t = Math.min(1.0, epoch / Math.max(1, epochs));
                double floor = learningRate * scheduleParameter;
                yield floor + 0.5 * (learningRate - floor) * (1 + Math.cos(Math.PI * t));
            }
        };
    }
}
