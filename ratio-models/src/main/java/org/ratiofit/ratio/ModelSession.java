package org.ratiofit.ratio;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A ratio model's ONNX Runtime session and the checks that its graph fits the sidecar: input
 * names, element types and widths, the output's name and width for the output convention, and
 * the feature order recorded in the ONNX metadata.
 */
final class ModelSession {
    final OrtEnvironment env;
    final OrtSession session;
    final String outputName;
    /** Values the network outputs per event. */
    final int outWidth;
    /** Rank of the output tensor (1: [batch], 2: [batch, width]). */
    final int outRank;
    private final String model;
    private final String where;

    /**
     * Opens the session of {@code onnxPath} with the thread settings of {@code options}.
     *
     * @param where the sidecar's path for messages
     */
    static OrtSession open(OrtEnvironment env, Path onnxPath, InferenceOptions options, String model, String where) {
        if (!Files.isRegularFile(onnxPath)) {
            throw new RatioModelException("ratio model '" + model + "': ONNX file " + onnxPath + " (field 'onnx' of " + where + ") does not exist");
        }
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            if (options.intraOpThreads() > 0) so.setIntraOpNumThreads(options.intraOpThreads());
            so.setInterOpNumThreads(1);
            so.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            if (!options.spinning()) so.addConfigEntry("session.intra_op.allow_spinning", "0");
            return env.createSession(onnxPath.toString(), so);
        } catch (OrtException e) {
            throw new RatioModelException("ratio model '" + model + "': ONNX file " + onnxPath + " is not a valid ONNX model: " + e.getMessage(), e);
        }
    }

    /** Checks an opened session against the sidecar and its inputs; the caller closes the session if this throws. */
    ModelSession(OrtEnvironment env, OrtSession session, ModelSidecar sc, ModelInputs inputs, String model, String where) throws OrtException {
        this.env = env;
        this.session = session;
        this.model = model;
        this.where = where;
        checkInput(sc.inputName(), inputs.mainColumns);
        if (inputs.separateParams) checkInput(sc.parameterInputName(), sc.parameterList());
        if (session.getInputNames().size() != (inputs.separateParams ? 2 : 1)) {
            throw new RatioModelException("ratio model '" + model + "': the ONNX graph has inputs " + session.getInputNames()
                    + " but the sidecar feeds only " + (inputs.separateParams ? List.of(sc.inputName(), sc.parameterInputName()) : List.of(sc.inputName())));
        }
        outputName = sc.outputName() != null ? sc.outputName() : session.getOutputNames().iterator().next();
        outWidth = checkOutput(sc);
        outRank = ((TensorInfo) session.getOutputInfo().get(outputName).getInfo()).getShape().length;
        checkFeatureMetadata(inputs.mainColumns);
    }

    private void checkInput(String inputName, List<String> cols) throws OrtException {
        Map<String, NodeInfo> info = session.getInputInfo();
        NodeInfo ni = info.get(inputName);
        if (ni == null) {
            throw new RatioModelException("ratio model '" + model + "': the ONNX graph has no input '" + inputName + "' (field 'input_name' or 'parameter_input_name' of "
                    + where + "); its inputs are " + info.keySet());
        }
        if (!(ni.getInfo() instanceof TensorInfo ti)) {
            throw new RatioModelException("ratio model '" + model + "': ONNX input '" + inputName + "' is not a tensor");
        }
        if (ti.type != OnnxJavaType.FLOAT) {
            throw new RatioModelException("ratio model '" + model + "': ONNX input '" + inputName + "' has element type " + ti.type + ", expected float32");
        }
        long[] shape = ti.getShape();
        if (shape.length != 2) {
            throw new RatioModelException("ratio model '" + model + "': ONNX input '" + inputName + "' has shape " + Arrays.toString(shape)
                    + ", expected [batch, " + cols.size() + "]");
        }
        if (shape[1] >= 0 && shape[1] != cols.size()) {
            throw new RatioModelException("ratio model '" + model + "': ONNX input '" + inputName + "' takes " + shape[1] + " values per event but the sidecar "
                    + where + " lists " + cols.size() + " " + cols);
        }
    }

    private int checkOutput(ModelSidecar sc) throws OrtException {
        Map<String, NodeInfo> info = session.getOutputInfo();
        NodeInfo ni = info.get(outputName);
        if (ni == null) {
            throw new RatioModelException("ratio model '" + model + "': the ONNX graph has no output '" + outputName + "' (field 'output_name' of "
                    + where + "); its outputs are " + info.keySet());
        }
        if (!(ni.getInfo() instanceof TensorInfo ti) || ti.type != OnnxJavaType.FLOAT) {
            throw new RatioModelException("ratio model '" + model + "': ONNX output '" + outputName + "' is not a float32 tensor");
        }
        long[] shape = ti.getShape();
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
        return expected;
    }

    /** Writers may record the feature order in the ONNX metadata ("ratiofit.features"); compare it. */
    private void checkFeatureMetadata(List<String> mainColumns) throws OrtException {
        String meta = session.getMetadata().getCustomMetadata().get(RatioModel.FEATURES_METADATA_KEY);
        if (meta == null) return;
        List<String> graphCols = Arrays.asList(meta.split(",", -1));
        if (!graphCols.equals(mainColumns)) {
            throw new RatioModelException("ratio model '" + model + "': the ONNX file records input columns " + graphCols
                    + " but the sidecar " + where + " lists " + mainColumns + " (first difference at " + Sidecars.listDiff(graphCols, mainColumns) + ")");
        }
    }

    /** Closes the session without throwing, when an earlier problem is the one to report. */
    static void closeQuietly(OrtSession session) {
        try {
            session.close();
        } catch (OrtException ignored) {
            // the original problem matters more
        }
    }

    void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new RatioModelException("ratio model '" + model + "': closing the ONNX Runtime session failed: " + e.getMessage(), e);
        }
    }
}
