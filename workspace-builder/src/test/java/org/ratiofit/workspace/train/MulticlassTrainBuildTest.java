package org.ratiofit.workspace.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import org.ratiofit.likelihood.Model;
import org.ratiofit.likelihood.UnbinnedChannel;
import org.ratiofit.likelihood.workspace.WorkspaceReader;
import org.ratiofit.ratio.ModelSidecar;
import org.ratiofit.ratio.RatioModel;
import org.ratiofit.ratio.Sidecars;
import org.ratiofit.ratio.data.EventFiles;
import org.ratiofit.ratio.data.EventTable;
import org.ratiofit.workspace.build.BuildOptions;
import org.ratiofit.workspace.build.WorkspaceBuilder;
import org.ratiofit.workspace.config.ConfigException;

/**
 * Two basis samples naming one {@code Ensemble} folder share a multiclass classifier: {@code train}
 * trains it (classes A, C and the reference B), {@code build} gives each sample its class's
 * log-ratio against B. A ~ N(−1, 0.8²), C ~ N(1, 1), B ~ N(0, 1.3²): exact log-ratios known.
 */
class MulticlassTrainBuildTest {

    @TempDir
    Path dir;

    static final double[] MEAN = {-1, 1, 0};
    static final double[] SD = {0.8, 1, 1.3};

    static double lnN(double x, int c) {
        double z = (x - MEAN[c]) / SD[c];
        return -0.5 * z * z - Math.log(SD[c]);
    }

    private void write(String name, Random rng, int n, int c) throws IOException {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = MEAN[c] + SD[c] * rng.nextGaussian();
        }
        Map<String, double[]> cols = new LinkedHashMap<>();
        cols.put("x", x);
        double[] w = new double[n];
        java.util.Arrays.fill(w, 0.1);
        cols.put("w", w);
        EventFiles.write(dir.resolve(name), new EventTable(name, cols), null);
    }

    private Path config() throws IOException {
        Random rng = new Random(3);
        write("a.csv", rng, 3000, 0);
        write("c.csv", rng, 3000, 1);
        write("b.csv", rng, 3000, 2);
        write("data.csv", rng, 200, 2);
        Path config = dir.resolve("fit.yml");
        Files.writeString(config, """
                Version: 1
                General:
                  Measurement: {POI: mu}
                TrainingFeatures: [x]
                TrainingFeaturesToStandardize: [x]
                Samples:
                  - {Name: data, Data: true, SamplePath: data.csv}
                  - {Name: A, UseAsBasis: true, SamplePath: a.csv, Weight: w, Ensemble: models/abc}
                  - {Name: C, UseAsBasis: true, SamplePath: c.csv, Weight: w, Ensemble: models/abc}
                  - {Name: B, UseAsBasis: true, UseAsReference: true, SamplePath: b.csv, Weight: w}
                NormFactors:
                  - {Name: mu, Samples: A, Bounds: [0, 5]}
                Regions:
                  - {Name: SR}
                Training: {Members: 1, Epochs: 20, HiddenLayers: [16, 16], BatchSize: 256, Seed: 2, LearningRate: 0.005}
                """);
        return config;
    }

    @Test
    void trainsOneSharedMulticlassEnsembleAndBuildsEachSamplesClass() throws IOException {
        Path config = config();
        TrainingSettings s = TrainingSettings.fromConfigFile(config, TrainingSettings.defaults());
        TrainingReport r = ConfigTraining.train(config, s, false, null);
        assertEquals(1, r.ensembles().size(), "one multiclass ensemble, no binary ones");
        TrainingReport.EnsembleResult e = r.ensembles().get(0);
        assertEquals("abc", e.name());
        assertEquals("B", e.denominator());
        assertTrue(e.worstClosureChi2PerNdf() < 5, "closure chi2/ndf " + e.worstClosureChi2PerNdf());
        Path folder = dir.resolve("models/abc");
        ModelSidecar sc = Sidecars.read(folder.resolve("member-0.json"));
        assertEquals(List.of("A", "C", "B"), sc.multiclass().classes());
        assertEquals("B", sc.multiclass().reference());
        assertNull(sc.numerator());
        assertTrue(Files.isRegularFile(folder.resolve("diagnostics/report.json")));
        assertTrue(Files.isRegularFile(folder.resolve("diagnostics/closure-A-x.png")));

        WorkspaceBuilder.build(config, dir.resolve("ws"), BuildOptions.defaults().withThreads(2));
        Model model = WorkspaceReader.readModel(dir.resolve("ws"));
        UnbinnedChannel sr = (UnbinnedChannel) model.channels().get(0);
        EventTable data = EventFiles.read(dir.resolve("data.csv"), null, null);
        double[] x = data.column("x");
        double[] lrA = sr.data().columns().get("A").logRatio();
        double[] lrC = sr.data().columns().get("C").logRatio();
        try (RatioModel m = RatioModel.load(folder.resolve("member-0.json"))) {
            double[][] want = m.evaluateMulticlass(new double[][] {x}, null).logRatio();
            double mse = 0;
            int inner = 0;
            for (int i = 0; i < x.length; i++) {
                assertEquals(want[0][i], lrA[i], 1e-5, "A at event " + i);
                assertEquals(want[1][i], lrC[i], 1e-5, "C at event " + i);
                if (Math.abs(x[i]) < 2) {
                    double d0 = lrA[i] - (lnN(x[i], 0) - lnN(x[i], 2));
                    double d1 = lrC[i] - (lnN(x[i], 1) - lnN(x[i], 2));
                    mse += d0 * d0 + d1 * d1;
                    inner += 2;
                }
            }
            mse /= inner;
            // one member, 1800 training events per class: statistical error ~0.2 in ln r; swapped classes would give MSE > 1
            assertTrue(mse < 0.08, "MSE of the built log-ratios against the exact ones: " + mse);
        }
    }

    @Test
    void aSampleThatIsNotAClassOfTheSharedEnsembleIsRefused() throws IOException {
        Path config = config();
        ConfigTraining.train(config, TrainingSettings.fromConfigFile(config, TrainingSettings.defaults()).withEpochs(1), false, null);
        // rename sample C: the ensemble's classes are A, C, B
        Files.writeString(config, Files.readString(config).replace("Name: C,", "Name: D,"));
        ConfigException ex = assertThrows(ConfigException.class, () -> WorkspaceBuilder.build(config, dir.resolve("ws"), BuildOptions.defaults()));
        assertTrue(ex.getMessage().contains("Samples[2].Ensemble") && ex.getMessage().contains("not the sample 'D'"), ex.getMessage());
        assertTrue(!Files.exists(dir.resolve("ws")));
    }
}
