package org.ratiofit.workspace.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratiofit.ratio.Ensemble;
import org.ratiofit.ratio.data.EventFiles;
import org.ratiofit.ratio.data.EventTable;
import org.ratiofit.workspace.config.ConfigException;
import org.ratiofit.workspace.config.EnsembleInspector;
import org.ratiofit.workspace.config.FitConfigLoader;

/**
 * Training from a fit configuration on samples whose ratios are known exactly: B ~ N(0, 1) as the
 * reference, S ~ N(0.5, 1) (ln r = 0.5 x − 0.125) as a basis sample, and S shifted up to
 * N(0.8, 1) as its shape variation (ln r_up/nominal = 0.3 x − 0.195).
 */
class ConfigTrainingTest {

    @TempDir
    Path dir;

    private Path writeConfig(String training) throws IOException {
        Random rng = new Random(7);
        write("data.csv", gaussian(rng, 300, 0.2), null);
        write("s.csv", gaussian(rng, 6000, 0.5), 0.01);
        write("s_up.csv", gaussian(rng, 6000, 0.8), 0.01);
        write("b.csv", gaussian(rng, 6000, 0.0), 0.2);
        Path config = dir.resolve("fit.yml");
        Files.writeString(config, """
                Version: 1
                General:
                  Measurement: {POI: mu}
                TrainingFeatures: [x]
                TrainingFeaturesToStandardize: [x]
                Samples:
                  - {Name: data, Data: true, SamplePath: data.csv}
                  - {Name: S, UseAsBasis: true, SamplePath: s.csv, Weight: w, Ensemble: models/S_vs_B}
                  - {Name: B, UseAsBasis: true, UseAsReference: true, SamplePath: b.csv, Weight: w}
                NormFactors:
                  - {Name: mu, Samples: S, Bounds: [0, 5]}
                Systematics:
                  - Name: shift
                    Type: NormPlusShape
                    Up: [{SampleName: S, Path: s_up.csv, Weight: w, Ensemble: models/S_up}]
                    Dn: [{SampleName: S, Yield: 1.0, Ensemble: models/S_dn}]
                Regions:
                  - {Name: SR}
                """ + training);
        return config;
    }

    @Test
    void trainsEveryEnsembleOfTheConfigurationAgainstTheRightDenominator() throws IOException {
        Path config = writeConfig("""
                Training: {Members: 2, Epochs: 15, HiddenLayers: [16, 16], BatchSize: 256, Seed: 3}
                """);
        // The down variation names no events: it cannot be trained, and says so with its YAML path.
        ConfigException noEvents = assertThrows(ConfigException.class, () -> ConfigTraining.plan(config));
        assertTrue(noEvents.getMessage().contains("Systematics[0].Dn[0].Path"), noEvents.getMessage());

        Files.writeString(config, Files.readString(config)
                .replace("{SampleName: S, Yield: 1.0, Ensemble: models/S_dn}", "{SampleName: S, Path: s.csv, Weight: w, Ensemble: models/S_dn}"));
        TrainingSettings s = TrainingSettings.fromConfigFile(config, TrainingSettings.defaults());
        assertEquals(2, s.members());
        assertEquals(List.of(16, 16), s.hiddenLayers());
        TrainingReport r = ConfigTraining.train(config, s, false, null);
        assertEquals(List.of("S_vs_B", "S_up", "S_dn"), r.ensembles().stream().map(TrainingReport.EnsembleResult::name).toList());
        assertEquals("B", r.ensembles().get(0).denominator());
        assertEquals("S", r.ensembles().get(1).denominator());

        // The configuration now loads with every ensemble folder present.
        FitConfigLoader.load(config, EnsembleInspector.NONE);

        double[] x = {-1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5};
        check(dir.resolve("models/S_vs_B"), x, 0.5, -0.125, 0.12);
        check(dir.resolve("models/S_up"), x, 0.3, -0.195, 0.12);
        // The down "variation" is the nominal sample itself: ln r = 0.
        check(dir.resolve("models/S_dn"), x, 0.0, 0.0, 0.08);
        for (TrainingReport.EnsembleResult e : r.ensembles()) {
            assertEquals(2, e.members().size());
            assertTrue(Files.isRegularFile(e.folder().resolve("member-1.onnx")));
            assertTrue(Files.isRegularFile(e.folder().resolve("member-1.training.json")));
            assertTrue(Files.isRegularFile(e.diagnostics().resolve("report.json")));
            assertTrue(Math.abs(e.normalisation().pull()) < 4, e.name() + ": normalisation pull " + e.normalisation().pull());
        }

        // A second run refuses before training, naming the existing folders, unless asked to overwrite.
        ConfigException exists = assertThrows(ConfigException.class, () -> ConfigTraining.train(config, s, false, null));
        assertTrue(exists.getMessage().contains("Samples[1].Ensemble"), exists.getMessage());
        assertEquals(3, exists.problems().size());
    }

    private static void check(Path folder, double[] x, double slope, double offset, double tolerance) {
        try (Ensemble e = Ensemble.load(folder)) {
            assertEquals(List.of("x"), e.features());
            double[] l = e.logRatios(new double[][] {x});
            for (int i = 0; i < x.length; i++) {
                double exact = slope * x[i] + offset;
                assertEquals(exact, l[i], tolerance, folder.getFileName() + " at x = " + x[i]);
            }
        }
    }

    @Test
    void badTrainingBlockNamesEveryProblem() throws IOException {
        Path config = writeConfig("""
                Training: {Membrs: 2, Epochs: 0, HiddenLayers: [16, -1], LearningRate: fast}
                """);
        ConfigException e = assertThrows(ConfigException.class,
                () -> TrainingSettings.fromConfigFile(config, TrainingSettings.defaults()));
        String m = e.getMessage();
        assertEquals(4, e.problems().size(), m);
        assertTrue(m.contains("Training.Membrs: unknown key"), m);
        assertTrue(m.contains("Training.Epochs: epochs must be at least 1"), m);
        assertTrue(m.contains("Training.HiddenLayers"), m);
        assertTrue(m.contains("Training.LearningRate: expected a number"), m);
        assertFalse(Files.exists(dir.resolve("models")));
    }

    @Test
    void configurationWithoutTrainingBlockKeepsTheGivenSettings() throws IOException {
        Path config = writeConfig("");
        TrainingSettings base = TrainingSettings.defaults().withMembers(4);
        assertEquals(base, TrainingSettings.fromConfigFile(config, base));
        // The settings map onto the ratio-models configuration field by field.
        var tc = base.withEpochs(7).withHiddenLayers(List.of(8)).withLearningRate(0.01).toTrainingConfig();
        assertEquals(7, tc.epochs());
        assertEquals(List.of(8), tc.hiddenLayers());
        assertEquals(0.01, tc.learningRate());
    }

    private static double[] gaussian(Random rng, int n, double mean) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = mean + rng.nextGaussian();
        }
        return x;
    }

    private void write(String name, double[] x, Double w) throws IOException {
        Map<String, double[]> cols = new LinkedHashMap<>();
        cols.put("x", x);
        if (w != null) {
            double[] ws = new double[x.length];
            java.util.Arrays.fill(ws, w);
            cols.put("w", ws);
        }
        EventFiles.write(dir.resolve(name), new EventTable(name, cols), null);
    }
}
