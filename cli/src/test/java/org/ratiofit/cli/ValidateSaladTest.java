package org.ratiofit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratiofit.io.Npy;
import org.ratiofit.ratio.data.EventFiles;
import org.ratiofit.ratio.data.EventTable;
import org.ratiofit.ratio.data.ReadOptions;
import org.ratiofit.validation.salad.SaladToy;

/** {@code ratiofit validate --salad CONFIG --weights FILE}: reweight's closure checks for any weights file. */
class ValidateSaladTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static String[] run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = RatiofitCommand.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    /** The toy's exact background ratio p_data(x|m)/p_sim(x|m) per simulated event (same m spectrum, same counts). */
    private static double[] exactWeights(Path toy) throws Exception {
        EventTable t = EventFiles.read(toy.resolve("simulation.csv"), ReadOptions.DEFAULT, java.util.List.of("m", "x1", "x2"));
        double[] m = t.column("m"), x1 = t.column("x1"), x2 = t.column("x2");
        double[] w = new double[m.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = Math.exp(SaladToy.exactLogRatio(m[i], x1[i], x2[i]));
        }
        return w;
    }

    /**
     * The exact ratio closes in every region, unit weights (the simulation as it is) do not: the
     * check tells a right weights file from a wrong one, names the regions and exits 3.
     */
    @Test
    void exactWeightsCloseAndUnitWeightsFail(@TempDir Path dir) throws Exception {
        Path toy = dir.resolve("toy");
        assertEquals("0", run("salad-toy", toy.toString(), "--data", "8000", "--simulation", "8000", "--seed", "7")[0]);
        Path cfg = toy.resolve("salad.yml");
        double[] exact = exactWeights(toy);
        Npy.write(dir.resolve("exact.npy"), exact);
        Path plots = dir.resolve("plots");
        String[] r = run("validate", "--salad", cfg.toString(), "--weights", dir.resolve("exact.npy").toString(), "--no-two-sample",
                "--json", "--plots", plots.toString());
        JsonNode j = JSON.readTree(r[1]);
        assertEquals("0", r[0], r[1] + r[2]);
        JsonNode s = j.get("salad");
        assertTrue(s.get("normalisation").get("passed").asBoolean(), s.toString());
        // SB, VR_low, VR_high against data and the SR against the true background; three features (x1, x2, m) each
        assertEquals(4, s.get("closure").get("regions").size());
        for (JsonNode reg : s.get("closure").get("regions")) {
            assertEquals(3, reg.get("features").get("features").size());
            for (JsonNode f : reg.get("features").get("features")) {
                assertTrue(f.get("pValue").asDouble() >= 0.01, reg.get("region") + " " + f);
            }
        }
        assertTrue(Files.exists(plots.resolve("closure_SB_x1.png")));
        assertTrue(Files.exists(plots.resolve("closure_SR_x2.png")));

        double[] unit = new double[exact.length];
        java.util.Arrays.fill(unit, 1.0);
        Npy.write(dir.resolve("unit.npy"), unit);
        r = run("validate", "--salad", cfg.toString(), "--weights", dir.resolve("unit.npy").toString(), "--no-two-sample");
        assertEquals("3", r[0], r[1] + r[2]);
        assertTrue(r[2].contains("SALAD closure failed: closure in SB (vs data)"), r[2]);
        assertTrue(r[1].contains("FAIL"), r[1]);
    }

    /** Bad weights files: each refused with a message naming the file and what is wrong. */
    @Test
    void badWeightsFilesAreNamed(@TempDir Path dir) throws Exception {
        Path toy = dir.resolve("toy");
        run("salad-toy", toy.toString(), "--data", "3000", "--simulation", "3000", "--seed", "8");
        Path cfg = toy.resolve("salad.yml");
        double[] ok = new double[3000];
        java.util.Arrays.fill(ok, 1.0);

        Npy.write(dir.resolve("short.npy"), java.util.Arrays.copyOf(ok, 2999));
        String[] r = run("validate", "--salad", cfg.toString(), "--weights", dir.resolve("short.npy").toString());
        assertEquals("1", r[0], r[2]);
        assertTrue(r[2].contains("short.npy holds 2999 weights, but the simulation") && r[2].contains("has 3000 events"), r[2]);

        double[] nan = ok.clone();
        nan[17] = Double.NaN;
        Npy.write(dir.resolve("nan.npy"), nan);
        r = run("validate", "--salad", cfg.toString(), "--weights", dir.resolve("nan.npy").toString());
        assertEquals("1", r[0], r[2]);
        assertTrue(r[2].contains("the weight of simulated event 17 is NaN"), r[2]);

        double[] neg = ok.clone();
        neg[2041] = -0.5;
        Npy.write(dir.resolve("neg.npy"), neg);
        r = run("validate", "--salad", cfg.toString(), "--weights", dir.resolve("neg.npy").toString());
        assertTrue(r[2].contains("the weight of simulated event 2041 is -0.5"), r[2]);

        // a sidecar beside the file that describes another weights file
        Path w = dir.resolve("w");
        Files.createDirectories(w);
        Npy.write(w.resolve("weights.npy"), ok);
        ObjectNode side = JSON.createObjectNode().put("formatVersion", 1).put("weights", "other.npy").put("events", 3000);
        Files.writeString(w.resolve("weights.json"), side.toString());
        r = run("validate", "--salad", cfg.toString(), "--weights", w.toString());
        assertEquals("1", r[0], r[2]);
        assertTrue(r[2].contains("describes the weights file 'other.npy', not 'weights.npy'"), r[2]);

        // a sidecar naming another simulation file (its checksum)
        side.put("weights", "weights.npy").putObject("provenance").put("config", "elsewhere/salad.yml").putObject("sha256")
                .put("simulation", "0".repeat(64));
        Files.writeString(w.resolve("weights.json"), side.toString());
        r = run("validate", "--salad", cfg.toString(), "--weights", w.resolve("weights.npy").toString());
        assertEquals("1", r[0], r[2]);
        assertTrue(r[2].contains("weights the simulation file with sha256 " + "0".repeat(64)) && r[2].contains("elsewhere/salad.yml"),
                r[2]);

        r = run("validate", "--weights", w.toString());
        assertEquals("2", r[0], r[2]);
        assertTrue(r[2].contains("--weights needs --salad CONFIG"), r[2]);
    }

    /**
     * On the folder {@code reweight} wrote, validate repeats reweight's closure: the sidecar's
     * training settings drive the same two-sample classifiers, so every χ² and AUC is the same.
     */
    @Test
    void validateRepeatsReweightsClosure(@TempDir Path dir) throws Exception {
        Path toy = dir.resolve("toy");
        run("salad-toy", toy.toString(), "--data", "6000", "--simulation", "6000", "--seed", "9");
        Path cfg = toy.resolve("salad.yml");
        String[] a = run("reweight", cfg.toString(), "--members", "1", "--folds", "2", "--epochs", "6", "--hidden", "16",
                "--seed", "3", "--json");
        JsonNode rw = JSON.readTree(a[1]);
        String[] b = run("validate", "--salad", cfg.toString(), "--weights", toy.resolve("salad").toString(), "--json");
        JsonNode v = JSON.readTree(b[1]);
        assertEquals(a[0], b[0], a[2] + b[2]);
        assertEquals(rw.get("closure"), v.get("salad").get("closure"));
        assertTrue(v.get("salad").get("closure").get("regions").get(0).get("auc").get("error").asDouble() > 0);
        assertTrue(v.get("salad").get("sidecar").asText().endsWith("weights.json"));
    }
}
