package org.ratiofit.workspace.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.DoublePredicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratiofit.likelihood.Model;
import org.ratiofit.likelihood.UnbinnedChannel;
import org.ratiofit.likelihood.workspace.WorkspaceReader;
import org.ratiofit.ratio.data.EventFiles;
import org.ratiofit.ratio.data.EventTable;

/**
 * The manifest's β applied in the build (issue 13): the signal's ensemble has three members, the
 * exact log-ratio offset by c_m = +0.3, 0, −0.2, so member 1 is the one that closes. The member
 * deviations E_m on each region's reference events, the weights exp(−β|E_m|)/Σ and the weighted
 * log-ratio column are recomputed here from the event files and the exact densities.
 */
class MemberWeightsBuildTest {
    static final double[] C = {0.3, 0.0, -0.2};
    static final double CUT = 1.8;

    @TempDir
    Path dir;

    Path config(Double beta) throws IOException {
        Toy.writeInputs(dir, 7, 400, 2000, 4000);
        double[] s = Toy.signalAbc();
        double[][] abc = new double[C.length][];
        for (int m = 0; m < C.length; m++) abc[m] = new double[] {s[0], s[1], s[2] + C[m]};
        ToyModels.distinctRatioEnsemble(dir.resolve("models/S_members"), "x", abc, beta);
        String yaml = Toy.YAML.replace("Ensemble: models/S_vs_B", "Ensemble: models/S_members")
                .replace("""
                          - Name: SR
                            Type: unbinned
                            Filter: "x > 0.5"
                        """, """
                          - Name: SR
                            Type: unbinned
                            Filter: "x > %s"
                          - Name: CR
                            Type: unbinned
                            Filter: "x <= %s"
                        """.formatted(CUT, CUT));
        assertTrue(yaml.contains("Name: CR") && yaml.contains("S_members"), "the toy's YAML changed: update this test");
        Path f = dir.resolve("fit.yml");
        Files.writeString(f, yaml);
        return f;
    }

    /** Σ w over the events x passing {@code in}. */
    static double sum(double[] x, double[] w, DoublePredicate in) {
        double s = 0;
        for (int i = 0; i < x.length; i++) if (in.test(x[i])) s += w[i];
        return s;
    }

    /** Independent recomputation for one region: {ln(fB/fS), E_0, E_1, E_2}. */
    double[] expected(DoublePredicate in) throws IOException {
        EventTable sig = EventFiles.read(dir.resolve("signal.npz"), null, null);
        EventTable bkg = EventFiles.read(dir.resolve("background.csv"), null, null);
        double fS = sum(sig.column("x"), sig.column("w"), in) / sum(sig.column("x"), sig.column("w"), v -> true);
        double fB = sum(bkg.column("x"), bkg.column("w"), in) / sum(bkg.column("x"), bkg.column("w"), v -> true);
        double[] x = bkg.column("x"), w = bkg.column("w");
        double num = 0, den = 0;
        for (int i = 0; i < x.length; i++) {
            if (!in.test(x[i])) continue;
            num += w[i] * Math.exp(Toy.lnGauss(x[i], Toy.M) - Toy.lnExp(x[i])) * fB / fS;
            den += w[i];
        }
        double[] out = new double[1 + C.length];
        out[0] = Math.log(fB / fS);
        for (int m = 0; m < C.length; m++) out[1 + m] = Math.exp(C[m]) * num / den - 1;
        return out;
    }

    static double[] weights(double[] e, double beta) {
        double min = Double.POSITIVE_INFINITY;
        for (int m = 0; m < C.length; m++) min = Math.min(min, Math.abs(e[1 + m]));
        double[] w = new double[C.length];
        double s = 0;
        for (int m = 0; m < C.length; m++) s += w[m] = Math.exp(-beta * (Math.abs(e[1 + m]) - min));
        for (int m = 0; m < C.length; m++) w[m] /= s;
        return w;
    }

    /** Checks build.json's entry for {@code region} and the region's data column against the recomputation. */
    void check(Path ws, JsonNode entries, String region, DoublePredicate in, double beta) throws IOException {
        double[] e = expected(in);
        JsonNode entry = null;
        for (JsonNode n : entries) if (n.get("region").asText().equals(region)) entry = n;
        assertTrue(entry != null, "build.json has member weights for region " + region + ": " + entries);
        assertEquals("S", entry.get("sample").asText());
        assertEquals(beta, entry.get("beta").asDouble());
        double[] w = weights(e, beta);
        for (int m = 0; m < C.length; m++) {
            assertEquals(e[1 + m], entry.get("deviations").get(m).asDouble(), 2e-4, region + " E_" + m);
            assertEquals(w[m], entry.get("weights").get(m).asDouble(), 1e-3, region + " w_" + m);
        }
        double mix = 0;
        for (int m = 0; m < C.length; m++) mix += entry.get("weights").get(m).asDouble() * Math.exp(C[m]);
        Model model = WorkspaceReader.readModel(ws);
        UnbinnedChannel ch = (UnbinnedChannel) model.channels().stream().filter(c -> c.name().equals(region)).findFirst().orElseThrow();
        double[] lr = ch.data().columns().get("S").logRatio();
        EventTable data = EventFiles.read(dir.resolve("data.csv"), null, null);
        int k = 0;
        for (double xi : data.column("x")) {
            if (!in.test(xi)) continue;
            double exact = Toy.lnGauss(xi, Toy.M) - Toy.lnExp(xi) + e[0] + Math.log(mix);
            assertEquals(exact, lr[k], 3e-5 * Math.max(1, Math.abs(exact)), region + " event " + k);
            k++;
        }
        assertEquals(k, ch.data().events());
    }

    JsonNode build(Double beta, String out) throws IOException {
        BuildResult res = WorkspaceBuilder.build(config(beta), dir.resolve(out), BuildOptions.defaults().withThreads(2).withChunkSize(64));
        JsonNode json = new ObjectMapper().readTree(dir.resolve(out).resolve(BuildResult.FILE_NAME).toFile());
        assertEquals(BuildResult.FORMAT_VERSION, json.get("formatVersion").asInt());
        assertEquals(beta == null ? 0 : 2, res.memberWeights().size());
        return json.get("memberWeights");
    }

    @Test
    void largeBetaKeepsTheMemberThatClosesInEachRegion() throws IOException {
        JsonNode entries = build(1e4, "ws");
        for (String region : List.of("SR", "CR")) {
            DoublePredicate in = region.equals("SR") ? v -> v > CUT : v -> v <= CUT;
            double[] e = expected(in);
            // the premise: the unshifted member closes best on these reference events
            assertTrue(Math.abs(e[2]) < Math.abs(e[1]) && Math.abs(e[2]) < Math.abs(e[3]), region + " " + java.util.Arrays.toString(e));
            check(dir.resolve("ws"), entries, region, in, 1e4);
        }
        // the regions' reference events differ, so do their deviations
        assertTrue(Math.abs(entries.get(0).get("deviations").get(1).asDouble() - entries.get(1).get("deviations").get(1).asDouble()) > 1e-6);
    }

    @Test
    void moderateBetaMixesTheMembersByTheirClosure() throws IOException {
        JsonNode entries = build(5.0, "ws");
        check(dir.resolve("ws"), entries, "SR", v -> v > CUT, 5.0);
        check(dir.resolve("ws"), entries, "CR", v -> v <= CUT, 5.0);
    }

    @Test
    void betaZeroIsTheCommittee() throws IOException {
        JsonNode entries = build(0.0, "ws0");
        for (JsonNode n : entries) for (JsonNode w : n.get("weights")) assertEquals(1.0 / 3, w.asDouble(), 1e-15);
        check(dir.resolve("ws0"), entries, "SR", v -> v > CUT, 0.0);
        build(null, "wsc");
        for (String region : List.of("SR", "CR")) {
            double[] a = column(dir.resolve("ws0"), region), b = column(dir.resolve("wsc"), region);
            assertEquals(b.length, a.length);
            for (int i = 0; i < a.length; i++) assertEquals(b[i], a[i], 1e-12 * Math.max(1, Math.abs(b[i])), region + " event " + i);
        }
    }

    /**
     * A signal given by ensemble and Yield alone has no region fraction of its own: its weights
     * are fitted once on every reference event (E_m = e^{c_m} E_ref[r] − 1 over the whole
     * background file) and hold in both regions, whose fraction then comes from the weighted ratio.
     */
    @Test
    void aSampleWithoutEventsIsWeightedOnEveryReferenceEvent() throws IOException {
        Path cfg = config(1e4);
        String yaml = Files.readString(cfg);
        String eventless = yaml.replace("    SamplePath: signal.npz\n    Weight: w\n", "    Yield: 40\n");
        assertTrue(!eventless.equals(yaml), "the toy's YAML changed: update this test");
        Files.writeString(cfg, eventless);
        BuildResult res = WorkspaceBuilder.build(cfg, dir.resolve("ws"), BuildOptions.defaults().withThreads(2).withChunkSize(64));
        assertEquals(1, res.memberWeights().size());
        BuildResult.MemberWeights mw = res.memberWeights().get(0);
        assertEquals("(every reference event)", mw.region());
        EventTable bkg = EventFiles.read(dir.resolve("background.csv"), null, null);
        double[] x = bkg.column("x"), w = bkg.column("w");
        double all = 0, den = 0;
        for (int i = 0; i < x.length; i++) {
            all += w[i] * Math.exp(Toy.lnGauss(x[i], Toy.M) - Toy.lnExp(x[i]));
            den += w[i];
        }
        for (int m = 0; m < C.length; m++) assertEquals(Math.exp(C[m]) * all / den - 1, mw.deviations()[m], 2e-4, "E_" + m);
        assertEquals(1.0, mw.weights()[1], 1e-9);
        // in SR: ln r + ln(F_ref / F_S), F_S the reference events' r-weighted selected fraction
        double sel = 0, selW = 0;
        for (int i = 0; i < x.length; i++) {
            if (x[i] <= CUT) continue;
            sel += w[i] * Math.exp(Toy.lnGauss(x[i], Toy.M) - Toy.lnExp(x[i]));
            selW += w[i];
        }
        double shift = Math.log((selW / den) / (sel / all));
        double[] lr = column(dir.resolve("ws"), "SR");
        EventTable data = EventFiles.read(dir.resolve("data.csv"), null, null);
        int k = 0;
        for (double xi : data.column("x")) {
            if (xi <= CUT) continue;
            double exact = Toy.lnGauss(xi, Toy.M) - Toy.lnExp(xi) + shift;
            assertEquals(exact, lr[k], 3e-5 * Math.max(1, Math.abs(exact)), "SR event " + k);
            k++;
        }
    }

    static double[] column(Path ws, String region) throws IOException {
        Model model = WorkspaceReader.readModel(ws);
        UnbinnedChannel ch = (UnbinnedChannel) model.channels().stream().filter(c -> c.name().equals(region)).findFirst().orElseThrow();
        return ch.data().columns().get("S").logRatio();
    }
}
