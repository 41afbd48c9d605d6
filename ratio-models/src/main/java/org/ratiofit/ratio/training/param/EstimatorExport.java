package org.ratiofit.ratio.training.param;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ratiofit.ratio.ModelSidecar;
import org.ratiofit.ratio.Sidecars;
import org.ratiofit.ratio.onnx.OnnxGraphBuilder;
import org.ratiofit.ratio.onnx.OnnxMlpWriter;

/**
 * Writes a {@link TrainedEstimator} as {@code NAME.onnx} + {@code NAME.json} (the ratio-model sidecar,
 * read by {@link org.ratiofit.ratio.RatioModel#load}) + {@code NAME.estimator.json}
 * ({@link EstimatorSidecar}). Ratio methods: one graph input {@value #FEATURE_INPUT} [N, d + p]
 * (the features, then θ0), output {@code log_ratio} (ln r̂(x|θ0)); the sidecar names the
 * parameters and scales features and θ with the standard scalers fitted in training, so
 * {@code RatioModel.logRatios(columns, theta)} and {@code logRatioGradient} work on raw values.
 * SALLY: one input, output {@code local_score} (one column per parameter). Doubly parametrised
 * methods (suffix 2): the input is [N, d + 2p], the features, θ0, then θ1; the model sidecar
 * (format version 2) names the θ1 inputs {@code theta1_P} in {@code denominator_parameters}, and the
 * network is the antisymmetric f(x, θ0, θ1) − f(x, θ1, θ0) written as one MLP.
 */
public final class EstimatorExport {
    public static final String FEATURE_INPUT = "features";
    public static final String OUTPUT = "output";

    private EstimatorExport() {
    }

    /** Exports one member; returns the model sidecar's path. */
    public static Path export(TrainedEstimator est, Path dir, String name) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create export folder " + dir, e);
        }
        ParamMlp net = est.network();
        OnnxMlpWriter.Activation hidden = switch (net.activation()) {
            case RELU -> OnnxMlpWriter.Activation.RELU;
            case TANH -> OnnxMlpWriter.Activation.TANH;
            case SWISH -> OnnxMlpWriter.Activation.SWISH;
        };
        List<OnnxMlpWriter.Layer> layers = new ArrayList<>();
        int in = net.inputs();
        for (int k = 0; k < net.widths().size(); k++) {
            int out = net.widths().get(k);
            float[] w = net.weights().get(k);
            double[][] wd = new double[out][in];
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < in; i++) {
                    wd[o][i] = w[o * in + i];
                }
            }
            double[] b = new double[out];
            for (int o = 0; o < out; o++) {
                b[o] = net.biases().get(k)[o];
            }
            boolean last = k == net.widths().size() - 1;
            layers.add(new OnnxMlpWriter.Layer(wd, b, last ? OnnxMlpWriter.Activation.IDENTITY : hidden));
            in = out;
        }
        boolean sally = est.method().localScore();
        boolean doubly = est.method().doubly();
        int d = net.features(), p = est.parameters().size();
        List<String> columns = new ArrayList<>(est.features());
        if (!sally) {
            columns.addAll(est.parameters());
        }
        List<String> theta1Inputs = doubly ? theta1Inputs(est.parameters()) : null;
        if (doubly) {
            columns.addAll(theta1Inputs);
        }
        // one input [N, d + p]: θ follows the features (the sidecar's default layout)
        List<OnnxMlpWriter.Input> inputs = List.of(new OnnxMlpWriter.Input(FEATURE_INPUT, columns.size()));
        Path onnx = dir.resolve(name + ".onnx");
        Path onnxTmp = dir.resolve(name + ".onnx.tmp");
        OnnxGraphBuilder.write(OnnxMlpWriter.mlp(inputs, OUTPUT, layers, columns), onnxTmp);
        move(onnxTmp, onnx);
        List<ModelSidecar.Scaler> scaling = List.of(new ModelSidecar.Standard(columns,
                Arrays.copyOf(net.inputMean(), columns.size()), Arrays.copyOf(net.inputScale(), columns.size())));
        String theta1 = est.referenceTheta() == null ? "theta1" : "theta1=" + Arrays.toString(est.referenceTheta());
        if (doubly) {
            theta1 = "theta1";
        }
        ModelSidecar sc = new ModelSidecar(ModelSidecar.FORMAT,
                doubly ? ModelSidecar.FORMAT_VERSION_DOUBLY : ModelSidecar.FORMAT_VERSION, name,
                onnx.getFileName().toString(), FEATURE_INPUT, OUTPUT, est.features(), est.parameters(),
                null, scaling,
                sally ? ModelSidecar.OutputConvention.LOCAL_SCORE : ModelSidecar.OutputConvention.LOG_RATIO,
                sally ? "score" : "theta0", sally ? theta1.replace("theta1", "theta_ref") : theta1, null, null, null, null,
                theta1Inputs);
        Path sidecar = dir.resolve(name + ".json");
        Path sidecarTmp = dir.resolve(name + ".json.tmp");
        Sidecars.write(sc, sidecarTmp);
        move(sidecarTmp, sidecar);
        new EstimatorSidecar(EstimatorSidecar.FORMAT,
                doubly ? EstimatorSidecar.FORMAT_VERSION_DOUBLY : EstimatorSidecar.FORMAT_VERSION, sidecar.getFileName().toString(),
                est.method().label(), est.config().alpha(), est.features(), est.parameters(),
                sally ? "local_score" : "log_ratio",
                sally ? null : Arrays.copyOfRange(net.inputMean(), d, d + p),
                sally ? null : Arrays.copyOfRange(net.inputScale(), d, d + p),
                est.referenceTheta(), (int) est.history().eventsPerEpoch(), est.history().epochs(),
                est.history().bestEpoch(), est.config().xGradientPenalty(), doubly ? true : null,
                theta1Inputs).write(dir.resolve(name + ".estimator.json"));
        return sidecar;
    }

    /** The names of the θ1 inputs of a doubly parametrised model: {@value #THETA1_PREFIX}P per parameter P. */
    public static List<String> theta1Inputs(List<String> parameters) {
        List<String> out = new ArrayList<>();
        for (String q : parameters) {
            out.add(THETA1_PREFIX + q);
        }
        return out;
    }

    /** Prefix of a doubly parametrised model's θ1 input names (the default data column names too). */
    public static final String THETA1_PREFIX = "theta1_";

    private static void move(Path from, Path to) {
        try {
            Files.move(from, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move " + from + " to " + to, e);
        }
    }
}
