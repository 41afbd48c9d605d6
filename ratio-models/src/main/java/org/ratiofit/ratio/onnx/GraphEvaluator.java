package org.ratiofit.ratio.onnx;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import org.ratiofit.ratio.RatioModelException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Evaluates MLP-style ONNX graphs in double precision, with reverse-mode gradients of an output
 * with respect to the graph inputs. Tensors have rank 0 to 2 with the batch on the first axis;
 * broadcasting follows ONNX (NumPy) rules. Supported operators: Gemm, MatMul, Add, Sub, Mul, Div,
 * Relu, LeakyRelu, Tanh, Sigmoid, Softplus, Elu, Exp, Log, Neg, Identity, Flatten (axis 1),
 * Concat (last axis), Softmax (last axis) and Constant; SiLU/swish appears as Sigmoid then Mul.
 * Anything else raises {@link UnsupportedGraphException} at load.
 */
public final class GraphEvaluator {
    /** The graph has a node or tensor this evaluator does not handle. */
    public static final class UnsupportedGraphException extends RuntimeException {
        public UnsupportedGraphException(String message) {
            super(message);
        }
    }

    static final Set<String> SUPPORTED = Set.of("Gemm", "MatMul", "Add", "Sub", "Mul", "Div", "Relu", "LeakyRelu", "Tanh",
            "Sigmoid", "Softplus", "Elu", "Exp", "Log", "Neg", "Identity", "Flatten", "Concat", "Softmax", "Constant");

    /** A dense tensor of rank 0..2, row-major. */
    record T(double[] v, int[] shape) {
        int rows() {
            return shape.length < 2 ? 1 : shape[0];
        }

        int cols() {
            return shape.length == 0 ? 1 : shape[shape.length - 1];
        }
    }

    private record Node(String op, List<String> in, List<String> out, Map<String, AttributeProto> attrs) {
        double f(String name, double dflt) {
            AttributeProto a = attrs.get(name);
            return a == null ? dflt : a.getF();
        }

        long i(String name, long dflt) {
            AttributeProto a = attrs.get(name);
            return a == null ? dflt : a.getI();
        }
    }

    private final String source;
    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, T> constants = new HashMap<>();
    private final LinkedHashMap<String, Integer> inputWidths = new LinkedHashMap<>();
    private final List<String> outputs = new ArrayList<>();

    private GraphEvaluator(ModelProto model, String source) {
        this.source = source;
        OnnxMl.GraphProto g = model.getGraph();
        for (TensorProto t : g.getInitializerList()) constants.put(t.getName(), tensor(t));
        for (OnnxMl.ValueInfoProto vi : g.getInputList()) {
            if (constants.containsKey(vi.getName())) continue;
            var dims = vi.getType().getTensorType().getShape().getDimList();
            if (dims.size() != 2 || !dims.get(1).hasDimValue()) {
                throw new UnsupportedGraphException(source + ": input '" + vi.getName() + "' is not [batch, k] with a fixed k");
            }
            inputWidths.put(vi.getName(), (int) dims.get(1).getDimValue());
        }
        for (OnnxMl.ValueInfoProto vi : g.getOutputList()) outputs.add(vi.getName());
        for (NodeProto np : g.getNodeList()) {
            if (!np.getDomain().isEmpty() && !np.getDomain().equals("ai.onnx")) {
                throw new UnsupportedGraphException(source + ": node '" + np.getName() + "' is in domain '" + np.getDomain() + "'");
            }
            if (!SUPPORTED.contains(np.getOpType())) {
                throw new UnsupportedGraphException(source + ": operator " + np.getOpType() + " (node '" + np.getName() + "') is not supported by the exact evaluator");
            }
            Map<String, AttributeProto> attrs = new HashMap<>();
            for (AttributeProto a : np.getAttributeList()) attrs.put(a.getName(), a);
            Node n = new Node(np.getOpType(), np.getInputList(), np.getOutputList(), attrs);
            if (n.op.equals("Constant")) {
                if (!attrs.containsKey("value")) throw new UnsupportedGraphException(source + ": Constant node '" + np.getName() + "' without a tensor 'value'");
                constants.put(n.out.get(0), tensor(attrs.get("value").getT()));
                continue;
            }
            if (n.op.equals("Concat") || n.op.equals("Softmax") || n.op.equals("Flatten")) {
                long axis = n.i("axis", n.op.equals("Softmax") ? -1 : 1);
                if (axis != -1 && axis != 1) throw new UnsupportedGraphException(source + ": " + n.op + " on axis " + axis + " (node '" + np.getName() + "')");
            }
            if (n.op.equals("Gemm") && n.i("transA", 0) != 0) {
                // kept simple: exported MLPs never transpose the activations
                throw new UnsupportedGraphException(source + ": Gemm with transA=1 (node '" + np.getName() + "')");
            }
            nodes.add(n);
        }
    }

    /** Parses an ONNX file; a graph with unsupported nodes raises {@link UnsupportedGraphException}. */
    public static GraphEvaluator load(Path onnx) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(onnx);
        } catch (NoSuchFileException e) {
            throw new RatioModelException("ONNX file " + onnx + " does not exist");
        } catch (IOException e) {
            throw new RatioModelException("cannot read ONNX file " + onnx + ": " + e.getMessage(), e);
        }
        ModelProto m;
        try {
            m = ModelProto.parseFrom(bytes);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new RatioModelException("ONNX file " + onnx + " is not a valid ONNX model: " + e.getMessage(), e);
        }
        return new GraphEvaluator(m, onnx.toString());
    }

    public static GraphEvaluator of(ModelProto model) {
        return new GraphEvaluator(model, model.getGraph().getName());
    }

    /** Graph inputs (not initializers) and their widths. */
    public Map<String, Integer> inputWidths() {
        return java.util.Collections.unmodifiableMap(inputWidths);
    }

    public List<String> outputNames() {
        return List.copyOf(outputs);
    }

    /** Forward pass for {@code n} events; inputs row-major [n, width]; returns the output row-major. */
    public double[] forward(Map<String, double[]> inputs, int n, String output) {
        Map<String, T> values = run(inputs, n);
        return get(values, output).v;
    }

    /**
     * Output values and the gradients of Σ_events,k seed[e,k]·output[e,k] with respect to every
     * graph input (row-major [n, width]); with a seed of 1 for a single-valued output this is the
     * per-event gradient of that output.
     */
    public record Gradient(double[] output, Map<String, double[]> inputGradients) {}

    public Gradient gradient(Map<String, double[]> inputs, int n, String output, double[] seed) {
        Map<String, T> values = run(inputs, n);
        T out = get(values, output);
        if (seed.length != out.v.length) throw new IllegalArgumentException("seed has " + seed.length + " values, output has " + out.v.length);
        Set<String> active = new HashSet<>(inputWidths.keySet());
        for (Node nd : nodes) {
            for (String s : nd.in) if (active.contains(s)) { active.addAll(nd.out); break; }
        }
        Map<String, double[]> adj = new HashMap<>();
        adj.put(output, seed.clone());
        for (int k = nodes.size() - 1; k >= 0; k--) {
            Node nd = nodes.get(k);
            double[] dy = adj.get(nd.out.get(0));
            if (dy == null) continue;
            backward(nd, values, dy, active, adj);
        }
        Map<String, double[]> grads = new LinkedHashMap<>();
        for (Map.Entry<String, Integer> e : inputWidths.entrySet()) {
            double[] g = adj.get(e.getKey());
            grads.put(e.getKey(), g == null ? new double[n * e.getValue()] : g);
        }
        return new Gradient(out.v, grads);
    }

    // ---------------------------------------------------------------- forward

    private Map<String, T> run(Map<String, double[]> inputs, int n) {
        Map<String, T> values = new HashMap<>(constants);
        for (Map.Entry<String, Integer> e : inputWidths.entrySet()) {
            double[] x = inputs.get(e.getKey());
            if (x == null) throw new IllegalArgumentException(source + ": input '" + e.getKey() + "' not given");
            if (x.length != n * e.getValue()) throw new IllegalArgumentException(source + ": input '" + e.getKey() + "' has " + x.length + " values, expected " + n + "×" + e.getValue());
            values.put(e.getKey(), new T(x, new int[]{n, e.getValue()}));
        }
        for (Node nd : nodes) values.put(nd.out.get(0), forward(nd, values));
        return values;
    }

    private T get(Map<String, T> values, String name) {
        T t = values.get(name);
        if (t == null) throw new IllegalArgumentException(source + ": no tensor '" + name + "'");
        return t;
    }

    private T forward(Node nd, Map<String, T> values) {
        T a = get(values, nd.in.get(0));
        switch (nd.op) {
            case "Gemm": {
                T b = get(values, nd.in.get(1));
                boolean tb = nd.i("transB", 0) != 0;
                T y = matmul(a, b, false, tb, nd.f("alpha", 1));
                if (nd.in.size() > 2 && !nd.in.get(2).isEmpty()) {
                    T c = get(values, nd.in.get(2));
                    double beta = nd.f("beta", 1);
                    y = binary("Add", y, beta == 1 ? c : scale(c, beta));
                }
                return y;
            }
            case "MatMul":
                return matmul(a, get(values, nd.in.get(1)), false, false, 1);
            case "Add": case "Sub": case "Mul": case "Div":
                return binary(nd.op, a, get(values, nd.in.get(1)));
            case "Concat": {
                List<T> parts = new ArrayList<>();
                for (String s : nd.in) parts.add(get(values, s));
                return concat(parts);
            }
            case "Softmax": {
                int r = a.rows(), c = a.cols();
                double[] y = new double[a.v.length];
                for (int i = 0; i < r; i++) {
                    double mx = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < c; j++) mx = Math.max(mx, a.v[i * c + j]);
                    double s = 0;
                    for (int j = 0; j < c; j++) s += y[i * c + j] = Math.exp(a.v[i * c + j] - mx);
                    for (int j = 0; j < c; j++) y[i * c + j] /= s;
                }
                return new T(y, a.shape);
            }
            case "Flatten":
                return a.shape.length == 2 ? a : new T(a.v, new int[]{a.rows(), a.cols()});
            default: {
                double[] y = new double[a.v.length];
                double alpha = nd.f("alpha", nd.op.equals("LeakyRelu") ? 0.01 : 1.0);
                for (int i = 0; i < y.length; i++) y[i] = unary(nd.op, a.v[i], alpha);
                return new T(y, a.shape);
            }
        }
    }

    private static double unary(String op, double x, double alpha) {
        switch (op) {
            case "Relu": return x > 0 ? x : 0;
            case "LeakyRelu": return x >= 0 ? x : alpha * x;
            case "Tanh": return Math.tanh(x);
            case "Sigmoid": return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
            case "Softplus": return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
            case "Elu": return x >= 0 ? x : alpha * Math.expm1(x);
            case "Exp": return Math.exp(x);
            case "Log": return Math.log(x);
            case "Neg": return -x;
            case "Identity": return x;
            default: throw new IllegalStateException(op);
        }
    }

    /** dy/dx of a unary op given x and y. */
    private static double unaryDerivative(String op, double x, double y, double alpha) {
        switch (op) {
            case "Relu": return x > 0 ? 1 : 0;
            case "LeakyRelu": return x >= 0 ? 1 : alpha;
            case "Tanh": return 1 - y * y;
            case "Sigmoid": return y * (1 - y);
            case "Softplus": return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
            case "Elu": return x >= 0 ? 1 : y + alpha;
            case "Exp": return y;
            case "Log": return 1 / x;
            case "Neg": return -1;
            case "Identity": return 1;
            default: throw new IllegalStateException(op);
        }
    }

    private static T scale(T t, double f) {
        double[] v = t.v.clone();
        for (int i = 0; i < v.length; i++) v[i] *= f;
        return new T(v, t.shape);
    }

    /** Broadcast shape of two rank ≤ 2 shapes. */
    private int[] broadcast(int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int k = 0; k < rank; k++) {
            int da = k < rank - a.length ? 1 : a[k - (rank - a.length)];
            int db = k < rank - b.length ? 1 : b[k - (rank - b.length)];
            if (da != db && da != 1 && db != 1) throw new IllegalArgumentException(source + ": cannot broadcast " + Arrays.toString(a) + " with " + Arrays.toString(b));
            out[k] = Math.max(da, db);
        }
        return out;
    }

    private static int rows(int[] s) {
        return s.length < 2 ? 1 : s[0];
    }

    private static int cols(int[] s) {
        return s.length == 0 ? 1 : s[s.length - 1];
    }

    private T binary(String op, T a, T b) {
        int[] os = broadcast(a.shape, b.shape);
        int r = rows(os), c = cols(os);
        int ar = a.rows(), ac = a.cols(), br = b.rows(), bc = b.cols();
        double[] y = new double[r * c];
        for (int i = 0; i < r; i++) {
            int ia = (ar == 1 ? 0 : i) * ac, ib = (br == 1 ? 0 : i) * bc;
            for (int j = 0; j < c; j++) {
                double x1 = a.v[ia + (ac == 1 ? 0 : j)], x2 = b.v[ib + (bc == 1 ? 0 : j)];
                y[i * c + j] = switch (op) {
                    case "Add" -> x1 + x2;
                    case "Sub" -> x1 - x2;
                    case "Mul" -> x1 * x2;
                    default -> x1 / x2;
                };
            }
        }
        return new T(y, os);
    }

    /** Sum-reduces a full [r, c] adjoint onto a broadcast operand of shape {@code s}. */
    private static double[] reduceTo(double[] g, int r, int c, int[] s) {
        int sr = rows(s), sc = cols(s);
        if (sr == r && sc == c) return g;
        double[] out = new double[sr * sc];
        for (int i = 0; i < r; i++) {
            int io = (sr == 1 ? 0 : i) * sc;
            for (int j = 0; j < c; j++) out[io + (sc == 1 ? 0 : j)] += g[i * c + j];
        }
        return out;
    }

    /** a·b (rank 1 operands promoted NumPy-style), b transposed when {@code tb}. */
    private T matmul(T a, T b, boolean ta, boolean tb, double alpha) {
        int m = a.rows(), k = a.cols();
        int kb, nn;
        boolean bVec = b.shape.length == 1;
        if (bVec) { kb = b.shape[0]; nn = 1; }
        else if (tb) { kb = b.shape[1]; nn = b.shape[0]; }
        else { kb = b.shape[0]; nn = b.shape[1]; }
        if (kb != k) throw new IllegalArgumentException(source + ": matmul of " + Arrays.toString(a.shape) + " and " + Arrays.toString(b.shape));
        double[] y = new double[m * nn];
        if (tb && !bVec) {
            // dot products over contiguous rows of a and b (Gemm with transB, every exported MLP
            // layer); same terms in the same order as the loop below, so the same rounding
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < nn; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) {
                        double av = alpha * a.v[i * k + p];
                        if (av != 0) s += av * b.v[j * k + p];
                    }
                    y[i * nn + j] = s;
                }
            }
        } else {
            for (int i = 0; i < m; i++) {
                for (int p = 0; p < k; p++) {
                    double av = alpha * a.v[i * k + p];
                    if (av == 0) continue;
                    if (tb) for (int j = 0; j < nn; j++) y[i * nn + j] += av * b.v[j * k + p];
                    else for (int j = 0; j < nn; j++) y[i * nn + j] += av * b.v[p * nn + j];
                }
            }
        }
        int[] shape;
        if (a.shape.length == 1 && bVec) shape = new int[0];
        else if (a.shape.length == 1) shape = new int[]{nn};
        else if (bVec) shape = new int[]{m};
        else shape = new int[]{m, nn};
        return new T(y, shape);
    }

    private static T concat(List<T> parts) {
        int r = parts.get(0).rows();
        int c = 0;
        for (T t : parts) c += t.cols();
        double[] y = new double[r * c];
        int off = 0;
        for (T t : parts) {
            int tc = t.cols();
            for (int i = 0; i < r; i++) System.arraycopy(t.v, i * tc, y, i * c + off, tc);
            off += tc;
        }
        return new T(y, new int[]{r, c});
    }

    // ---------------------------------------------------------------- reverse mode

    private void accumulate(Map<String, double[]> adj, Set<String> active, String name, double[] g) {
        if (!active.contains(name)) return;
        double[] cur = adj.get(name);
        if (cur == null) adj.put(name, g == null ? null : g.clone());
        else for (int i = 0; i < cur.length; i++) cur[i] += g[i];
    }

    private void backward(Node nd, Map<String, T> values, double[] dy, Set<String> active, Map<String, double[]> adj) {
        T y = values.get(nd.out.get(0));
        T a = values.get(nd.in.get(0));
        switch (nd.op) {
            case "Gemm": case "MatMul": {
                T b = values.get(nd.in.get(1));
                boolean tb = nd.op.equals("Gemm") && nd.i("transB", 0) != 0;
                double alpha = nd.op.equals("Gemm") ? nd.f("alpha", 1) : 1;
                int m = a.rows(), k = a.cols();
                int nn = b.shape.length == 1 ? 1 : (tb ? b.shape[0] : b.shape[1]);
                if (active.contains(nd.in.get(0))) {
                    double[] da = new double[m * k];
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < nn; j++) {
                            double g = alpha * dy[i * nn + j];
                            if (g == 0) continue;
                            for (int p = 0; p < k; p++) da[i * k + p] += g * (tb ? b.v[j * k + p] : b.v[p * nn + j]);
                        }
                    }
                    accumulate(adj, active, nd.in.get(0), da);
                }
                if (active.contains(nd.in.get(1))) {
                    double[] db = new double[b.v.length];
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < nn; j++) {
                            double g = alpha * dy[i * nn + j];
                            for (int p = 0; p < k; p++) {
                                if (tb) db[j * k + p] += g * a.v[i * k + p];
                                else db[p * nn + j] += g * a.v[i * k + p];
                            }
                        }
                    }
                    accumulate(adj, active, nd.in.get(1), db);
                }
                if (nd.op.equals("Gemm") && nd.in.size() > 2 && active.contains(nd.in.get(2))) {
                    T c = values.get(nd.in.get(2));
                    double beta = nd.f("beta", 1);
                    double[] dc = reduceTo(dy, y.rows(), y.cols(), c.shape).clone();
                    for (int i = 0; i < dc.length; i++) dc[i] *= beta;
                    accumulate(adj, active, nd.in.get(2), dc);
                }
                return;
            }
            case "Add": case "Sub": case "Mul": case "Div": {
                T b = values.get(nd.in.get(1));
                int r = y.rows(), c = y.cols();
                int ar = a.rows(), ac = a.cols(), br = b.rows(), bc = b.cols();
                boolean needA = active.contains(nd.in.get(0)), needB = active.contains(nd.in.get(1));
                double[] ga = needA ? new double[r * c] : null, gb = needB ? new double[r * c] : null;
                for (int i = 0; i < r; i++) {
                    int ia = (ar == 1 ? 0 : i) * ac, ib = (br == 1 ? 0 : i) * bc;
                    for (int j = 0; j < c; j++) {
                        double x1 = a.v[ia + (ac == 1 ? 0 : j)], x2 = b.v[ib + (bc == 1 ? 0 : j)], g = dy[i * c + j];
                        int o = i * c + j;
                        switch (nd.op) {
                            case "Add" -> { if (needA) ga[o] = g; if (needB) gb[o] = g; }
                            case "Sub" -> { if (needA) ga[o] = g; if (needB) gb[o] = -g; }
                            case "Mul" -> { if (needA) ga[o] = g * x2; if (needB) gb[o] = g * x1; }
                            default -> { if (needA) ga[o] = g / x2; if (needB) gb[o] = -g * x1 / (x2 * x2); }
                        }
                    }
                }
                if (needA) accumulate(adj, active, nd.in.get(0), reduceTo(ga, r, c, a.shape));
                if (needB) accumulate(adj, active, nd.in.get(1), reduceTo(gb, r, c, b.shape));
                return;
            }
            case "Concat": {
                int r = y.rows(), c = y.cols(), off = 0;
                for (String s : nd.in) {
                    T t = values.get(s);
                    int tc = t.cols();
                    if (active.contains(s)) {
                        double[] g = new double[r * tc];
                        for (int i = 0; i < r; i++) System.arraycopy(dy, i * c + off, g, i * tc, tc);
                        accumulate(adj, active, s, g);
                    }
                    off += tc;
                }
                return;
            }
            case "Softmax": {
                int r = y.rows(), c = y.cols();
                double[] g = new double[r * c];
                for (int i = 0; i < r; i++) {
                    double dot = 0;
                    for (int j = 0; j < c; j++) dot += dy[i * c + j] * y.v[i * c + j];
                    for (int j = 0; j < c; j++) g[i * c + j] = y.v[i * c + j] * (dy[i * c + j] - dot);
                }
                accumulate(adj, active, nd.in.get(0), g);
                return;
            }
            case "Flatten":
                accumulate(adj, active, nd.in.get(0), dy);
                return;
            default: {
                double alpha = nd.f("alpha", nd.op.equals("LeakyRelu") ? 0.01 : 1.0);
                double[] g = new double[dy.length];
                for (int i = 0; i < g.length; i++) g[i] = dy[i] * unaryDerivative(nd.op, a.v[i], y.v[i], alpha);
                accumulate(adj, active, nd.in.get(0), g);
            }
        }
    }

    // ---------------------------------------------------------------- tensors from protobuf

    private T tensor(TensorProto t) {
        int[] shape = new int[t.getDimsCount()];
        int n = 1;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = (int) t.getDims(i);
            n *= shape[i];
        }
        if (shape.length > 2) throw new UnsupportedGraphException(source + ": tensor '" + t.getName() + "' has rank " + shape.length);
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            throw new UnsupportedGraphException(source + ": tensor '" + t.getName() + "' is stored outside the ONNX file");
        }
        double[] v = new double[n];
        ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        boolean hasRaw = !t.getRawData().isEmpty();
        switch (t.getDataType()) {
            case 1 -> { // FLOAT
                for (int i = 0; i < n; i++) v[i] = hasRaw ? raw.getFloat(4 * i) : t.getFloatData(i);
            }
            case 11 -> { // DOUBLE
                for (int i = 0; i < n; i++) v[i] = hasRaw ? raw.getDouble(8 * i) : t.getDoubleData(i);
            }
            case 7 -> { // INT64
                for (int i = 0; i < n; i++) v[i] = hasRaw ? raw.getLong(8 * i) : t.getInt64Data(i);
            }
            case 6 -> { // INT32
                for (int i = 0; i < n; i++) v[i] = hasRaw ? raw.getInt(4 * i) : t.getInt32Data(i);
            }
            default -> throw new UnsupportedGraphException(source + ": tensor '" + t.getName() + "' has data type " + t.getDataType());
        }
        return new T(v, shape);
    }
}
