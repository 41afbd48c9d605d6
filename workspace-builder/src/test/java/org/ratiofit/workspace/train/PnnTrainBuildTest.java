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
import org.ratiofit.likelihood.Model;
import org.ratiofit.likelihood.UnbinnedChannel;
import org.ratiofit.likelihood.workspace.WorkspaceReader;
import org.ratiofit.ratio.ModelSidecar;
import org.ratiofit.ratio.Sidecars;
import org.ratiofit.ratio.data.EventFiles;
import org.ratiofit.ratio.data.EventTable;
import org.ratiofit.workspace.build.BuildOptions;
import org.ratiofit.workspace.build.WorkspaceBuilder;
import org.ratiofit.workspace.config.ConfigException;

/**
 * A polynomial systematic trained from its Variations: the sample B ~ N(0.3·shift, 1) simulated
 * at shift = ±1, ±2 (and 1.5, held out), with inclusive yields exp(0.05 shift + 0.01 shift²):
 * exact Δ_shift(x) = 0.3 x, Δ_shift²= −0.045. {@code train} writes the PNN with its outputs in the
 * configuration's monomial order and the yield fit; {@code build} fills the polynomial columns and
 * takes the yield coefficients from the fit.
 */
class PnnTrainBuildTest {

    @TempDir
    Path dir;

    private void write(String name, Random rng, int n, double shift) throws IOException {
        double[] x = new double[n];
        double[] w = new double[n];
        double y = Math.exp(0.05 * shift + 0.01 * shift * shift);
        for (int i = 0; i < n; i++) {
            x[i] = 0.3 * shift + rng.nextGaussian();
            w[i] = 100.0 * y / n;
        }
        Map<String, double[]> cols = new LinkedHashMap<>();
        cols.put("x", x);
        cols.put("w", w);
        EventFiles.write(dir.resolve(name), new EventTable(name, cols), null);
    }

    private Path config(String variations) throws IOException {
        Random rng = new Random(5);
        write("data.csv", rng, 100, 0.5);
        write("b.csv", rng, 4000, 0);
        for (double s : new double[] {1, -1, 2, -2, 1.5}) {
            write("b_" + s + ".csv", rng, 2500, s);
        }
        Path config = dir.resolve("fit.yml");
        Files.writeString(config, """
                Version: 1
                General:
                  Measurement: {POI: mu}
                TrainingFeatures: [x]
                TrainingFeaturesToStandardize: [x]
                Samples:
                  - {Name: data, Data: true, SamplePath: data.csv}
                  - {Name: B, UseAsBasis: true, UseAsReference: true, SamplePath: b.csv, Weight: w}
                NormFactors:
                  - {Name: mu, Samples: B, Bounds: [0, 5]}
                Systematics:
                  - Name: shift_poly
                    Type: Polynomial
                    Parameters: [shift]
                    Monomials: [[shift, shift], [shift]]
                    Models:
                      - SampleName: B
                        Ensemble: models/B_poly
                        Variations:
                """ + variations + """
                Regions:
                  - {Name: SR}
                Training: {Members: 1, Epochs: 15, HiddenLayers: [16, 16], BatchSize: 512, Seed: 4, LearningRate: 0.005}
                """);
        return config;
    }

    static final String VARIATIONS = """
                          - {Point: {shift: 1.0}, Path: b_1.0.csv, Weight: w}
                          - {Point: {shift: -1.0}, Path: b_-1.0.csv, Weight: w}
                          - {Point: {shift: 2.0}, Path: b_2.0.csv, Weight: w}
                          - {Point: {shift: -2.0}, Path: b_-2.0.csv, Weight: w}
                          - {Point: {shift: 1.5}, Path: b_1.5.csv, Weight: w, HeldOut: true}
            """;

    @Test
    void trainsThePolynomialModelAndBuildsItsColumnsAndYields() throws IOException {
        Path config = config(VARIATIONS);
        TrainingReport r = ConfigTraining.train(config, TrainingSettings.fromConfigFile(config, TrainingSettings.defaults()), false, null);
        assertTrue(r.skipped().isEmpty(), r.skipped().toString());
        assertEquals(1, r.ensembles().size());
        TrainingReport.EnsembleResult e = r.ensembles().get(0);
        assertEquals(4 * 2500, e.numeratorEvents());
        assertTrue(e.worstClosureChi2PerNdf() < 4, "closure chi2/ndf " + e.worstClosureChi2PerNdf());
        Path folder = dir.resolve("models/B_poly");
        ModelSidecar sc = Sidecars.read(folder.resolve("member-0.json"));
        assertEquals(List.of("shift*shift", "shift"), sc.parameters(), "outputs in the configuration's monomial order");
        assertTrue(Files.isRegularFile(folder.resolve("yield-fit.json")));
        assertTrue(Files.isRegularFile(folder.resolve("diagnostics/heldout-0-x.png")));

        WorkspaceBuilder.build(config, dir.resolve("ws"), BuildOptions.defaults().withThreads(2));
        Model model = WorkspaceReader.readModel(dir.resolve("ws"));
        UnbinnedChannel sr = (UnbinnedChannel) model.channels().get(0);
        // yield coefficients from the fit, in the likelihood's order (linear, quadratic): exact weights give exact values
        double[] yc = sr.samples().get(0).polynomial().yieldCoefficients();
        assertEquals(0.05, yc[0], 1e-9);
        assertEquals(0.01, yc[1], 1e-9);
        EventTable data = EventFiles.read(dir.resolve("data.csv"), null, null);
        double[] x = data.column("x");
        List<double[]> poly = sr.data().columns().get("B").polynomial();
        double mse = 0;
        for (int i = 0; i < x.length; i++) {
            double dl = poly.get(0)[i] - 0.3 * x[i];
            double dq = poly.get(1)[i] + 0.045;
            mse += (dl * dl + dq * dq) / x.length;
        }
        assertTrue(mse < 0.01, "MSE of the built Δ columns against the exact ones: " + mse);

        // monomials listed in another order than the trained ensemble's outputs: refused, and nothing written
        Files.writeString(config, Files.readString(config).replace("Monomials: [[shift, shift], [shift]]", "Monomials: [[shift], [shift, shift]]"));
        ConfigException ex = assertThrows(ConfigException.class, () -> WorkspaceBuilder.build(config, dir.resolve("ws2"), BuildOptions.defaults()));
        assertTrue(ex.getMessage().contains("Models[0].Ensemble") && ex.getMessage().contains("in another order"), ex.getMessage());
        assertFalse(Files.exists(dir.resolve("ws2")));
    }

    @Test
    void tooFewAndRepeatedPointsAreRefusedBeforeWritingAnything() throws IOException {
        Path config = config("""
                          - {Point: {shift: 1.0}, Path: b_1.0.csv, Weight: w}
                          - {Point: {shift: 1.5}, Path: b_1.5.csv, Weight: w, HeldOut: true}
            """);
        TrainingSettings s = TrainingSettings.fromConfigFile(config, TrainingSettings.defaults()).withEpochs(1);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigTraining.train(config, s, false, null));
        assertTrue(e.getMessage().contains("Models[0].Variations") && e.getMessage().contains("need at least 2 varied samples")
                && e.getMessage().contains("got 1"), e.getMessage());
        Files.writeString(config, Files.readString(config).replace("{shift: 1.5}, Path: b_1.5.csv, Weight: w, HeldOut: true",
                "{shift: 1.0}, Path: b_2.0.csv, Weight: w"));
        e = assertThrows(ConfigException.class, () -> ConfigTraining.train(config, s, false, null));
        assertTrue(e.getMessage().contains("is given twice"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("models/B_poly")));
    }
}
