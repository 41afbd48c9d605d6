package org.ratiofit.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.ratiofit.ratio.Ensemble;
import org.ratiofit.ratio.EnsembleManifest;
import org.ratiofit.ratio.ModelSidecar;
import org.ratiofit.ratio.Sidecars;
import org.ratiofit.ratio.data.EventFiles;
import org.ratiofit.ratio.onnx.OnnxGraphBuilder;

/**
 * A user's analysis folder for the bad-input battery: {@link BuildCommandTest}'s configuration
 * ({@code fit.yml}), its event files and its exact ONNX ensemble ({@code models/S_vs_B}); and a
 * fingerprint of every file under a folder, to show that a refused command wrote and deleted
 * nothing.
 */
final class Analysis {

    private Analysis() {}

    /** Writes the analysis into {@code dir} (event files, models/S_vs_B, fit.yml) and returns fit.yml. */
    static Path write(Path dir) throws IOException {
        return write(dir, 0);
    }

    /** The same with {@code offset} added to the model's ln r: a model that does not close when offset != 0. */
    static Path write(Path dir, double offset) throws IOException {
        Random r = new Random(4);
        double m = BuildCommandTest.M, s = BuildCommandTest.S;
        double[] data = new double[300], sig = new double[1000], bkg = new double[2000];
        for (int i = 0; i < data.length; i++) data[i] = i % 6 == 0 ? m + s * r.nextGaussian() : -Math.log(1 - r.nextDouble());
        for (int i = 0; i < sig.length; i++) sig[i] = m + s * r.nextGaussian();
        for (int i = 0; i < bkg.length; i++) bkg[i] = -Math.log(1 - r.nextDouble());
        Files.createDirectories(dir);
        EventFiles.write(dir.resolve("data.csv"), BuildCommandTest.table(data, 0), null);
        EventFiles.write(dir.resolve("signal.csv"), BuildCommandTest.table(sig, 50.0 / sig.length), null);
        EventFiles.write(dir.resolve("background.csv"), BuildCommandTest.table(bkg, 250.0 / bkg.length), null);
        double a = -0.5 / (s * s), b = m / (s * s) + 1, c = -0.5 * m * m / (s * s) - Math.log(s * Math.sqrt(2 * Math.PI));
        Path folder = Files.createDirectories(dir.resolve("models/S_vs_B/m0"));
        OnnxGraphBuilder g = new OnnxGraphBuilder("gauss_over_exp");
        String in = g.input("input", OnnxGraphBuilder.BATCH, 1);
        String x2 = g.node("Mul", "x2", in, in);
        String q = g.node("MatMul", "q", x2, g.initializer("a", new double[] {a}, 1, 1));
        String l = g.node("MatMul", "l", in, g.initializer("b", new double[] {b}, 1, 1));
        g.nodeNamed("Add", List.of(g.node("Add", "s", q, l), g.initializer("c", new double[] {c + offset}, 1)), "out", Map.of());
        g.output("out", OnnxGraphBuilder.BATCH, 1);
        OnnxGraphBuilder.write(g.build(), folder.resolve("model.onnx"));
        Sidecars.write(ModelSidecar.binary("S_vs_B", "model.onnx", "input", List.of("x"), ModelSidecar.OutputConvention.LOG_RATIO, "S", "B"),
                folder.resolve("model.json"));
        Ensemble.writeManifest(EnsembleManifest.of("S_vs_B", List.of("m0/model.json"), EnsembleManifest.Aggregation.MEAN_RATIO),
                dir.resolve("models/S_vs_B/ensemble.json"));
        Path config = dir.resolve("fit.yml");
        Files.writeString(config, BuildCommandTest.YAML);
        return config;
    }

    /** Every file and folder under {@code dir} (relative path), files with the SHA-256 of their bytes. */
    static Map<String, String> fingerprint(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        if (!Files.exists(dir)) {
            return out;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList()) {
                String key = dir.relativize(p).toString();
                out.put(key, Files.isDirectory(p) ? "dir" : sha256(Files.readAllBytes(p)));
            }
        }
        return out;
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
