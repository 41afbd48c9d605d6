package org.ratiofit.ratio.training;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.ParameterTracker;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * NAdam (Dozat 2016): Adam with a Nesterov look-ahead on the first moment, with constant β₁ (no
 * momentum-decay schedule). DJL 0.35.1 ships Adam but no NAdam.
 */
final class Nadam extends Optimizer {
    private final ParameterTracker learningRate;
    private final float beta1 = 0.9f;
    private final float beta2 = 0.999f;
    private final float epsilon = 1e-8f;
    private final Map<String, Map<Device, NDArray>> means = new ConcurrentHashMap<>();
    private final Map<String, Map<Device, NDArray>> variances = new ConcurrentHashMap<>();
    private final Map<String, Integer> steps = new ConcurrentHashMap<>();

    Nadam(Builder builder) {
        super(builder);
        this.learningRate = builder.learningRate;
    }

    static Builder builder() {
        return new Builder();
    }

    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        int t = steps.merge(parameterId, 1, Integer::sum);
        float lr = learningRate.getNewValue(parameterId, t);
        NDArray m = withDefaultState(means, parameterId, weight.getDevice(), k -> weight.zerosLike());
        NDArray v = withDefaultState(variances, parameterId, weight.getDevice(), k -> weight.zerosLike());
        try (NDArray g1 = grad.mul(1 - beta1);
                NDArray g2 = grad.square().muli(1 - beta2)) {
            m.muli(beta1).addi(g1);
            v.muli(beta2).addi(g2);
        }
        double b1t = Math.pow(beta1, t);
        double b1next = Math.pow(beta1, t + 1);
        double b2t = Math.pow(beta2, t);
        try (NDArray mHat = m.mul((float) (beta1 / (1 - b1next)));
                NDArray gHat = grad.mul((float) ((1 - beta1) / (1 - b1t)));
                NDArray vHat = v.div((float) (1 - b2t));
                NDArray denom = vHat.sqrt().addi(epsilon)) {
            mHat.addi(gHat).muli(lr).divi(denom);
            weight.subi(mHat);
        }
        // Clear the used gradient as DJL's zeroGradients does, so nothing can accumulate across
        // steps; in the tests it changed no digit (the next backward pass already starts from zero).
        grad.subi(grad);
    }

    static final class Builder extends OptimizerBuilder<Builder> {
        private ParameterTracker learningRate;

        Builder optLearningRateTracker(ParameterTracker tracker) {
            this.learningRate = tracker;
            return this;
        }

        @Override
        protected Builder self() {
            return this;
        }

        Nadam build() {
            return new Nadam(this);
        }
    }
}
