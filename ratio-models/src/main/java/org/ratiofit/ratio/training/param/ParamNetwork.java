package org.ratiofit.ratio.training.param;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ratiofit.ratio.training.GraphConstants;
import org.ratiofit.ratio.training.TrainingConfig;

/**
 * The θ-parametrised MLP on DJL NDArrays, with its exact θ-derivative computed alongside the value
 * (forward mode: a tangent per parameter carried through every layer, ∂a_{k+1}/∂θ = (σ'(a_k) ⊙
 * ∂a_k/∂θ) W_{k+1}ᵀ), so that ordinary back-propagation trains a loss that contains t̂ = ∇θ ln r̂.
 *
 * <p>All weights and biases live in one flat float32 tensor (layer by layer: W [out, in] row-major,
 * then b [out]); layers are views of it. The optimiser therefore updates one tensor per step — a
 * handful of native calls — instead of one set of calls per parameter tensor.
 */
final class ParamNetwork implements AutoCloseable {
    final int features;
    final int parameters;
    final int outputs;
    final List<Integer> widths;
    final TrainingConfig.Activation activation;
    final int[] inWidth;
    final int[] wOffset;
    final int[] bOffset;
    final int size;
    final NDManager manager;
    final NDArray flat;

    /**
     * The output of one forward pass: [B, outputs] and, if asked, the θ-derivative of output 0 for
     * the first rows, [rows, p] (scaled θ units), or its derivative with respect to the input
     * columns asked for.
     */
    record Forward(NDArray output, NDArray tangent) {
    }

    ParamNetwork(NDManager parent, int features, int parameters, List<Integer> hidden, int outputs,
            TrainingConfig.Activation activation, long seed) {
        this.features = features;
        this.parameters = parameters;
        this.outputs = outputs;
        List<Integer> w = new ArrayList<>(hidden);
        w.add(outputs);
        this.widths = List.copyOf(w);
        this.activation = activation;
        int layers = widths.size();
        inWidth = new int[layers];
        wOffset = new int[layers];
        bOffset = new int[layers];
        int off = 0, in = features + parameters;
        for (int k = 0; k < layers; k++) {
            inWidth[k] = in;
            wOffset[k] = off;
            off += widths.get(k) * in;
            bOffset[k] = off;
            off += widths.get(k);
            in = widths.get(k);
        }
        size = off;
        // PyTorch's default init (uniform ±1/√in for weights and biases) drawn in Java from the seed;
        // the output layer starts at zero (r̂ ≡ 1, t̂ ≡ 0)
        float[] init = new float[size];
        SplittableRandom rng = new SplittableRandom(seed);
        for (int k = 0; k < layers - 1; k++) {
            double bound = 1 / Math.sqrt(inWidth[k]);
            for (int i = wOffset[k]; i < bOffset[k] + widths.get(k); i++) {
                init[i] = (float) ((2 * rng.nextDouble() - 1) * bound);
            }
        }
        manager = parent.newSubManager();
        flat = manager.zeros(new Shape(size));
        assign(init);
        flat.setRequiresGradient(true);
    }

    /** Overwrites the parameters in place with PyTorch arithmetic (not NDArray.set, see DjlTrainer.assign). */
    void assign(float[] values) {
        try (NDManager tmp = manager.newSubManager()) {
            NDArray src = tmp.create(values, new Shape(size));
            flat.muli(0f).addi(src);
        }
    }

    float[] snapshot() {
        return flat.toFloatArray();
    }

    /**
     * Forward pass of a batch of scaled inputs [B, d + p]; every intermediate array is attached to
     * {@code sub} (closed by the caller after the step).
     */
    Forward forward(NDManager sub, NDArray input, boolean tangents) {
        return forward(sub, input, tangents ? (int) input.getShape().get(0) : 0);
    }

    /**
     * As above, with the θ-tangents carried only for the first {@code tangentRows} rows (the score
     * term needs them only for events drawn at θ0, which the trainer puts first in each batch).
     */
    Forward forward(NDManager sub, NDArray input, int tangentRows) {
        return forward(sub, input, tangentRows, features, features + parameters);
    }

    /**
     * The forward pass with the derivatives of output 0 with respect to the input columns
     * [{@code from}, {@code to}) (scaled units) for the first {@code tangentRows} rows, [rows, to − from]:
     * the θ columns for the score term, the feature columns (or all columns) for the regulariser on
     * |∇ₓ ln r̂|.
     */
    Forward forward(NDManager sub, NDArray input, int tangentRows, int from, int to) {
        boolean tangents = tangentRows > 0 && to > from;
        int k0 = to - from;
        boolean allRows = tangentRows == input.getShape().get(0);
        int layers = widths.size();
        NDArray h = input;
        NDArray t = null;
        for (int k = 0; k < layers; k++) {
            int out = widths.get(k), in = inWidth[k];
            NDArray wFlat = flat.get(wOffset[k] + ":" + (wOffset[k] + out * in));
            wFlat.attach(sub);
            NDArray weight = wFlat.reshape(out, in);
            NDArray bias = flat.get(bOffset[k] + ":" + (bOffset[k] + out));
            bias.attach(sub);
            NDArray wt = weight.transpose();
            NDArray a = h.matMul(wt).add(bias);
            if (tangents) {
                // first layer: ∂a/∂θ_j is the weight column of input d + j, the same for every event
                t = k == 0 ? weight.get(":, " + from + ":" + to).transpose().reshape(k0, 1, out)
                        : t.matMul(wt);
            }
            if (k < layers - 1) {
                NDArray der;
                switch (activation) {
                    case RELU -> {
                        der = a.gt(0f).toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
                        h = a.maximum(GraphConstants.scalar(a, 0f));
                    }
                    case TANH -> {
                        h = a.tanh();
                        der = h.square().neg().add(1f);
                    }
                    default -> {
                        NDArray s = a.getNDArrayInternal().sigmoid();
                        h = a.mul(s);
                        der = s.add(h.mul(s.neg().add(1f))); // σ + a σ (1 − σ)
                    }
                }
                if (tangents) {
                    t = t.mul(allRows ? der : der.get("0:" + tangentRows));
                }
            } else {
                h = a;
            }
        }
        NDArray tan = null;
        if (tangents) {
            tan = t.reshape(k0, -1).transpose(); // [rows, to − from] of output 0
        }
        return new Forward(h, tan);
    }

    /**
     * The forward pass with the gradient of output 0 with respect to every input column (scaled
     * units), [B, d + p], by an explicit reverse sweep written as ordinary array operations
     * (∂z/∂a_k = (∂z/∂a_{k+1} W_{k+1}) ⊙ σ'(a_k), ∂z/∂input = ∂z/∂a_0 W_0), so that first-order
     * back-propagation trains a loss containing it. Its cost does not grow with the number of inputs
     * (about one more forward pass), unlike the forward-mode tangents of {@link #forward(NDManager,
     * NDArray, int, int, int)} (one per column); both give the same derivative.
     */
    Forward forwardWithInputGradient(NDManager sub, NDArray input) {
        int layers = widths.size();
        NDArray[] weight = new NDArray[layers];
        NDArray[] der = new NDArray[layers - 1];
        NDArray h = input;
        for (int k = 0; k < layers; k++) {
            int out = widths.get(k), in = inWidth[k];
            NDArray wFlat = flat.get(wOffset[k] + ":" + (wOffset[k] + out * in));
            wFlat.attach(sub);
            weight[k] = wFlat.reshape(out, in);
            NDArray bias = flat.get(bOffset[k] + ":" + (bOffset[k] + out));
            bias.attach(sub);
            NDArray a = h.matMul(weight[k].transpose()).add(bias);
            if (k < layers - 1) {
                switch (activation) {
                    case RELU -> {
                        der[k] = a.gt(0f).toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
                        h = a.maximum(GraphConstants.scalar(a, 0f));
                    }
                    case TANH -> {
                        h = a.tanh();
                        der[k] = h.square().neg().add(1f);
                    }
                    default -> {
                        NDArray s = a.getNDArrayInternal().sigmoid();
                        h = a.mul(s);
                        der[k] = s.add(h.mul(s.neg().add(1f)));
                    }
                }
            } else {
                h = a;
            }
        }
        // output 0's row of the last layer, [1, width], then back through the hidden layers
        NDArray g = weight[layers - 1].get("0:1, :");
        for (int k = layers - 2; k >= 0; k--) {
            g = g.mul(der[k]).matMul(weight[k]);
        }
        return new Forward(h, g);
    }

    @Override
    public void close() {
        manager.close();
    }
}
