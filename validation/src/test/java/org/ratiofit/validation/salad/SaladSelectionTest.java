package org.ratiofit.validation.salad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SaladSelectionTest {

    /** √(1/N_data,SB + Σ_SB w²/(Σ_SB w)²) against a direct sum over the sideband events only, and scale-free. */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void normalisationErrorMatchesDirectComputation(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = 50 + rng.nextInt(500);
        double[] w = new double[n];
        String[] region = new String[n];
        double s = 0;
        double s2 = 0;
        for (int i = 0; i < n; i++) {
            w[i] = rng.nextDouble(0.1, 3.0);
            region[i] = rng.nextDouble() < 0.3 ? "SR" : rng.nextDouble() < 0.1 ? "other" : "SB";
            if (region[i].equals("SB")) {
                s += w[i];
                s2 += w[i] * w[i];
            }
        }
        int nData = 100 + rng.nextInt(5000);
        double direct = Math.sqrt(1.0 / nData + s2 / (s * s));
        assertEquals(direct, SaladSelection.normalisationRelative(w, region, nData), 1e-12 * direct);
        double[] scaled = java.util.Arrays.stream(w).map(x -> 7.3 * x).toArray();
        assertEquals(direct, SaladSelection.normalisationRelative(scaled, region, nData), 1e-12 * direct);
    }

    @Test
    void unitWeightsGiveTwoOverN() {
        double[] w = new double[400];
        java.util.Arrays.fill(w, 1.0);
        String[] region = java.util.Collections.nCopies(400, "SB").toArray(String[]::new);
        assertEquals(Math.sqrt(2.0 / 400), SaladSelection.normalisationRelative(w, region, 400), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> SaladSelection.normalisationRelative(w, region, 0));
        assertThrows(IllegalArgumentException.class, () -> SaladSelection.normalisationRelative(w, new String[3], 10));
    }

    /** The pull's denominator adds (predicted · normalisationRelative)², and the workspace carries it as a normsys. */
    @Test
    void pullAndWorkspaceCarryTheNormalisation(@TempDir Path dir) throws Exception {
        SaladSelection s = new SaladSelection(SaladSelection.FORMAT_VERSION, 0.1, 130, 100, 4, 0.02, 0.05);
        assertEquals(30 / Math.sqrt(100 + 16 + 25), s.pull(), 1e-12);
        SaladSelection none = new SaladSelection(SaladSelection.FORMAT_VERSION, 0.1, 130, 100, 4, 0.02, 0);
        assertEquals(30 / Math.sqrt(116), none.pull(), 1e-12);
        Path f = dir.resolve("ws.json");
        s.writePyhf(f);
        String js = Files.readString(f);
        assertTrue(js.contains("sideband_normalisation") && js.contains("1.05") && js.contains("0.95"), js);
        none.writePyhf(f);
        assertTrue(!Files.readString(f).contains("sideband_normalisation"));
    }
}
