package org.ratiofit.ratio.training.param;

import java.util.List;
import org.ratiofit.ratio.training.TrainingConfig;

/**
 * Settings of {@link ParamTrainer}, MadMiner's where they apply: the method and α (weight of the
 * score term), the MLP, the optimiser (Adam, AMSGrad, SGD with Nesterov momentum), a learning rate
 * decaying exponentially from {@code initialLearningRate} to {@code finalLearningRate} over the
 * epochs, batch size, early stopping on a validation split (best epoch restored), standard scaling
 * of the inputs, shuffled labels (the null test), a cap on the sample size, and λ of the regulariser
 * λ·mean |∇ₓ ln r̂|² over the scaled feature inputs ({@code xGradientPenalty}, 0 = off; ratio methods only).
 */
public record ParamTrainingConfig(
        int formatVersion,
        EstimatorMethod method,
        double alpha,
        List<Integer> hiddenLayers,
        TrainingConfig.Activation activation,
        Optimizer optimizer,
        double initialLearningRate,
        double finalLearningRate,
        double momentum,
        int epochs,
        int batchSize,
        double validationFraction,
        int patience,
        long seed,
        boolean scaleInputs,
        boolean shuffleLabels,
        int maxEvents,
        boolean quiet,
        double xGradientPenalty) {

    /** Version 2 added {@code xGradientPenalty} (absent in version 1: 0, off). */
    public static final int FORMAT_VERSION = 2;

    public enum Optimizer { ADAM, AMSGRAD, SGD_NESTEROV }

    public ParamTrainingConfig {
        hiddenLayers = List.copyOf(hiddenLayers);
        if (hiddenLayers.isEmpty() || hiddenLayers.stream().anyMatch(w -> w < 1)) {
            throw new IllegalArgumentException("hidden layers must be a non-empty list of positive widths: " + hiddenLayers);
        }
        if (!(initialLearningRate > 0) || !(finalLearningRate > 0)) {
            throw new IllegalArgumentException("learning rates must be positive: " + initialLearningRate + ", " + finalLearningRate);
        }
        if (epochs < 1 || batchSize < 1 || patience < 1) {
            throw new IllegalArgumentException("epochs, batch size and patience must be at least 1");
        }
        if (!(validationFraction >= 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("validation fraction must be in [0, 1): " + validationFraction);
        }
        if (!(alpha >= 0)) {
            throw new IllegalArgumentException("alpha must be non-negative: " + alpha);
        }
        if (!(xGradientPenalty >= 0) || Double.isInfinite(xGradientPenalty)) {
            throw new IllegalArgumentException("xGradientPenalty (λ of the regulariser on |∇x ln r|) must be a finite "
                    + "non-negative number: " + xGradientPenalty);
        }
        if (xGradientPenalty > 0 && method != null && method.localScore()) {
            throw new IllegalArgumentException("xGradientPenalty applies to ratio methods (ln r̂); " + method
                    + " outputs a score: set it to 0");
        }
        if (xGradientPenalty > 0 && method != null && method.doubly()) {
            throw new IllegalArgumentException("xGradientPenalty is not implemented for the doubly parametrised method "
                    + method + ": set it to 0");
        }
    }

    /** The settings without the regulariser on |∇ₓ ln r̂| (format version 1's fields). */
    public ParamTrainingConfig(int formatVersion, EstimatorMethod method, double alpha, List<Integer> hiddenLayers,
            TrainingConfig.Activation activation, Optimizer optimizer, double initialLearningRate,
            double finalLearningRate, double momentum, int epochs, int batchSize, double validationFraction,
            int patience, long seed, boolean scaleInputs, boolean shuffleLabels, int maxEvents, boolean quiet) {
        this(formatVersion, method, alpha, hiddenLayers, activation, optimizer, initialLearningRate, finalLearningRate,
                momentum, epochs, batchSize, validationFraction, patience, seed, scaleInputs, shuffleLabels, maxEvents,
                quiet, 0);
    }

    /** Defaults close to MadMiner's: 3×64 swish, α = 1, Adam 1e-3 → 1e-4, 50 epochs, batch 128, 25% validation, patience 10, no |∇ₓ ln r̂| regulariser. */
    public static ParamTrainingConfig defaults(EstimatorMethod method) {
        return new ParamTrainingConfig(FORMAT_VERSION, method, 1.0, List.of(64, 64, 64), TrainingConfig.Activation.SWISH,
                Optimizer.ADAM, 1e-3, 1e-4, 0.9, 50, 128, 0.25, 10, 1L, true, false, 0, false, 0);
    }

    public ParamTrainingConfig withMethod(EstimatorMethod m, double a) {
        return new ParamTrainingConfig(formatVersion, m, a, hiddenLayers, activation, optimizer, initialLearningRate,
                finalLearningRate, momentum, epochs, batchSize, validationFraction, patience, seed, scaleInputs,
                shuffleLabels, maxEvents, quiet, xGradientPenalty);
    }

    public ParamTrainingConfig withNetwork(List<Integer> layers, TrainingConfig.Activation act) {
        return new ParamTrainingConfig(formatVersion, method, alpha, layers, act, optimizer, initialLearningRate,
                finalLearningRate, momentum, epochs, batchSize, validationFraction, patience, seed, scaleInputs,
                shuffleLabels, maxEvents, quiet, xGradientPenalty);
    }

    public ParamTrainingConfig withOptimizer(Optimizer opt, double lrInitial, double lrFinal) {
        return new ParamTrainingConfig(formatVersion, method, alpha, hiddenLayers, activation, opt, lrInitial, lrFinal,
                momentum, epochs, batchSize, validationFraction, patience, seed, scaleInputs, shuffleLabels, maxEvents,
                quiet, xGradientPenalty);
    }

    public ParamTrainingConfig withEpochs(int n, int batch, int pat) {
        return new ParamTrainingConfig(formatVersion, method, alpha, hiddenLayers, activation, optimizer,
                initialLearningRate, finalLearningRate, momentum, n, batch, validationFraction, pat, seed, scaleInputs,
                shuffleLabels, maxEvents, quiet, xGradientPenalty);
    }

    public ParamTrainingConfig withSeed(long s) {
        return new ParamTrainingConfig(formatVersion, method, alpha, hiddenLayers, activation, optimizer,
                initialLearningRate, finalLearningRate, momentum, epochs, batchSize, validationFraction, patience, s,
                scaleInputs, shuffleLabels, maxEvents, quiet, xGradientPenalty);
    }

    public ParamTrainingConfig withShuffledLabels(boolean on) {
        return new ParamTrainingConfig(formatVersion, method, alpha, hiddenLayers, activation, optimizer,
                initialLearningRate, finalLearningRate, momentum, epochs, batchSize, validationFraction, patience, seed,
                scaleInputs, on, maxEvents, quiet, xGradientPenalty);
    }

    public ParamTrainingConfig withMaxEvents(int cap) {
        return new ParamTrainingConfig(formatVersion, method, alpha, hiddenLayers, activation, optimizer,
                initialLearningRate, finalLearningRate, momentum, epochs, batchSize, validationFraction, patience, seed,
                scaleInputs, shuffleLabels, cap, quiet, xGradientPenalty);
    }

    public ParamTrainingConfig withQuiet(boolean on) {
        return new ParamTrainingConfig(formatVersion, method, alpha, hiddenLayers, activation, optimizer,
                initialLearningRate, finalLearningRate, momentum, epochs, batchSize, validationFraction, patience, seed,
                scaleInputs, shuffleLabels, maxEvents, on, xGradientPenalty);
    }

    /** The same settings with λ of the regulariser λ·mean |∇ₓ ln r̂|² (0 = off). */
    public ParamTrainingConfig withXGradientPenalty(double lambda) {
        return new ParamTrainingConfig(formatVersion, method, alpha, hiddenLayers, activation, optimizer,
                initialLearningRate, finalLearningRate, momentum, epochs, batchSize, validationFraction, patience, seed,
                scaleInputs, shuffleLabels, maxEvents, quiet, lambda);
    }

    /** Learning rate at a (fractional) epoch: initial·(final/initial)^(epoch/epochs). */
    public double learningRateAt(double epoch) {
        return initialLearningRate * Math.pow(finalLearningRate / initialLearningRate, Math.min(1, epoch / epochs));
    }
}
