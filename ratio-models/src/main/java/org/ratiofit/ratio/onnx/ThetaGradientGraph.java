package org.ratiofit.ratio.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Derives from a {@link DenseChain} an ONNX graph that evaluates the network and, by reverse mode
 * written out as ONNX nodes, the derivative of its output with respect to chosen columns of the
 * first layer's input (the θ columns), for every event of the batch in one run.
 *
 * <p>The derived graph has the chain's inputs (same names, [N, k] float32, concatenated as the
 * chain concatenates them) and two outputs: {@value #OUTPUT} [N, 1], the network's output y_i, and
 * {@value #GRADIENT} [N, m], ∂y_i/∂u_ic for the m chosen input columns c. Per layer the forward
 * part is a Gemm (weights [out, in], transB = 1, bias) and the activation, with its derivative
 * a'(z) built from the same tensors (tanh: 1 − a², sigmoid: a (1 − a), softplus: sigmoid(z),
 * swish: s + a (1 − s) with s = sigmoid(z), ReLU / LeakyReLU / ELU: a Where on z ≥ 0). The reverse
 * part starts from the last layer's a'(z), and per layer multiplies the adjoint by the weights
 * (MatMul with W [out, in]) and by the previous layer's a'(z); the last product is with the chosen
 * columns of the first layer's weights, [h₁, m]. The per-event output conversion (ln r from a
 * score or logit, clipping, calibration) and the sum over events stay with the caller, which also
 * knows the input scaling.
 */
public final class ThetaGradientGraph {
    /** Name of the network-output graph output, [N, 1]. */
    public static final String OUTPUT = "output";
    /** Name of the gradient graph output, [N, m]. */
    public static final String GRADIENT = "theta_gradient";

    private ThetaGradientGraph() {}

    /**
     * The derived graph of {@code chain}, with the gradient for first-layer input columns
     * {@code columns} (offsets in the concatenated input, see {@link DenseChain#offset}).
     */
    public static ModelProto derive(DenseChain chain, int[] columns) {
        List<DenseChain.Layer> layers = chain.layers();
        DenseChain.Layer first = layers.get(0);
        int in1 = first.in();
        for (int c : columns) {
            if (c < 0 || c >= in1) throw new IllegalArgumentException("column " + c + " outside the first layer's " + in1 + " inputs");
        }
        OnnxGraphBuilder g = new OnnxGraphBuilder("theta_gradient");
        List<String> ins = new ArrayList<>();
        for (int k = 0; k < chain.inputs().size(); k++) {
            ins.add(g.input(chain.inputs().get(k), OnnxGraphBuilder.BATCH, chain.inputWidths().get(k)));
        }
        String a = ins.size() == 1 ? ins.get(0) : g.node("Concat", ins, "input", Map.of("axis", 1L));
        Constants k = new Constants(g);
        List<String> der = new ArrayList<>();
        List<String> weights = new ArrayList<>();
        for (int l = 0; l < layers.size(); l++) {
            DenseChain.Layer L = layers.get(l);
            String w = g.initializer("w" + l, L.w(), L.out(), L.in());
            weights.add(w);
            String b = g.initializer("b" + l, L.b(), L.out());
            String z = g.node("Gemm", List.of(a, w, b), "z" + l, Map.of("transB", 1L));
            String d;
            switch (L.act()) {
                case IDENTITY -> d = null;
                case RELU -> {
                    a = g.node("Relu", "a" + l, z);
                    d = g.node("Cast", List.of(g.node("Greater", "pos" + l, z, k.zero())), "d" + l, Map.of("to", 1L));
                }
                case LEAKY_RELU -> {
                    a = g.node("LeakyRelu", List.of(z), "a" + l, Map.of("alpha", L.alpha()));
                    String alpha = g.initializer("alpha" + l, new double[] {L.alpha()});
                    d = g.node("Where", "d" + l, g.node("GreaterOrEqual", "nonneg" + l, z, k.zero()), k.one(), alpha);
                }
                case ELU -> {
                    a = g.node("Elu", List.of(z), "a" + l, Map.of("alpha", L.alpha()));
                    String alpha = g.initializer("alpha" + l, new double[] {L.alpha()});
                    d = g.node("Where", "d" + l, g.node("GreaterOrEqual", "nonneg" + l, z, k.zero()), k.one(), g.node("Add", "ea" + l, a, alpha));
                }
                case TANH -> {
                    a = g.node("Tanh", "a" + l, z);
                    d = g.node("Sub", "d" + l, k.one(), g.node("Mul", "aa" + l, a, a));
                }
                case SIGMOID -> {
                    a = g.node("Sigmoid", "a" + l, z);
                    d = g.node("Mul", "d" + l, a, g.node("Sub", "oma" + l, k.one(), a));
                }
                case SOFTPLUS -> {
                    a = g.node("Softplus", "a" + l, z);
                    d = g.node("Sigmoid", "d" + l, z);
                }
                case SWISH -> {
                    String s = g.node("Sigmoid", "s" + l, z);
                    a = g.node("Mul", "a" + l, z, s);
                    d = g.node("Add", "d" + l, s, g.node("Mul", "as" + l, a, g.node("Sub", "oms" + l, k.one(), s)));
                }
                default -> throw new IllegalStateException(L.act().name());
            }
            if (d == null) a = z;
            der.add(d);
        }
        g.nodeNamed("Identity", List.of(a), OUTPUT, Map.of());
        g.output(OUTPUT, OnnxGraphBuilder.BATCH, 1);
        // reverse: adjoint of each layer's pre-activation
        int last = layers.size() - 1;
        String dz = der.get(last);
        if (dz == null) dz = g.node("Expand", "seed", k.one(), g.node("Shape", "yshape", a));
        for (int l = last; l >= 1; l--) {
            String da = g.node("MatMul", "da" + (l - 1), dz, weights.get(l));
            String d = der.get(l - 1);
            dz = d == null ? da : g.node("Mul", "dz" + (l - 1), da, d);
        }
        double[] wt = new double[first.out() * columns.length];
        for (int o = 0; o < first.out(); o++) {
            for (int j = 0; j < columns.length; j++) wt[o * columns.length + j] = first.w()[o * in1 + columns[j]];
        }
        String w1t = g.initializer("w0_theta", wt, first.out(), columns.length);
        g.nodeNamed("MatMul", List.of(dz, w1t), GRADIENT, Map.of());
        g.output(GRADIENT, OnnxGraphBuilder.BATCH, columns.length);
        return g.build();
    }

    /** Scalar constants 0 and 1, written only where used (ONNX Runtime warns about unused initializers). */
    private static final class Constants {
        private final OnnxGraphBuilder g;
        private String one;
        private String zero;

        Constants(OnnxGraphBuilder g) {
            this.g = g;
        }

        String one() {
            if (one == null) one = g.initializer("one", new double[] {1});
            return one;
        }

        String zero() {
            if (zero == null) zero = g.initializer("zero", new double[] {0});
            return zero;
        }
    }
}
