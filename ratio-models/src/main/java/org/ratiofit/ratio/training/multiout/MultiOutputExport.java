package org.ratiofit.ratio.training.multiout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.ratiofit.ratio.ModelSidecar;
import org.ratiofit.ratio.onnx.OnnxGraphBuilder;
import org.ratiofit.ratio.onnx.OnnxMlpWriter;
import org.ratiofit.ratio.training.FittedScaler;
import org.ratiofit.ratio.training.MlpWeights;
import org.ratiofit.ratio.training.ScalerKind;

/**
 * Pieces shared by the multi-output trainers: the standard scaler fitted on training events, its
 * sidecar form, scaled rows, and the ONNX file of a K-output MLP (identity output layer).
 */
public final class MultiOutputExport {
    public static final String INPUT_NAME = "features";
    public static final String OUTPUT_NAME = "output";

    private MultiOutputExport() {
    }

    /** A standard scaler of the listed features, fitted on the given events of columns [feature][event]. */
    public static FittedScaler standardScaler(List<String> features, Collection<String> scaled, double[][] columns, int[] events) {
        int d = features.size();
        boolean[] sc = new boolean[d];
        double[] lam = new double[d];
        double[] off = new double[d];
        double[] s = new double[d];
        for (int j = 0; j < d; j++) {
            lam[j] = Double.NaN;
            s[j] = 1;
            sc[j] = scaled.contains(features.get(j));
            if (!sc[j]) {
                continue;
            }
            double m = 0;
            for (int e : events) {
                m += columns[j][e];
            }
            m /= events.length;
            double v = 0;
            for (int e : events) {
                v += (columns[j][e] - m) * (columns[j][e] - m);
            }
            double sd = Math.sqrt(v / events.length);
            off[j] = m;
            s[j] = sd > 0 ? sd : 1;
        }
        return new FittedScaler(FittedScaler.FORMAT_VERSION, ScalerKind.STANDARD, List.copyOf(features), sc, lam, off, s, -1.5, 1.5);
    }

    /** Scaled row-major float32 rows of the given events of columns [feature][event]. */
    public static float[] rows(FittedScaler scaler, double[][] columns, int[] events) {
        int d = columns.length;
        float[] out = new float[events.length * d];
        for (int j = 0; j < d; j++) {
            double[] col = columns[j];
            for (int k = 0; k < events.length; k++) {
                out[k * d + j] = (float) scaler.apply(j, col[events[k]]);
            }
        }
        return out;
    }

    /** Scaled row-major rows of every event of columns [feature][event]. */
    public static float[] rows(FittedScaler scaler, double[][] columns) {
        int n = columns[0].length;
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        return rows(scaler, columns, all);
    }

    /** The sidecar's scaling of a standard scaler (empty when nothing is scaled). */
    public static List<ModelSidecar.Scaler> scaling(FittedScaler s) {
        List<String> names = new ArrayList<>();
        List<Double> mean = new ArrayList<>();
        List<Double> scale = new ArrayList<>();
        for (int j = 0; j < s.features().size(); j++) {
            if (s.scaled()[j]) {
                names.add(s.features().get(j));
                mean.add(s.offset()[j]);
                scale.add(s.scale()[j]);
            }
        }
        if (names.isEmpty()) {
            return List.of();
        }
        return List.of(new ModelSidecar.Standard(names, mean.stream().mapToDouble(Double::doubleValue).toArray(),
                scale.stream().mapToDouble(Double::doubleValue).toArray()));
    }

    /** Writes the MLP (hidden activation as trained, identity output layer of K outputs) as ONNX. */
    public static void writeOnnx(MlpWeights net, List<String> features, Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create folder of " + file, e);
        }
        OnnxMlpWriter.Activation hidden = switch (net.activation()) {
            case RELU -> OnnxMlpWriter.Activation.RELU;
            case TANH -> OnnxMlpWriter.Activation.TANH;
            case SWISH -> OnnxMlpWriter.Activation.SWISH;
        };
        List<OnnxMlpWriter.Layer> layers = new ArrayList<>();
        int in = net.inputs();
        for (int k = 0; k < net.layers(); k++) {
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
            layers.add(new OnnxMlpWriter.Layer(wd, b, k == net.layers() - 1 ? OnnxMlpWriter.Activation.IDENTITY : hidden));
            in = out;
        }
        OnnxGraphBuilder.write(OnnxMlpWriter.mlp(List.of(new OnnxMlpWriter.Input(INPUT_NAME, features.size())), OUTPUT_NAME, layers,
                features), file);
    }
}
