package org.ratiofit.workspace.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratiofit.likelihood.Model;
import org.ratiofit.likelihood.UnbinnedChannel;
import org.ratiofit.likelihood.workspace.WorkspaceReader;
import org.ratiofit.ratio.Calibrator;
import org.ratiofit.ratio.ModelSidecar;
import org.ratiofit.ratio.RatioModel;
import org.ratiofit.ratio.Sidecars;
import org.ratiofit.ratio.data.EventFiles;
import org.ratiofit.ratio.data.EventTable;
import org.ratiofit.ratio.training.multiclass.ClassCalibration;
import org.ratiofit.workspace.build.BuildOptions;
import org.ratiofit.workspace.build.WorkspaceBuilder;
import org.ratiofit.workspace.config.ConfigException;

/**
 * {@code Training.MulticlassCalibration: isotonic} on {@link MulticlassTrainBuildTest}'s shared
 * ensemble (A ~ N(−1, 0.8²), C ~ N(1, 1), reference B ~ N(0, 1.3²)): the sidecar carries an
 * isotonic map per class, and {@code build} puts the calibrated log-ratios into the workspace.
 */
class MulticlassCalibrationTrainBuildTest {

    @TempDir
    Path dir;

    private void write(String name, Random rng, int n, int c) throws IOException {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = MulticlassTrainBuildTest.MEAN[c] + MulticlassTrainBuildTest.SD[c] * rng.nextGaussian();
        }
        Map<String, double[]> cols = new LinkedHashMap<>();
        cols.put("x", x);
        double[] w = new double[n];
        java.util.Arrays.fill(w, 0.1);
        cols.put("w", w);
        EventFiles.write(dir.resolve(name), new EventTable(name, cols), null);
    }

    private Path config(String calibration) throws IOException {
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
                Training: {Members: 1, Epochs: 8, HiddenLayers: [16, 16], BatchSize: 256, Seed: 2, LearningRate: 0.005,
                           Diagnostics: false, MulticlassCalibration: %s}
                """.formatted(calibration));
        return config;
    }

    @Test
    void isotonicMapsTravelFromTheTrainingBlockIntoTheWorkspace() throws IOException {
        Path config = config("isotonic");
        TrainingSettings s = TrainingSettings.fromConfigFile(config, TrainingSettings.defaults());
        assertEquals(ClassCalibration.ISOTONIC, s.multiclassCalibration());
        ConfigTraining.train(config, s, false, null);
        Path folder = dir.resolve("models/abc");
        ModelSidecar sc = Sidecars.read(folder.resolve("member-0.json"));
        assertEquals(java.util.Set.of("A", "C"), sc.multiclass().calibration().keySet());
        ModelSidecar.Isotonic isoA = assertInstanceOf(ModelSidecar.Isotonic.class, sc.multiclass().calibration().get("A"));

        WorkspaceBuilder.build(config, dir.resolve("ws"), BuildOptions.defaults().withThreads(2));
        Model model = WorkspaceReader.readModel(dir.resolve("ws"));
        UnbinnedChannel sr = (UnbinnedChannel) model.channels().get(0);
        double[] x = EventFiles.read(dir.resolve("data.csv"), null, null).column("x");
        double[] lrA = sr.data().columns().get("A").logRatio();
        double[] lrC = sr.data().columns().get("C").logRatio();
        // the sidecar without its calibration: the workspace must hold the map applied to these
        ModelSidecar raw = new ModelSidecar(sc.format(), sc.formatVersion(), sc.name(), sc.onnx(), sc.inputName(), sc.outputName(),
                sc.features(), sc.parameters(), sc.parameterInputName(), sc.scaling(), sc.output(), sc.numerator(), sc.denominator(),
                sc.classPriors(), sc.clip(), sc.calibration(), new ModelSidecar.Multiclass(sc.multiclass().classes(),
                        sc.multiclass().reference(), sc.multiclass().priors(), null));
        Sidecars.write(raw, folder.resolve("raw.json"));
        try (RatioModel calibrated = RatioModel.load(folder.resolve("member-0.json"));
                RatioModel uncal = RatioModel.load(folder.resolve("raw.json"))) {
            double[][] want = calibrated.evaluateMulticlass(new double[][] {x}, null).logRatio();
            double[][] before = uncal.evaluateMulticlass(new double[][] {x}, null).logRatio();
            Calibrator mapA = Calibrator.of(isoA);
            int changed = 0;
            for (int i = 0; i < x.length; i++) {
                assertEquals(want[0][i], lrA[i], 1e-5, "A at event " + i);
                assertEquals(want[1][i], lrC[i], 1e-5, "C at event " + i);
                assertEquals(mapA.apply(before[0][i]), lrA[i], 1e-5, "A at event " + i + " is the map of the raw log-ratio");
                if (Math.abs(before[0][i] - lrA[i]) > 1e-3) {
                    changed++;
                }
            }
            assertTrue(changed > x.length / 2, "the calibration changes the log-ratios: " + changed + " of " + x.length);
        }
    }

    @Test
    void anUnknownCalibrationIsRefusedWithItsPath() throws IOException {
        Path config = config("platt");
        ConfigException e = assertThrows(ConfigException.class, () -> TrainingSettings.fromConfigFile(config, TrainingSettings.defaults()));
        assertTrue(e.getMessage().contains("Training.MulticlassCalibration: unknown multiclass calibration 'platt'"), e.getMessage());
    }
}
