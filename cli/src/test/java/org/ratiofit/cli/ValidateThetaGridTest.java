package org.ratiofit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratiofit.ratio.data.EventFiles;
import org.ratiofit.ratio.data.EventTable;
import org.ratiofit.validation.toys.ExactOnnxModels;
import org.ratiofit.validation.toys.NormalMeanSigmaOnnx;

/**
 * {@code validate --theta-grid}: an NRE r(x|mu, sigma) = N(x; mu, sigma) / N(x; 0, tau) averages
 * 1 over the reference N(0, tau) at every theta (exactly, so every grid point passes); over a
 * sample from N(0, tau') with tau' != tau it does not, and the command names the points that fail.
 */
class ValidateThetaGridTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;

    static Path sample(String name, double sd, long seed) throws Exception {
        Random r = new Random(seed);
        double[] x = new double[40_000];
        for (int i = 0; i < x.length; i++) {
            x[i] = sd * r.nextGaussian();
        }
        Map<String, double[]> cols = new LinkedHashMap<>();
        cols.put(NormalMeanSigmaOnnx.FEATURE, x);
        Path p = tmp.resolve(name + ".csv");
        EventFiles.write(p, new EventTable(name, cols), null);
        return p;
    }

    @Test
    void normalisationHoldsOverTheGridForTheReferenceAndFailsForAnotherSample() throws Exception {
        Path member = NormalMeanSigmaOnnx.write(tmp, "nre", 3.0);
        Path ens = ExactOnnxModels.ensemble(tmp.resolve("ens"), "nre", List.of(member));
        String grid = "mu=-1:1:3,sigma=0.8:2:3";
        ToyWorkspace.Run ok = ToyWorkspace.run("validate", ens.toString(), "--denominator", sample("ref", 3.0, 1).toString(),
                "--theta-grid", grid, "--json");
        assertEquals(0, ok.code(), ok::toString);
        JsonNode j = JSON.readTree(ok.out());
        assertEquals(9, j.get("thetaGrid").size(), ok::toString);
        for (JsonNode row : j.get("thetaGrid")) {
            assertTrue(row.get("passed").asBoolean(), row::toString);
            assertEquals(1, row.get("mean").asDouble(), 4 * row.get("error").asDouble() + 1e-9, row::toString);
        }

        ToyWorkspace.Run bad = ToyWorkspace.run("validate", ens.toString(), "--denominator", sample("narrow", 2.0, 2).toString(),
                "--theta-grid", grid);
        assertEquals(3, bad.code(), bad::toString);
        assertTrue(bad.out().contains("normalisation at mu=") && bad.out().contains("FAIL"), bad::toString);

        ToyWorkspace.Run missing = ToyWorkspace.run("validate", ens.toString(), "--denominator", sample("ref2", 3.0, 3).toString(),
                "--theta-grid", "mu=-1:1:3");
        assertEquals(2, missing.code(), missing::toString);
        assertTrue(missing.err().contains("'sigma' is missing"), missing::toString);
        ToyWorkspace.Run unknown = ToyWorkspace.run("validate", ens.toString(), "--denominator", sample("ref3", 3.0, 4).toString(),
                "--theta-grid", "nu=0:1:2,mu=0:1:2,sigma=1:2:2");
        assertEquals(2, unknown.code(), unknown::toString);
        assertTrue(unknown.err().contains("'nu' is not a parameter"), unknown::toString);
        assertFalse(unknown.out().contains("all checks passed"));
    }
}
