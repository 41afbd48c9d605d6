package org.ratiofit.ratio.training.param;

import java.util.List;
import org.ratiofit.ratio.training.TrainingConfig;

/**
 * A trained θ-parametrised MLP, independent of DJL: inputs are the standard-scaled features and
 * (for ratio methods) the standard-scaled θ0, (x − mean)/scale; hidden layers with the activation;
 * a linear output: ln r̂ (one output) or the local score t̂ (one output per parameter, SALLY).
 * Parameters are float32 as trained; evaluation here is in double, with the exact θ-derivative by
 * forward-mode differentiation (tangents through every layer).
 *
 * @param features   number of features d
 * @param parameters number of θ inputs p (0 for SALLY)
 * @param widths     output width of every layer, the last being the output
 * @param weights    per layer, row-major [out][in]
 * @param inputMean  per input column (d + p) the scaling offset
 * @param inputScale per input column the scaling divisor
 */
public record ParamMlp(int formatVersion, int features, int parameters, List<Integer> widths,
        TrainingConfig.Activation activation, List<float[]> weights, List<float[]> biases, double[] inputMean,
        double[] inputScale) {

    public static final int FORMAT_VERSION = 1;

    public int inputs() {
        return features + parameters;
    }

    public int outputs() {
        return widths.get(widths.size() - 1);
    }

    /**
     * Evaluates one event. {@code x} raw features, {@code theta} raw θ0 (ignored if p = 0). Returns
     * the outputs; when {@code dTheta} is not null (and p > 0) it receives ∂output_0/∂θ_j in raw θ units.
     */
    public double[] evaluate(double[] x, double[] theta, double[] dTheta) {
        int d = features, p = parameters;
        int in = d + p;
        double[] h = new double[in];
        for (int j = 0; j < d; j++) {
            h[j] = (x[j] - inputMean[j]) / inputScale[j];
        }
        for (int j = 0; j < p; j++) {
            h[d + j] = (theta[j] - inputMean[d + j]) / inputScale[d + j];
        }
        boolean tangents = dTheta != null && p > 0;
        // tangent[j][i] = ∂h_i/∂θ_j (raw θ)
        double[][] tan = null;
        if (tangents) {
            tan = new double[p][in];
            for (int j = 0; j < p; j++) {
                tan[j][d + j] = 1 / inputScale[d + j];
            }
        }
        for (int k = 0; k < widths.size(); k++) {
            int out = widths.get(k);
            float[] w = weights.get(k);
            float[] b = biases.get(k);
            int width = h.length;
            double[] a = new double[out];
            double[][] ta = tangents ? new double[p][out] : null;
            for (int o = 0; o < out; o++) {
                double s = b[o];
                int base = o * width;
                for (int i = 0; i < width; i++) {
                    s += w[base + i] * h[i];
                }
                a[o] = s;
                if (tangents) {
                    for (int j = 0; j < p; j++) {
                        double t = 0;
                        for (int i = 0; i < width; i++) {
                            t += w[base + i] * tan[j][i];
                        }
                        ta[j][o] = t;
                    }
                }
            }
            if (k < widths.size() - 1) {
                for (int o = 0; o < out; o++) {
                    double v = a[o];
                    double act, der;
                    switch (activation) {
                        case RELU -> {
                            act = Math.max(0, v);
                            der = v > 0 ? 1 : 0;
                        }
                        case TANH -> {
                            act = Math.tanh(v);
                            der = 1 - act * act;
                        }
                        default -> {
                            double s = 1 / (1 + Math.exp(-v));
                            act = v * s;
                            der = s + act * (1 - s);
                        }
                    }
                    a[o] = act;
                    if (tangents) {
                        for (int j = 0; j < p; j++) {
                            ta[j][o] *= der;
                        }
                    }
                }
            }
            h = a;
            tan = ta;
        }
        if (tangents) {
            for (int j = 0; j < p; j++) {
                dTheta[j] = tan[j][0];
            }
        }
        return h;
    }

    /** ln r̂ for events given as columns x[feature][event] at one θ0 (ratio methods). */
    public double[] logRatios(double[][] x, double[] theta) {
        int n = x[0].length;
        double[] out = new double[n];
        double[] row = new double[features];
        for (int e = 0; e < n; e++) {
            for (int j = 0; j < features; j++) {
                row[j] = x[j][e];
            }
            out[e] = evaluate(row, theta, null)[0];
        }
        return out;
    }
}
