package org.ratiofit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratiofit.likelihood.ModelBuilder;
import org.ratiofit.likelihood.Parameter;
import org.ratiofit.likelihood.workspace.WorkspaceWriter;

/**
 * The toy-based commands on the Gaussian-on-exponential workspace: limit --toys, significance
 * --toys, scan --neyman, coverage and merge-toys; identical numbers for any thread count and for a
 * study split into ranges and merged; clear errors for bad input.
 */
class ToyCommandsTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;

    static ToyWorkspace ws;

    @BeforeAll
    static void build() throws Exception {
        ws = ToyWorkspace.write(tmp.resolve("ws"), new double[] {0.3, 0, 0}, 21);
    }

    static JsonNode json(ToyWorkspace.Run r) throws Exception {
        assertTrue(r.code() == 0 || r.code() == 3, r::toString);
        return JSON.readTree(r.out());
    }

    static String[] limitArgs(String... extra) {
        String[] base = {"limit", ws.dir.toString(), "--toys", "24", "--grid", "0.7:2.1:3", "--seed", "9", "--json"};
        String[] all = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return all;
    }

    @Test
    void toyLimitIsTheSameOnAnyThreadCountAndWhenSplitAndMerged() throws Exception {
        JsonNode one = json(ToyWorkspace.run(limitArgs("--threads", "1")));
        JsonNode two = json(ToyWorkspace.run(limitArgs("--threads", "2")));
        assertEquals(one.get("limit"), two.get("limit"));
        JsonNode limit = one.get("limit");
        assertEquals(3, limit.get("points").size());
        for (JsonNode p : limit.get("points")) {
            double cls = p.get("cls").asDouble();
            assertTrue(cls >= 0 && cls <= 1.5, p.toString());
            assertTrue(p.get("clsError").asDouble() >= 0, p.toString());
            assertEquals(24, p.get("sbToys").asInt() + p.get("invalidToys").asInt());
        }
        // CLs falls with mu, and the asymptotic companion is there
        assertTrue(limit.get("points").get(0).get("cls").asDouble() > limit.get("points").get(2).get("cls").asDouble());
        assertTrue(limit.get("asymptoticLimit").isNumber());

        Path p0 = tmp.resolve("part0.json");
        Path p1 = tmp.resolve("part1.json");
        ToyWorkspace.Run a = ToyWorkspace.run(limitArgs("--toy-range", "15:24", "--save-toys", p1.toString()));
        ToyWorkspace.Run b = ToyWorkspace.run(limitArgs("--toy-range", "0:15", "--save-toys", p0.toString(), "--threads", "1"));
        assertTrue(a.code() == 0 || a.code() == 3, a::toString);
        assertTrue(b.code() == 0 || b.code() == 3, b::toString);
        Path merged = tmp.resolve("merged.json");
        Path rep = tmp.resolve("merged-report");
        JsonNode m = json(ToyWorkspace.run("merge-toys", p0.toString(), p1.toString(), "-o", merged.toString(), "--json",
                "--report", rep.toString()));
        assertEquals(one.get("limit"), m.get("limit"), "merged ranges = one run");
        assertTrue(Files.isRegularFile(merged));
        assertTrue(Files.isRegularFile(rep.resolve("toys_cls_mu.png")));
        assertTrue(Files.isRegularFile(rep.resolve("toys_distribution_mu.png")));
        // bisection: two more points inside the bracket of the grid's crossing
        JsonNode refined = json(ToyWorkspace.run(limitArgs("--refine", "2")));
        assertEquals(one.get("limit"), refined.get("limit"), "the grid's toys are unchanged by refinement");
        assertEquals(2, refined.get("refinement").get("points").size());
        double lo = refined.get("refinement").get("bracketLow").asDouble();
        double hi = refined.get("refinement").get("bracketHigh").asDouble();
        assertEquals(0.7 / 4, hi - lo, 1e-9, refined.get("refinement").toString());
        // a gap is refused
        ToyWorkspace.Run gap = ToyWorkspace.run("merge-toys", p1.toString());
        assertTrue(gap.code() == 0 || gap.code() == 3, "one part alone is a (partial) study: " + gap);
        Path p2 = tmp.resolve("part2.json");
        ToyWorkspace.run(limitArgs("--toy-range", "20:24", "--save-toys", p2.toString()));
        ToyWorkspace.Run overlap = ToyWorkspace.run("merge-toys", p1.toString(), p2.toString());
        assertEquals(2, overlap.code(), overlap::toString);
        assertTrue(overlap.err().contains("overlap"), overlap::toString);
        // another seed is another study
        Path other = tmp.resolve("other.json");
        ToyWorkspace.run("limit", ws.dir.toString(), "--toys", "24", "--grid", "0.7:2.1:3", "--seed", "10", "--json",
                "--toy-range", "0:15", "--save-toys", other.toString());
        ToyWorkspace.Run foreign = ToyWorkspace.run("merge-toys", other.toString(), p1.toString());
        assertEquals(2, foreign.code(), foreign::toString);
        assertTrue(foreign.err().contains("another study"), foreign::toString);
    }

    @Test
    void toySignificanceNeverPrintsZero() throws Exception {
        JsonNode s = json(ToyWorkspace.run("significance", ws.dir.toString(), "--toys", "30", "--json")).get("significance");
        assertTrue(s.get("asymptoticPValue").asDouble() > 0);
        if (s.get("resolved").asBoolean()) {
            assertTrue(s.get("pValue").asDouble() > 0);
        } else {
            assertTrue(s.get("pValueUpperBound").asDouble() > 0);
        }
        ToyWorkspace.Run text = ToyWorkspace.run("significance", ws.dir.toString(), "--toys", "30");
        assertEquals(0, text.code(), text::toString);
        assertFalse(text.out().matches("(?s).*toys \\(0 of.*\\b0\\.0+\\b.*"), text::toString);
        assertTrue(text.out().contains("asymptotic"), text::toString);
    }

    @Test
    void neymanScanGivesTheBeltAndBothIntervals() throws Exception {
        Path rep = tmp.resolve("belt");
        ToyWorkspace.Run r = ToyWorkspace.run("scan", ws.dir.toString(), "--neyman", "--toys", "20", "--range", "-0.5:1.5",
                "--points", "4", "--cl", "0.683", "--json", "--report", rep.toString());
        JsonNode n = json(r).get("neyman");
        JsonNode level = n.get("levels").get(0);
        assertEquals(4, level.get("criticalValues").size());
        assertTrue(level.get("lower").asDouble() < level.get("upper").asDouble(), n.toString());
        assertTrue(level.get("asymptoticLower").asDouble() < n.get("observedMuHat").asDouble(), n.toString());
        assertTrue(Files.isRegularFile(rep.resolve("neyman_belt_mu.png")));
    }

    @Test
    void coverageCommandCountsNeymanAndAsymptoticCoverage() throws Exception {
        JsonNode c = json(ToyWorkspace.run("coverage", ws.dir.toString(), "--truth", "mu=1", "--toys", "20", "--belt-toys", "30",
                "--method", "neyman", "--cl", "0.683", "--json")).get("coverage");
        assertEquals(20, c.get("coverageToys").asInt());
        double cov = c.get("coverage").get(0).asDouble();
        assertTrue(cov > 0.3 && cov <= 1, c.toString());
    }

    static void bad(String expected, String... args) {
        ToyWorkspace.Run r = ToyWorkspace.run(args);
        assertEquals(2, r.code(), r::toString);
        assertTrue(r.err().contains(expected), () -> "expected '" + expected + "' in\n" + r);
    }

    @Test
    void badInputGivesOneClearLine() throws Exception {
        String w = ws.dir.toString();
        bad("--toys must be at least 1, got 0", "limit", w, "--toys", "0", "--grid", "0:1:3");
        bad("--seed must be a non-negative integer, got -3", "limit", w, "--toys", "5", "--grid", "0.1:1:3", "--seed", "-3");
        bad("--seed must be a non-negative integer, got 'abc'", "significance", w, "--toys", "5", "--seed", "abc");
        bad("need finite FROM < TO", "limit", w, "--toys", "5", "--grid", "1:0.5:3");
        bad("--grid must be FROM:TO:N", "limit", w, "--toys", "5", "--grid", "0:1");
        bad("--toys needs --grid", "limit", w, "--toys", "5");
        bad("--refine needs the whole study", "limit", w, "--toys", "5", "--grid", "0.1:1:3", "--refine", "2", "--toy-range", "0:2",
                "--save-toys", "x.json");
        bad("give --save-toys", "limit", w, "--grid", "0.1:1:3", "--toy-range", "0:5");
        bad("--toy-range must be FROM:TO", "limit", w, "--grid", "0.1:1:3", "--toy-range", "5", "--save-toys", "x.json");
        bad("does not contain the best fit", "scan", w, "--neyman", "--toys", "5", "--range", "2:3", "--points", "3");
        bad("--neyman needs --toys", "scan", w, "--neyman", "--range", "0:1", "--points", "3");
        bad("distributed engine", "limit", w, "--toys", "5", "--grid", "0.1:1:3", "--master", "local[2]");
        bad("--method must be minos, scan, neyman or posterior, got 'bayes'", "coverage", w, "--truth", "mu=1", "--toys", "5", "--method", "bayes");
        bad("--truth must give the parameter of interest", "coverage", w, "--truth", "alpha_bkg=0", "--toys", "5");

        // a workspace whose unbinned channel has no reference events
        ModelBuilder b = new ModelBuilder().parameter(Parameter.poi("mu", 1, -2, 10));
        b.unbinned("SR", 3).sample("signal", 5, new double[] {0.1, 0.2, 0.3}).normFactor("mu").end()
                .sample("background", 10, new double[3]).end().end();
        Path noRef = tmp.resolve("no-reference");
        WorkspaceWriter.write(b.build(), noRef);
        bad("reference events", "limit", noRef.toString(), "--toys", "5", "--grid", "0.1:1:3");
        bad("reference events", "significance", noRef.toString(), "--toys", "5");
    }
}
