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
        SaladSelection s = new SaladSelection(SaladSelection.FORMAT_VERSION, 0.1, 130, 100, 4, 0.02, 0.05, 0);
        assertEquals(30 / Math.sqrt(100 + 16 + 25), s.pull(), 1e-12);
        SaladSelection none = new SaladSelection(SaladSelection.FORMAT_VERSION, 0.1, 130, 100, 4, 0.02, 0, 0);
        assertEquals(30 / Math.sqrt(116), none.pull(), 1e-12);
        Path f = dir.resolve("ws.json");
        s.writePyhf(f);
        String js = Files.readString(f);
        assertTrue(js.contains("sideband_normalisation") && js.contains("1.05") && js.contains("0.95"), js);
        none.writePyhf(f);
        assertTrue(!Files.readString(f).contains("sideband_normalisation"));
    }

    /** The reweighting's jackknife error enters the pull and replaces the ensemble bound as the workspace's normsys. */
    @Test
    void pullAndWorkspaceCarryTheJackknifeError(@TempDir Path dir) throws Exception {
        SaladSelection s = new SaladSelection(SaladSelection.FORMAT_VERSION, 0.1, 130, 100, 4, 0.08, 0.05, 0.03);
        assertEquals(30 / Math.sqrt(100 + 16 + 25 + 9), s.pull(), 1e-12);
        assertEquals(0.03, s.reweightingNormsys());
        Path f = dir.resolve("ws.json");
        s.writePyhf(f);
        String js = Files.readString(f);
        assertTrue(js.contains("\"reweighting\"") && js.contains("1.03") && js.contains("0.97") && !js.contains("1.08"), js);
        SaladSelection bound = new SaladSelection(SaladSelection.FORMAT_VERSION, 0.1, 130, 100, 4, 0.08, 0.05, 0);
        assertEquals(0.08, bound.reweightingNormsys());
    }

    /**
     * For the mean, the delete-one jackknife is exact: with y_k the mean of x without x_k,
     * (n−1)/n Σ (y_k − ȳ)² equals the sample variance of x over n.
     */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void jackknifeOfTheMeanIsTheStandardError(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = 2 + rng.nextInt(20);
        double[] x = rng.doubles(n, -3, 5).toArray();
        double sum = java.util.Arrays.stream(x).sum();
        double mean = sum / n;
        double[] y = java.util.Arrays.stream(x).map(v -> (sum - v) / (n - 1)).toArray();
        double var = java.util.Arrays.stream(x).map(v -> (v - mean) * (v - mean)).sum() / (n - 1);
        assertEquals(var / n, SaladSelection.jackknifeVariance(y), 1e-12 * (1 + var));
        assertThrows(IllegalArgumentException.class, () -> SaladSelection.jackknifeVariance(new double[1]));
    }

    /** The selection's jackknife term against a direct sum of each replica's passing weights. */
    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13, 14})
    void selectionJackknifeMatchesDirectSums(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int folds = 2 + rng.nextInt(4);
        int nd = 300 + rng.nextInt(300);
        int ns = 400 + rng.nextInt(400);
        double[] ds = rng.doubles(nd).toArray();
        int[] df = rng.ints(nd, 0, folds).toArray();
        double[] ss = rng.doubles(ns).toArray();
        int[] sf = rng.ints(ns, 0, folds).toArray();
        double[] w = rng.doubles(ns, 0.5, 1.5).toArray();
        double[][] rep = new double[folds][ns];
        for (int k = 0; k < folds; k++) {
            for (int i = 0; i < ns; i++) {
                rep[k][i] = w[i] * (1 + 0.1 * rng.nextGaussian());
            }
        }
        AnomalySearch.HeldOut h = new AnomalySearch.HeldOut(ds, df, ss, w, new double[ns], sf, folds, new double[nd],
                new double[ns], rep);
        double eff = rng.nextDouble(0.05, 0.9);
        SaladSelection sel = SaladSelection.of(h, eff);
        double[] t = SaladSelection.thresholds(h, eff);
        double[] y = new double[folds];
        double pred = 0;
        for (int i = 0; i < ns; i++) {
            if (ss[i] > t[sf[i]]) {
                pred += w[i];
                for (int k = 0; k < folds; k++) {
                    y[k] += rep[k][i];
                }
            }
        }
        double ybar = java.util.Arrays.stream(y).average().orElseThrow();
        double direct = Math.sqrt((folds - 1.0) / folds * java.util.Arrays.stream(y).map(v -> (v - ybar) * (v - ybar)).sum()) / pred;
        assertEquals(pred, sel.predicted(), 1e-9 * pred);
        assertEquals(direct, sel.reweightingRelative(), 1e-12);
        assertTrue(sel.reweightingRelative() > 0);
        // without replicas the term is 0
        assertEquals(0, SaladSelection.of(h.withPrediction(w, new double[ns], null), eff).reweightingRelative());
    }
}
