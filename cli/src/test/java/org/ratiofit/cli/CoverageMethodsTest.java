package org.ratiofit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ratiofit.likelihood.Model;
import org.ratiofit.validation.coverage.MinosIntervals;
import org.ratiofit.validation.coverage.ProfileCoverage;
import org.ratiofit.validation.coverage.ScanIntervals;
import org.ratiofit.validation.coverage.ToyInterval;

/**
 * {@code ratiofit coverage --method scan} and {@code --method posterior} on the Gaussian-on-exponential
 * workspace: the scan interval is the MINOS interval within the grid's resolution toy by toy, the
 * numbers do not depend on the thread count, and bad input is refused naming the option and value.
 */
class CoverageMethodsTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final double[] TRUTH = {1, 0, 0};

    @TempDir
    static Path tmp;

    static ToyWorkspace ws;

    @BeforeAll
    static void build() throws Exception {
        ws = ToyWorkspace.write(tmp.resolve("ws"), new double[] {0.3, 0, 0}, 21);
    }

    static JsonNode coverage(String... extra) throws Exception {
        String[] base = {"coverage", ws.dir.toString(), "--truth", "mu=1", "--seed", "4", "--json"};
        String[] all = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        ToyWorkspace.Run r = ToyWorkspace.run(all);
        assertTrue(r.code() == 0 || r.code() == 3, r::toString);
        return JSON.readTree(r.out());
    }

    @ParameterizedTest(name = "toy {0}")
    @ValueSource(longs = {0, 1, 2})
    void scanIntervalIsTheMinosIntervalWithinTheGridResolution(long seed) {
        Model m = ws.model.withPool(null);
        double step = 0.125;
        ToyInterval scan = new ScanIntervals(org.ratiofit.samplers.profile.ProfileScan.grid(-2, 5, 57)).interval(m.pseudoExperiment(TRUTH, seed), "mu",
                ProfileCoverage.LEVELS, seed);
        ToyInterval minos = new MinosIntervals().interval(m.pseudoExperiment(TRUTH, seed), "mu", ProfileCoverage.LEVELS, seed);
        assertTrue(scan.valid() && minos.valid(), scan + " / " + minos);
        for (int l = 0; l < 2; l++) {
            assertEquals(minos.lower()[l], scan.lower()[l], step / 2, "lower end, level " + l);
            assertEquals(minos.upper()[l], scan.upper()[l], step / 2, "upper end, level " + l);
            assertTrue(scan.lower()[l] < scan.estimate() && scan.estimate() < scan.upper()[l]);
        }
        assertEquals(minos.estimate(), scan.estimate(), 0);
    }

    @Test
    void scanCoverageIsTheSameOnOneAndTwoThreads() throws Exception {
        JsonNode one = coverage("--method", "scan", "--grid", "-2:5:29", "--toys", "12", "--threads", "1");
        JsonNode two = coverage("--method", "scan", "--grid", "-2:5:29", "--toys", "12", "--threads", "2");
        assertEquals(one.get("coverage"), two.get("coverage"));
        JsonNode c = one.get("coverage");
        assertEquals("scan", c.get("method").asText());
        assertEquals(29, c.get("methodSettings").get("gridPoints").asInt());
        assertEquals(12, c.get("validToys").asInt() + c.get("invalidToys").asInt());
        assertTrue(c.get("covered").get(1).asInt() >= c.get("covered").get(0).asInt());
        assertTrue(c.get("formatVersion").isInt());
    }

    @Test
    void posteriorCoverageIsTheSameOnOneAndTwoThreadsAndSaysWhatItIs() throws Exception {
        String[] args = {"--method", "posterior", "--toys", "2", "--warmup", "80", "--draws", "80"};
        JsonNode one = coverage(concat(args, "--threads", "1"));
        JsonNode two = coverage(concat(args, "--threads", "2"));
        assertEquals(one.get("coverage"), two.get("coverage"));
        JsonNode c = one.get("coverage");
        assertEquals("posterior", c.get("method").asText());
        assertEquals(80, c.get("methodSettings").get("draws").asInt());
        assertEquals(1, c.get("methodSettings").get("chains").asInt());
        ToyWorkspace.Run text = ToyWorkspace.run(concat(new String[] {"coverage", ws.dir.toString(), "--truth", "mu=1"},
                concat(args, "--threads", "1")));
        assertTrue(text.code() == 0 || text.code() == 3, text::toString);
        assertTrue(text.out().contains("frequentist property of a Bayesian interval"), text::toString);
    }

    @Test
    void anIntervalOffTheGridIsReportedAndCountedBothWays() throws Exception {
        // a grid of +-0.15 around the truth: the intervals (about +-0.27 and +-0.55) run off it
        JsonNode c = coverage("--method", "scan", "--grid", "0.85:1.15:7", "--toys", "6", "--threads", "2").get("coverage");
        assertEquals(6, c.get("invalidReasons").get(ScanIntervals.OFF_GRID).asInt(), c.toString());
        assertEquals(0, c.get("coverageAllToys").get(0).asDouble(), 0);
        ToyWorkspace.Run text = ToyWorkspace.run("coverage", ws.dir.toString(), "--truth", "mu=1", "--method", "scan", "--grid",
                "0.85:1.15:7", "--toys", "6");
        assertTrue(text.out().contains("off the grid"), text::toString);
    }

    static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    void badInputNamesTheOptionAndValue() {
        String w = ws.dir.toString();
        ToyCommandsTest.bad("--method must be minos, scan, neyman or posterior, got 'profile'", "coverage", w, "--truth", "mu=1",
                "--toys", "5", "--method", "profile");
        ToyCommandsTest.bad("--grid 2:4:11 does not contain the truth mu=1.0", "coverage", w, "--truth", "mu=1", "--toys", "5",
                "--method", "scan", "--grid", "2:4:11");
        ToyCommandsTest.bad("--grid -3:4:11 leaves the bounds of 'mu'", "coverage", w, "--truth", "mu=1", "--toys", "5",
                "--method", "scan", "--grid", "-3:4:11");
        ToyCommandsTest.bad("--grid must be FROM:TO:N", "coverage", w, "--truth", "mu=1", "--toys", "5", "--method", "scan",
                "--grid", "0:3");
        ToyCommandsTest.bad("--toys must be at least 1, got 0", "coverage", w, "--truth", "mu=1", "--toys", "0", "--method", "scan");
        ToyCommandsTest.bad("--toys must be at least 1, got 0", "coverage", w, "--truth", "mu=1", "--toys", "0", "--method",
                "posterior");
        ToyCommandsTest.bad("--grid applies to --method scan, not minos", "coverage", w, "--truth", "mu=1", "--toys", "5",
                "--grid", "0:3:11");
        ToyCommandsTest.bad("--chains, --warmup and --draws apply to --method posterior, not scan", "coverage", w, "--truth", "mu=1",
                "--toys", "5", "--method", "scan", "--draws", "50");
        ToyCommandsTest.bad("--master runs the toys of --method neyman on Spark; --method scan", "coverage", w, "--truth", "mu=1",
                "--toys", "5", "--method", "scan", "--master", "local[2]");
        ToyCommandsTest.bad("--draws must be at least 2, got 1", "coverage", w, "--truth", "mu=1", "--toys", "5", "--method",
                "posterior", "--draws", "1");
    }

    /** 200 toys: the 68.3% and 95.4% scan intervals cover within 3 binomial errors (default grid). */
    @Test
    @Tag("slow")
    void scanCoverageOf200ToysIsNominal() throws Exception {
        JsonNode c = coverage("--method", "scan", "--toys", "200").get("coverage");
        System.out.println("coverage --method scan --toys 200 --seed 4: " + summary(c));
        JsonNode minos = coverage("--method", "minos", "--toys", "200").get("coverage");
        System.out.println("coverage --method minos --toys 200 --seed 4: " + summary(minos));
        assertTrue(c.get("validToys").asInt() >= 198, c.toString());
        for (int l = 0; l < 2; l++) {
            assertTrue(Math.abs(c.get("deviation").get(l).asDouble()) <= 3, c.toString());
            // the same toys: the intervals agree within the grid's resolution, so the counts within a toy or two
            assertEquals(minos.get("covered").get(l).asInt(), c.get("covered").get(l).asInt(), 2, minos.toString());
        }
    }

    /**
     * 100 toys of the posterior interval (1 chain, 300 + 300): near-Gaussian likelihood and a flat
     * prior, so near nominal; 4 binomial errors, as nothing requires a Bayesian interval to cover.
     */
    @Test
    @Tag("slow")
    void posteriorCoverageOf100ToysIsNearNominal() throws Exception {
        JsonNode c = coverage("--method", "posterior", "--toys", "100").get("coverage");
        System.out.println("coverage --method posterior --toys 100 --seed 4: " + summary(c));
        assertEquals(100, c.get("validToys").asInt(), c.toString());
        for (int l = 0; l < 2; l++) {
            assertTrue(Math.abs(c.get("deviation").get(l).asDouble()) <= 4, c.toString());
        }
    }

    static String summary(JsonNode c) {
        return "valid " + c.get("validToys") + ", covered " + c.get("covered") + ", coverage " + c.get("coverage") + " +- "
                + c.get("binomialError") + ", deviation " + c.get("deviation") + ", all toys " + c.get("coverageAllToys")
                + ", invalid " + c.get("invalidReasons") + ", divergent " + c.get("divergentTransitions");
    }
}
