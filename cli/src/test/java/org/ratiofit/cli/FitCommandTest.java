package org.ratiofit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.hipparchus.optim.univariate.UnivariatePointValuePair;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratiofit.objective.Objective;
import org.ratiofit.validation.toys.ExactProfile;

/**
 * {@code ratiofit fit} on the toy workspace against the toy's exact likelihood, profiled
 * independently of the minimiser (ExactProfile): best fit, HESSE error (the profile's curvature)
 * and MINOS errors (where the profile rises by 0.5).
 */
class FitCommandTest {

    static final long SEED = 11;
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;

    static ToyWorkspace ws;
    static double muHat;
    static double muErr;
    static double minLow;
    static double minHigh;

    @BeforeAll
    static void build() throws Exception {
        ws = ToyWorkspace.write(tmp.resolve("ws"), new double[] {1, 0, 0}, SEED);
        ExactProfile ep = new ExactProfile(ws.exact(), 0);
        UnivariatePointValuePair best = ep.bestFit(-2, 10);
        muHat = best.getPoint();
        double h = 0.01;
        double curvature = (ep.profile(muHat + h) - 2 * ep.profile(muHat) + ep.profile(muHat - h)) / (h * h);
        muErr = 1 / Math.sqrt(curvature); // errorDef 0.5: sigma^2 = 1 / P''
        minLow = ep.crossing(muHat, best.getValue(), 0.5, muHat - 5 * muErr);
        minHigh = ep.crossing(muHat, best.getValue(), 0.5, muHat + 5 * muErr);
    }

    @Test
    void fitHesseAndMinosAgreeWithTheExactProfile() throws Exception {
        ToyWorkspace.Run r = ToyWorkspace.run("fit", ws.dir.toString(), "--minos", "mu", "--tolerance", "0.0001", "--json");
        assertEquals(0, r.code(), r::toString);
        JsonNode j = JSON.readTree(r.out());
        assertEquals("fit", j.get("command").asText());
        JsonNode fit = j.get("fit");
        assertEquals("mu", fit.get("names").get(0).asText());
        double mu = fit.get("values").get(0).asDouble();
        double err = fit.get("errors").get(0).asDouble();
        String ctx = "seed " + SEED + ": exact mu-hat " + muHat + " +- " + muErr + "; " + r;
        assertEquals(muHat, mu, 1e-4 * muErr, ctx);
        assertEquals(muErr, err, 1e-4 * muErr, ctx);
        assertTrue(fit.get("status").get("validMinimum").asBoolean(), ctx);
        JsonNode minos = j.get("minos").get(0);
        assertEquals("mu", minos.get("parameter").asText());
        assertEquals(minLow - muHat, minos.get("lower").asDouble(), 1e-4 * (muHat - minLow), ctx);
        assertEquals(minHigh - muHat, minos.get("upper").asDouble(), 1e-4 * (minHigh - muHat), ctx);
        // the interval is asymmetric for a Poisson signal: the check is not a parabola's
        assertTrue(Math.abs((minHigh - muHat) - (muHat - minLow)) > 1e-3 * muErr, ctx);
    }

    @Test
    void fixedParameterAndStartValueAreHonoured() throws Exception {
        ToyWorkspace.Run r = ToyWorkspace.run("fit", ws.dir.toString(), "--fix", "alpha_shift=0.5", "--set", "mu=2",
                "--tolerance", "0.0001", "--json");
        assertEquals(0, r.code(), r::toString);
        JsonNode fit = JSON.readTree(r.out()).get("fit");
        assertTrue(fit.get("fixed").get(1).asBoolean(), r::toString);
        assertEquals(0.5, fit.get("values").get(1).asDouble(), 0, r::toString);
        assertEquals(0, fit.get("errors").get(1).asDouble(), 0, r::toString);
        Objective cond = ToyWorkspace.fixed(ws.exact(), Map.of(1, 0.5));
        double exact = new ExactProfile(cond, 0).bestFit(-2, 10).getPoint();
        double mu = fit.get("values").get(0).asDouble();
        assertEquals(exact, mu, 1e-4 * muErr, "seed " + SEED + " with alpha_shift fixed at 0.5: " + r);
        assertTrue(Math.abs(mu - muHat) > 10 * 1e-4 * muErr, "fixing alpha_shift must move mu-hat: " + r);
    }

    @Test
    void tableShowsValuesStatusAndCorrelations() {
        ToyWorkspace.Run r = ToyWorkspace.run("fit", ws.dir.toString(), "--minos");
        assertEquals(0, r.code(), r::toString);
        String out = r.out();
        for (String s : new String[] {"parameter", "value", "error", "minos-", "minos+", "mu", "alpha_shift", "alpha_bkg",
            "valid minimum yes", "correlations", "poi"}) {
            assertTrue(out.contains(s), "missing '" + s + "' in\n" + out);
        }
        assertTrue(out.contains(String.format(java.util.Locale.ROOT, "%.4g", muErr).substring(0, 4)), out);
    }

    @Test
    void float32AndOneThreadGiveTheSameFit() throws Exception {
        ToyWorkspace.Run a = ToyWorkspace.run("fit", ws.dir.toString(), "--tolerance", "0.001", "--json");
        ToyWorkspace.Run b = ToyWorkspace.run("fit", ws.dir.toString(), "--tolerance", "0.001", "--json", "--float32",
                "--threads", "1", "--strategy", "2");
        assertEquals(0, a.code(), a::toString);
        assertEquals(0, b.code(), b::toString);
        double ma = JSON.readTree(a.out()).get("fit").get("values").get(0).asDouble();
        double mb = JSON.readTree(b.out()).get("fit").get("values").get(0).asDouble();
        assertEquals(ma, mb, 1e-4 * muErr, () -> a + "\n" + b);
    }

    @Test
    void reportPageAndPullPlotAreWritten() throws Exception {
        Path rep = tmp.resolve("fit-report");
        Path plots = tmp.resolve("fit-plots");
        ToyWorkspace.Run r = ToyWorkspace.run("fit", ws.dir.toString(), "--report", rep.toString(), "--plots", plots.toString());
        assertEquals(0, r.code(), r::toString);
        String html = Files.readString(rep.resolve("index.html"));
        assertTrue(html.contains("alpha_bkg") && html.contains("pulls.png"), html);
        for (Path d : new Path[] {rep, plots}) {
            assertTrue(Files.size(d.resolve("pulls.png")) > 1000, d.toString());
            assertTrue(Files.readString(d.resolve("pulls.svg")).contains("<svg"), d.toString());
        }
        assertTrue(r.out().contains("report written to"), r::toString);
        assertFalse(r.err().contains("Exception"), r::toString);
    }
}
