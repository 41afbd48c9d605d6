package org.ratiofit.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratiofit.ratio.data.EventFiles;
import org.ratiofit.ratio.data.EventTable;

/**
 * {@code ratiofit train --master}: ensemble members trained as Spark tasks in local mode (two at
 * once in one JVM, the first attempt of task 0 failing on purpose and retried), of binary
 * ensembles and of a multiclass and a PNN ensemble, give the folders the
 * local path writes, file for file and byte for byte (ONNX files, sidecars, manifests, figures;
 * the training records and diagnostics reports differ only in the wall-clock time and speed they
 * record); an unreachable master is a clear error, quickly.
 */
class SparkTrainTest {

    static final String MASTER = "local[2,3]";

    @TempDir
    static Path tmp;

    @BeforeAll
    static void setUp() {
        System.setProperty(SparkToyRunner.FAIL_FIRST_ATTEMPT, "true");
        SparkContexts.stop(); // a context another test left behind would not inject the failure
    }

    @AfterAll
    static void tearDown() {
        SparkContexts.stop();
        System.clearProperty(SparkToyRunner.FAIL_FIRST_ATTEMPT);
    }

    /** A configuration with three binary ensembles (S against B, S's up and down variations against S), 2 members each. */
    static Path config(Path dir) throws IOException {
        Files.createDirectories(dir);
        Random rng = new Random(11);
        write(dir, "data.csv", rng, 200, 0.3);
        write(dir, "s.csv", rng, 1500, 0.8);
        write(dir, "s_up.csv", rng, 1500, 1.1);
        write(dir, "s_dn.csv", rng, 1500, 0.6);
        write(dir, "b.csv", rng, 1500, 0.0);
        Path c = dir.resolve("fit.yml");
        Files.writeString(c, """
                Version: 1
                General: {Measurement: {POI: mu}}
                TrainingFeatures: [x, y]
                TrainingFeaturesToStandardize: [x]
                Samples:
                  - {Name: data, Data: true, SamplePath: data.csv}
                  - {Name: S, UseAsBasis: true, SamplePath: s.csv, Weight: w, Ensemble: models/S}
                  - {Name: B, UseAsBasis: true, UseAsReference: true, SamplePath: b.csv, Weight: w}
                NormFactors: [{Name: mu, Samples: S, Bounds: [0, 5]}]
                Systematics:
                  - Name: shift
                    Type: NormPlusShape
                    Up: [{SampleName: S, Path: s_up.csv, Weight: w, Ensemble: models/S_up}]
                    Dn: [{SampleName: S, Path: s_dn.csv, Weight: w, Ensemble: models/S_dn}]
                Regions: [{Name: SR}]
                Training: {Members: 2, Epochs: 3, HiddenLayers: [8], BatchSize: 256, Seed: 4}
                """);
        return c;
    }

    static void write(Path dir, String name, Random rng, int n, double mean) throws IOException {
        double[] x = new double[n];
        double[] y = new double[n];
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = mean + rng.nextGaussian();
            y[i] = rng.nextDouble() * (1 + mean);
            w[i] = 0.5 + rng.nextDouble();
        }
        Map<String, double[]> cols = new LinkedHashMap<>();
        cols.put("x", x);
        cols.put("y", y);
        cols.put("w", w);
        EventFiles.write(dir.resolve(name), new EventTable(name, cols), null);
    }

    static List<Path> files(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(root::relativize).sorted().toList();
        }
    }

    @Test
    void membersTrainedOnSparkGiveTheLocalFoldersByteForByte() throws Exception {
        Path local = config(tmp.resolve("local"));
        Path spark = config(tmp.resolve("spark"));
        String[] l = SparkToyRunnerTest.run(0, "train", local.toString(), "--json");
        String[] s = SparkToyRunnerTest.run(0, "train", spark.toString(), "--master", MASTER, "--json");

        Path a = local.getParent().resolve("models");
        Path b = spark.getParent().resolve("models");
        List<Path> names = assertSameFiles(a, b, 6);
        assertTrue(names.contains(Path.of("S", "member-1.onnx")) && names.contains(Path.of("S_up", "diagnostics", "report.json")), names.toString());
        ObjectMapper json = new ObjectMapper();
        // the same report, apart from times and the folders' places
        JsonNode rl = json.readTree(l[0]).get("training").get("ensembles");
        JsonNode rs = json.readTree(s[0]).get("training").get("ensembles");
        for (int e = 0; e < 3; e++) {
            assertEquals(rl.get(e).get("members"), rs.get(e).get("members"));
            assertEquals(rl.get(e).get("normalisation"), rs.get(e).get("normalisation"));
            assertEquals(rl.get(e).get("seed"), rs.get(e).get("seed"));
        }
    }

    /**
     * The folders under {@code a} (local run) and {@code b} (Spark run) hold the same files, equal
     * byte for byte but for the training time and speed the records and diagnostics reports hold.
     */
    static List<Path> assertSameFiles(Path a, Path b, int onnxFiles) throws IOException {
        List<Path> names = files(a);
        assertEquals(names, files(b), "the same files");
        ObjectMapper json = new ObjectMapper();
        int onnx = 0;
        List<String> differ = new java.util.ArrayList<>();
        for (Path n : names) {
            byte[] x = Files.readAllBytes(a.resolve(n));
            byte[] y = Files.readAllBytes(b.resolve(n));
            if (n.toString().endsWith(".training.json")) {
                // the record holds the member's wall-clock training time; everything else is equal
                JsonNode rx = json.readTree(x);
                JsonNode ry = json.readTree(y);
                assertFalse(rx.get("history").get("seconds").asDouble() <= 0);
                ((ObjectNode) rx.get("history")).remove("seconds");
                ((ObjectNode) ry.get("history")).remove("seconds");
                assertEquals(rx, ry, n.toString());
            } else if (n.endsWith(Path.of("diagnostics", "report.json"))) {
                // the diagnostics give each member's training speed (events per second); everything else is equal
                JsonNode rx = json.readTree(x);
                JsonNode ry = json.readTree(y);
                for (JsonNode r : List.of(rx, ry)) {
                    if (r.has("lossCurves")) {
                        r.get("lossCurves").forEach(c -> ((ObjectNode) c).remove("eventsPerSecond"));
                    }
                }
                assertEquals(rx, ry, n.toString());
            } else if (!java.util.Arrays.equals(x, y)) {
                differ.add(n.toString());
            }
            onnx += n.toString().endsWith(".onnx") ? 1 : 0;
        }
        assertEquals(List.of(), differ, "files that differ");
        assertEquals(onnxFiles, onnx);
        return names;
    }

    /**
     * A configuration with a multiclass ensemble (S1 and S2 share models/S12, against B) and a
     * polynomial systematic of B trained from three nuisance points (a fourth held out), 2 members each.
     */
    static Path multiclassAndPnnConfig(Path dir) throws IOException {
        Files.createDirectories(dir);
        Random rng = new Random(12);
        write(dir, "data.csv", rng, 200, 0.3);
        write(dir, "s1.csv", rng, 800, 0.8);
        write(dir, "s2.csv", rng, 800, -0.6);
        write(dir, "b.csv", rng, 1000, 0.0);
        for (String p : new String[] {"1", "m1", "2", "h"}) {
            double shift = switch (p) {
                case "1" -> 1;
                case "m1" -> -1;
                case "2" -> 2;
                default -> 1.5;
            };
            write(dir, "b_" + p + ".csv", rng, 700, 0.3 * shift);
        }
        Path c = dir.resolve("fit.yml");
        Files.writeString(c, """
                Version: 1
                General: {Measurement: {POI: mu}}
                TrainingFeatures: [x, y]
                TrainingFeaturesToStandardize: [x]
                Samples:
                  - {Name: data, Data: true, SamplePath: data.csv}
                  - {Name: S1, UseAsBasis: true, SamplePath: s1.csv, Weight: w, Ensemble: models/S12}
                  - {Name: S2, UseAsBasis: true, SamplePath: s2.csv, Weight: w, Ensemble: models/S12}
                  - {Name: B, UseAsBasis: true, UseAsReference: true, SamplePath: b.csv, Weight: w}
                NormFactors: [{Name: mu, Samples: S1, Bounds: [0, 5]}]
                Systematics:
                  - Name: shift_poly
                    Type: Polynomial
                    Parameters: [shift]
                    Monomials: [[shift], [shift, shift]]
                    Models:
                      - SampleName: B
                        Ensemble: models/B_poly
                        Variations:
                          - {Point: {shift: 1.0}, Path: b_1.csv, Weight: w}
                          - {Point: {shift: -1.0}, Path: b_m1.csv, Weight: w}
                          - {Point: {shift: 2.0}, Path: b_2.csv, Weight: w}
                          - {Point: {shift: 1.5}, Path: b_h.csv, Weight: w, HeldOut: true}
                Regions: [{Name: SR}]
                Training: {Members: 2, Epochs: 3, HiddenLayers: [8], BatchSize: 256, Seed: 4}
                """);
        return c;
    }

    @Test
    void multiclassAndPnnMembersTrainedOnSparkGiveTheLocalFoldersByteForByte() throws Exception {
        Path local = multiclassAndPnnConfig(tmp.resolve("mc-local"));
        Path spark = multiclassAndPnnConfig(tmp.resolve("mc-spark"));
        String[] cal = {"--multiclass-calibration", "isotonic"};
        String[] l = SparkToyRunnerTest.run(0, "train", local.toString(), cal[0], cal[1], "--json");
        String[] s = SparkToyRunnerTest.run(0, "train", spark.toString(), cal[0], cal[1], "--master", MASTER, "--json");
        List<Path> names = assertSameFiles(local.getParent().resolve("models"), spark.getParent().resolve("models"), 4);
        assertTrue(names.contains(Path.of("S12", "member-1.onnx")) && names.contains(Path.of("B_poly", "member-1.onnx"))
                && names.contains(Path.of("B_poly", "yield-fit.json")), names.toString());
        ObjectMapper json = new ObjectMapper();
        JsonNode rl = json.readTree(l[0]).get("training").get("ensembles");
        JsonNode rs = json.readTree(s[0]).get("training").get("ensembles");
        assertEquals(2, rl.size());
        for (int e = 0; e < 2; e++) {
            assertEquals(rl.get(e).get("members"), rs.get(e).get("members"));
            assertEquals(rl.get(e).get("name"), rs.get(e).get("name"));
            assertEquals(rl.get(e).get("worstClosureChi2PerNdf"), rs.get(e).get("worstClosureChi2PerNdf"));
            assertEquals(rl.get(e).get("yieldFit"), rs.get(e).get("yieldFit"));
        }
    }

    @Test
    void anUnreachableMasterIsAClearErrorWithinSecondsAndWritesNothing() throws Exception {
        Path c = config(tmp.resolve("unreachable"));
        long t0 = System.nanoTime();
        String[] r = SparkToyRunnerTest.run(1, "train", c.toString(), "--master", "spark://127.0.0.1:1");
        assertTrue(r[1].contains("cannot be reached"), r[1]);
        assertTrue((System.nanoTime() - t0) / 1e9 < 30, "took too long");
        assertFalse(Files.exists(c.getParent().resolve("models")));
    }
}
