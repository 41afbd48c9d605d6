package org.ratiofit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratiofit.likelihood.Model;
import org.ratiofit.likelihood.workspace.WorkspaceReader;

/**
 * {@code ratiofit combine}: the toy's unbinned workspace (exact ratios) with a binned pyhf control
 * region. The combined −ln L is checked against the toy's workspace plus the control region's
 * Poisson terms written out by hand, less the one shared constraint (α_bkg); failures name the
 * parameter or channel and both inputs and leave nothing behind.
 */
class CombineCommandTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final double[] CR_BKG = {400, 300, 200};
    static final double[] CR_SIG = {2, 1, 0.5};
    static final double[] CR_OBS = {410, 288, 205};
    static final double KAPPA = 1.1;

    /** The control region as pyhf JSON; {@code extra} goes into the measurement's parameter list. */
    static Path controlRegion(Path dir, String name, String extra) throws Exception {
        String ws = """
                {"channels": [{"name": "CR", "samples": [
                   {"name": "signal", "data": %s, "modifiers": [{"name": "mu", "type": "normfactor", "data": null}]},
                   {"name": "background", "data": %s, "modifiers": [{"name": "alpha_bkg", "type": "normsys", "data": {"hi": %s, "lo": %s}}]}]}],
                 "observations": [{"name": "CR", "data": %s}],
                 "measurements": [{"name": "meas", "config": {"poi": "mu", "parameters": [{"name": "mu", "bounds": [[-2, 10]]}%s]}}],
                 "version": "1.0.0"}
                """.formatted(json(CR_SIG), json(CR_BKG), KAPPA, 1 / KAPPA, json(CR_OBS), extra);
        Path f = dir.resolve(name);
        Files.writeString(f, ws);
        return f;
    }

    static String json(double[] v) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            b.append(i == 0 ? "" : ", ").append(v[i]);
        }
        return b.append(']').toString();
    }

    /** The control region's −ln L by hand: Poisson terms without ln n!, background κ^α (code 1). */
    static double crNll(double mu, double alpha) {
        double s = 0;
        for (int b = 0; b < CR_OBS.length; b++) {
            double lambda = mu * CR_SIG[b] + CR_BKG[b] * Math.pow(KAPPA, alpha);
            s += lambda - CR_OBS[b] * Math.log(lambda);
        }
        return s;
    }

    static List<String> hidden(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList();
        }
    }

    @Test
    void combinesAnUnbinnedWorkspaceWithAPyhfControlRegion(@TempDir Path tmp) throws Exception {
        ToyWorkspace sr = ToyWorkspace.write(tmp.resolve("sr"), new double[] {1, 0, 0}, 5);
        Path cr = controlRegion(tmp, "cr.json", "");
        Path out = tmp.resolve("combined");
        ToyWorkspace.Run r = ToyWorkspace.run("combine", sr.dir.toString(), cr.toString(), "-o", out.toString(), "--interp", "normsys=code1");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("alpha_bkg") && r.out().contains("shared parameters"), r.out());
        assertTrue(Files.isRegularFile(out.resolve("combine.json")));
        Model m = WorkspaceReader.readModel(out);
        List<String> names = m.parameters().stream().map(org.ratiofit.objective.ParameterSpec::name).toList();
        assertEquals(List.of("mu", "alpha_shift", "alpha_bkg"), names);
        Random rng = new Random(3);
        for (int t = 0; t < 5; t++) {
            double[] x = {0.2 + 2 * rng.nextDouble(), -1.5 + 3 * rng.nextDouble(), -1.5 + 3 * rng.nextDouble()};
            // SR (with its constraints 0.5 alpha_shift^2 + 0.5 alpha_bkg^2) + the CR's Poisson terms + the CR's constraint
            // 0.5 alpha_bkg^2, less that shared constraint counted twice
            double expected = sr.model.value(x) + (crNll(x[0], x[2]) + 0.5 * x[2] * x[2]) - 0.5 * x[2] * x[2];
            assertEquals(expected, m.value(x), 1e-10 * Math.abs(expected), "point " + t);
        }
        // every command reads it
        ToyWorkspace.Run fit = ToyWorkspace.run("fit", out.toString(), "--json");
        assertEquals(0, fit.code(), fit::toString);
        JsonNode inspect = JSON.readTree(ToyWorkspace.run("inspect", out.toString(), "--json").out());
        assertTrue(inspect.toString().contains("\"CR\""), inspect::toString);
        // a second run replaces only with --overwrite, and then does
        ToyWorkspace.Run again = ToyWorkspace.run("combine", sr.dir.toString(), cr.toString(), "-o", out.toString());
        assertEquals(1, again.code(), again::toString);
        assertTrue(again.err().contains("--overwrite"), again.err());
        ToyWorkspace.Run over = ToyWorkspace.run("combine", sr.dir.toString(), cr.toString(), "-o", out.toString(), "--overwrite", "--json");
        assertEquals(0, over.code(), over::toString);
        assertEquals("mu", JSON.readTree(over.out()).get("poi").asText());
        assertEquals(List.of(), hidden(tmp));
    }

    @Test
    void inconsistentConstraintIsAnErrorNamingBothInputsAndWritesNothing(@TempDir Path tmp) throws Exception {
        ToyWorkspace sr = ToyWorkspace.write(tmp.resolve("sr"), new double[] {1, 0, 0}, 6);
        Path cr = controlRegion(tmp, "cr-wide.json", ", {\"name\": \"alpha_bkg\", \"sigmas\": [2.0]}");
        Path out = tmp.resolve("combined");
        ToyWorkspace.Run r = ToyWorkspace.run("combine", sr.dir.toString(), cr.toString(), "-o", out.toString());
        assertEquals(1, r.code(), r::toString);
        assertTrue(r.err().contains("parameter 'alpha_bkg'") && r.err().contains("input 1 (" + sr.dir) && r.err().contains("input 2 (" + cr)
                && r.err().contains("width 1") && r.err().contains("width 2"), r.err());
        assertFalse(Files.exists(out));
        assertEquals(List.of(), hidden(tmp));
        // decorrelated by a rename of input 2's parameter: accepted, one parameter more
        ToyWorkspace.Run ok = ToyWorkspace.run("combine", sr.dir.toString(), cr.toString(), "-o", out.toString(),
                "--rename", "2:alpha_bkg=alpha_bkg_cr", "--json");
        assertEquals(0, ok.code(), ok::toString);
        assertEquals(4, JSON.readTree(ok.out()).get("parameters").asInt());
        assertEquals(0, JSON.readTree(ok.out()).get("shared").get(0).get("inputs").size() - 2, ok::out); // only mu shared
        assertEquals("mu", JSON.readTree(ok.out()).get("shared").get(0).get("parameter").asText());
    }

    @Test
    void clashingChannelsBadRenamesAndUserFoldersAreRefused(@TempDir Path tmp) throws Exception {
        Path cr = controlRegion(tmp, "cr.json", "");
        Path out = tmp.resolve("combined");
        ToyWorkspace.Run clash = ToyWorkspace.run("combine", cr.toString(), cr.toString(), "-o", out.toString());
        assertEquals(1, clash.code(), clash::toString);
        assertTrue(clash.err().contains("channel 'CR'") && clash.err().contains("input 1") && clash.err().contains("input 2"), clash.err());
        assertFalse(Files.exists(out));
        ToyWorkspace.Run renamed = ToyWorkspace.run("combine", cr.toString(), cr.toString(), "-o", out.toString(),
                "--rename-channel", "2:CR=CR2", "--json");
        assertEquals(0, renamed.code(), renamed::toString);
        ToyWorkspace.Run unknown = ToyWorkspace.run("combine", cr.toString(), "-o", tmp.resolve("x").toString(), "--rename", "nope=x");
        assertEquals(1, unknown.code(), unknown::toString);
        assertTrue(unknown.err().contains("no input has a parameter 'nope'"), unknown.err());
        ToyWorkspace.Run badIndex = ToyWorkspace.run("combine", cr.toString(), "-o", tmp.resolve("x").toString(), "--rename", "3:mu=x");
        assertEquals(2, badIndex.code(), badIndex::toString);
        assertFalse(Files.exists(tmp.resolve("x")));
        // a folder of the user's is never replaced
        Path mine = Files.createDirectories(tmp.resolve("mine"));
        Files.writeString(mine.resolve("notes.txt"), "keep");
        ToyWorkspace.Run refused = ToyWorkspace.run("combine", cr.toString(), "-o", mine.toString(), "--overwrite");
        assertEquals(1, refused.code(), refused::toString);
        assertEquals("keep", Files.readString(mine.resolve("notes.txt")));
        assertEquals(List.of("notes.txt"), Files.list(mine).map(p -> p.getFileName().toString()).toList());
    }

    @Test
    void binnedCombinationsAreWrittenAsPyhfJsonOnRequest(@TempDir Path tmp) throws Exception {
        Path cr = controlRegion(tmp, "cr.json", "");
        String other = "../likelihood/src/test/resources/pyhf/validation/2bin_2channel.json";
        Path json = tmp.resolve("ab.json");
        Path dir = tmp.resolve("ab");
        ToyWorkspace.Run r = ToyWorkspace.run("combine", cr.toString(), other, "-o", json.toString(), "--interp", "normsys=code1");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("--interp normsys=code1,histosys=code4p"), r.out());
        assertEquals(0, ToyWorkspace.run("combine", cr.toString(), other, "-o", dir.toString(), "--interp", "normsys=code1").code());
        Model fromJson = org.ratiofit.likelihood.histfactory.PyhfWorkspace.read(json)
                .model(null, new org.ratiofit.likelihood.histfactory.InterpCodes(1, "4p"));
        Model fromDir = WorkspaceReader.readModel(dir);
        assertEquals(fromDir.parameterNames(), fromJson.parameterNames());
        double[] x = fromDir.initialValues();
        x[0] = 1.3;
        assertEquals(fromDir.value(x), fromJson.value(x), 0.0);
        // an existing file is never replaced; an unbinned channel has no pyhf form, and nothing is written
        ToyWorkspace.Run again = ToyWorkspace.run("combine", cr.toString(), other, "-o", json.toString(), "--overwrite");
        assertEquals(1, again.code(), again::toString);
        assertTrue(again.err().contains("exists"), again.err());
        ToyWorkspace sr = ToyWorkspace.write(tmp.resolve("sr"), new double[] {1, 0, 0}, 7);
        ToyWorkspace.Run unbinned = ToyWorkspace.run("combine", sr.dir.toString(), cr.toString(), "-o", tmp.resolve("x.json").toString());
        assertEquals(1, unbinned.code(), unbinned::toString);
        assertTrue(unbinned.err().contains("channel 'SR' is unbinned"), unbinned.err());
        assertFalse(Files.exists(tmp.resolve("x.json")));
        assertEquals(List.of(), hidden(tmp));
    }

    @Test
    void perInputMeasurementAndPatchAreApplied(@TempDir Path tmp) throws Exception {
        String bkg = "../likelihood/src/test/resources/pyhf/patchsets/example_bkgonly.json";
        String patchset = "../likelihood/src/test/resources/pyhf/patchsets/example_patchset.json";
        Path cr = controlRegion(tmp, "cr.json", "");
        Path out = tmp.resolve("c");
        ToyWorkspace.Run r = ToyWorkspace.run("combine", cr.toString(), bkg, "-o", out.toString(), "--measurement", "2:GammaExample",
                "--patch", "2:" + patchset, "--patch-name", "2:patch_channel1_signal_syst1", "--poi", "mu", "--json");
        assertEquals(0, r.code(), r::toString);
        JsonNode j = JSON.readTree(r.out());
        assertEquals("mu", j.get("poi").asText());
        JsonNode rec = JSON.readTree(out.resolve("combine.json").toFile());
        assertEquals("GammaExample", rec.get("inputs").get(1).get("measurement").asText());
        assertEquals(64, rec.get("inputs").get(1).get("sha256").asText().length());
        assertEquals("patch_channel1_signal_syst1", rec.get("inputs").get(1).get("patchName").asText());
        // the patched normsys (hi 1.2, lo 0.8) is in the combined workspace
        JsonNode ws = JSON.readTree(out.resolve("workspace.json").toFile());
        assertTrue(ws.toString().contains("\"up\":1.2") && ws.toString().contains("\"down\":0.8"), ws::toString);
        // the other input's parameter of interest became a free norm factor
        assertTrue(j.get("notes").toString().contains("SigXsecOverSM"), j::toString);
        // the pyhf options for a directory input are refused
        ToyWorkspace sr = ToyWorkspace.write(tmp.resolve("sr"), new double[] {1, 0, 0}, 8);
        ToyWorkspace.Run bad = ToyWorkspace.run("combine", sr.dir.toString(), cr.toString(), "-o", tmp.resolve("x").toString(),
                "--measurement", "1:meas");
        assertEquals(2, bad.code(), bad::toString);
        assertTrue(bad.err().contains("is a workspace directory"), bad.err());
        assertFalse(Files.exists(tmp.resolve("x")));
    }
}
