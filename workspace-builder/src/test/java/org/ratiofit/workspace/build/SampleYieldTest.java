package org.ratiofit.workspace.build;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.ratiofit.likelihood.Model;
import org.ratiofit.likelihood.UnbinnedChannel;
import org.ratiofit.likelihood.workspace.WorkspaceReader;
import org.ratiofit.ratio.data.EventFiles;
import org.ratiofit.ratio.data.EventTable;
import org.ratiofit.workspace.config.ConfigException;

/**
 * The {@code Yield} key of a sample: its weights scaled to a stated total (the file yield stays
 * the default), and a basis sample given by its ensemble and yield alone, whose selected fraction
 * comes from the reference events weighted by its ratio. Every yield is recomputed here from the
 * event files and the exact ratio.
 */
class SampleYieldTest {

    @TempDir
    Path dir;

    static final double YIELD_S = 50, YIELD_B = 1000;

    Path config(String yaml) throws IOException {
        Toy.writeInputs(dir, 7, 400, 2000, 4000);
        Path f = dir.resolve("fit.yml");
        Files.writeString(f, yaml);
        return f;
    }

    static String withYields(String yaml) {
        return yaml.replace("    SamplePath: signal.npz\n", "    SamplePath: signal.npz\n    Yield: " + YIELD_S + "\n")
                .replace("    SamplePath: background.csv\n", "    SamplePath: background.csv\n    Yield: " + YIELD_B + "\n");
    }

    /** S by its ensemble and yield alone: no SamplePath, no Weight. */
    static String eventless(String yaml) {
        return withYields(yaml).replace("    SamplePath: signal.npz\n    Yield: " + YIELD_S + "\n    Weight: w\n", "    Yield: " + YIELD_S + "\n");
    }

    static double sum(double[] v) {
        double s = 0;
        for (double d : v) s += d;
        return s;
    }

    static double selectedSum(double[] x, double[] w, double cut) {
        double s = 0;
        for (int i = 0; i < x.length; i++) if (x[i] > cut) s += w[i];
        return s;
    }

    UnbinnedChannel build(Path cfg, String out) throws IOException {
        WorkspaceBuilder.build(cfg, dir.resolve(out), BuildOptions.defaults().withThreads(2).withChunkSize(64));
        Model model = WorkspaceReader.readModel(dir.resolve(out));
        return (UnbinnedChannel) model.channels().get(0);
    }

    @Test
    void yieldScalesTheFileWeightsAndLeavesTheRatiosAlone() throws IOException {
        Path cfg = config(withYields(Toy.YAML));
        UnbinnedChannel sr = build(cfg, "ws");
        EventTable sig = EventFiles.read(dir.resolve("signal.npz"), null, null);
        EventTable bkg = EventFiles.read(dir.resolve("background.csv"), null, null);
        // yield in the region = stated yield × the selected fraction of the file's weight
        double fS = selectedSum(sig.column("x"), sig.column("w"), 0.5) / sum(sig.column("w"));
        double fB = selectedSum(bkg.column("x"), bkg.column("w"), 0.5) / sum(bkg.column("w"));
        assertEquals(YIELD_S * fS, sr.samples().get(0).nominalYield(), 1e-9 * YIELD_S);
        assertEquals(YIELD_B * fB, sr.samples().get(1).nominalYield(), 1e-9 * YIELD_B);
        // the file totals are 40 and 300: without the key those are the yields
        Files.writeString(cfg, Toy.YAML);
        UnbinnedChannel plain = build(cfg, "ws-plain");
        assertEquals(Toy.SIGNAL_TOTAL * fS, plain.samples().get(0).nominalYield(), 1e-9 * Toy.SIGNAL_TOTAL);
        assertEquals(Toy.BACKGROUND_TOTAL * fB, plain.samples().get(1).nominalYield(), 1e-9 * Toy.BACKGROUND_TOTAL);
        // the per-event columns do not depend on the normalisation
        assertArrayEquals(plain.data().columns().get("S").logRatio(), sr.data().columns().get("S").logRatio(), 1e-12);
        assertArrayEquals(plain.reference().weights(), sr.reference().weights(), 1e-15);
    }

    @Test
    void basisSampleGivenByEnsembleAndYieldAloneWithoutFilterHasExactlyTheYield() throws IOException {
        Path cfg = config(eventless(Toy.YAML).replace("    Filter: \"x > 0.5\"\n", ""));
        UnbinnedChannel sr = build(cfg, "ws");
        assertEquals(YIELD_S, sr.samples().get(0).nominalYield(), 0);
        assertEquals(YIELD_B, sr.samples().get(1).nominalYield(), 1e-9 * YIELD_B);
        // no region normalisation: the ensemble's log-ratio as it is
        EventTable data = EventFiles.read(dir.resolve("data.csv"), null, null);
        double[] x = data.column("x");
        double[] lr = sr.data().columns().get("S").logRatio();
        for (int i = 0; i < x.length; i++) {
            double exact = Toy.lnGauss(x[i], Toy.M) - Toy.lnExp(x[i]);
            assertEquals(exact, lr[i], 3e-5 * Math.max(1, Math.abs(exact)), "event " + i);
        }
    }

    @Test
    void basisSampleGivenByEnsembleAndYieldAloneTakesItsRegionFractionFromTheReweightedReference() throws IOException {
        double cut = 2.0;
        Path cfg = config(eventless(Toy.YAML).replace("x > 0.5", "x > " + cut));
        UnbinnedChannel sr = build(cfg, "ws");
        EventTable bkg = EventFiles.read(dir.resolve("background.csv"), null, null);
        double[] bx = bkg.column("x");
        double[] bw = bkg.column("w");
        double sel = 0, all = 0;
        for (int i = 0; i < bx.length; i++) {
            double wr = bw[i] * Math.exp(Toy.lnGauss(bx[i], Toy.M) - Toy.lnExp(bx[i]));
            all += wr;
            if (bx[i] > cut) sel += wr;
        }
        double fS = sel / all;
        // the recomputed estimate (float32 ONNX ratio) and, statistically, the exact fraction 1/2 of the Gaussian above its mean
        assertEquals(YIELD_S * fS, sr.samples().get(0).nominalYield(), 1e-4 * YIELD_S);
        assertEquals(0.5, fS, 0.05);
        double fB = selectedSum(bx, bw, cut) / sum(bw);
        assertEquals(YIELD_B * fB, sr.samples().get(1).nominalYield(), 1e-9 * YIELD_B);
        // the stored log-ratio is renormalised in the region: ln r + ln(F_B / F_S)
        double[] x = EventFiles.read(dir.resolve("data.csv"), null, null).column("x");
        double[] lr = sr.data().columns().get("S").logRatio();
        int k = 0;
        for (double xi : x) {
            if (!(xi > cut)) continue;
            double exact = Toy.lnGauss(xi, Toy.M) - Toy.lnExp(xi) + Math.log(fB / fS);
            assertEquals(exact, lr[k], 1e-4 * Math.max(1, Math.abs(exact)), "event " + k);
            k++;
        }
        assertEquals(k, lr.length);
    }

    @Test
    void unweightedReferenceNormalisedToItsYield() throws IOException {
        // the user's case: reference events without a weight column, their yield stated
        Path cfg = config(eventless(Toy.YAML).replace("    SamplePath: background.csv\n    Yield: " + YIELD_B + "\n    Weight: w\n",
                "    SamplePath: reference.csv\n    Yield: " + YIELD_B + "\n"));
        double[] bx = EventFiles.read(dir.resolve("background.csv"), null, null).column("x");
        EventFiles.write(dir.resolve("reference.csv"), Toy.events("reference", bx, null), null);
        UnbinnedChannel sr = build(cfg, "ws");
        double selected = 0;
        for (double x : bx) if (x > 0.5) selected++;
        assertEquals(YIELD_B * selected / bx.length, sr.samples().get(1).nominalYield(), 1e-9 * YIELD_B);
        assertEquals(1.0 / selected, sr.reference().weights()[0], 1e-15);
    }

    static Stream<Arguments> badYields() {
        return Stream.of(
                Arguments.of("yield on data", "    Data: true\n", "    Data: true\n    Yield: 10\n", "Samples[0].Yield: the data sample has no yield"),
                Arguments.of("negative yield", "Yield: " + YIELD_S, "Yield: -5", "Samples[1].Yield: a sample's yield"),
                Arguments.of("eventless sample in a binned region", "    Filter: \"x > 0.5\"\n",
                        "    Filter: \"x > 0.5\"\n  - Name: CR\n    Variable: x\n    Binning: [0, 1, 2]\n",
                        "Samples[1].SamplePath: missing: sample 'S' is given by its ensemble and Yield alone"),
                Arguments.of("varied events of an eventless sample", "{SampleName: S, Ensemble: models/S_shift_up}",
                        "{SampleName: S, Path: data.csv, Ensemble: models/S_shift_up}",
                        "Systematics[0].Up[0].Path: sample 'S' has no events"),
                Arguments.of("eventless sample without an ensemble", "    Ensemble: models/S_vs_B\n", "\n", "Samples[1].SamplePath: missing"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badYields")
    void badYieldsAreRefusedNamingTheField(String what, String from, String to, String message) throws IOException {
        String yaml = eventless(Toy.YAML);
        assertTrue(yaml.contains(from), what);
        Path cfg = config(yaml.replace(from, to));
        ConfigException e = assertThrows(ConfigException.class, () -> WorkspaceBuilder.build(cfg, dir.resolve("ws"), BuildOptions.defaults()));
        assertTrue(e.getMessage().contains(message), what + ": " + e.getMessage());
    }
}
