package org.ratiofit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * pyhf JSON workspaces in the commands: {@code limit --at}, {@code fit --full-logpdf},
 * {@code significance}, {@code scan}, {@code inspect}, patches and measurements, bad input.
 * Numbers against pyhf's published ones and the independent recomputation
 * ({@code likelihood/src/test/resources/pyhf/reference/}).
 */
class PyhfCommandsTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Path PYHF = Path.of("../likelihood/src/test/resources/pyhf");

    static String file(String name) {
        return PYHF.resolve(name).toString();
    }

    static JsonNode json(ToyWorkspace.Run r) throws Exception {
        assertEquals(0, r.code(), r::toString);
        return JSON.readTree(r.out());
    }

    @Test
    void limitAtMuGivesPyhfsReadmeCls() throws Exception {
        JsonNode j = json(ToyWorkspace.run("limit", file("validation/readme_2bin_shapesys.json"), "--at", "1", "--tolerance", "1e-5", "--json"));
        JsonNode h = j.get("hypoTest");
        assertEquals(0.05251497, h.get("cls").asDouble(), 2e-5 * 0.0525, j::toString);
        double[] band = {0.00260626, 0.01382005, 0.06445320, 0.23525644, 0.57303621};
        for (int k = 0; k < 5; k++) {
            assertEquals(band[k], h.get("expectedCls").get(k).asDouble(), 1e-4 * band[k], "band " + k);
        }
        assertTrue(j.get("fits").get("converged").asBoolean());
        ToyWorkspace.Run table = ToyWorkspace.run("limit", file("validation/readme_2bin_shapesys.json"), "--at", "1");
        assertEquals(0, table.code(), table::toString);
        assertTrue(table.out().contains("CLs observed") && table.out().contains("0.05251"), table.out());
    }

    /**
     * q_mu with the signal strength bounded at 0 (pyhf's default normfactor bounds [0, 10]) is warned
     * about, in the table and the JSON, and the CLs it gives is q_mu's formula (as asked); q~_mu,
     * the default, draws no warning.
     */
    @Test
    void qMuWithABoundedSignalStrengthIsWarnedAbout() throws Exception {
        String ws = file("validation/readme_2bin_shapesys.json");
        ToyWorkspace.Run table = ToyWorkspace.run("limit", ws, "--at", "1", "--statistic", "q");
        assertEquals(0, table.code(), table::toString);
        assertTrue(table.out().contains("warning: the test statistic q_mu is used with 'mu' bounded below at 0.0")
                && table.out().contains("use q~_mu (--statistic qtilde)"), table.out());
        JsonNode q = json(ToyWorkspace.run("limit", ws, "--at", "1", "--statistic", "q", "--json"));
        assertTrue(q.get("fits").get("warnings").toString().contains("bounded below at 0.0"), q::toString);
        JsonNode tilde = json(ToyWorkspace.run("limit", ws, "--at", "1", "--json"));
        assertEquals(0, tilde.get("fits").get("warnings").size(), tilde::toString);
    }

    @Test
    void aMissingPyhfFileIsNamedAsAFile(@TempDir Path tmp) {
        String missing = tmp.resolve("nowhere.json").toString();
        ToyWorkspace.Run r = ToyWorkspace.run("limit", missing);
        assertEquals(1, r.code(), r::toString);
        assertTrue(r.err().contains("pyhf JSON file '" + missing + "' does not exist"), r::toString);
    }

    @Test
    void limitOnTheDocsExampleBracketsMuOne() throws Exception {
        // CLs(1) = 0.36 > 0.05, so the 95% limit lies above 1; at the limit CLs = 0.05 (checked with --at)
        JsonNode j = json(ToyWorkspace.run("limit", file("validation/2-bin_1-channel.json"), "--tolerance", "1e-5", "--json"));
        double ul = j.get("limit").get("observed").asDouble();
        assertTrue(ul > 1, "limit " + ul);
        JsonNode at = json(ToyWorkspace.run("limit", file("validation/2-bin_1-channel.json"), "--at", Double.toString(ul), "--tolerance", "1e-5",
                "--json"));
        assertEquals(0.05, at.get("hypoTest").get("cls").asDouble(), 1e-5);
    }

    @Test
    void fitReportsPyhfsFullLogpdf() throws Exception {
        JsonNode ref = JSON.readTree(PYHF.resolve("reference/reference_default.json").toFile()).get("workspaces").get("2bin_2channel.json");
        JsonNode j = json(ToyWorkspace.run("fit", file("validation/2bin_2channel.json"), "--full-logpdf", "--tolerance", "1e-4", "--json"));
        assertEquals(ref.get("mle").get("nll").asDouble(), j.get("fullNll").asDouble(), 1e-6);
        ToyWorkspace.Run codes = ToyWorkspace.run("fit", file("validation/1bin_normsys.json"), "--interp", "normsys=code1", "--full-logpdf",
                "--tolerance", "1e-4", "--json");
        JsonNode ref1 = JSON.readTree(PYHF.resolve("reference/reference_code1_code0.json").toFile()).get("workspaces").get("1bin_normsys.json");
        assertEquals(ref1.get("mle").get("nll").asDouble(), json(codes).get("fullNll").asDouble(), 1e-6);
    }

    @Test
    void significanceAndScanTakePyhfFiles() throws Exception {
        JsonNode s = json(ToyWorkspace.run("significance", file("validation/2bin_2channel.json"), "--json"));
        assertTrue(s.get("significance").get("q0").asDouble() >= 0);
        ToyWorkspace.Run scan = ToyWorkspace.run("scan", file("validation/2bin_2channel.json"), "--points", "5", "--no-stat-only", "--json");
        assertEquals(0, scan.code(), scan::toString);
    }

    @Test
    void inspectListsChannelsModifiersAndParameters() throws Exception {
        ToyWorkspace.Run r = ToyWorkspace.run("inspect", file("validation/2bin_2channel.json"));
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("5 parameters") && r.out().contains("shapesys") && r.out().contains("signal"), r.out());
        JsonNode j = json(ToyWorkspace.run("inspect", file("validation/2bin_2channel.json"), "--json")).get("pyhf");
        assertEquals(2, j.get("channels").size());
        assertEquals(2, j.get("modifierTypes").get("shapesys").get("names").asInt());
        assertEquals(1, j.get("modifierTypes").get("normfactor").get("occurrences").asInt());
    }

    @Test
    void patchesAndPatchsetsApply() throws Exception {
        String bkg = file("patchsets/example_bkgonly.json");
        String set = file("patchsets/example_patchset.json");
        JsonNode a = json(ToyWorkspace.run("fit", bkg, "--json"));
        JsonNode b = json(ToyWorkspace.run("fit", bkg, "--patch", set, "--patch-name", "patch_channel1_signal_syst1", "--json"));
        assertTrue(a.get("fit").get("minimumValue").asDouble() != b.get("fit").get("minimumValue").asDouble());
        ToyWorkspace.Run missing = ToyWorkspace.run("fit", bkg, "--patch", set, "--patch-name", "nope");
        assertEquals(1, missing.code(), missing::toString);
        assertTrue(missing.err().contains("no patch named 'nope'"), missing.err());
    }

    @Test
    void badInputIsOneClearLine(@TempDir Path dir) throws Exception {
        String ws = file("validation/readme_2bin_shapesys.json");
        ToyWorkspace.Run m = ToyWorkspace.run("fit", ws, "--measurement", "nope");
        assertEquals(1, m.code(), m::toString);
        assertTrue(m.err().contains("no measurement named 'nope'") && m.err().lines().count() == 1, m.err());
        ToyWorkspace.Run c = ToyWorkspace.run("limit", ws, "--interp", "normsys=code2");
        assertEquals(2, c.code(), c::toString);
        Path patch = dir.resolve("p.json");
        Files.writeString(patch, "[{\"op\": \"replace\", \"path\": \"/channels/0/samples/7/data/0\", \"value\": 1}]");
        ToyWorkspace.Run p = ToyWorkspace.run("fit", ws, "--patch", patch.toString());
        assertEquals(1, p.code(), p::toString);
        assertTrue(p.err().contains(patch + ": patch operation 0 (replace /channels/0/samples/7/data/0)"), p.err());
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"channels\": [], \"observations\": [], \"measurements\": [], \"version\": \"1.0.0\"}");
        ToyWorkspace.Run v = ToyWorkspace.run("limit", bad.toString());
        assertEquals(1, v.code(), v::toString);
        assertTrue(v.err().contains(bad + ": not a valid pyhf workspace: $.channels: must not be empty"), v.err());
    }
}
