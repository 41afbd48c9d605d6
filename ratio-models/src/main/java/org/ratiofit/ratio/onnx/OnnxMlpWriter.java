package org.ratiofit.ratio.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a multilayer perceptron as an ONNX graph (opset {@value OnnxGraphBuilder#OPSET}): each
 * layer is Gemm(x, W, b) with W stored as [out, in] (transB = 1), followed by its activation.
 * Used to export networks trained in ratiofit and to build exact test models.
 */
public final class OnnxMlpWriter {
    private OnnxMlpWriter() {}

    /** Activation after a dense layer. */
    public enum Activation {
        IDENTITY, RELU, TANH, SIGMOID,
        /** x·sigmoid(x), also called SiLU; written as Sigmoid then Mul. */
        SWISH,
        /** slope {@link Layer#alpha()} below zero (default 0.01). */
        LEAKY_RELU,
        /** alpha·(exp(x) − 1) below zero (alpha default 1). */
        ELU,
        SOFTPLUS,
        /** softmax over the last axis (multiclass output layers). */
        SOFTMAX
    }

    /**
     * One dense layer.
     *
     * @param weights    [out][in]
     * @param bias       [out]
     * @param activation what follows the affine map
     * @param alpha      LeakyRelu slope or Elu alpha; NaN for the default
     */
    public record Layer(double[][] weights, double[] bias, Activation activation, double alpha) {
        public Layer(double[][] weights, double[] bias, Activation activation) {
            this(weights, bias, activation, Double.NaN);
        }

        public int in() {
            return weights[0].length;
        }

        public int out() {
            return weights.length;
        }
    }

    /** A named graph input of width {@code width}; several inputs are concatenated along axis 1. */
    public record Input(String name, int width) {}

    /** A single-input MLP: input [N, inputDim] → output [N, out of last layer]. */
    public static ModelProto mlp(String inputName, String outputName, List<Layer> layers) {
        return mlp(List.of(new Input(inputName, layers.get(0).in())), outputName, layers);
    }

    /**
     * An MLP whose input vector is the concatenation of several graph inputs (for example features
     * and parameters θ of a parametrised classifier).
     */
    public static ModelProto mlp(List<Input> inputs, String outputName, List<Layer> layers) {
        return mlp(inputs, outputName, layers, null);
    }

    /**
     * As {@link #mlp(List, String, List)}, recording the names of the input columns (features,
     * then θ) in the ONNX metadata so that a sidecar with a different order is rejected at load.
     */
    public static ModelProto mlp(List<Input> inputs, String outputName, List<Layer> layers, List<String> columnNames) {
        if (layers.isEmpty()) throw new IllegalArgumentException("an MLP needs at least one layer");
        OnnxGraphBuilder g = new OnnxGraphBuilder("ratiofit_mlp");
        if (columnNames != null) g.metadata(org.ratiofit.ratio.RatioModel.FEATURES_METADATA_KEY, String.join(",", columnNames));
        int width = 0;
        List<String> ins = new ArrayList<>();
        for (Input in : inputs) {
            ins.add(g.input(in.name(), OnnxGraphBuilder.BATCH, in.width()));
            width += in.width();
        }
        String x = ins.size() == 1 ? ins.get(0) : g.node("Concat", ins, "concat", Map.of("axis", 1L));
        for (int l = 0; l < layers.size(); l++) {
            Layer layer = layers.get(l);
            if (layer.in() != width) {
                throw new IllegalArgumentException("layer " + l + " takes " + layer.in() + " inputs but receives " + width);
            }
            if (layer.bias().length != layer.out()) throw new IllegalArgumentException("layer " + l + ": bias has " + layer.bias().length + " values, expected " + layer.out());
            double[] w = new double[layer.out() * layer.in()];
            for (int o = 0; o < layer.out(); o++) {
                if (layer.weights()[o].length != layer.in()) throw new IllegalArgumentException("layer " + l + ": ragged weight row " + o);
                System.arraycopy(layer.weights()[o], 0, w, o * layer.in(), layer.in());
            }
            String wName = g.initializer("W" + l, w, layer.out(), layer.in());
            String bName = g.initializer("b" + l, layer.bias(), layer.out());
            boolean last = l == layers.size() - 1;
            boolean plainLast = last && layer.activation() == Activation.IDENTITY;
            x = plainLast
                    ? g.nodeNamed("Gemm", List.of(x, wName, bName), outputName, Map.of("transB", 1L))
                    : g.node("Gemm", List.of(x, wName, bName), "dense" + l, Map.of("transB", 1L));
            if (!plainLast) x = activation(g, x, layer, last ? outputName : null, l);
            width = layer.out();
        }
        g.output(outputName, OnnxGraphBuilder.BATCH, width);
        return g.build();
    }

    public static void write(Path file, String inputName, String outputName, List<Layer> layers) {
        OnnxGraphBuilder.write(mlp(inputName, outputName, layers), file);
    }

    public static void write(Path file, List<Input> inputs, String outputName, List<Layer> layers) {
        OnnxGraphBuilder.write(mlp(inputs, outputName, layers), file);
    }

    private static String activation(OnnxGraphBuilder g, String x, Layer layer, String finalName, int l) {
        String op;
        Map<String, Object> attrs = Map.of();
        switch (layer.activation()) {
            case IDENTITY -> { op = "Identity"; }
            case RELU -> op = "Relu";
            case TANH -> op = "Tanh";
            case SIGMOID -> op = "Sigmoid";
            case SOFTPLUS -> op = "Softplus";
            case SOFTMAX -> { op = "Softmax"; attrs = Map.of("axis", -1L); }
            case LEAKY_RELU -> { op = "LeakyRelu"; attrs = Map.of("alpha", Double.isNaN(layer.alpha()) ? 0.01 : layer.alpha()); }
            case ELU -> { op = "Elu"; attrs = Map.of("alpha", Double.isNaN(layer.alpha()) ? 1.0 : layer.alpha()); }
            case SWISH -> {
                String sig = g.node("Sigmoid", "sigmoid" + l, x);
                return finalName != null ? g.nodeNamed("Mul", List.of(x, sig), finalName, Map.of()) : g.node("Mul", "swish" + l, x, sig);
            }
            default -> throw new IllegalStateException();
        }
        return finalName != null ? g.nodeNamed(op, List.of(x), finalName, attrs) : g.node(op, List.of(x), "act" + l, attrs);
    }
}
