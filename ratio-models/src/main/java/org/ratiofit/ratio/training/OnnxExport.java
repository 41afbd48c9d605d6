package org.ratiofit.ratio.training;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ratiofit.ratio.ModelSidecar;
import org.ratiofit.ratio.Sidecars;
import org.ratiofit.ratio.onnx.OnnxMlpWriter;
import org.ratiofit.ratio.training.calibration.HistogramCalibrator;
import org.ratiofit.ratio.training.calibration.IsotonicCalibrator;
import org.ratiofit.ratio.training.calibration.RatioCalibrator;

/**
 * Writes trained members in the ratio-models format: {@code NAME.onnx} (the MLP on scaled
 * features; a final sigmoid for the score convention) and the JSON sidecar {@code NAME.json}
 * with the features, the scaler fitted on the member's training events, the output convention,
 * the hypotheses' names and an optional calibration. {@link org.ratiofit.ratio.RatioModel#load}
 * reads the pair back.
 */
public final class OnnxExport {
    public static final String INPUT_NAME = "features";
    public static final String OUTPUT_NAME = "output";

    private OnnxExport() {
    }

    /** Exports one member; returns the sidecar's path. */
    public static Path export(TrainedMember member, Path dir, String name, String numerator, String denominator,
            RatioCalibrator calibration) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create export folder " + dir, e);
        }
        TrainingConfig.OutputConvention conv = member.config().output();
        OnnxMlpWriter.Activation hidden = switch (member.network().activation()) {
            case RELU -> OnnxMlpWriter.Activation.RELU;
            case TANH -> OnnxMlpWriter.Activation.TANH;
            case SWISH -> OnnxMlpWriter.Activation.SWISH;
        };
        MlpWeights net = member.network();
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
            boolean last = k == net.layers() - 1;
            OnnxMlpWriter.Activation act = !last ? hidden
                    : conv == TrainingConfig.OutputConvention.SCORE ? OnnxMlpWriter.Activation.SIGMOID
                    : OnnxMlpWriter.Activation.IDENTITY;
            layers.add(new OnnxMlpWriter.Layer(wd, b, act));
            in = out;
        }
        List<String> features = member.scaler().features();
        Path onnx = dir.resolve(name + ".onnx");
        org.ratiofit.ratio.onnx.OnnxGraphBuilder.write(
                OnnxMlpWriter.mlp(List.of(new OnnxMlpWriter.Input(INPUT_NAME, features.size())), OUTPUT_NAME, layers,
                        features),
                onnx);
        ModelSidecar sc = ModelSidecar.binary(name, onnx.getFileName().toString(), INPUT_NAME, features,
                conv == TrainingConfig.OutputConvention.SCORE ? ModelSidecar.OutputConvention.SCORE
                        : ModelSidecar.OutputConvention.LOGIT,
                numerator, denominator).withScaling(scaling(member.scaler()));
        if (calibration != null) {
            sc = sc.withCalibration(calibration(calibration));
        }
        Path sidecar = dir.resolve(name + ".json");
        Sidecars.write(sc, sidecar);
        return sidecar;
    }

    /** Exports every member as {@code prefix-<index>}; returns the sidecars' paths. */
    public static List<Path> export(TrainedEnsemble ensemble, Path dir, String prefix, String numerator,
            String denominator) {
        List<Path> out = new ArrayList<>();
        for (TrainedMember m : ensemble.members()) {
            out.add(export(m, dir, prefix + "-" + m.index(), numerator, denominator, null));
        }
        return out;
    }

    static List<ModelSidecar.Scaler> scaling(FittedScaler s) {
        List<String> names = new ArrayList<>();
        List<Integer> idx = new ArrayList<>();
        for (int j = 0; j < s.features().size(); j++) {
            if (s.scaled()[j]) {
                names.add(s.features().get(j));
                idx.add(j);
            }
        }
        if (names.isEmpty()) {
            return List.of();
        }
        int m = idx.size();
        double[] a = new double[m];
        double[] b = new double[m];
        double[] lam = new double[m];
        for (int k = 0; k < m; k++) {
            int j = idx.get(k);
            a[k] = s.offset()[j];
            b[k] = s.scale()[j];
            lam[k] = s.lambda()[j];
        }
        return switch (s.kind()) {
            case STANDARD -> List.of(new ModelSidecar.Standard(names, a, b));
            case YEO_JOHNSON -> List.of(new ModelSidecar.YeoJohnson(names, lam, a, b));
            case MIN_MAX -> {
                double[] min = new double[m];
                double[] max = new double[m];
                for (int k = 0; k < m; k++) {
                    min[k] = a[k] + s.rangeLow() * b[k];
                    max[k] = min[k] + b[k] * (s.rangeHigh() - s.rangeLow());
                }
                yield List.of(new ModelSidecar.MinMax(names, min, max, new double[] {s.rangeLow(), s.rangeHigh()}));
            }
            case NONE -> List.of();
        };
    }

    static ModelSidecar.Calibration calibration(RatioCalibrator c) {
        if (c instanceof IsotonicCalibrator iso) {
            return new ModelSidecar.Isotonic(iso.ratioKnots(), iso.calibratedRatios());
        }
        if (c instanceof HistogramCalibrator h) {
            return new ModelSidecar.Histogram(h.ratioEdges(), h.binRatios());
        }
        throw new IllegalArgumentException("no sidecar form for calibration " + c.getClass().getName());
    }
}
