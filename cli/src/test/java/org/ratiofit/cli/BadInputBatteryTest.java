package org.ratiofit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratiofit.io.Npy;

/**
 * The crashes a new user's trial found, as command lines: each gives a clear answer (or the right
 * result), names the item, prints no stack trace, and writes or deletes nothing.
 */
class BadInputBatteryTest {

    @TempDir
    static Path tmp;

    static ToyWorkspace ws;

    @BeforeAll
    static void build() throws Exception {
        ws = ToyWorkspace.write(tmp.resolve("ws"), new double[] {1, 0, 0}, 3);
    }

    /** A copy of the toy workspace with one file changed. */
    static Path copy(String name) throws IOException {
        Path d = Files.createDirectories(tmp.resolve(name));
        try (var files = Files.list(ws.dir)) {
            for (Path f : files.toList()) {
                Files.copy(f, d.resolve(f.getFileName()));
            }
        }
        return d;
    }

    static void noTrace(ToyWorkspace.Run r) {
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), r::toString);
    }

    /** Runs and asserts that nothing under tmp was written or deleted. */
    static ToyWorkspace.Run run(String... args) throws IOException {
        Map<String, String> before = Analysis.fingerprint(tmp);
        ToyWorkspace.Run r = ToyWorkspace.run(args);
        assertEquals(before, Analysis.fingerprint(tmp), "wrote or deleted something: " + r);
        noTrace(r);
        return r;
    }

    @Test
    void inspectOnAShortLogRatioColumnSaysWhich() throws IOException {
        Path d = copy("short-column");
        double[] v = Npy.read(d.resolve("SR.data.signal.log_ratio.npy")).asDoubles();
        Npy.write(d.resolve("SR.data.signal.log_ratio.npy"), Arrays.copyOf(v, v.length - 1));
        ToyWorkspace.Run r = run("inspect", d.toString());
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("SR.data.signal.log_ratio.npy has " + (v.length - 1) + " values but the data has " + v.length),
                r::toString);
        BadInputTest.oneLine(run("fit", d.toString()), 1, "SR.data.signal.log_ratio.npy", "length " + (v.length - 1));
    }

    @Test
    void aStartPointWithNegativeDensityIsNamedWithTheEventCount() throws IOException {
        ToyWorkspace.Run r = run("fit", ws.dir.toString(), "--set", "mu=-2");
        BadInputTest.oneLine(r, 1, "-ln L", "+inf at the starting point mu = -1.", "mixture density", "<= 0", "of 1049 events", "--eval");
        assertFalse(r.err().contains("NaN"), r::toString);
    }

    @Test
    void aScanComputesEveryFinitePointAndMarksTheOthers() throws IOException {
        // at mu = -2 with the nuisance parameters frozen (stat-only) the density is <= 0 at some events
        ToyWorkspace.Run r = run("scan", ws.dir.toString(), "--range", "-2:3", "--points", "11", "--json");
        assertEquals(0, r.code(), r::toString);
        JsonNode root = new ObjectMapper().readTree(r.out());
        int bad = 0;
        for (String key : new String[] {"scan", "statOnly"}) {
            JsonNode scan = root.path(key);
            for (int i = 0; i < scan.path("q").size(); i++) {
                JsonNode q = scan.path("q").get(i);
                if (q.isNumber()) {
                    assertTrue(q.asDouble() >= -1e-3, r::toString);
                } else {
                    bad++;
                    assertFalse(scan.path("valid").get(i).asBoolean(), r::toString);
                }
            }
        }
        assertEquals(1, bad, r::toString);
        assertTrue(root.path("scan").path("q").get(0).asDouble() > 100, "the profile at mu = -2 is computed: " + r);
        ToyWorkspace.Run text = run("scan", ws.dir.toString(), "--range", "-2:3", "--points", "11");
        assertTrue(text.out().contains("-ln L is not finite here"), text::toString);
    }

    @Test
    void everyParameterFixedOrEvalPrintsTheValueAndGradient() throws IOException {
        ToyWorkspace.Run r = run("fit", ws.dir.toString(), "--fix", "mu=1,alpha_shift=0,alpha_bkg=0", "--json");
        assertEquals(0, r.code(), r::toString);
        JsonNode e = new ObjectMapper().readTree(r.out()).path("evaluation");
        double[] x = {1, 0, 0};
        // the workspace's -ln L differs from the toy's textbook one by a constant: compare gradients
        double[] g = new double[3];
        ws.model.valueAndGradient(x, g);
        assertEquals(ws.model.value(x), e.path("nll").asDouble(), 1e-9 * Math.abs(ws.model.value(x)));
        org.ratiofit.objective.Objective exact = ws.exact();
        double[] ge = new double[3];
        exact.valueAndGradient(x, ge);
        for (int i = 0; i < 3; i++) {
            assertEquals(ge[i], e.path("parameters").get(i).path("gradient").asDouble(), 1e-6 * (1 + Math.abs(ge[i])), "gradient " + i);
        }
        ToyWorkspace.Run ev = run("fit", ws.dir.toString(), "--eval", "--set", "mu=0.5");
        assertEquals(0, ev.code(), ev::toString);
        assertTrue(ev.out().contains("-ln L = ") && ev.out().contains("d(-ln L)/d parameter"), ev::toString);
        ToyWorkspace.Run bad = run("fit", ws.dir.toString(), "--eval", "--set", "mu=-2");
        assertEquals(3, bad.code(), bad::toString);
        assertTrue(bad.out().contains("is <= 0") && bad.out().contains("events"), bad::toString);
    }

    @Test
    void aWorkspaceWithoutParametersOrChannelsIsNamed() throws IOException {
        for (String field : new String[] {"parameters", "channels"}) {
            Path d = copy("empty-" + field);
            JsonNode root = new ObjectMapper().readTree(d.resolve("workspace.json").toFile());
            ((com.fasterxml.jackson.databind.node.ObjectNode) root).putArray(field);
            new ObjectMapper().writeValue(d.resolve("workspace.json").toFile(), root);
            BadInputTest.oneLine(run("fit", d.toString()), 1, "workspace.json", "'" + field + "' is empty");
        }
    }

    @Test
    void extremeButFiniteColumnsAreRefusedNamingTheColumnAndEvent() throws IOException {
        Path d = copy("extreme");
        double[] v = Npy.read(d.resolve("SR.data.signal.log_ratio.npy")).asDoubles();
        v[7] = 800;
        Npy.write(d.resolve("SR.data.signal.log_ratio.npy"), v);
        BadInputTest.oneLine(run("sample", d.toString(), "--draws", "10", "--warmup", "10"), 1, "SR.data.signal.log_ratio.npy",
                "log-ratio 800.0 at index 7", "|ln r| <= 500");
    }

    @Test
    void negativeDataWeightsAreRefusedAndZeroWeightsWarned() throws IOException {
        Path dir = tmp.resolve("weights");
        Path cfg = Analysis.write(dir);
        double[] x = org.ratiofit.ratio.data.EventFiles.read(dir.resolve("data.csv"), null, null).column("x");
        double[] w = new double[x.length];
        Arrays.fill(w, 1);
        w[5] = -1;
        w[9] = 0;
        Map<String, double[]> cols = new java.util.LinkedHashMap<>();
        cols.put("x", x);
        cols.put("w", w);
        org.ratiofit.ratio.data.EventFiles.write(dir.resolve("data-w.csv"), new org.ratiofit.ratio.data.EventTable("d", cols), null);
        Files.writeString(cfg, BuildCommandTest.YAML.replace("SamplePath: data.csv}", "SamplePath: data-w.csv, Weight: w}"));
        Path out = tmp.resolve("ws-weights");
        BadInputTest.oneLine(run("build", cfg.toString(), "-o", out.toString()), 1, "data sample 'data'", "weight column 'w'", "-1.0",
                "event 5 (counted from 0)", "negative");
        w[5] = 1;
        org.ratiofit.ratio.data.EventFiles.write(dir.resolve("data-w.csv"), new org.ratiofit.ratio.data.EventTable("d", cols), null);
        ToyWorkspace.Run ok = ToyWorkspace.run("build", cfg.toString(), "-o", out.toString());
        assertEquals(0, ok.code(), ok::toString);
        assertTrue(ok.out().contains("warning: data sample 'data': 1 events have weight 0"), ok::toString);
    }

    @Test
    void aModelThatDoesNotCloseIsWarnedAtBuild() throws IOException {
        Path good = tmp.resolve("closes");
        ToyWorkspace.Run r = ToyWorkspace.run("build", Analysis.write(good).toString(), "-o", good.resolve("ws").toString());
        assertEquals(0, r.code(), r::toString);
        assertFalse(r.out().contains("does not close"), r::toString);
        // ln r off by +0.5: the reweighted reference gives e^0.5 = 1.65 times the yield
        Path bad = tmp.resolve("not-closing");
        r = ToyWorkspace.run("build", Analysis.write(bad, 0.5).toString(), "-o", bad.resolve("ws").toString());
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("warning: channel 'SR': sample 'S': the reference events reweighted by its ratio give a yield")
                && r.out().contains("does not close"), r::toString);
    }

    @Test
    void clippedLogRatiosAreCountedByInspect() throws IOException {
        Path d = copy("clipped");
        double[] v = Npy.read(d.resolve("SR.data.signal.log_ratio.npy")).asDoubles();
        int clipped = 0;
        for (int i = 0; i < v.length; i++) {
            if (v[i] < -3) {
                v[i] = -20.72;
                clipped++;
            }
        }
        assertTrue(clipped >= 3, "the toy has events far from the peak");
        Npy.write(d.resolve("SR.data.signal.log_ratio.npy"), v);
        ToyWorkspace.Run r = run("inspect", d.toString());
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("sample 'signal': " + clipped + " events clipped at ln r = -20.72 (the model's lower limit) of "
                + v.length + " data events"), r::toString);
        assertFalse(run("inspect", ws.dir.toString()).out().contains("clipped"));
    }

    @Test
    void asimovSetsFitBackAndRatiosThatDoNotCloseAreNamedByValidate() throws IOException {
        // the signal's ratio on the reference events renormalised so that sum_ref w r = 1 exactly: the Asimov set closes
        Path d = copy("closing");
        double[] lr = Npy.read(d.resolve("SR.reference.signal.log_ratio.npy")).asDoubles();
        double[] w = referenceWeights(d, lr.length);
        double sw = 0;
        double swr = 0;
        for (int i = 0; i < lr.length; i++) {
            sw += w[i];
            swr += w[i] * Math.exp(lr[i]);
        }
        double shift = Math.log(sw / swr);
        for (int i = 0; i < lr.length; i++) {
            lr[i] += shift;
        }
        Npy.write(d.resolve("SR.reference.signal.log_ratio.npy"), lr);
        ToyWorkspace.Run ok = run("significance", d.toString(), "--json", "--fix", "alpha_shift=0");
        assertEquals(0, ok.code(), ok::toString);
        JsonNode c = new ObjectMapper().readTree(ok.out()).path("asimovClosure");
        assertTrue(c.path("closes").asBoolean(), ok::toString);
        assertEquals(1.0, c.path("injected").asDouble());
        assertEquals(1.0, c.path("muHat").asDouble(), 0.01 * c.path("error").asDouble(), ok::toString);
        assertFalse(run("limit", d.toString(), "--fix", "alpha_shift=0").out().contains("warning: the Asimov"));

        // then scaled by e^0.5: sum_ref w r = 1.65, the signal's ratio does not close on the reference.
        // Asimov data are the expectation on the reference events and are fitted with the closure
        // normalisation, so they still give back their point; validate --workspace names the sample.
        for (int i = 0; i < lr.length; i++) {
            lr[i] += 0.5;
        }
        Npy.write(d.resolve("SR.reference.signal.log_ratio.npy"), lr);
        ToyWorkspace.Run bad = run("limit", d.toString(), "--fix", "alpha_shift=0", "--json");
        assertEquals(0, bad.code(), bad::toString);
        JsonNode b = new ObjectMapper().readTree(bad.out()).path("asimovClosure");
        assertTrue(b.path("closes").asBoolean(), b::toString);
        assertEquals(0, b.path("muHat").asDouble(), 0.01 * b.path("error").asDouble(), b::toString);
        ToyWorkspace.Run v = run("validate", "--workspace", d.toString(), "--json");
        assertEquals(3, v.code(), v::toString);
        JsonNode rows = new ObjectMapper().readTree(v.out()).path("workspaceNormalisation").path("samples");
        JsonNode sig = rows.get(0);
        assertEquals("signal", sig.path("sample").asText(), v::toString);
        assertFalse(sig.path("passed").asBoolean(), v::toString);
        assertEquals(1.65, sig.path("reweightedYield").asDouble() / sig.path("storedYield").asDouble(), 0.02, v::toString);
    }

    /** The reference weights of the toy's channel (1 each when the workspace stores none). */
    static double[] referenceWeights(Path d, int n) throws IOException {
        try (var files = Files.list(d)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (name.contains("reference") && name.contains("weight")) {
                    return Npy.read(f).asDoubles();
                }
            }
        }
        double[] w = new double[n];
        Arrays.fill(w, 1);
        return w;
    }

    @Test
    void validateWithoutReferenceEventsSaysWhatItCouldNotCheck() throws IOException {
        Path d = copy("no-reference");
        JsonNode root = new ObjectMapper().readTree(d.resolve("workspace.json").toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) root.path("channels").get(0)).remove("reference");
        new ObjectMapper().writeValue(d.resolve("workspace.json").toFile(), root);
        ToyWorkspace.Run r = run("validate", "--workspace", d.toString());
        assertEquals(3, r.code(), r::toString);
        assertFalse(r.out().contains("all checks passed"), r::toString);
        assertTrue(r.out().contains("NOTHING CHECKED: the normalisation of channel 'SR' (the workspace stores no reference events for it)"),
                r::toString);
        ToyWorkspace.Run full = run("validate", "--workspace", ws.dir.toString());
        assertTrue(full.out().contains("all checks passed") || full.out().contains("FAILED"), full::toString);
    }

    @Test
    void unweightedCsvSamplesBuild() throws IOException {
        Path dir = tmp.resolve("unweighted");
        Path cfg = Analysis.write(dir);
        double[] x = org.ratiofit.ratio.data.EventFiles.read(dir.resolve("signal.csv"), null, null).column("x");
        org.ratiofit.ratio.data.EventFiles.write(dir.resolve("signal-nw.csv"), BuildCommandTest.table(x, 0), null);
        // no Weight column and no selection: the pass over the signal file reads no column at all
        Files.writeString(cfg, BuildCommandTest.YAML.replace("SamplePath: signal.csv, Weight: w,", "SamplePath: signal-nw.csv,")
                .replace("  - {Name: SR, Filter: \"x > 0.5\"}", "  - {Name: SR}"));
        ToyWorkspace.Run r = ToyWorkspace.run("build", cfg.toString(), "-o", dir.resolve("ws").toString(), "--json");
        assertEquals(0, r.code(), r::toString);
        noTrace(r);
        JsonNode sr = new ObjectMapper().readTree(r.out()).path("build").path("channels").get(0);
        assertEquals("S", sr.path("samples").get(0).path("name").asText());
        assertEquals(x.length, sr.path("samples").get(0).path("nominal").asDouble(), 1e-9, "unit weights: the yield is the count");
    }

    @Test
    void buildJsonFromHdf5IsValidJsonWithLibraryLogsOnStandardError() throws Exception {
        Path dir = tmp.resolve("hdf5");
        Path cfg = Analysis.write(dir);
        org.ratiofit.ratio.data.EventTable data = org.ratiofit.ratio.data.EventFiles.read(dir.resolve("data.csv"), null, null);
        org.ratiofit.ratio.data.EventFiles.write(dir.resolve("data.h5"), data, null);
        Files.writeString(cfg, BuildCommandTest.YAML.replace("SamplePath: data.csv}", "SamplePath: data.h5}"));
        ToyWorkspace.Run r = ToyWorkspace.run("build", cfg.toString(), "-o", dir.resolve("ws").toString(), "--json");
        assertEquals(0, r.code(), r::toString);
        assertEquals("build", new ObjectMapper().readTree(r.out()).path("command").asText(), r::toString);
        // jHDF's own simplelogger.properties sends INFO to standard output; the command line overrides it
        // (slf4j reads these once per JVM, at its first logger: a fresh ratiofit process gets them)
        assertEquals("System.err", System.getProperty(Logging.LOG_FILE));
        assertEquals("warn", System.getProperty(Logging.LEVEL));
    }

    @Test
    void messagesCountLinesAndEventsAlikeAndNameOptionsAndTypesAsSpelled() throws IOException {
        Path dir = tmp.resolve("messages");
        Path cfg = Analysis.write(dir);
        // CSV: the line as an editor counts it and the event from 0 (header on line 1: event 4 is on line 6)
        java.util.List<String> lines = new java.util.ArrayList<>(Files.readAllLines(dir.resolve("data.csv")));
        lines.set(5, "abc");
        Files.write(dir.resolve("data.csv"), lines);
        BadInputTest.oneLine(run("build", cfg.toString(), "-o", dir.resolve("ws").toString()), 1, "data.csv",
                "line 6 (event 4, counted from 0)", "'abc' is not a number");
        // the configuration's own spelling of a systematic's type
        Files.writeString(cfg, BuildCommandTest.YAML.replace("Regions:",
                "  - Name: shp\n    Type: NormPlusShape\n    Up: [{SampleName: S, Yield: 1.05}]\nRegions:"));
        ToyWorkspace.Run r = ToyWorkspace.run("build", cfg.toString(), "-o", dir.resolve("ws").toString());
        assertEquals(1, r.code(), r::toString);
        assertTrue(r.err().contains("Type: NormPlusShape systematic needs Up and Dn"), r::toString);
        noTrace(r);
        // validate's closure settings: the bad one by its option
        Files.writeString(cfg, BuildCommandTest.YAML);
        BadInputTest.oneLine(run("validate", "--workspace", ws.dir.toString(), "--n-sigma", "-1"), 2, "--n-sigma", "-1");
    }
}
