package org.ratiofit.ratio.onnx;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ratiofit.io.AtomicFiles;

/**
 * A small builder of float32 ONNX graphs on the ONNX protobuf classes that tribuo-util-onnx ships
 * ({@code ai.onnx.proto.OnnxMl}). Writes IR version 8 with the default-domain opset {@value #OPSET},
 * which ONNX Runtime 1.29 loads.
 */
public final class OnnxGraphBuilder {
    public static final int OPSET = 17;
    public static final int IR_VERSION = 8;
    /** A dimension given as this is written as the symbolic batch dimension "N". */
    public static final long BATCH = -1;

    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private final Set<String> names = new HashSet<>();
    private int counter;
    private final java.util.LinkedHashMap<String, String> metadata = new java.util.LinkedHashMap<>();

    public OnnxGraphBuilder(String graphName) {
        graph.setName(graphName);
    }

    /** Declares a float32 graph input; {@link #BATCH} marks the batch dimension. */
    public String input(String name, long... dims) {
        claim(name);
        graph.addInput(valueInfo(name, dims));
        return name;
    }

    /** Declares a float32 graph output produced by a node of the same name. */
    public String output(String name, long... dims) {
        graph.addOutput(valueInfo(name, dims));
        return name;
    }

    /** A float32 constant tensor (weights, biases); values given in row-major order. */
    public String initializer(String name, double[] values, long... dims) {
        long n = 1;
        for (long d : dims) n *= d;
        if (n != values.length) throw new IllegalArgumentException("initializer " + name + ": " + values.length + " values for shape " + java.util.Arrays.toString(dims));
        String unique = unique(name);
        TensorProto.Builder t = TensorProto.newBuilder().setName(unique).setDataType(TensorProto.DataType.FLOAT.getNumber());
        for (long d : dims) t.addDims(d);
        for (double v : values) t.addFloatData((float) v);
        graph.addInitializer(t);
        return unique;
    }

    /** Adds a node with one output (named after {@code outputName}, made unique); returns the output name. */
    public String node(String opType, List<String> inputs, String outputName, Map<String, Object> attributes) {
        String out = unique(outputName);
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(opType).setName(unique(opType + "_node")).addOutput(out);
        for (String in : inputs) n.addInput(in);
        for (Map.Entry<String, Object> a : attributes.entrySet()) n.addAttribute(attribute(a.getKey(), a.getValue()));
        graph.addNode(n);
        return out;
    }

    public String node(String opType, String outputName, String... inputs) {
        return node(opType, List.of(inputs), outputName, Map.of());
    }

    /** Adds a node whose output name is exactly {@code outputName} (for graph outputs). */
    public String nodeNamed(String opType, List<String> inputs, String outputName, Map<String, Object> attributes) {
        claim(outputName);
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(opType).setName(unique(opType + "_node")).addOutput(outputName);
        for (String in : inputs) n.addInput(in);
        for (Map.Entry<String, Object> a : attributes.entrySet()) n.addAttribute(attribute(a.getKey(), a.getValue()));
        graph.addNode(n);
        return outputName;
    }

    /** A metadata_props entry of the model (for example {@code ratiofit.features}). */
    public OnnxGraphBuilder metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    public ModelProto build() {
        ModelProto.Builder m = ModelProto.newBuilder();
        metadata.forEach((k, v) -> m.addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return m
                .setIrVersion(IR_VERSION)
                .setProducerName("ratiofit")
                .setProducerVersion("0.1")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(graph.build())
                .build();
    }

    public static void write(ModelProto model, Path file) {
        try {
            if (file.toAbsolutePath().getParent() != null) Files.createDirectories(file.toAbsolutePath().getParent());
            AtomicFiles.write(file, model::writeTo);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot write ONNX file " + file + ": " + AtomicFiles.reason(e), e);
        }
    }

    private void claim(String name) {
        if (!names.add(name)) throw new IllegalArgumentException("ONNX name used twice: " + name);
    }

    private String unique(String base) {
        String n = base;
        while (names.contains(n)) n = base + "_" + (counter++);
        names.add(n);
        return n;
    }

    private static ValueInfoProto valueInfo(String name, long[] dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long d : dims) {
            if (d == BATCH) shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"));
            else shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        TypeProto type = TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                .setElemType(TensorProto.DataType.FLOAT.getNumber()).setShape(shape)).build();
        return ValueInfoProto.newBuilder().setName(name).setType(type).build();
    }

    private static AttributeProto attribute(String name, Object v) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name);
        if (v instanceof Integer || v instanceof Long) {
            a.setType(AttributeProto.AttributeType.INT).setI(((Number) v).longValue());
        } else if (v instanceof Float || v instanceof Double) {
            a.setType(AttributeProto.AttributeType.FLOAT).setF(((Number) v).floatValue());
        } else if (v instanceof long[] ls) {
            a.setType(AttributeProto.AttributeType.INTS);
            for (long l : ls) a.addInts(l);
        } else if (v instanceof float[] fs) {
            a.setType(AttributeProto.AttributeType.FLOATS);
            for (float f : fs) a.addFloats(f);
        } else if (v instanceof String s) {
            a.setType(AttributeProto.AttributeType.STRING).setS(com.google.protobuf.ByteString.copyFromUtf8(s));
        } else {
            throw new IllegalArgumentException("unsupported attribute type for " + name + ": " + v);
        }
        return a.build();
    }
}
