package org.ratiofit.ratio.onnx;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An ONNX graph recognised as a chain of dense layers: the graph inputs concatenated along axis 1
 * (or a single input), then per layer an affine map (Gemm, or MatMul followed by Add of a bias)
 * and an element-wise activation (Identity, Relu, LeakyRelu, Tanh, Sigmoid, Softplus, Elu, or
 * swish written as Sigmoid then Mul), ending in one output column. This is the form of every MLP
 * {@link OnnxMlpWriter} writes and of typical {@code torch.onnx.export}s of an {@code nn.Sequential}
 * MLP. Weights are held in double precision as stored (float32 values exactly).
 *
 * <p>{@link #parse} returns null with {@link #problem} set for any other graph; callers then fall
 * back to the general {@link GraphEvaluator}.
 */
public final class DenseChain {

    /** The activation after a layer's affine map. */
    public enum Act { IDENTITY, RELU, LEAKY_RELU, TANH, SIGMOID, SOFTPLUS, ELU, SWISH }

    /**
     * One dense layer: z = W a + b, then the activation.
     *
     * @param w      weights row-major [out][in]
     * @param b      bias [out]
     * @param act    activation
     * @param alpha  LeakyRelu slope or Elu alpha
     */
    public record Layer(int in, int out, double[] w, double[] b, Act act, double alpha) {}

    private final List<String> inputs;
    private final List<Integer> inputWidths;
    private final List<Layer> layers;

    private DenseChain(List<String> inputs, List<Integer> inputWidths, List<Layer> layers) {
        this.inputs = List.copyOf(inputs);
        this.inputWidths = List.copyOf(inputWidths);
        this.layers = List.copyOf(layers);
    }

    /** Graph input names in the order their columns enter the first layer. */
    public List<String> inputs() {
        return inputs;
    }

    public List<Integer> inputWidths() {
        return inputWidths;
    }

    public List<Layer> layers() {
        return layers;
    }

    /** Column offset of graph input {@code name} in the first layer's input vector. */
    public int offset(String name) {
        int off = 0;
        for (int k = 0; k < inputs.size(); k++) {
            if (inputs.get(k).equals(name)) return off;
            off += inputWidths.get(k);
        }
        throw new IllegalArgumentException("no graph input '" + name + "'");
    }

    private static final ThreadLocal<String> PROBLEM = new ThreadLocal<>();

    /** Why the last {@link #parse} on this thread returned null. */
    public static String problem() {
        return PROBLEM.get();
    }

    /** Parses the ONNX file; null if it is not a dense chain with one output column. */
    public static DenseChain parse(Path onnx) {
        try {
            return parse(ModelProto.parseFrom(Files.readAllBytes(onnx)));
        } catch (IOException e) {
            PROBLEM.set("cannot read " + onnx + ": " + e.getMessage());
            return null;
        }
    }

    public static DenseChain parse(ModelProto model) {
        try {
            DenseChain c = new Parser(model.getGraph()).run();
            PROBLEM.remove();
            return c;
        } catch (NotAChain e) {
            PROBLEM.set(e.getMessage());
            return null;
        }
    }

    private static final class NotAChain extends Exception {
        NotAChain(String m) {
            super(m, null, false, false);
        }
    }

    private static final class Parser {
        final OnnxMl.GraphProto g;
        final Map<String, double[]> init = new HashMap<>();
        final Map<String, int[]> initShape = new HashMap<>();
        final Map<String, List<NodeProto>> consumers = new HashMap<>();

        Parser(OnnxMl.GraphProto g) {
            this.g = g;
        }

        DenseChain run() throws NotAChain {
            for (TensorProto t : g.getInitializerList()) tensor(t, t.getName());
            for (NodeProto n : g.getNodeList()) {
                if (n.getOpType().equals("Constant")) {
                    for (AttributeProto a : n.getAttributeList()) if (a.getName().equals("value")) tensor(a.getT(), n.getOutput(0));
                    continue;
                }
                for (String in : n.getInputList()) consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
            }
            List<String> names = new ArrayList<>();
            Map<String, Integer> widths = new HashMap<>();
            for (OnnxMl.ValueInfoProto vi : g.getInputList()) {
                if (init.containsKey(vi.getName())) continue;
                var dims = vi.getType().getTensorType().getShape().getDimList();
                if (dims.size() != 2 || !dims.get(1).hasDimValue()) throw new NotAChain("input '" + vi.getName() + "' is not [batch, k]");
                names.add(vi.getName());
                widths.put(vi.getName(), (int) dims.get(1).getDimValue());
            }
            if (g.getOutputCount() != 1) throw new NotAChain("the graph has " + g.getOutputCount() + " outputs");
            String output = g.getOutput(0).getName();
            List<String> order = new ArrayList<>();
            String cur;
            if (names.size() == 1) {
                cur = names.get(0);
                order.add(cur);
            } else {
                NodeProto cat = only(names.get(0));
                if (!cat.getOpType().equals("Concat")) throw new NotAChain("inputs are not concatenated first");
                long axis = attrI(cat, "axis", 1);
                if (axis != 1 && axis != -1) throw new NotAChain("Concat on axis " + axis);
                if (cat.getInputCount() != names.size() || !cat.getInputList().containsAll(names)) throw new NotAChain("Concat does not take exactly the graph inputs");
                order.addAll(cat.getInputList());
                cur = cat.getOutput(0);
            }
            int width = 0;
            List<Integer> ws = new ArrayList<>();
            for (String s : order) {
                ws.add(widths.get(s));
                width += widths.get(s);
            }
            List<Layer> layers = new ArrayList<>();
            while (!cur.equals(output)) {
                NodeProto n = only(cur);
                double[] w;
                double[] b;
                int out;
                String pre;
                if (n.getOpType().equals("Gemm")) {
                    if (attrI(n, "transA", 0) != 0 || !n.getInput(0).equals(cur)) throw new NotAChain("Gemm with transA or activations as B");
                    boolean tb = attrI(n, "transB", 0) != 0;
                    double alpha = attrF(n, "alpha", 1), beta = attrF(n, "beta", 1);
                    int[] s = shape(n.getInput(1), 2);
                    out = tb ? s[0] : s[1];
                    int in = tb ? s[1] : s[0];
                    if (in != width) throw new NotAChain("Gemm takes " + in + " columns, receives " + width);
                    w = weights(init.get(n.getInput(1)), tb, in, out, alpha);
                    b = new double[out];
                    if (n.getInputCount() > 2 && !n.getInput(2).isEmpty()) bias(n.getInput(2), out, beta, b);
                    pre = n.getOutput(0);
                } else if (n.getOpType().equals("MatMul")) {
                    if (!n.getInput(0).equals(cur)) throw new NotAChain("MatMul with activations as B");
                    int[] s = shape(n.getInput(1), 2);
                    if (s[0] != width) throw new NotAChain("MatMul takes " + s[0] + " columns, receives " + width);
                    out = s[1];
                    w = weights(init.get(n.getInput(1)), false, width, out, 1);
                    b = new double[out];
                    pre = n.getOutput(0);
                    List<NodeProto> next = consumers.getOrDefault(pre, List.of());
                    if (next.size() == 1 && next.get(0).getOpType().equals("Add") && !pre.equals(output)) {
                        NodeProto add = next.get(0);
                        String other = add.getInput(0).equals(pre) ? add.getInput(1) : add.getInput(0);
                        if (!init.containsKey(other)) throw new NotAChain("Add after MatMul is not a constant bias");
                        bias(other, out, 1, b);
                        pre = add.getOutput(0);
                    }
                } else {
                    throw new NotAChain("node " + n.getOpType() + " where a dense layer was expected");
                }
                Act act = Act.IDENTITY;
                double alpha = 0;
                if (!pre.equals(output)) {
                    List<NodeProto> next = consumers.getOrDefault(pre, List.of());
                    if (next.size() == 2) {
                        NodeProto sig = next.get(0).getOpType().equals("Sigmoid") ? next.get(0) : next.get(1);
                        NodeProto mul = sig == next.get(0) ? next.get(1) : next.get(0);
                        if (!sig.getOpType().equals("Sigmoid") || !mul.getOpType().equals("Mul")
                                || !mul.getInputList().containsAll(List.of(pre, sig.getOutput(0)))
                                || consumers.getOrDefault(sig.getOutput(0), List.of()).size() != 1) {
                            throw new NotAChain("layer output used twice (not a swish)");
                        }
                        act = Act.SWISH;
                        pre = mul.getOutput(0);
                    } else if (next.size() == 1) {
                        NodeProto a = next.get(0);
                        switch (a.getOpType()) {
                            case "Identity" -> act = Act.IDENTITY;
                            case "Relu" -> act = Act.RELU;
                            case "LeakyRelu" -> { act = Act.LEAKY_RELU; alpha = attrF(a, "alpha", 0.01); }
                            case "Tanh" -> act = Act.TANH;
                            case "Sigmoid" -> act = Act.SIGMOID;
                            case "Softplus" -> act = Act.SOFTPLUS;
                            case "Elu" -> { act = Act.ELU; alpha = attrF(a, "alpha", 1); }
                            case "Gemm", "MatMul" -> a = null;
                            default -> throw new NotAChain("node " + a.getOpType() + " is not an activation of the dense chain");
                        }
                        if (a != null) pre = a.getOutput(0);
                    } else {
                        throw new NotAChain("tensor '" + pre + "' is used by " + next.size() + " nodes");
                    }
                }
                layers.add(new Layer(width, out, w, b, act, alpha));
                width = out;
                cur = pre;
                if (layers.size() > 64) throw new NotAChain("more than 64 layers");
            }
            if (layers.isEmpty()) throw new NotAChain("no dense layer");
            if (width != 1) throw new NotAChain("the output has " + width + " columns, not 1");
            return new DenseChain(order, ws, layers);
        }

        NodeProto only(String tensor) throws NotAChain {
            List<NodeProto> c = consumers.getOrDefault(tensor, List.of());
            if (c.size() != 1) throw new NotAChain("tensor '" + tensor + "' is used by " + c.size() + " nodes");
            NodeProto n = c.get(0);
            if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) throw new NotAChain("node in domain " + n.getDomain());
            return n;
        }

        int[] shape(String name, int rank) throws NotAChain {
            int[] s = initShape.get(name);
            if (s == null || s.length != rank) throw new NotAChain("'" + name + "' is not a constant of rank " + rank);
            return s;
        }

        void bias(String name, int out, double beta, double[] b) throws NotAChain {
            double[] v = init.get(name);
            if (v == null) throw new NotAChain("bias '" + name + "' is not a constant");
            int[] s = initShape.get(name);
            boolean ok = v.length == out && (s.length == 1 || (s.length == 2 && s[0] == 1));
            boolean scalar = v.length == 1;
            if (!ok && !scalar) throw new NotAChain("bias '" + name + "' has shape " + java.util.Arrays.toString(s));
            for (int o = 0; o < out; o++) b[o] = beta * (scalar ? v[0] : v[o]);
        }

        static double[] weights(double[] v, boolean transB, int in, int out, double alpha) {
            double[] w = new double[out * in];
            for (int o = 0; o < out; o++) {
                for (int k = 0; k < in; k++) w[o * in + k] = alpha * (transB ? v[o * in + k] : v[k * out + o]);
            }
            return w;
        }

        void tensor(TensorProto t, String name) throws NotAChain {
            int[] shape = new int[t.getDimsCount()];
            int n = 1;
            for (int i = 0; i < shape.length; i++) {
                shape[i] = (int) t.getDims(i);
                n *= shape[i];
            }
            double[] v = new double[n];
            ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            boolean hasRaw = !t.getRawData().isEmpty();
            switch (t.getDataType()) {
                case 1 -> { for (int i = 0; i < n; i++) v[i] = hasRaw ? raw.getFloat(4 * i) : t.getFloatData(i); }
                case 11 -> { for (int i = 0; i < n; i++) v[i] = hasRaw ? raw.getDouble(8 * i) : t.getDoubleData(i); }
                case 7 -> { for (int i = 0; i < n; i++) v[i] = hasRaw ? raw.getLong(8 * i) : t.getInt64Data(i); }
                case 6 -> { for (int i = 0; i < n; i++) v[i] = hasRaw ? raw.getInt(4 * i) : t.getInt32Data(i); }
                default -> throw new NotAChain("tensor '" + name + "' has data type " + t.getDataType());
            }
            init.put(name, v);
            initShape.put(name, shape);
        }

        static long attrI(NodeProto n, String name, long dflt) {
            for (AttributeProto a : n.getAttributeList()) if (a.getName().equals(name)) return a.getI();
            return dflt;
        }

        static double attrF(NodeProto n, String name, double dflt) {
            for (AttributeProto a : n.getAttributeList()) if (a.getName().equals(name)) return a.getF();
            return dflt;
        }
    }
}
