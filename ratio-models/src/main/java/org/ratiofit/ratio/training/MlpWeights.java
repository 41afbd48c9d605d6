package org.ratiofit.ratio.training;

import java.util.List;

/**
 * The weights of a trained MLP, independent of DJL: layer k maps in_k inputs to out_k outputs with
 * weight[k] row-major [out_k][in_k] and bias[k]; hidden layers are followed by the activation, the
 * last layer (one output) is the logit ln r̂ on the scaled features.
 */
public record MlpWeights(int formatVersion, int inputs, List<Integer> widths, TrainingConfig.Activation activation,
        List<float[]> weights, List<float[]> biases) {

    public static final int FORMAT_VERSION = 1;

    public int layers() {
        return widths.size();
    }

    /** The logit for one scaled row (float32 parameters, double accumulation). */
    public double logit(float[] rows, int row) {
        int d = inputs;
        double[] h = new double[d];
        for (int j = 0; j < d; j++) {
            h[j] = rows[row * d + j];
        }
        for (int k = 0; k < widths.size(); k++) {
            int out = widths.get(k);
            float[] w = weights.get(k);
            float[] b = biases.get(k);
            int in = h.length;
            double[] next = new double[out];
            for (int o = 0; o < out; o++) {
                double s = b[o];
                int base = o * in;
                for (int i = 0; i < in; i++) {
                    s += w[base + i] * h[i];
                }
                next[o] = k == widths.size() - 1 ? s : activate(s);
            }
            h = next;
        }
        return h[0];
    }

    /** Logits for all rows of a row-major scaled block. */
    public double[] logits(float[] rows) {
        int n = rows.length / inputs;
        double[] out = new double[n];
        java.util.stream.IntStream.range(0, n).parallel().forEach(r -> out[r] = logit(rows, r));
        return out;
    }

    private double activate(double x) {
        return switch (activation) {
            case RELU -> Math.max(0, x);
            case TANH -> Math.tanh(x);
            case SWISH -> x / (1 + Math.exp(-x));
        };
    }
}
