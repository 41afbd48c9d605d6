package org.ratiofit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.ratiofit.ratio.Ensemble;
import org.ratiofit.ratio.data.EventFiles;
import org.ratiofit.ratio.data.EventTable;
import org.ratiofit.ratio.data.ReadOptions;
import org.ratiofit.ratio.training.param.AugmentedColumns;
import org.ratiofit.ratio.training.param.AugmentedData;
import org.ratiofit.ratio.training.param.EstimatorSidecar;
import org.ratiofit.ratio.training.param.GammaLatentSimulator;

/**
 * {@code ratiofit train-estimator} end to end on augmented data of the latent-variable simulator:
 * a tiny ALICES ensemble from a configuration and a tiny SALLY estimator from the command line alone
 * (2 epochs of an 8-wide network), the files, the sidecars, identical ONNX bytes on a rerun with
 * the same seed, SALLY into {@code fisher}, and each bad input's message.
 */
class TrainEstimatorCommandTest {
    private static final int N = 1200;

    @TempDir
    static Path data;

    @BeforeAll
    static void files() throws Exception {
        GammaLatentSimulator sim = new GammaLatentSimulator();
        SplittableRandom rng = new SplittableRandom(5);
        AugmentedColumns cols = AugmentedColumns.defaults(GammaLatentSimulator.FEATURE_NAMES,
                GammaLatentSimulator.PARAMETER_NAMES);
        AugmentedData ratio = sim.ratioTrainingData(N, new double[] {1.5, 0.7}, new double[] {3, 1.4},
                new double[] {2, 1}, rng);
        EventFiles.write(data.resolve("ratio.npz"), cols.toTable(ratio, "ratio.npz"), ReadOptions.DEFAULT);
        AugmentedData sally = sim.localScoreTrainingData(N, new double[] {2, 1}, rng);
        EventFiles.write(data.resolve("sally.csv"), cols.toTable(sally, "sally.csv"), ReadOptions.DEFAULT);
        // a file with fewer events, one with a NaN, one without the joint ratio
        Map<String, double[]> shortCols = new LinkedHashMap<>();
        shortCols.put("r_xz", java.util.Arrays.copyOf(ratio.rxz(), N - 200));
        EventFiles.write(data.resolve("short.csv"), new EventTable("short.csv", shortCols), ReadOptions.DEFAULT);
        EventTable t = cols.toTable(ratio, "nan.csv");
        Map<String, double[]> withNan = new LinkedHashMap<>();
        for (String c : t.columnNames()) {
            withNan.put(c, t.column(c).clone());
        }
        withNan.get("x2")[7] = Double.NaN;
        EventFiles.write(data.resolve("nan.csv"), new EventTable("nan.csv", withNan), ReadOptions.DEFAULT);
        Map<String, double[]> noRatio = new LinkedHashMap<>(withNan);
        noRatio.remove("r_xz");
        noRatio.put("x2", t.column("x2"));
        EventFiles.write(data.resolve("noratio.csv"), new EventTable("noratio.csv", noRatio), ReadOptions.DEFAULT);
        // doubly parametrised data (θ0 and θ1 per event), and the same without the joint score at θ1
        AugmentedData doubly = sim.doublyRatioTrainingData(N, new double[] {1.5, 0.7}, new double[] {3, 1.4}, rng);
        EventFiles.write(data.resolve("doubly.npz"), cols.toTable(doubly, "doubly.npz"), ReadOptions.DEFAULT);
        Map<String, double[]> noT1 = new LinkedHashMap<>();
        EventTable dt = cols.toTable(doubly, "doubly-not1.csv");
        for (String c : dt.columnNames()) {
            if (!c.startsWith("t_xz1_")) {
                noT1.put(c, dt.column(c));
            }
        }
        EventFiles.write(data.resolve("doubly-not1.csv"), new EventTable("doubly-not1.csv", noT1), ReadOptions.DEFAULT);
    }

    /** A doubly parametrised ALICES2 from the command line alone: θ1 and t(x,z|θ1) per event, θ1 an input of the exported model. */
    @Test
    void trainsAlices2WithTheta1AsAnInput(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("alices2");
        String[] r = run("train-estimator", "--method", "alices2", "--data", data.resolve("doubly.npz").toString(),
                "--features", "x1,x2", "--parameters", "k,lambda", "--hidden", "8", "--epochs", "2", "--members", "1",
                "-o", out.toString(), "--json");
        assertEquals("0", r[0], r[2]);
        JsonNode j = new ObjectMapper().readTree(r[1]).get("training");
        assertEquals("alices2", j.get("method").asText());
        assertEquals("E[r]-1", j.get("ensemble").get("quantity").asText());
        EstimatorSidecar sc = EstimatorSidecar.read(out.resolve("alices2-0.estimator.json"));
        assertTrue(sc.isDoublyParametrised());
        assertEquals(List.of("theta1_k", "theta1_lambda"), sc.theta1Inputs());
        try (Ensemble e = Ensemble.load(out)) {
            assertEquals(List.of("k", "lambda", "theta1_k", "theta1_lambda"), e.parameters());
            double[] lr = e.logRatios(new double[][] {{0.1, 0.5}, {1.2, 1.5}}, new double[] {2.2, 0.9, 2.2, 0.9});
            assertEquals(0, lr[0], 1e-5); // ln r̂(x|θ, θ) = 0
            assertEquals(0, lr[1], 1e-5);
        }
        // fisher refuses a doubly parametrised model with a message naming its θ1 inputs
        String[] f = run("fisher", out.toString(), "--events", data.resolve("sally.csv").toString(), "--theta",
                "k=2,lambda=1,theta1_k=2,theta1_lambda=1");
        assertNotEquals("0", f[0]);
        assertTrue(f[2].contains("doubly parametrised") && f[2].contains("theta1_k"), f[2]);
        // validate --theta-grid: θ1 fixed by a one-point axis per θ1 input (the sample is drawn at θ1 = (2, 1))
        Path x1 = dir.resolve("theta1.csv");
        double[][] xs = new GammaLatentSimulator().sampleFeatures(400, new double[] {2, 1}, new SplittableRandom(9));
        Map<String, double[]> xc = new LinkedHashMap<>();
        xc.put("x1", xs[0]);
        xc.put("x2", xs[1]);
        EventFiles.write(x1, new EventTable("theta1.csv", xc), ReadOptions.DEFAULT);
        String[] v = run("validate", out.toString(), "--denominator", x1.toString(), "--theta-grid",
                "k=1.8:2.2:2,lambda=1:1.1:1,theta1_k=2:3:1,theta1_lambda=1:2:1", "--json");
        assertTrue(v[0].equals("0") || v[0].equals("3"), v[2]); // runs (a 2-epoch network need not pass)
        assertEquals(2, new ObjectMapper().readTree(v[1]).get("thetaGrid").size(), v[1]);
        String[] noAxis = run("validate", out.toString(), "--denominator", x1.toString(), "--theta-grid",
                "k=1.8:2.2:2,lambda=1:1.1:1");
        assertNotEquals("0", noAxis[0]);
        assertTrue(noAxis[2].contains("doubly parametrised") && noAxis[2].contains("one-point axis"), noAxis[2]);
    }

    private static String[] run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = RatiofitCommand.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    private static Path config(Path dir, String name, String extra) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, """
                Version: 1
                Training:
                  Method: alices
                  Data: [%s]
                  Features: [x1, x2]
                  Parameters: [k, lambda]
                  Theta0: [theta0_k, theta0_lambda]
                  Label: y
                  JointRatio: r_xz
                  JointScore0: [t_xz_k, t_xz_lambda]
                  ReferenceTheta: {k: 2, lambda: 1}
                  HiddenLayers: [8, 8]
                  Epochs: 2
                  BatchSize: 128
                  Members: 2
                  Seed: 3
                  Output: %s
                %s""".formatted(data.resolve("ratio.npz"), dir.resolve("alices"), extra));
        return f;
    }

    @Test
    void trainsAnAlicesEnsembleFromAConfiguration(@TempDir Path dir) throws Exception {
        Path cfg = config(dir, "alices.yml", "");
        String[] r = run("train-estimator", cfg.toString(), "--json");
        assertEquals("0", r[0], r[2]);
        JsonNode j = new ObjectMapper().readTree(r[1]).get("training");
        assertEquals("alices", j.get("method").asText());
        assertEquals(2, j.get("memberResults").size());
        assertEquals(N, j.get("events").asInt());
        assertEquals(N / 10, j.get("holdoutEvents").asInt());
        for (JsonNode m : j.get("memberResults")) {
            assertTrue(m.get("epochs").asInt() >= 1 && m.get("epochs").asInt() <= 2, m.toString());
            assertTrue(Double.isFinite(m.get("bestValidationLoss").asDouble()));
        }
        JsonNode e = j.get("ensemble");
        assertEquals("E[r]-1", e.get("quantity").asText());
        assertTrue(e.get("events").asInt() > 20 && e.get("events").asInt() < N / 10, e.toString());
        // two epochs of a tiny network: the ratios are still near 1, so E[r] - 1 is small
        assertTrue(Math.abs(e.get("deviation").get(0).asDouble()) < 0.5, e.toString());

        Path folder = dir.resolve("alices");
        for (String f : List.of("alices-0.onnx", "alices-0.json", "alices-0.estimator.json", "alices-1.onnx",
                "alices-1.json", "alices-1.estimator.json", "ensemble.json", "alices.training.json")) {
            assertTrue(Files.isRegularFile(folder.resolve(f)), f);
        }
        try (Stream<Path> s = Files.list(dir)) {
            assertFalse(s.anyMatch(p -> p.getFileName().toString().contains(".partial")), "no temporary folder left");
        }
        EstimatorSidecar sc = EstimatorSidecar.read(folder.resolve("alices-0.estimator.json"));
        assertEquals("alices", sc.method());
        assertEquals(List.of("k", "lambda"), sc.parameters());
        assertEquals(List.of("x1", "x2"), sc.features());
        assertEquals("log_ratio", sc.output());
        assertArrayEquals(new double[] {2, 1}, sc.referenceTheta());
        try (Ensemble ens = Ensemble.load(folder)) {
            assertEquals(2, ens.members().size());
            assertEquals(List.of("k", "lambda"), ens.parameters());
            double[] lr = ens.members().get(0).logRatios(new double[][] {{0.1, 0.5}, {1.2, 1.4}}, new double[] {2.5, 1.1});
            assertTrue(Double.isFinite(lr[0]) && Double.isFinite(lr[1]));
        }
        JsonNode summary = new ObjectMapper().readTree(folder.resolve("alices.training.json").toFile());
        assertEquals("ratiofit-estimator-training", summary.get("format").asText());
        assertEquals(1, summary.get("format_version").asInt());

        // an existing folder is refused without --overwrite, before any training
        String[] again = run("train-estimator", cfg.toString());
        assertEquals("1", again[0], again[1]);
        assertTrue(again[2].contains("exists") && again[2].contains("--overwrite"), again[2]);

        // the same seed gives the same ONNX bytes (the first run included: before GraphConstants the
        // collector could free a loss constant before backward); the table names the check
        String[] other = run("train-estimator", cfg.toString(), "-o", dir.resolve("again").toString());
        assertEquals("0", other[0], other[2]);
        assertTrue(other[1].contains("E[r]-1 (held out)") && other[1].contains("ensemble"), other[1]);
        String[] third = run("train-estimator", cfg.toString(), "-o", dir.resolve("third").toString(),
                "--expectation-beta", "2");
        assertEquals("0", third[0], third[2]);
        assertTrue(third[1].contains("expectation-based member weights with beta = 2"), third[1]);
        assertEquals(2.0, Ensemble.readManifest(dir.resolve("third").resolve("ensemble.json")).beta());
        assertEquals(null, Ensemble.readManifest(folder.resolve("ensemble.json")).beta());
        JsonNode w = new ObjectMapper().readTree(dir.resolve("third").resolve("alices.training.json").toFile())
                .get("expectation_weights");
        assertEquals(2, w.size());
        assertEquals(1.0, w.get(0).asDouble() + w.get(1).asDouble(), 1e-12);
        for (String f : List.of("alices-0.onnx", "alices-1.onnx", "alices-0.estimator.json")) {
            assertArrayEquals(Files.readAllBytes(dir.resolve("third").resolve(f)),
                    Files.readAllBytes(dir.resolve("again").resolve(f)), f);
            assertArrayEquals(Files.readAllBytes(folder.resolve(f)), Files.readAllBytes(dir.resolve("again").resolve(f)), f);
        }
        String[] seed = run("train-estimator", cfg.toString(), "--seed", "4", "--overwrite", "--members", "1");
        assertEquals("0", seed[0], seed[2]);
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(folder.resolve("alices-0.onnx")),
                Files.readAllBytes(dir.resolve("again").resolve("alices-0.onnx"))), "another seed, other weights");
        assertFalse(Files.exists(folder.resolve("alices-1.onnx")), "--overwrite replaces the whole folder");
    }

    @Test
    void trainsSallyFromTheCommandLineAloneAndFisherReadsIt(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("sally");
        String[] r = run("train-estimator", "--method", "sally", "--data", data.resolve("sally.csv").toString(),
                "--features", "x1,x2", "--parameters", "k,lambda", "--reference-theta", "k=2,lambda=1", "--hidden", "8",
                "--epochs", "2", "--members", "1", "-o", out.toString(), "--json");
        assertEquals("0", r[0], r[2]);
        JsonNode j = new ObjectMapper().readTree(r[1]).get("training");
        assertEquals("local_score", j.get("output").asText());
        assertEquals("E[t]", j.get("ensemble").get("quantity").asText());
        assertEquals(2, j.get("ensemble").get("deviation").size());
        assertEquals(N / 10, j.get("ensemble").get("events").asInt());
        EstimatorSidecar sc = EstimatorSidecar.read(out.resolve("sally-0.estimator.json"));
        assertEquals("sally", sc.method());
        assertEquals("local_score", sc.output());
        assertEquals(List.of("k", "lambda"), sc.parameters());
        assertArrayEquals(new double[] {2, 1}, sc.referenceTheta());

        String[] f = run("fisher", out.toString(), "--events", data.resolve("sally.csv").toString(), "--expected-events",
                "100", "--json");
        assertEquals("0", f[0], f[2]);
        JsonNode m = new ObjectMapper().readTree(f[1]).get("fisher").get("matrix");
        assertTrue(m.get(0).get(0).asDouble() > 0 && m.get(1).get(1).asDouble() > 0, m.toString());
    }

    static Stream<Arguments> badInputs() {
        return Stream.of(
                Arguments.of("a missing column", "Features: [x1, x3]", List.of(),
                        List.of("Training.Features[1]", "no data file has a column 'x3'", "ratio.npz has [", "theta0_k")),
                Arguments.of("columns of different lengths", "Data: [SHORT, RATIO]", List.of(),
                        List.of("Training.JointRatio", "column 'r_xz' of", "has " + (N - 200) + " events", "has " + N)),
                Arguments.of("a method that needs r_xz without it", "Data: [NORATIO]", List.of(),
                        List.of("ALICES needs the joint ratio", "no data file has a column 'r_xz'", "noratio.csv has [")),
                Arguments.of("SALLY without t_xz", "Method: sally\n  JointScore0: [score_k, score_lambda]", List.of(),
                        List.of("SALLY needs the joint score", "'score_k'")),
                Arguments.of("theta columns against parameter names", "Theta0: [theta0_k]", List.of(),
                        List.of("Training.Theta0", "1 column for the 2 parameters [k, lambda]")),
                Arguments.of("a NaN", "Data: [NAN]", List.of(),
                        List.of("Training.Features[1]", "column 'x2'", "is NaN in row 7")),
                Arguments.of("a misspelt key", "Epoch: 3", List.of(), List.of("Training.Epoch", "did you mean 'Epochs'")),
                Arguments.of("a non-constant theta1", "Theta1: [theta0_k, theta0_lambda]", List.of(),
                        List.of("Training.Theta1[0]", "one fixed reference point for alices", "alices2")),
                Arguments.of("a doubly parametrised method's t_xz1", "JointScore1: [t1_k, t1_lambda]", List.of(),
                        List.of("Training.JointScore1", "doubly parametrised score methods", "alices does not read it")),
                Arguments.of("a doubly parametrised method without theta1 columns", "", List.of("--method", "alices2"),
                        List.of("Training.Theta1[0]", "ALICES2 is doubly parametrised and needs θ1 per event",
                                "no data file has a column 'theta1_k'")),
                Arguments.of("a doubly parametrised score method without t_xz1", "Data: [NOT1]", List.of("--method", "cascal2"),
                        List.of("Training.JointScore1[0]", "CASCAL2 needs the joint score t(x,z|θ1)",
                                "no data file has a column 't_xz1_k'")),
                Arguments.of("a missing column named on the command line", "", List.of("--joint-ratio", "rxz"),
                        List.of("--joint-ratio: ALICES needs the joint ratio", "'rxz' (did you mean 'r_xz'?)")),
                Arguments.of("a bad option value", "", List.of("--validation-fraction", "1.5"),
                        List.of("--validation-fraction: must be in [0, 1)")),
                Arguments.of("an unknown method", "", List.of("--method", "alises"),
                        List.of("--method: unknown value 'alises' (did you mean 'alices'?)")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void badInputIsNamed(String what, String yaml, List<String> options, List<String> expected, @TempDir Path dir)
            throws Exception {
        // later keys replace earlier ones: append the change to the good configuration
        String extra = yaml.isEmpty() ? "" : "  " + yaml.replace("SHORT", data.resolve("short.csv").toString())
                .replace("NORATIO", data.resolve("noratio.csv").toString())
                .replace("RATIO", data.resolve("ratio.npz").toString())
                .replace("NAN", data.resolve("nan.csv").toString())
                .replace("NOT1", data.resolve("doubly-not1.csv").toString()) + "\n";
        Path cfg = config(dir, "bad.yml", "");
        String text = Files.readString(cfg);
        for (String line : extra.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String key = line.strip().substring(0, line.strip().indexOf(':'));
            text = text.replaceAll("(?m)^  " + key + ":.*\\n", "") + line + "\n";
        }
        Files.writeString(cfg, text);
        String[] args = Stream.concat(Stream.of("train-estimator", cfg.toString()), options.stream()).toArray(String[]::new);
        String[] r = run(args);
        assertNotEquals("0", r[0], what);
        for (String e : expected) {
            assertTrue(r[2].contains(e), what + ": expected '" + e + "' in: " + r[2]);
        }
        assertFalse(Files.exists(dir.resolve("alices")), what + ": nothing written");
    }

    @Test
    void readsColumnsSpreadOverNpyHdf5AndCsvFiles(@TempDir Path dir) throws Exception {
        // MadMiner writes one array per quantity: x as a 2-D .npy (names in x.columns.txt), θ0 in HDF5, the rest in CSV
        EventTable all = EventFiles.read(data.resolve("ratio.npz"), ReadOptions.DEFAULT, null);
        EventFiles.write(dir.resolve("x.npy"), all.select(List.of("x1", "x2")), ReadOptions.columns(List.of("x1", "x2")));
        EventFiles.write(dir.resolve("theta0.h5"), all.select(List.of("theta0_k", "theta0_lambda")), ReadOptions.DEFAULT);
        EventFiles.write(dir.resolve("rest.csv"), all.select(List.of("y", "r_xz", "t_xz_k", "t_xz_lambda")), ReadOptions.DEFAULT);
        String files = String.join(",", dir.resolve("x.npy").toString(), dir.resolve("theta0.h5").toString(),
                dir.resolve("rest.csv").toString());
        String[] r = run("train-estimator", "--method", "alices", "--data", files, "--features", "x1,x2", "--parameters",
                "k,lambda", "--hidden", "4", "--epochs", "1", "--members", "1", "-o", dir.resolve("m").toString(), "--json");
        assertEquals("0", r[0], r[2]);
        assertEquals(N, new ObjectMapper().readTree(r[1]).get("training").get("events").asInt());
        assertTrue(Files.isRegularFile(dir.resolve("m").resolve("alices-0.onnx")));

        // without a configuration, a missing setting names its option
        String[] bad = run("train-estimator", "--method", "sally", "--data", data.resolve("sally.csv").toString(), "-o",
                dir.resolve("s").toString());
        assertEquals("1", bad[0], bad[1]);
        assertTrue(bad[2].contains("--features: missing") && bad[2].contains("--parameters: missing"), bad[2]);
    }

    @Test
    void trainPointsAnEstimatorConfigurationToTrainEstimator(@TempDir Path dir) throws Exception {
        String[] r = run("train", config(dir, "alices.yml", "").toString());
        assertEquals("2", r[0], r[2]);
        assertTrue(r[2].contains("ratiofit train-estimator"), r[2]);
    }
}
