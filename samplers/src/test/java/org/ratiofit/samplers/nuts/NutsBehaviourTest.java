package org.ratiofit.samplers.nuts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.commons.math3.stat.inference.ChiSquareTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratiofit.objective.Objective;
import org.ratiofit.objective.ParameterSpec;
import org.ratiofit.samplers.nuts.diagnostics.PosteriorSummary;

/** Divergences, calibration, reproducibility and output of the sampler. */
class NutsBehaviourTest {

    @Test
    void nealsFunnelDivergencesAreDetectedAndReported(@TempDir Path dir) throws IOException {
        NutsResult r = NutsSampler.sample(TestModels.funnel(9), NutsSettings.defaults().seed(1).quiet(true));
        PosteriorSummary s = r.summary();
        assertTrue(r.divergences() > 0, "the funnel's neck must produce divergent transitions");
        assertEquals(r.divergences(), s.divergences());
        assertTrue(s.warnings().stream().anyMatch(w -> w.contains("diverged")), "warnings: " + s.warnings());
        assertTrue(s.toText().contains("WARNING"), s.toText());
        // the funnel also shows its other symptoms: poor energy exploration and unmixed chains on v
        assertTrue(s.warnings().stream().anyMatch(w -> w.contains("E-BFMI")), "warnings: " + s.warnings());
        assertTrue(s.parameter("v").rhat() > 1.01, "R-hat of v " + s.parameter("v").rhat());
        List<Path> files = r.writeCsv(dir, "funnel");
        long flagged = 0;
        for (Path f : files) {
            List<String> rows = Files.readAllLines(f).stream().filter(l -> !l.startsWith("#") && !l.startsWith("lp__")).toList();
            flagged += rows.stream().filter(l -> l.split(",")[5].equals("1")).count();
        }
        assertEquals(r.divergences(), flagged, "divergent__ column of the CSV");
    }

    @Test
    void simulationBasedCalibrationOnAConjugateModel() {
        // theta ~ N(0, 1), y_1..5 ~ N(theta, 1): rank of the true theta among 99 thinned draws is uniform on 0..99 (400 replications)
        int reps = 400;
        int draws = 99;
        int[] counts = new int[10];
        Random truthRng = new Random(2024);
        for (int rep = 0; rep < reps; rep++) {
            double theta = truthRng.nextGaussian();
            double[] y = new double[5];
            for (int i = 0; i < y.length; i++) {
                y[i] = theta + truthRng.nextGaussian();
            }
            NutsResult r = NutsSampler.sample(TestModels.knownSigmaMean(y, 1), Map.of("theta", Prior.normal(0, 1)),
                    NutsSettings.defaults().chains(1).warmup(200).samples(draws).thin(5).seed(rep).quiet(true).threads(1));
            int rank = 0;
            for (double v : r.pooled("theta")) {
                if (v < theta) {
                    rank++;
                }
            }
            counts[rank * 10 / (draws + 1)]++;
        }
        double[] expected = new double[10];
        long[] observed = new long[10];
        for (int b = 0; b < 10; b++) {
            expected[b] = reps / 10.0;
            observed[b] = counts[b];
        }
        double p = new ChiSquareTest().chiSquareTest(expected, observed);
        assertTrue(p > 0.01, "SBC rank histogram not uniform: p = " + p + ", counts " + java.util.Arrays.toString(counts));
    }

    @Test
    void sameSeedGivesIdenticalDrawsWhateverTheThreadCount() {
        Objective nll = TestModels.normalMuSigma(TestModels.normalData(12, 0.5, 1.5, 3));
        NutsSettings base = NutsSettings.defaults().chains(4).warmup(150).samples(100).seed(99).quiet(true);
        NutsResult one = NutsSampler.sample(nll, base.copy().threads(1));
        NutsResult four = NutsSampler.sample(nll, base.copy().threads(4));
        NutsResult other = NutsSampler.sample(nll, base.copy().threads(2).seed(100));
        for (int c = 0; c < 4; c++) {
            for (int k = 0; k < 2; k++) {
                assertArrayEquals(one.chains().get(c).draws()[k], four.chains().get(c).draws()[k], "chain " + c + " param " + k);
            }
            assertArrayEquals(one.chains().get(c).energy(), four.chains().get(c).energy());
        }
        assertFalse(java.util.Arrays.equals(one.chains().get(0).draws()[0], other.chains().get(0).draws()[0]),
                "a different seed must give different draws");
        assertFalse(java.util.Arrays.equals(one.chains().get(0).draws()[0], one.chains().get(1).draws()[0]),
                "chains must use different random streams");
    }

    @Test
    void cmdStanCsvLayoutAndSummaryJson(@TempDir Path dir) throws IOException {
        Objective nll = TestModels.normalMuSigma(TestModels.normalData(12, 0.5, 1.5, 3));
        AtomicLong last = new AtomicLong();
        NutsResult r = NutsSampler.sample(new PosteriorDensity(nll), NutsSettings.defaults().chains(2).warmup(100).samples(50)
                .seed(1).quiet(true), (done, total) -> last.set(done));
        assertEquals(2 * 150, last.get(), "progress listener reaches the total");
        List<Path> files = r.writeCsv(dir, "run");
        assertEquals(2, files.size());
        List<String> lines = Files.readAllLines(files.get(1));
        int header = lines.indexOf("lp__,accept_stat__,stepsize__,treedepth__,n_leapfrog__,divergent__,energy__,mu,sigma");
        assertTrue(header > 0, "CmdStan header line");
        assertEquals("# Adaptation terminated", lines.get(header + 1));
        assertTrue(lines.get(header + 2).startsWith("# Step size = "));
        assertEquals("# Diagonal elements of inverse mass matrix:", lines.get(header + 3));
        assertEquals(2, lines.get(header + 4).substring(2).split(", ").length);
        List<String> rows = lines.stream().skip(header + 1).filter(l -> !l.startsWith("#")).toList();
        assertEquals(50, rows.size());
        ChainResult ch = r.chains().get(1);
        for (int i = 0; i < rows.size(); i++) {
            String[] f = rows.get(i).split(",");
            assertEquals(9, f.length);
            assertEquals(ch.lp()[i], Double.parseDouble(f[0]));
            assertEquals(ch.stepSize(), Double.parseDouble(f[2]));
            assertEquals(ch.treeDepth()[i], Integer.parseInt(f[3]));
            assertEquals(ch.nLeapfrog()[i], Integer.parseInt(f[4]));
            assertEquals(ch.draws()[0][i], Double.parseDouble(f[7]));
            assertEquals(ch.draws()[1][i], Double.parseDouble(f[8]));
            assertTrue(ch.draws()[1][i] > 0, "sigma stays positive");
        }
        assertTrue(lines.stream().anyMatch(l -> l.contains("Elapsed Time")));

        JsonNode json = new ObjectMapper().readTree(r.summary().toJson());
        assertEquals(PosteriorSummary.FORMAT_VERSION, json.get("formatVersion").asInt());
        assertEquals("mu", json.get("parameters").get(0).get("name").asText());
        assertTrue(json.get("parameters").get(1).has("essTail"));
        JsonNode whole = new ObjectMapper().readTree(r.toJson());
        assertEquals(2, whole.get("chains").size());
        assertEquals(ch.draws()[1][3], whole.get("chains").get(1).get("draws").get(1).get(3).asDouble());
        assertEquals(100, whole.get("settings").get("warmup").asInt());
        String text = r.summary().toText();
        assertTrue(text.contains("R-hat") && text.contains("sigma"), text);
    }

    @Test
    void unitMetricAndShortWarmupFallback() {
        Objective nll = TestModels.knownSigmaMean(new double[] {0.3, -0.2, 1.1}, 1);
        NutsResult r = NutsSampler.sample(nll, NutsSettings.defaults().chains(1).warmup(100).samples(10).quiet(true));
        assertTrue(r.chains().get(0).notes().get(0).contains("init_buffer = 15, adapt_window = 75, term_buffer = 10"),
                r.chains().get(0).notes().toString());
        NutsResult unit = NutsSampler.sample(nll, NutsSettings.defaults().chains(1).warmup(100).samples(10).quiet(true)
                .metric(NutsSettings.Metric.UNIT));
        assertArrayEquals(new double[] {1.0}, unit.chains().get(0).inverseMetricDiagonal());
    }

    @Test
    void badInputIsRejectedWithAClearMessage() {
        Objective nll = TestModels.knownSigmaMean(new double[] {0.3}, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NutsSampler.sample(nll, NutsSettings.defaults().delta(1.2)));
        assertTrue(e.getMessage().contains("delta"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new PosteriorDensity(nll, Map.of("nope", Prior.flat())));
        assertTrue(e.getMessage().contains("nope"), e.getMessage());
        Objective bounded = TestModels.constant(List.of(ParameterSpec.bounded("s", 1, 1, 0, 2)));
        e = assertThrows(IllegalArgumentException.class, () -> new PosteriorDensity(bounded, Map.of("s", Prior.uniform(3, 4))));
        assertTrue(e.getMessage().contains("do not overlap"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Prior.normal(0, -1));
        Objective undefined = new TestModels.Gaussian(new double[] {0}, new double[][] {{1}}) {
            @Override
            public double valueAndGradient(double[] x, double[] g) {
                return Double.POSITIVE_INFINITY;
            }
        };
        IllegalStateException s = assertThrows(IllegalStateException.class,
                () -> NutsSampler.sample(undefined, NutsSettings.defaults().quiet(true)));
        assertTrue(s.getMessage().contains("no finite log-density"), s.getMessage());
    }
}
