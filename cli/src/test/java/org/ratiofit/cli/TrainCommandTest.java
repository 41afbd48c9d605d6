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
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratiofit.ratio.data.EventFiles;
import org.ratiofit.ratio.data.EventTable;

/** {@code ratiofit train}: options over the Training block, JSON output, written folders, bad input. */
class TrainCommandTest {

    @TempDir
    Path dir;

    private Path config() throws Exception {
        Random rng = new Random(5);
        write("data.csv", rng, 200, 0.3);
        write("s.csv", rng, 1500, 1.0);
        write("b.csv", rng, 1500, 0.0);
        Path c = dir.resolve("fit.yml");
        Files.writeString(c, """
                Version: 1
                General: {Measurement: {POI: mu}}
                TrainingFeatures: [x]
                Samples:
                  - {Name: data, Data: true, SamplePath: data.csv}
                  - {Name: S, UseAsBasis: true, SamplePath: s.csv, Ensemble: models/S}
                  - {Name: B, UseAsBasis: true, UseAsReference: true, SamplePath: b.csv}
                NormFactors: [{Name: mu, Samples: S, Bounds: [0, 5]}]
                Regions: [{Name: SR}]
                Training: {Members: 4, Epochs: 3, HiddenLayers: [8]}
                """);
        return c;
    }

    @Test
    void optionsOverrideTheTrainingBlockAndJsonDescribesTheRun() throws Exception {
        Path c = config();
        ToyWorkspace.Run r = ToyWorkspace.run("train", c.toString(), "--members", "2", "--epochs", "4", "--no-diagnostics", "--json");
        assertEquals(0, r.code(), r.toString());
        JsonNode t = new ObjectMapper().readTree(r.out()).get("training");
        assertEquals(2, t.get("settings").get("members").asInt());
        assertEquals(4, t.get("settings").get("epochs").asInt());
        assertEquals(8, t.get("settings").get("hiddenLayers").get(0).asInt()); // from the Training block
        JsonNode e = t.get("ensembles").get(0);
        assertEquals("S", e.get("numerator").asText());
        assertEquals("B", e.get("denominator").asText());
        assertEquals(2, e.get("members").size());
        assertTrue(e.get("members").get(0).get("epochs").asInt() <= 4);
        assertTrue(Files.isRegularFile(dir.resolve("models/S/ensemble.json")));
        assertTrue(Files.isRegularFile(dir.resolve("models/S/member-1.onnx")));
        assertFalse(Files.exists(dir.resolve("models/S/diagnostics")));

        // The folder now exists: a second run is refused in one line, before any training.
        ToyWorkspace.Run again = ToyWorkspace.run("train", c.toString());
        assertEquals(1, again.code(), again.toString());
        assertTrue(again.err().contains("models/S exists"), again.err());
        assertEquals(1, again.err().strip().lines().count(), again.err());
    }

    @Test
    void badInputGivesOneLineAndItsExitCode() throws Exception {
        ToyWorkspace.Run missing = ToyWorkspace.run("train", dir.resolve("nope.yml").toString());
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("no such configuration file"), missing.err());
        Path c = config();
        ToyWorkspace.Run zero = ToyWorkspace.run("train", c.toString(), "--members", "0");
        assertEquals(2, zero.code(), zero.toString());
        assertTrue(zero.err().contains("members must be at least 1"), zero.err());
        // --master without the distributed module on the class path says how to get it, before any training
        ToyWorkspace.Run master = ToyWorkspace.run("train", c.toString(), "--master", "local[2]");
        assertEquals(2, master.code(), master.toString());
        assertTrue(master.err().contains("needs the distributed engine") && master.err().contains("ratiofit-spark"), master.err());
        assertFalse(Files.exists(dir.resolve("models")));
    }

    @Test
    void multiclassCalibrationOptionIsCheckedAndReported() throws Exception {
        Path c = config();
        ToyWorkspace.Run bad = ToyWorkspace.run("train", c.toString(), "--multiclass-calibration", "platt");
        assertEquals(2, bad.code(), bad.toString());
        assertTrue(bad.err().contains("unknown multiclass calibration 'platt'; expected none, temperature or isotonic"), bad.err());
        assertFalse(Files.exists(dir.resolve("models")));
        ToyWorkspace.Run r = ToyWorkspace.run("train", c.toString(), "--members", "1", "--epochs", "1", "--no-diagnostics",
                "--multiclass-calibration", "isotonic", "--json");
        assertEquals(0, r.code(), r.toString());
        assertEquals("ISOTONIC", new ObjectMapper().readTree(r.out()).get("training").get("settings").get("multiclassCalibration").asText());
    }

    @Test
    void aYieldFitIsPrintedWithItsSplineAndTheResidualAtEveryPoint() {
        var fit = new org.ratiofit.ratio.training.pnn.YieldFit.Result(2, List.of("tes", "jes", "tes*tes", "tes*jes", "jes*jes"),
                new double[] {0, 0.05, 0, 0.04, -0.02}, new double[] {0, 0.001, 0, 0.002, 0.001},
                List.of(new double[] {1, 0}, new double[] {0, 1}, new double[] {1, 1}), new double[] {0.2, 0.03, 0.27},
                new double[] {0, 0.0012, -0.0034}, new double[] {0, 0.5, -1.25}, 1.8125, 1,
                List.of(new org.ratiofit.ratio.training.pnn.YieldFit.Spline("tes", 0, new double[] {-1, 0, 1}, new double[] {-0.2, 0, 0.2})));
        java.io.StringWriter sw = new java.io.StringWriter();
        TrainCommand.printYieldFit(new java.io.PrintWriter(sw, true), "S_poly", fit);
        String out = sw.toString();
        assertTrue(out.contains("yield fit of S_poly") && out.contains("cubic splines in [tes]") && out.contains("tes (spline)")
                && out.contains("tes*tes (spline)") && out.contains("jes 0.05"), out);
        assertTrue(out.contains("[1.0, 1.0]") && out.contains("-0.0034") && out.contains("-1.25"), out);
        assertEquals(3 + 3, out.strip().lines().count(), out); // the summary, the table's header and rule(s), a row per point
    }

    private void write(String name, Random rng, int n, double mean) throws Exception {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = mean + rng.nextGaussian();
        }
        Map<String, double[]> cols = new LinkedHashMap<>();
        cols.put("x", x);
        EventFiles.write(dir.resolve(name), new EventTable(name, cols), null);
    }
}
