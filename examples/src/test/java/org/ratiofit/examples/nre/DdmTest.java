package org.ratiofit.examples.nre;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratiofit.samplers.nuts.NutsSettings;

/** The DDM example: the exact-likelihood posterior covers the truth; with a trained NRE (slow) the two posteriors agree. */
class DdmTest {

    @TempDir
    Path dir;

    @Test
    void exactWienerPosteriorCoversTheTruth() throws Exception {
        Ddm.Report r = Ddm.run(200, 3, NutsSettings.defaults().chains(2).warmup(300).samples(300).seed(5).quiet(true), null, dir);
        for (int j = 0; j < 4; j++) {
            double[] ms = r.exact().get(Ddm.PARAMS.get(j));
            // within 4 posterior sd (the Euler–Maruyama data put t about 2 sd high: late boundary detection)
            assertTrue(Math.abs(ms[0] - Ddm.TRUE[j]) < 4 * ms[1], Ddm.PARAMS.get(j) + ": " + ms[0] + " ± " + ms[1]);
            assertTrue(ms[1] > 0.005 && ms[1] < 0.5, Ddm.PARAMS.get(j) + " sd " + ms[1]);
        }
        assertTrue(Files.size(dir.resolve("ddm-v.png")) > 1000);
        assertTrue(Files.readString(dir.resolve("summary.json")).contains("\"formatVersion\" : 1"));
    }

    /**
     * Trains a DDM NRE (fewer simulations than the committed model) and compares its NUTS
     * posterior with the exact one: means within 0.5 posterior sd, sds within 35%.
     */
    @Test
    @Tag("slow")
    void trainedNreAgreesWithTheExactPosterior() {
        ContrastiveNre.Result t = DdmTraining.train(100_000, 20, 19, java.util.List.of(64, 64, 64), dir, true);
        Ddm.Report r = Ddm.run(200, 3, NutsSettings.defaults().chains(4).warmup(500).samples(500).seed(5).quiet(true), t.sidecar(), dir);
        assertEquals(4, r.rows().size());
        for (Ddm.Row row : r.rows()) {
            assertTrue(Math.abs(row.shiftInSd()) < 0.5, row.toString());
            assertTrue(Math.abs(row.sdRatio() - 1) < 0.35, row.toString());
        }
    }
}
