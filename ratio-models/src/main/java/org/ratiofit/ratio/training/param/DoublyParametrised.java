package org.ratiofit.ratio.training.param;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * MadMiner's doubly parametrised ratio network (methods with suffix 2): ln r̂(x|θ0, θ1) =
 * f(x, θ0, θ1) − f(x, θ1, θ0) with one MLP f ({@link ParamNetwork}, inputs [x, θ0, θ1] scaled, θ0
 * and θ1 sharing one scaling): the training batch loss with the exact θ0- and θ1-derivatives, and
 * the trained network written as one plain MLP for export.
 */
final class DoublyParametrised {
    private DoublyParametrised() {
    }

    /**
     * The doubly parametrised network f as one plain MLP computing ln r̂ = f(x, θ0, θ1) − f(x, θ1, θ0):
     * the first layer stacks f's weights and f's weights with the θ0 and θ1 columns swapped, the hidden
     * layers are block-diagonal (two copies of f's), the output layer is [w, −w] with bias b − b = 0.
     * Exactly the trained function (float32 weights copied, no arithmetic), exportable and
     * differentiable by the ordinary MLP code ({@link ParamMlp#evaluate} gives ∇θ0 and ∇θ1 ln r̂).
     */
    static ParamMlp toMlp(ParamNetwork net, double[] mean, double[] scale, ParamTrainingConfig config) {
        return doublyMlp(net.snapshot(), net.features, net.parameters / 2, net.widths, net.wOffset, net.bOffset,
                net.inWidth, config.activation(), mean, scale);
    }

    static ParamMlp doublyMlp(float[] all, int d, int p, List<Integer> widths, int[] wOffset, int[] bOffset,
            int[] inWidth, org.ratiofit.ratio.training.TrainingConfig.Activation activation, double[] mean,
            double[] scale) {
        int layers = widths.size();
        List<float[]> w = new ArrayList<>();
        List<float[]> b = new ArrayList<>();
        List<Integer> bigWidths = new ArrayList<>();
        for (int k = 0; k < layers; k++) {
            int out = widths.get(k), in = inWidth[k];
            boolean last = k == layers - 1;
            int bigOut = last ? out : 2 * out;
            int bigIn = k == 0 ? in : 2 * in;
            float[] bw = new float[bigOut * bigIn];
            float[] bb = new float[bigOut];
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < in; i++) {
                    float v = all[wOffset[k] + o * in + i];
                    if (k == 0) {
                        bw[o * bigIn + i] = v;
                        // f(x, θ1, θ0): the weight of input θ0_j (column d + j) acts on θ1_j (column d + p + j)
                        int swapped = i < d ? i : i < d + p ? i + p : i - p;
                        bw[(out + o) * bigIn + swapped] = v;
                    } else if (last) {
                        bw[o * bigIn + i] = v;
                        bw[o * bigIn + in + i] = -v;
                    } else {
                        bw[o * bigIn + i] = v;
                        bw[(out + o) * bigIn + in + i] = v;
                    }
                }
                float bias = all[bOffset[k] + o];
                if (last) {
                    bb[o] = 0; // b − b
                } else {
                    bb[o] = bias;
                    bb[out + o] = bias;
                }
            }
            w.add(bw);
            b.add(bb);
            bigWidths.add(bigOut);
        }
        return new ParamMlp(ParamMlp.FORMAT_VERSION, d, 2 * p, bigWidths, activation, w, b, mean.clone(),
                scale.clone());
    }

    /**
     * The weighted loss of a doubly parametrised method summed over a batch (first m rows of the
     * float arrays, inputs [x, θ0, θ1] scaled), a scalar. The network f runs once on the rows and
     * once on the rows with θ0 and θ1 swapped (stacked into one pass of 2m rows); ln r̂ = f(x, θ0, θ1)
     * − f(x, θ1, θ0). For the score methods the θ-tangents of both passes give ∇θ0 ln r̂ and ∇θ1 ln r̂
     * ({@link EstimatorLoss#perEventDoubly}).
     */
    static NDArray batchLoss(NDManager sub, ParamNetwork net, EstimatorMethod method, float alpha,
            NDArray invScale, float[] bx, float[] by, float[] br, float[] bt, float[] bt1, float[] bw, int m, int in,
            int p) {
        int d = net.features;
        float[] both = new float[2 * m * in];
        System.arraycopy(bx, 0, both, 0, m * in);
        for (int k = 0; k < m; k++) {
            int src = k * in, dst = (m + k) * in;
            System.arraycopy(bx, src, both, dst, d);
            System.arraycopy(bx, src + d + p, both, dst + d, p);
            System.arraycopy(bx, src + d, both, dst + d + p, p);
        }
        NDArray x = sub.create(both, new Shape(2L * m, in));
        boolean score = method.scoreTerm();
        ParamNetwork.Forward f = net.forward(sub, x, score ? 2 * m : 0, d, d + 2 * p);
        NDArray out = f.output().reshape(2L * m);
        NDArray z = out.get("0:" + m).sub(out.get(m + ":"));
        NDArray y = sub.create(ParamTrainer.head(by, m), new Shape(m));
        NDArray w = sub.create(ParamTrainer.head(bw, m), new Shape(m));
        NDArray r = method.usesJointRatio() ? sub.create(ParamTrainer.head(br, m), new Shape(m)) : null;
        NDArray loss = EstimatorLoss.perEvent(method.base(), alpha, z, null, y, r, null).mul(w).sum();
        if (score) {
            NDArray tan = f.tangent(); // [2m, 2p], scaled θ units
            NDArray ta = tan.get("0:" + m), tb = tan.get(m + ":");
            NDArray d0 = ta.get(":, 0:" + p).sub(tb.get(":, " + p + ":")).mul(invScale); // ∇θ0 ln r̂
            NDArray d1 = ta.get(":, " + p + ":").sub(tb.get(":, 0:" + p)).mul(invScale); // ∇θ1 ln r̂
            NDArray t0 = sub.create(ParamTrainer.head(bt, m * p), new Shape(m, p));
            NDArray t1 = sub.create(ParamTrainer.head(bt1, m * p), new Shape(m, p));
            NDArray s0 = d0.sub(t0).square().sum(new int[] {1});
            NDArray s1 = d1.add(t1).square().sum(new int[] {1}); // |−∇θ1 ln r̂ − t(x,z|θ1)|²
            NDArray term = s0.mul(y.neg().add(1f)).add(s1.mul(y));
            loss = loss.add(term.mul(org.ratiofit.ratio.training.GraphConstants.scalar(term, alpha)).mul(w).sum());
        }
        return loss;
    }
}
