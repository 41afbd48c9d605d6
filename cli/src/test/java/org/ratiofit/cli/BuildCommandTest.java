package org.ratiofit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratiofit.ratio.Ensemble;
import org.ratiofit.ratio.EnsembleManifest;
import org.ratiofit.ratio.ModelSidecar;
import org.ratiofit.ratio.Sidecars;
import org.ratiofit.ratio.data.EventFiles;
import org.ratiofit.ratio.data.EventTable;
import org.ratiofit.ratio.onnx.OnnxGraphBuilder;

/**
 * {@code ratiofit build} and {@code ratiofit inspect} on a Gaussian signal over an exponential
 * background with an exact log-ratio ensemble; bad input gives one line and a non-zero exit.
 */
class BuildCommandTest {

    @TempDir
    static Path tmp;

    static final double M = 2.0, S = 0.4;

    static final String YAML = """
            Version: 1
            General:
              Measurement: {Name: toy, POI: mu}
              ChunkSize: 128
            TrainingFeatures: [x]
            Samples:
              - {Name: data, Data: true, SamplePath: data.csv}
              - {Name: S, UseAsBasis: true, SamplePath: signal.csv, Weight: w, Ensemble: models/S_vs_B}
              - {Name: B, UseAsBasis: true, UseAsReference: true, SamplePath: background.csv, Weight: w}
            NormFactors:
              - {Name: mu, Samples: S, Nominal: 1.0, Bounds: [0.0, 10.0]}
            Systematics:
              - Name: bnorm
                Type: Norm
                Up: [{SampleName: B, Yield: 1.05}]
                Dn: [{SampleName: B, Yield: 0.95}]
            Regions:
              - {Name: SR, Filter: "x > 0.5"}
            """;

    static EventTable table(double[] x, double w) {
        Map<String, double[]> c = new LinkedHashMap<>();
        c.put("x", x);
        if (w > 0) {
            double[] ws = new double[x.length];
            java.util.Arrays.fill(ws, w);
            c.put("w", ws);
        }
        return new EventTable("toy", c);
    }

    @BeforeAll
    static void inputs() throws IOException {
        Random r = new Random(4);
        double[] data = new double[300], sig = new double[1000], bkg = new double[2000];
        for (int i = 0; i < data.length; i++) data[i] = i % 6 == 0 ? M + S * r.nextGaussian() : -Math.log(1 - r.nextDouble());
        for (int i = 0; i < sig.length; i++) sig[i] = M + S * r.nextGaussian();
        for (int i = 0; i < bkg.length; i++) bkg[i] = -Math.log(1 - r.nextDouble());
        EventFiles.write(tmp.resolve("data.csv"), table(data, 0), null);
        EventFiles.write(tmp.resolve("signal.csv"), table(sig, 50.0 / sig.length), null);
        EventFiles.write(tmp.resolve("background.csv"), table(bkg, 250.0 / bkg.length), null);
        // ln N(x; M, S) − ln e^{−x} = a x² + b x + c
        double a = -0.5 / (S * S), b = M / (S * S) + 1, c = -0.5 * M * M / (S * S) - Math.log(S * Math.sqrt(2 * Math.PI));
        Path folder = Files.createDirectories(tmp.resolve("models/S_vs_B/m0"));
        OnnxGraphBuilder g = new OnnxGraphBuilder("gauss_over_exp");
        String in = g.input("input", OnnxGraphBuilder.BATCH, 1);
        String x2 = g.node("Mul", "x2", in, in);
        String q = g.node("MatMul", "q", x2, g.initializer("a", new double[] {a}, 1, 1));
        String l = g.node("MatMul", "l", in, g.initializer("b", new double[] {b}, 1, 1));
        g.nodeNamed("Add", List.of(g.node("Add", "s", q, l), g.initializer("c", new double[] {c}, 1)), "out", Map.of());
        g.output("out", OnnxGraphBuilder.BATCH, 1);
        OnnxGraphBuilder.write(g.build(), folder.resolve("model.onnx"));
        Sidecars.write(ModelSidecar.binary("S_vs_B", "model.onnx", "input", List.of("x"), ModelSidecar.OutputConvention.LOG_RATIO, "S", "B"),
                folder.resolve("model.json"));
        Ensemble.writeManifest(EnsembleManifest.of("S_vs_B", List.of("m0/model.json"), EnsembleManifest.Aggregation.MEAN_RATIO),
                tmp.resolve("models/S_vs_B/ensemble.json"));
        Files.writeString(tmp.resolve("fit.yml"), YAML);
    }

    @Test
    void buildThenInspectThenFit() throws IOException {
        Path ws = tmp.resolve("ws-json");
        ToyWorkspace.Run r = ToyWorkspace.run("build", tmp.resolve("fit.yml").toString(), "-o", ws.toString(), "--threads", "2", "--json");
        assertEquals(0, r.code(), r::toString);
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("build", j.path("command").asText());
        JsonNode sr = j.path("build").path("channels").get(0);
        long selected = java.util.Arrays.stream(EventFiles.read(tmp.resolve("data.csv"), null, null).column("x")).filter(v -> v > 0.5).count();
        assertEquals(selected, sr.path("dataEvents").asLong());
        assertEquals("S", sr.path("samples").get(0).path("name").asText());
        assertEquals(0.95 * sr.path("samples").get(1).path("nominal").asDouble(),
                sr.path("samples").get(1).path("variations").path("bnorm").get(0).asDouble(), 1e-9);
        assertTrue(Files.isRegularFile(ws.resolve("workspace.json")));

        ToyWorkspace.Run text = ToyWorkspace.run("build", tmp.resolve("fit.yml").toString(), "-o", tmp.resolve("ws-text").toString());
        assertEquals(0, text.code(), text::toString);
        assertTrue(text.out().contains("SR") && text.out().contains("reference events") && text.out().contains("ensemble inference"), text.out());

        ToyWorkspace.Run in = ToyWorkspace.run("inspect", ws.toString(), "--json");
        assertEquals(0, in.code(), in::toString);
        JsonNode sum = new ObjectMapper().readTree(in.out()).path("summary");
        assertEquals(selected, sum.path("channels").get(0).path("dataEvents").asLong());
        assertEquals(0, sum.path("warnings").size(), in.out());
        ToyWorkspace.Run inText = ToyWorkspace.run("inspect", ws.toString());
        assertEquals(0, inText.code(), inText::toString);
        assertTrue(inText.out().contains("normsys(bnorm, code 4, up 1.05, down 0.95)") && inText.out().contains("built by ratiofit"), inText.out());

        ToyWorkspace.Run fit = ToyWorkspace.run("fit", ws.toString(), "--json");
        assertEquals(0, fit.code(), fit::toString);
    }

    /** A manifest's beta: the build prints each region's member closure and weights, and build.json lists them. */
    @Test
    void manifestBetaIsReportedInTextAndJson() throws IOException {
        Path folder = Files.createDirectories(tmp.resolve("models/S_beta/m0"));
        Files.copy(tmp.resolve("models/S_vs_B/m0/model.onnx"), folder.resolve("model.onnx"));
        Files.copy(tmp.resolve("models/S_vs_B/m0/model.json"), folder.resolve("model.json"));
        EnsembleManifest mf = EnsembleManifest.of("S_beta", List.of("m0/model.json"), EnsembleManifest.Aggregation.MEAN_RATIO);
        Ensemble.writeManifest(new EnsembleManifest(mf.format(), mf.formatVersion(), mf.name(), mf.members(), mf.aggregation(), 2.0),
                tmp.resolve("models/S_beta/ensemble.json"));
        Path cfg = tmp.resolve("fit-beta.yml");
        Files.writeString(cfg, YAML.replace("Ensemble: models/S_vs_B", "Ensemble: models/S_beta"));
        ToyWorkspace.Run text = ToyWorkspace.run("build", cfg.toString(), "-o", tmp.resolve("ws-beta").toString());
        assertEquals(0, text.code(), text::toString);
        assertTrue(text.out().contains("member weights") && text.out().contains("1.000"), text.out());
        ToyWorkspace.Run json = ToyWorkspace.run("build", cfg.toString(), "-o", tmp.resolve("ws-beta-json").toString(), "--json");
        assertEquals(0, json.code(), json::toString);
        JsonNode mw = new ObjectMapper().readTree(json.out()).path("build").path("memberWeights");
        assertEquals(1, mw.size(), json.out());
        assertEquals("SR", mw.get(0).path("region").asText());
        assertEquals(2.0, mw.get(0).path("beta").asDouble());
        assertEquals(1.0, mw.get(0).path("weights").get(0).asDouble(), 1e-15);
        // the exact ratio closes on the region's reference events to their Monte-Carlo error (2000 events)
        assertTrue(Math.abs(mw.get(0).path("deviations").get(0).asDouble()) < 0.1, json.out());
    }

    static void oneLine(ToyWorkspace.Run r, int code, String... fragments) {
        BadInputTest.oneLine(r, code, fragments);
    }

    @Test
    void badInputGivesOneLine() throws IOException {
        Path bad = tmp.resolve("bad.yml");
        Files.writeString(bad, YAML.replace("Weight: w, Ensemble", "Wieght: w, Ensemble"));
        Path out = tmp.resolve("ws-bad");
        oneLine(ToyWorkspace.run("build", bad.toString(), "-o", out.toString()), 1, "ratiofit build", "Wieght", "did you mean 'Weight'?");
        assertFalse(Files.exists(out));
        oneLine(ToyWorkspace.run("build", tmp.resolve("missing.yml").toString(), "-o", out.toString()), 1, "missing.yml");
        oneLine(ToyWorkspace.run("build", tmp.resolve("fit.yml").toString(), "-o", out.toString(), "--threads", "0"), 2, "--threads");
        oneLine(ToyWorkspace.run("build", tmp.resolve("fit.yml").toString(), "-o", out.toString(), "--chunk-size", "0"), 2, "--chunk-size");
        oneLine(ToyWorkspace.run("build", tmp.resolve("fit.yml").toString()), 2, "--output");
        Files.createDirectories(tmp.resolve("ws-exists"));
        oneLine(ToyWorkspace.run("build", tmp.resolve("fit.yml").toString(), "-o", tmp.resolve("ws-exists").toString()), 1, "ws-exists",
                "exists");
        oneLine(ToyWorkspace.run("inspect", tmp.resolve("no-such-ws").toString()), 1, "ratiofit inspect", "no-such-ws");
        assertFalse(Files.exists(out));
    }
}
