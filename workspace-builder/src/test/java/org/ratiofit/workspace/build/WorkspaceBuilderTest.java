package org.ratiofit.workspace.build;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratiofit.likelihood.Model;
import org.ratiofit.likelihood.Parameter;
import org.ratiofit.likelihood.UnbinnedChannel;
import org.ratiofit.likelihood.workspace.WorkspaceReader;
import org.ratiofit.ratio.data.EventFiles;
import org.ratiofit.ratio.data.EventTable;
import org.ratiofit.workspace.io.Provenance;

/**
 * End to end: the toy's configuration built with exact analytic ONNX ensembles gives a workspace
 * whose −ln L is the textbook extended unbinned likelihood of the toy up to a constant.
 */
class WorkspaceBuilderTest {

    @TempDir
    Path dir;

    Path config() throws IOException {
        Toy.writeInputs(dir, 7, 400, 2000, 4000);
        Path f = dir.resolve("fit.yml");
        Files.writeString(f, Toy.YAML);
        return f;
    }

    /**
     * Textbook −ln L of the toy in the region x > 0.5: yields and the region fractions F from the
     * sample files, densities renormalised in the region, the code-1 shape factor of the peak
     * shift (exp of α times the up or down log-ratio), the code-1 background normsys and the two
     * unit Gaussian constraints. The signal's shape factor is divided by its average over the
     * reference (background) events in the region, K(α) = Σ_ref w r_S g(α) / Σ_ref w r_S (the
     * default shape normalisation of issue 13), recomputed here from the exact densities.
     */
    static double textbook(double[] theta, double[] x, double nuS, double nuB, double fS, double fB, double[] refX, double[] refW) {
        double mu = theta[0], alpha = theta[1], beta = theta[2];
        double kappa = beta >= 0 ? Math.pow(1.1, beta) : Math.pow(0.9, -beta);
        double num = 0, den = 0;
        for (int j = 0; j < refX.length; j++) {
            num += refW[j] * ratioS(refX[j], alpha, fS, fB);
            den += refW[j] * ratioS(refX[j], 0, fS, fB);
        }
        double norm = num / den;
        double sum = 0;
        for (double xi : x) {
            double fBkg = Math.exp(Toy.lnExp(xi)) / fB;
            double fSig = ratioS(xi, alpha, fS, fB) * fBkg / norm;
            sum += Math.log(mu * nuS * fSig + kappa * nuB * fBkg);
        }
        return mu * nuS + kappa * nuB - sum + 0.5 * alpha * alpha + 0.5 * beta * beta;
    }

    /** The signal's region density over the background's, times the code-1 shift factor at α. */
    static double ratioS(double xi, double alpha, double fS, double fB) {
        double shift = alpha >= 0 ? alpha * (Toy.lnGauss(xi, Toy.M + Toy.DELTA) - Toy.lnGauss(xi, Toy.M))
                : -alpha * (Toy.lnGauss(xi, Toy.M - Toy.DELTA) - Toy.lnGauss(xi, Toy.M));
        return Math.exp(Toy.lnGauss(xi, Toy.M) + shift - Toy.lnExp(xi)) * fB / fS;
    }

    static double[] selected(double[] x, double[] w, double cut, boolean weights) {
        return java.util.stream.IntStream.range(0, x.length).filter(i -> x[i] > cut).mapToDouble(i -> weights ? w[i] : x[i]).toArray();
    }

    @Test
    void workspaceLikelihoodIsTheTextbookOneUpToAConstant() throws IOException {
        Path cfg = config();
        BuildResult res = WorkspaceBuilder.build(cfg, dir.resolve("ws"), BuildOptions.defaults().withThreads(2).withChunkSize(64));
        Model model = WorkspaceReader.readModel(dir.resolve("ws"));
        assertEquals(List.of("mu", "shift", "bnorm"), model.modelParameters().stream().map(Parameter::name).toList());
        assertEquals(Parameter.Kind.POI, model.modelParameters().get(0).kind());

        EventTable data = EventFiles.read(dir.resolve("data.csv"), null, null);
        EventTable sig = EventFiles.read(dir.resolve("signal.npz"), null, null);
        EventTable bkg = EventFiles.read(dir.resolve("background.csv"), null, null);
        double[] x = selected(data.column("x"), null, 0.5, false);
        double nuS = sumOf(selected(sig.column("x"), sig.column("w"), 0.5, true));
        double nuB = sumOf(selected(bkg.column("x"), bkg.column("w"), 0.5, true));
        double fS = nuS / sumOf(sig.column("w"));
        double fB = nuB / sumOf(bkg.column("w"));
        double[] refX = selected(bkg.column("x"), null, 0.5, false);
        double[] refW = selected(bkg.column("x"), bkg.column("w"), 0.5, true);

        UnbinnedChannel sr = (UnbinnedChannel) model.channels().get(0);
        assertEquals(x.length, sr.data().events());
        assertEquals(nuS, sr.samples().get(0).nominalYield(), 1e-9 * nuS);
        assertEquals(nuB, sr.samples().get(1).nominalYield(), 1e-9 * nuB);
        assertEquals(x.length, res.channels().get(0).dataEvents());
        // per event: the signal's log-ratio of the region's densities, to float32 precision
        double[] lr = sr.data().columns().get("S").logRatio();
        for (int i = 0; i < x.length; i++) {
            double exact = Toy.lnGauss(x[i], Toy.M) - Toy.lnExp(x[i]) + Math.log(fB / fS);
            assertEquals(exact, lr[i], 3e-5 * Math.max(1, Math.abs(exact)), "event " + i);
        }

        Random r = new Random(11);
        double[] base = {1, 0, 0};
        double offset = model.value(base) - textbook(base, x, nuS, nuB, fS, fB, refX, refW);
        for (int k = 0; k < 40; k++) {
            double[] th = {0.2 + 2.8 * r.nextDouble(), -2 + 4 * r.nextDouble(), -2 + 4 * r.nextDouble()};
            double diff = model.value(th) - textbook(th, x, nuS, nuB, fS, fB, refX, refW);
            assertEquals(offset, diff, 2e-3, "seed 11 point " + k + " " + java.util.Arrays.toString(th));
        }
        // the constant is what the likelihood drops: Σ_i ln f_B,region(x_i)
        double dropped = 0;
        for (double xi : x) dropped += Toy.lnExp(xi) - Math.log(fB);
        assertEquals(dropped, offset, 2e-3);

        Provenance p = Provenance.read(dir.resolve("ws"));
        assertEquals(3, p.modelSha256().size());
        assertTrue(res.timings().inference() > 0);
        assertTrue(res.evaluations() > 0);
    }

    @Test
    void configuredShapeNormalisationReachesTheWorkspace() throws IOException {
        Toy.writeInputs(dir, 7, 100, 500, 1000);
        Path f = dir.resolve("fit.yml");
        Files.writeString(f, Toy.YAML.replace("  ChunkSize: 100\n", "  ChunkSize: 100\n  ShapeNormalisation: reference_and_closure\n"));
        WorkspaceBuilder.build(f, dir.resolve("ws"), BuildOptions.defaults().withThreads(1));
        UnbinnedChannel sr = (UnbinnedChannel) WorkspaceReader.readModel(dir.resolve("ws")).channels().get(0);
        assertEquals(org.ratiofit.likelihood.ShapeNormalisation.REFERENCE_AND_CLOSURE, sr.normalisation());
    }

    static double sumOf(double[] v) {
        double s = 0;
        for (double d : v) s += d;
        return s;
    }

    static TreeMap<String, byte[]> arrays(Path ws) throws IOException {
        TreeMap<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> s = Files.list(ws)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (p.getFileName().toString().endsWith(".npy")) out.put(p.getFileName().toString(), Files.readAllBytes(p));
            }
        }
        return out;
    }

    @Test
    void sameConfigurationGivesByteIdenticalArraysTwiceAndForAnyThreadCount() throws IOException {
        Path cfg = config();
        WorkspaceBuilder.build(cfg, dir.resolve("a"), BuildOptions.defaults().withThreads(1));
        WorkspaceBuilder.build(cfg, dir.resolve("b"), BuildOptions.defaults().withThreads(1));
        // ONNX Runtime's kernels may round differently for other batch shapes, so the chunk size stays
        WorkspaceBuilder.build(cfg, dir.resolve("c"), BuildOptions.defaults().withThreads(3));
        TreeMap<String, byte[]> a = arrays(dir.resolve("a"));
        assertTrue(a.size() >= 8, "columns written: " + a.keySet());
        for (String other : List.of("b", "c")) {
            TreeMap<String, byte[]> b = arrays(dir.resolve(other));
            assertEquals(a.keySet(), b.keySet());
            for (String k : a.keySet()) assertArrayEquals(a.get(k), b.get(k), other + ": " + k);
        }
        assertEquals(Files.readString(dir.resolve("a/workspace.json")), Files.readString(dir.resolve("c/workspace.json")));
    }

    @Test
    void binnedRegionReweightsTheNominalEventsByShapeEnsembles() throws IOException {
        Toy.writeInputs(dir, 9, 300, 2000, 3000);
        Path cfg = dir.resolve("fit.yml");
        Files.writeString(cfg, Toy.YAML.replace("Asimov:\n",
                "  - Name: CR\n    Filter: \"x > 1\"\n    Variable: x\n    Binning: [1.0, 1.8, 2.2, 3.0]\nAsimov:\n"));
        BuildResult res = WorkspaceBuilder.build(cfg, dir.resolve("ws"), BuildOptions.defaults().withThreads(2));
        Model model = WorkspaceReader.readModel(dir.resolve("ws"));
        org.ratiofit.likelihood.BinnedChannel cr = (org.ratiofit.likelihood.BinnedChannel) model.channels().get(1);
        EventTable sig = EventFiles.read(dir.resolve("signal.npz"), null, null);
        double[] sx = sig.column("x"), sw = sig.column("w");
        double[] edges = {1.0, 1.8, 2.2, 3.0};
        double[] nom = new double[3], up = new double[3], down = new double[3];
        for (int i = 0; i < sx.length; i++) {
            if (!(sx[i] > 1) || sx[i] > 3.0) continue;
            int b = sx[i] < 1.8 ? 0 : sx[i] < 2.2 ? 1 : 2;
            nom[b] += sw[i];
            up[b] += sw[i] * Math.exp(Toy.lnGauss(sx[i], Toy.M + Toy.DELTA) - Toy.lnGauss(sx[i], Toy.M));
            down[b] += sw[i] * Math.exp(Toy.lnGauss(sx[i], Toy.M - Toy.DELTA) - Toy.lnGauss(sx[i], Toy.M));
        }
        double tn = sumOf(nom), tu = sumOf(up), td = sumOf(down);
        org.ratiofit.likelihood.Modifier.HistoSys h = (org.ratiofit.likelihood.Modifier.HistoSys) cr.samples().get(0).modifiers().get(1);
        assertEquals("shift", h.parameter());
        assertEquals("0", h.code(), "code1 pairs with the additive code 0");
        for (int b = 0; b < 3; b++) {
            assertEquals(nom[b], cr.samples().get(0).nominal()[b], 1e-9 * tn);
            // the shape only: the varied histogram scaled to the nominal total
            assertEquals(up[b] * tn / tu, h.up()[b], 2e-5 * tn, "up bin " + b);
            assertEquals(down[b] * tn / td, h.down()[b], 2e-5 * tn, "down bin " + b);
        }
        assertTrue(up[2] / tu > nom[2] / tn, "the upward shift moves events into the last bin");
        assertEquals(0, res.channels().get(1).samples().get(0).variations().size(), "a shape-only systematic has no yield effect");
    }
}
