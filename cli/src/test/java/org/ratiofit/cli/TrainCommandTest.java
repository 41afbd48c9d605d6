package org.ratiofit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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
