package org.ratiofit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratiofit.ratio.data.EventFiles;
import org.ratiofit.ratio.data.EventTable;
import org.ratiofit.ratio.data.ReadOptions;
import org.ratiofit.validation.toys.ExactOnnxModels;
import org.ratiofit.validation.toys.ExactOnnxModels.Distortion;

/**
 * {@code ratiofit validate} with exact ONNX models of the Gaussian-on-exponential toy (every check
 * passes) and with deliberately wrong ones (the failing check is named, exit code 3).
 */
class ValidateCommandTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;

    static Path numerator;
    static Path denominator;
    static Path exact;

    @BeforeAll
    static void files() throws Exception {
        int n = 20_000;
        numerator = tmp.resolve("signal.csv");
        denominator = tmp.resolve("background.npz");
        double[] wNum = new double[n];
        double[] wDen = new double[n];
        for (int i = 0; i < n; i++) {
            wNum[i] = 1;
            wDen[i] = 0.8 + 0.4 * ((i * 7919) % 100) / 100.0;
        }
        EventFiles.write(numerator, table("signal", ToyWorkspace.TOY.sampleSignal(n, 0, 21), wNum), ReadOptions.DEFAULT);
        EventFiles.write(denominator, table("background", ToyWorkspace.TOY.sampleBackground(n, 22), wDen), ReadOptions.DEFAULT);
        exact = ExactOnnxModels.gaussianOnExponentialEnsemble(ToyWorkspace.TOY, tmp.resolve("exact"), "goe",
                List.of(Distortion.EXACT, Distortion.EXACT, Distortion.EXACT));
    }

    static EventTable table(String name, double[] x, double[] w) {
        Map<String, double[]> cols = new LinkedHashMap<>();
        cols.put("x", x);
        cols.put("w", w);
        cols.put("unused", new double[x.length]);
        return new EventTable(name, cols);
    }

    @Test
    void exactEnsemblePassesWithReport() throws Exception {
        Path report = tmp.resolve("report");
        ToyWorkspace.Run r = ToyWorkspace.run("validate", exact.toString(), "--numerator", numerator.toString(),
                "--denominator", denominator.toString(), "--weight-column", "w", "--report", report.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("all checks passed"), r.toString());
        assertTrue(r.out().contains("member m2") && r.out().contains("calibration"), r.toString());
        assertTrue(Files.exists(report.resolve("index.html")));
        assertTrue(Files.exists(report.resolve("calibration.png")));
        assertTrue(Files.exists(report.resolve("reweighting_0_x.svg")));
        assertTrue(Files.exists(report.resolve("normalisation.png")));
    }

    @Test
    void jsonCarriesEveryCheck() throws Exception {
        ToyWorkspace.Run r = ToyWorkspace.run("validate", exact.toString(), "--numerator", numerator.toString(),
                "--denominator", denominator.toString(), "--weight-column", "w", "--json");
        assertEquals(0, r.code(), r.toString());
        JsonNode j = JSON.readTree(r.out());
        assertEquals("validate", j.get("command").asText());
        assertTrue(j.get("passed").asBoolean());
        JsonNode c = j.get("closure");
        assertEquals(3, c.get("members").size());
        assertEquals(1, c.get("normalisation").get("mean").asDouble(), 4 * c.get("normalisation").get("error").asDouble());
        assertEquals(20_000, c.get("denominatorEvents").asLong());
        assertEquals(1.0 / 3, c.get("expectation").get("weights").get(1).asDouble(), 1e-12);
        assertTrue(c.get("reweighting").get("features").get(0).get("pValue").asDouble() >= 1e-3);
    }

    @Test
    void wrongMemberFailsByName() throws Exception {
        Path wrong = ExactOnnxModels.gaussianOnExponentialEnsemble(ToyWorkspace.TOY, tmp.resolve("wrong"), "goe",
                List.of(Distortion.EXACT, new Distortion(1, Math.log(1.3))));
        ToyWorkspace.Run r = ToyWorkspace.run("validate", wrong.toString(), "--numerator", numerator.toString(),
                "--denominator", denominator.toString(), "--weight-column", "w");
        assertEquals(3, r.code(), r.toString());
        assertTrue(r.out().contains("FAILED: normalisation of member 'm1'"), r.toString());
        assertFalse(r.out().contains("member 'm0'"), r.toString());
        // an over-confident model: calibration and reweighting fail
        Path sharp = ExactOnnxModels.gaussianOnExponentialEnsemble(ToyWorkspace.TOY, tmp.resolve("sharp"), "goe",
                List.of(new Distortion(1.5, 0)));
        ToyWorkspace.Run s = ToyWorkspace.run("validate", sharp.toString(), "--numerator", numerator.toString(),
                "--denominator", denominator.toString(), "--weight-column", "w", "--json");
        assertEquals(3, s.code(), s.toString());
        JsonNode j = JSON.readTree(s.out());
        assertFalse(j.get("passed").asBoolean());
        String failed = j.get("failed").toString();
        assertTrue(failed.contains("calibration") && failed.contains("reweighting of feature 'x'"), failed);
    }

    @Test
    void workspaceNormalisationCloses() throws Exception {
        ToyWorkspace ws = ToyWorkspace.write(tmp.resolve("ws"), new double[] {1, 0, 0}, 5);
        ToyWorkspace.Run r = ToyWorkspace.run("validate", "--workspace", ws.dir.toString(), "--json");
        assertEquals(0, r.code(), r.toString());
        JsonNode rows = JSON.readTree(r.out()).get("workspaceNormalisation").get("samples");
        assertEquals(2, rows.size());
        JsonNode sig = rows.get(0);
        assertEquals("signal", sig.get("sample").asText());
        assertEquals(50, sig.get("reweightedYield").asDouble(), 4 * sig.get("error").asDouble());
        // the reference is a midpoint quadrature of the background density: its weights sum to 1 up to
        // the rule's O(h^2) error on the exponential (about 2e-8)
        assertEquals(1000, rows.get(1).get("reweightedYield").asDouble(), 1e-4);
    }

    @Test
    void badArgumentsAreOneLine() {
        ToyWorkspace.Run none = ToyWorkspace.run("validate");
        assertEquals(2, none.code(), none.toString());
        assertTrue(none.err().contains("nothing to validate") && none.err().lines().count() == 1, none.toString());
        ToyWorkspace.Run noDen = ToyWorkspace.run("validate", exact.toString(), "--numerator", numerator.toString());
        assertEquals(2, noDen.code(), noDen.toString());
        assertTrue(noDen.err().contains("--denominator"), noDen.toString());
        ToyWorkspace.Run missingColumn = ToyWorkspace.run("validate", exact.toString(), "--numerator", numerator.toString(),
                "--denominator", denominator.toString(), "--weight-column", "weight");
        assertEquals(1, missingColumn.code(), missingColumn.toString());
        assertTrue(missingColumn.err().contains("weight") && missingColumn.err().lines().count() == 1, missingColumn.toString());
        ToyWorkspace.Run missingFile = ToyWorkspace.run("validate", exact.toString(), "--numerator", tmp.resolve("nope.csv").toString(),
                "--denominator", denominator.toString());
        assertEquals(1, missingFile.code(), missingFile.toString());
        assertTrue(missingFile.err().contains("nope.csv"), missingFile.toString());
        ToyWorkspace.Run badBins = ToyWorkspace.run("validate", "--workspace", tmp.toString(), "--bins", "1");
        assertEquals(2, badBins.code(), badBins.toString());
    }
}
