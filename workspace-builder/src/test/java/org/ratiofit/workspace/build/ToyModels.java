package org.ratiofit.workspace.build;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ratiofit.ratio.Ensemble;
import org.ratiofit.ratio.EnsembleManifest;
import org.ratiofit.ratio.ModelSidecar;
import org.ratiofit.ratio.ModelSidecar.OutputConvention;
import org.ratiofit.ratio.Sidecars;
import org.ratiofit.ratio.onnx.OnnxGraphBuilder;

/** Ensembles of exact analytic ONNX models of one feature, written for the build tests. */
final class ToyModels {
    private ToyModels() {}

    /** A graph computing a·x² + b·x + c for each output (one row of coefficients per output). */
    static ModelProto quadratic(String feature, double[][] abc) {
        OnnxGraphBuilder g = new OnnxGraphBuilder("quadratic_" + feature);
        String in = g.input("input", OnnxGraphBuilder.BATCH, 1);
        int k = abc.length;
        double[] a = new double[k], b = new double[k], c = new double[k];
        for (int o = 0; o < k; o++) {
            a[o] = abc[o][0];
            b[o] = abc[o][1];
            c[o] = abc[o][2];
        }
        // [N,1] x [1,k] products broadcast each output's coefficients over the events
        String aN = g.initializer("a", a, 1, k);
        String bN = g.initializer("b", b, 1, k);
        String cN = g.initializer("c", c, 1, k);
        String x2 = g.node("Mul", "x2", in, in);
        String qa = g.node("MatMul", "qa", x2, aN);
        String lb = g.node("MatMul", "lb", in, bN);
        String s = g.node("Add", "s", qa, lb);
        g.nodeNamed("Add", List.of(s, cN), "out", Map.of());
        g.output("out", OnnxGraphBuilder.BATCH, k);
        return g.build();
    }

    /** An ensemble of {@code members} identical log-ratio models ln r = a x² + b x + c. */
    static Path ratioEnsemble(Path folder, String feature, double a, double b, double c, int members) throws IOException {
        return ensemble(folder, feature, new double[][] {{a, b, c}}, members, null);
    }

    /**
     * An ensemble whose member m computes ln r = a_m x² + b_m x + c_m ({@code abc[m]}), with the
     * manifest's {@code beta} (null: none).
     */
    static Path distinctRatioEnsemble(Path folder, String feature, double[][] abc, Double beta) throws IOException {
        Files.createDirectories(folder);
        List<String> sidecars = new ArrayList<>();
        for (int m = 0; m < abc.length; m++) {
            Path dir = Files.createDirectories(folder.resolve("m" + m));
            OnnxGraphBuilder.write(quadratic(feature, new double[][] {abc[m]}), dir.resolve("model.onnx"));
            Sidecars.write(ModelSidecar.binary(folder.getFileName() + "_m" + m, "model.onnx", "input", List.of(feature),
                    OutputConvention.LOG_RATIO, "num", "den"), dir.resolve("model.json"));
            sidecars.add("m" + m + "/model.json");
        }
        EnsembleManifest mf = EnsembleManifest.of(folder.getFileName().toString(), sidecars, EnsembleManifest.Aggregation.MEAN_RATIO);
        Ensemble.writeManifest(new EnsembleManifest(mf.format(), mf.formatVersion(), mf.name(), mf.members(), mf.aggregation(), beta),
                folder.resolve(EnsembleManifest.FILE_NAME));
        return folder;
    }

    /** An ensemble of {@code members} identical local-score models, one output per monomial (the polynomial coefficients Δ_A(x)). */
    static Path polynomialEnsemble(Path folder, String feature, double[][] abc, List<String> monomialNames, int members) throws IOException {
        return ensemble(folder, feature, abc, members, monomialNames);
    }

    private static Path ensemble(Path folder, String feature, double[][] abc, int members, List<String> outputs) throws IOException {
        Files.createDirectories(folder);
        List<String> sidecars = new ArrayList<>();
        for (int m = 0; m < members; m++) {
            Path dir = Files.createDirectories(folder.resolve("m" + m));
            OnnxGraphBuilder.write(quadratic(feature, abc), dir.resolve("model.onnx"));
            ModelSidecar sc = ModelSidecar.binary(folder.getFileName() + "_m" + m, "model.onnx", "input", List.of(feature),
                    outputs == null ? OutputConvention.LOG_RATIO : OutputConvention.LOCAL_SCORE, "num", "den");
            if (outputs != null) {
                sc = sc.withParameters(outputs, null);
            }
            Sidecars.write(sc, dir.resolve("model.json"));
            sidecars.add("m" + m + "/model.json");
        }
        Ensemble.writeManifest(EnsembleManifest.of(folder.getFileName().toString(), sidecars, EnsembleManifest.Aggregation.MEAN_RATIO),
                folder.resolve(EnsembleManifest.FILE_NAME));
        return folder;
    }
}
