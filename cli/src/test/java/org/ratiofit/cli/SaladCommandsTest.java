package org.ratiofit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratiofit.io.Npy;

/** {@code ratiofit salad-toy}, {@code reweight} and {@code anomaly} end to end on a small toy. */
class SaladCommandsTest {

    private static String[] run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = RatiofitCommand.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    private static final String[] SMALL = {"--members", "2", "--folds", "2", "--epochs", "30", "--hidden", "32,32",
        "--seed", "3"};

    private static String[] with(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void toyReweightClosureAndAnomaly(@TempDir Path dir) throws Exception {
        String[] r = run("salad-toy", dir.resolve("toy").toString(), "--data", "16000", "--simulation", "16000",
                "--signal-fraction", "0.1", "--seed", "4");
        assertEquals("0", r[0], r[2]);
        Path cfg = dir.resolve("toy/salad.yml");
        r = run(with(new String[] {"reweight", cfg.toString(), "--json"}, SMALL));
        JsonNode j = new ObjectMapper().readTree(r[1]);
        assertEquals("reweight", j.get("command").asText());
        assertTrue(j.get("normalisation").get("passed").asBoolean());
        // SB, both validation regions and the SR against the true background are checked, each with a two-sample AUC
        assertEquals(4, j.get("closure").get("regions").size(), r[1]);
        for (JsonNode reg : j.get("closure").get("regions")) {
            assertTrue(reg.get("auc").get("error").asDouble() > 0);
        }
        assertEquals(j.get("passed").asBoolean() ? "0" : "3", r[0], r[2]);
        double[] w = Npy.read(dir.resolve("toy/salad/weights.npy")).asDoubles();
        assertEquals(16000, w.length);
        JsonNode side = new ObjectMapper().readTree(dir.resolve("toy/salad/weights.json").toFile());
        assertEquals(64, side.get("provenance").get("sha256").get("simulation").asText().length());
        assertEquals(3, side.get("provenance").get("settings").get("seed").asInt());

        Path plots = dir.resolve("plots");
        r = run(with(new String[] {"anomaly", cfg.toString(), "--json", "--plots", plots.toString()}, SMALL));
        assertEquals("0", r[0], r[2]);
        JsonNode a = new ObjectMapper().readTree(r[1]);
        assertEquals(3, a.get("methods").size());
        assertTrue(a.get("maxSic").get("supervised").asDouble() > 1.5, r[1]);
        assertTrue(a.get("dataVsBackground").get("value").asDouble() > 0.5);
        assertTrue(Files.exists(plots.resolve("sic.png")));
        assertTrue(Files.exists(dir.resolve("toy/salad/anomaly.json")));
        // the selection's one-bin workspace: significance reads it like any pyhf workspace
        JsonNode sel = a.get("selection");
        assertTrue(sel.get("observed").asInt() > 0 && sel.get("predicted").asDouble() > 0, sel.toString());
        // cross-fitted by default: both halves' weights written whole, the prediction's jackknife error known
        assertTrue(a.get("crossFit").asBoolean(), r[1]);
        assertTrue(!a.has("caution"), "no caution at the default selection of 0.1: " + a.get("caution"));
        for (String half : new String[] {"selecting", "predicting"}) {
            Path hw = dir.resolve("toy/salad/crossfit").resolve(half);
            assertEquals(16000, Npy.read(hw.resolve("weights.npy")).asDoubles().length);
            String how = new ObjectMapper().readTree(hw.resolve("weights.json").toFile()).get("provenance").get("method").asText();
            assertTrue(how.contains("cross-fitting half " + (half.equals("selecting") ? 0 : 1)), how);
        }
        assertTrue(sel.get("reweightingRelative").asDouble() > 0, sel.toString());
        assertTrue(Files.readString(dir.resolve("toy/salad/salad-pyhf.json")).contains("\"reweighting\""));
        // not calibrated by default, but the sideband check after the selection is reported, with the odd-index half of
        // the sideband data
        assertTrue(sel.get("calibration").isNull(), sel.toString());
        assertEquals(sel.get("predicted").asDouble(), sel.get("background").asDouble(), 0);
        assertTrue(Files.readString(dir.resolve("toy/salad/salad-pyhf.json")).contains("sideband_normalisation"));
        JsonNode cal = a.get("sidebandCheck");
        assertTrue(cal != null && cal.isObject(), r[1]);
        // the odd-index data events (file order) in the sidebands [3.4, 3.8) and [4.2, 4.6), counted from the file
        java.util.List<String> rows = Files.readAllLines(dir.resolve("toy/data.csv"));
        int mCol = java.util.Arrays.asList(rows.get(0).split(",")).indexOf("m");
        int odd = 0;
        int inSb = 0;
        for (int i = 1; i < rows.size(); i++) {
            double m = Double.parseDouble(rows.get(i).split(",")[mCol]);
            boolean sb = (m >= 3.4 && m < 3.8) || (m >= 4.2 && m < 4.6);
            inSb += sb ? 1 : 0;
            odd += sb && (i - 1) % 2 == 1 ? 1 : 0;
        }
        assertEquals(inSb, cal.get("sidebandDataEvents").asInt(), cal.toString());
        assertEquals(odd, cal.get("dataEvents").asInt(), cal.toString());
        assertTrue(cal.get("dataPassing").asInt() > 0 && cal.get("dataPassing").asInt() < cal.get("dataEvents").asInt(), cal.toString());
        double f = (double) cal.get("dataPassing").asInt() / cal.get("dataEvents").asInt() / cal.get("simulatedFraction").asDouble();
        assertEquals(f, cal.get("factor").asDouble(), 1e-9);
        // --sideband-calibration: the same cross-fitted prediction (same seeds) times the factor, an on/off workspace and
        // the m distribution's sideband bins from the odd-index data with a free level
        Path other = dir.resolve("calibrated");
        String[] u = run(with(new String[] {"anomaly", cfg.toString(), "--json", "--sideband-calibration", "-o", other.toString()},
                SMALL));
        assertEquals("0", u[0], u[2]);
        JsonNode ua = new ObjectMapper().readTree(u[1]);
        JsonNode us = ua.get("selection");
        assertEquals(cal, us.get("calibration"), us.toString());
        assertEquals(sel.get("predicted").asDouble(), us.get("predicted").asDouble(), 0);
        assertEquals(us.get("predicted").asDouble() * f, us.get("background").asDouble(), 1e-6 * us.get("background").asDouble());
        JsonNode ws = new ObjectMapper().readTree(other.resolve("salad-pyhf.json").toFile());
        assertEquals(2, ws.get("channels").size(), ws.toString());
        assertEquals(cal.get("dataPassing").asInt(), ws.get("observations").get(1).get("data").get(0).asInt());
        String wsText = ws.toString();
        assertTrue(wsText.contains("background_level") && !wsText.contains("sideband_normalisation"), wsText);
        JsonNode cms = ua.get("massSpectrum");
        assertTrue(cms.get("freeLevel").asBoolean(), cms.toString());
        assertEquals((double) cal.get("dataEvents").asInt() / cal.get("sidebandDataEvents").asInt(),
                cms.get("sidebandDataFraction").asDouble(), 1e-12);
        assertTrue(Files.readString(other.resolve("salad-m-pyhf.json")).contains("\"background_level\""));
        String[] sig = run("significance", other.resolve("salad-pyhf.json").toString(), "--json");
        assertEquals("0", sig[0], sig[2]);
        // refused with --no-cross-fit, before anything trains
        String[] bad = run(with(new String[] {"anomaly", cfg.toString(), "--sideband-calibration", "--no-cross-fit"}, SMALL));
        assertEquals("2", bad[0], bad[1] + bad[2]);
        assertTrue(bad[2].contains("drop --no-cross-fit"), bad[2]);
        // a selection so tight that no sideband data event passes cannot be calibrated: said, with what to do
        String[] tight = run(with(new String[] {"anomaly", cfg.toString(), "--sideband-calibration", "--select", "0.0001",
                "--m-bins", "0", "-o", dir.resolve("tight").toString()}, SMALL));
        assertEquals("2", tight[0], tight[1] + tight[2]);
        assertTrue(tight[2].contains("none of the " + cal.get("dataEvents").asInt() + " sideband data events")
                && tight[2].contains("drop --sideband-calibration"), tight[2]);
        r = run("significance", dir.resolve("toy/salad/salad-pyhf.json").toString(), "--json");
        assertEquals("0", r[0], r[2]);
        JsonNode z = new ObjectMapper().readTree(r[1]);
        System.out.println("selection " + sel + "\nsignificance " + z.toString().substring(0, Math.min(600, z.toString().length())));

        // the m distribution after the selection (4 bins per window: 2 sidebands + SR): fit, significance and limit read it
        JsonNode ms = a.get("massSpectrum");
        assertEquals(12, ms.get("observed").size(), ms.toString());
        int srObserved = 0;
        double sbPred = 0;
        int sbObs = 0;
        for (int b = 0; b < 12; b++) {
            if (ms.get("signalRegion").get(b).asBoolean()) {
                srObserved += ms.get("observed").get(b).asInt();
            } else {
                sbObs += ms.get("observed").get(b).asInt();
                sbPred += ms.get("predicted").get(b).asDouble();
            }
        }
        // the SR bins hold the one-bin selection's events; in the sidebands the prediction after the selection holds
        assertEquals(sel.get("observed").asInt(), srObserved);
        assertTrue(Math.abs(sbObs - sbPred) < 5 * Math.sqrt(sbPred) + 0.1 * sbPred, sbObs + " observed vs " + sbPred + " predicted in the SBs");
        assertTrue(!ms.get("freeLevel").asBoolean() && ms.get("sidebandDataFraction").asDouble() == 1.0, ms.toString());
        Path mws = dir.resolve("toy/salad/salad-m-pyhf.json");
        r = run("significance", mws.toString(), "--json");
        assertEquals("0", r[0], r[2]);
        JsonNode zm = new ObjectMapper().readTree(r[1]);
        assertTrue(zm.get("significance").get("significance").asDouble() > 2, r[1]);
        r = run("fit", mws.toString(), "--json");
        assertEquals("0", r[0], r[2]);
        r = run("limit", mws.toString(), "--json");
        assertEquals("0", r[0], r[2]);
        System.out.println("m spectrum " + ms + "\nsignificance (m bins) " + zm.get("significance"));
    }

    @Test
    void anUndertrainedReweightingFailsClosureAndNamesTheRegion(@TempDir Path dir) throws Exception {
        run("salad-toy", dir.toString(), "--data", "8000", "--simulation", "8000", "--seed", "5");
        // one epoch of a 2-unit network starting from r = 1 leaves the simulation's distortion in place
        String[] r = run("reweight", dir.resolve("salad.yml").toString(), "--members", "1", "--folds", "2", "--epochs", "1",
                "--hidden", "2", "--no-two-sample");
        assertEquals("3", r[0], r[1] + r[2]);
        assertTrue(r[2].contains("closure failed in SB (vs data)"), r[2]);
        assertTrue(r[1].contains("FAIL"), r[1]);
    }

    /** A selection outside (0, 1] is refused before any training. */
    @Test
    void aSelectionOutsideTheUnitIntervalIsRefusedFirst(@TempDir Path dir) throws Exception {
        run("salad-toy", dir.toString(), "--data", "3000", "--simulation", "3000");
        String[] r = run("anomaly", dir.resolve("salad.yml").toString(), "--select", "1.5");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--select must be a fraction of the SR data in (0, 1], not 1.5"), r[2]);
    }

    /** --patience and --final-lr reach the training and the weights sidecar; bad values are refused before training. */
    @Test
    void patienceAndTheScheduleEndAreRecordedAndBadValuesRefused(@TempDir Path dir) throws Exception {
        run("salad-toy", dir.toString(), "--data", "3000", "--simulation", "3000");
        String cfg = dir.resolve("salad.yml").toString();
        String[] r = run("reweight", cfg, "--patience", "-1");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--patience must be 0 (run every epoch) or positive, not -1"), r[2]);
        r = run("anomaly", cfg, "--final-lr", "0");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--final-lr must be a fraction in (0, 1] of the learning rate, not 0.0"), r[2]);
        assertTrue(!java.nio.file.Files.exists(dir.resolve("salad")), "nothing written for refused runs");
        r = run("reweight", cfg, "--members", "1", "--folds", "2", "--epochs", "2", "--hidden", "8", "--patience", "0",
                "--final-lr", "0.2", "--no-two-sample");
        assertTrue(r[0].equals("0") || r[0].equals("3"), r[0] + r[2]);
        var side = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dir.resolve("salad/weights.json").toFile());
        assertEquals(2, side.get("formatVersion").asInt());
        assertEquals(0, side.at("/provenance/settings/patience").asInt(-1));
        assertEquals(0.2, side.at("/provenance/settings/finalLearningRate").asDouble());
        // a loose selection without the sideband calibration is cautioned, in the text and the JSON
        r = run("anomaly", cfg, "--members", "1", "--folds", "2", "--epochs", "2", "--hidden", "8", "--select", "0.5");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("caution: a selection this loose (top 0.500)") && r[1].contains("--sideband-calibration"), r[1]);
        JsonNode a = new ObjectMapper().readTree(dir.resolve("salad/anomaly.json").toFile());
        assertTrue(a.get("caution").asText().contains("mean pull +0.36 at 0.5"), a.toString());
    }

    @Test
    void missingWeightsAreExplained(@TempDir Path dir) throws Exception {
        run("salad-toy", dir.toString(), "--data", "3000", "--simulation", "3000");
        String[] r = run("anomaly", dir.resolve("salad.yml").toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("run 'ratiofit reweight"), r[2]);
    }

    /** salad-toy replaces no file: a folder holding a data.csv of the user's is refused and the file kept. */
    @Test
    void theToyReplacesNoFile(@TempDir Path dir) throws Exception {
        java.nio.file.Files.writeString(dir.resolve("data.csv"), "mine\n");
        String[] r = run("salad-toy", dir.toString(), "--data", "3000", "--simulation", "3000");
        assertEquals("2", r[0], r[1] + r[2]);
        assertTrue(r[2].contains("already holds [data.csv]"), r[2]);
        assertEquals("mine\n", java.nio.file.Files.readString(dir.resolve("data.csv")));
        assertTrue(!java.nio.file.Files.exists(dir.resolve("salad.yml")));
    }
}
