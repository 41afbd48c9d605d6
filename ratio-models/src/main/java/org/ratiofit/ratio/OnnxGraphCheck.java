package org.ratiofit.ratio;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The checks of {@link ModelSession} (input names, element types and widths, the output's name and
 * width, the feature order in the metadata) read from the ONNX file's own declarations instead of
 * an ONNX Runtime session, with the same messages. {@link RatioModel} uses it so that loading a
 * model creates no session (about 1 s: the runtime's native library and the session) until ONNX
 * Runtime is needed: a model whose network the Java kernels evaluate
 * ({@link BatchedThetaGradient}) never opens one. The graph's inputs are its declared inputs
 * less its initializers, as ONNX Runtime lists them.
 */
final class OnnxGraphCheck {
    private OnnxGraphCheck() {}

    /** ONNX TensorProto.DataType FLOAT. */
    private static final int FLOAT = 1;

    /** What the session would have reported: the output's name, values per event and rank. */
    record Result(String outputName, int outWidth, int outRank) {}

    /** Runs the checks; throws {@link RatioModelException} as {@link ModelSession} does. */
    static Result check(ModelProto proto, ModelSidecar sc, ModelInputs inputs, String model, String where) {
        OnnxMl.GraphProto g = proto.getGraph();
        Set<String> init = g.getInitializerList().stream().map(OnnxMl.TensorProto::getName).collect(Collectors.toSet());
        Map<String, ValueInfoProto> in = new LinkedHashMap<>();
        for (ValueInfoProto vi : g.getInputList()) if (!init.contains(vi.getName())) in.put(vi.getName(), vi);
        Map<String, ValueInfoProto> out = new LinkedHashMap<>();
        for (ValueInfoProto vi : g.getOutputList()) out.put(vi.getName(), vi);
        checkInput(in, sc.inputName(), inputs.mainColumns, model, where);
        if (inputs.separateParams) checkInput(in, sc.parameterInputName(), sc.parameterList(), model, where);
        if (in.size() != (inputs.separateParams ? 2 : 1)) {
            throw new RatioModelException("ratio model '" + model + "': the ONNX graph has inputs " + in.keySet()
                    + " but the sidecar feeds only " + (inputs.separateParams ? List.of(sc.inputName(), sc.parameterInputName()) : List.of(sc.inputName())));
        }
        if (out.isEmpty()) throw new RatioModelException("ratio model '" + model + "': the ONNX graph has no outputs");
        String outputName = sc.outputName() != null ? sc.outputName() : out.keySet().iterator().next();
        ValueInfoProto vo = out.get(outputName);
        if (vo == null) {
            throw new RatioModelException("ratio model '" + model + "': the ONNX graph has no output '" + outputName + "' (field 'output_name' of "
                    + where + "); its outputs are " + out.keySet());
        }
        if (!vo.getType().hasTensorType() || vo.getType().getTensorType().getElemType() != FLOAT) {
            throw new RatioModelException("ratio model '" + model + "': ONNX output '" + outputName + "' is not a float32 tensor");
        }
        long[] shape = shape(vo);
        int width = shape.length <= 1 ? 1 : (int) shape[shape.length - 1];
        int expected = switch (sc.output()) {
            case SCORE, LOGIT, LOG_RATIO -> 1;
            case SOFTMAX, SOFTMAX_LOGITS -> sc.multiclass().classes().size();
            case LOCAL_SCORE -> sc.parameterList().size();
        };
        if (shape.length > 2 || (width >= 0 && width != expected)) {
            throw new RatioModelException("ratio model '" + model + "': ONNX output '" + outputName + "' has shape " + Arrays.toString(shape)
                    + " but output '" + sc.output().name().toLowerCase() + "' needs " + expected + " value(s) per event");
        }
        for (OnnxMl.StringStringEntryProto e : proto.getMetadataPropsList()) {
            if (!e.getKey().equals(RatioModel.FEATURES_METADATA_KEY)) continue;
            List<String> graphCols = Arrays.asList(e.getValue().split(",", -1));
            if (!graphCols.equals(inputs.mainColumns)) {
                throw new RatioModelException("ratio model '" + model + "': the ONNX file records input columns " + graphCols
                        + " but the sidecar " + where + " lists " + inputs.mainColumns + " (first difference at " + Sidecars.listDiff(graphCols, inputs.mainColumns) + ")");
            }
        }
        return new Result(outputName, expected, shape.length);
    }

    private static void checkInput(Map<String, ValueInfoProto> in, String inputName, List<String> cols, String model, String where) {
        ValueInfoProto vi = in.get(inputName);
        if (vi == null) {
            throw new RatioModelException("ratio model '" + model + "': the ONNX graph has no input '" + inputName + "' (field 'input_name' or 'parameter_input_name' of "
                    + where + "); its inputs are " + in.keySet());
        }
        if (!vi.getType().hasTensorType()) {
            throw new RatioModelException("ratio model '" + model + "': ONNX input '" + inputName + "' is not a tensor");
        }
        int et = vi.getType().getTensorType().getElemType();
        if (et != FLOAT) {
            throw new RatioModelException("ratio model '" + model + "': ONNX input '" + inputName + "' has element type "
                    + OnnxMl.TensorProto.DataType.forNumber(et) + ", expected float32");
        }
        long[] shape = shape(vi);
        if (shape.length != 2) {
            throw new RatioModelException("ratio model '" + model + "': ONNX input '" + inputName + "' has shape " + Arrays.toString(shape)
                    + ", expected [batch, " + cols.size() + "]");
        }
        if (shape[1] >= 0 && shape[1] != cols.size()) {
            throw new RatioModelException("ratio model '" + model + "': ONNX input '" + inputName + "' takes " + shape[1] + " values per event but the sidecar "
                    + where + " lists " + cols.size() + " " + cols);
        }
    }

    /** The declared shape, −1 for a symbolic or unknown dimension (as ONNX Runtime reports it). */
    private static long[] shape(ValueInfoProto vi) {
        List<Long> d = new ArrayList<>();
        for (OnnxMl.TensorShapeProto.Dimension dim : vi.getType().getTensorType().getShape().getDimList()) d.add(dim.hasDimValue() ? dim.getDimValue() : -1L);
        return d.stream().mapToLong(Long::longValue).toArray();
    }
}
