package org.ratiofit.validation.salad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The m distribution after the selection, on hand-made scores whose passing events are known. */
class SaladMassSpectrumTest {

    static final SaladConfig CONFIG = new SaladConfig(1, Path.of("salad.yml"), "m", List.of("x1"), new SaladConfig.Window(3.8, 4.2),
            List.of(new SaladConfig.Window(4.2, 4.6), new SaladConfig.Window(3.4, 3.8)), List.of(), Path.of("d.csv"), Path.of("s.csv"),
            null, null, SaladConfig.Training.defaults(), SaladConfig.Closure.defaults());

    /**
     * SR data: 200 events, fold i mod 2, score i, m in SR bin i mod 4: the top 10% per fold are
     * i = 180..199, 5 per SR bin. SR simulation: 400 events, score i/2, weight 0.5, spread 0.05:
     * 21 pass in each fold. Sidebands: the first 16 of 80 events score high, 2 per sideband bin;
     * simulated ones weigh 2.
     */
    static AnomalySearch search(boolean emptySrBin) {
        double[] ds = new double[200], dm = new double[200];
        int[] df = new int[200];
        for (int i = 0; i < 200; i++) {
            ds[i] = i;
            df[i] = i % 2;
            dm[i] = 3.8 + (i % 4) * 0.1 + 0.05;
        }
        double[] ss = new double[400], sm = new double[400], sw = new double[400], sp = new double[400];
        int[] sf = new int[400];
        for (int i = 0; i < 400; i++) {
            ss[i] = i / 2.0;
            sf[i] = i % 2;
            sm[i] = emptySrBin ? 3.85 : 3.8 + ((i / 2) % 4) * 0.1 + 0.05;
            sw[i] = 0.5;
            sp[i] = 0.05;
        }
        AnomalySearch.HeldOut sr = new AnomalySearch.HeldOut(ds, df, ss, sw, sp, sf, 2, dm, sm);
        double[] bs = new double[80], bm = new double[80], bw = new double[80], bp = new double[80];
        int[] bf = new int[80];
        for (int i = 0; i < 80; i++) {
            bs[i] = i < 16 ? 1000 : -1000;
            bf[i] = i % 2;
            bm[i] = (i % 8 < 4 ? 3.4 : 4.2) + (i % 4) * 0.1 + 0.05;
            bw[i] = 2;
            bp[i] = 0.1;
        }
        AnomalySearch.HeldOut sb = new AnomalySearch.HeldOut(bs, bf, bs.clone(), bw, bp, bf.clone(), 2, bm, bm.clone());
        return new AnomalySearch(1, new double[0], null, List.of(), sr, sb);
    }

    @Test
    void binsTheSelectedEventsInAndAroundTheSignalRegion(@TempDir Path dir) throws Exception {
        SaladMassSpectrum s = SaladMassSpectrum.of(search(false), CONFIG, 0.1, 4);
        assertEquals(12, s.observed().length);
        assertArrayEquals(new int[] {2, 2, 2, 2, 5, 5, 5, 5, 2, 2, 2, 2}, s.observed());
        assertArrayEquals(new boolean[] {false, false, false, false, true, true, true, true, false, false, false, false},
                s.signalRegion());
        assertEquals(3.4, s.edges()[0][0], 1e-12);
        assertEquals(4.6, s.edges()[11][1], 1e-12);
        double srPred = 0;
        for (int b = 4; b < 8; b++) {
            srPred += s.predicted()[b];
        }
        // 21 simulated SR events pass per fold, 0.5 each; the same selection counted as one bin
        assertEquals(21.0, srPred, 1e-12);
        assertEquals(SaladSelection.of(search(false).heldOut(), 0.1).predicted(), srPred, 1e-12);
        assertEquals(SaladSelection.of(search(false).heldOut(), 0.1).observed(), 20);
        for (int b : new int[] {0, 3, 8, 11}) {
            assertEquals(4.0, s.predicted()[b], 1e-12);
            assertEquals(Math.sqrt(2 * 4.0), s.statError()[b], 1e-12);
            assertEquals(0.2, s.ensembleSpread()[b], 1e-12);
        }

        Path f = dir.resolve("m.json");
        s.writePyhf(f);
        JsonNode ws = new ObjectMapper().readTree(f.toFile());
        JsonNode samples = ws.get("channels").get(0).get("samples");
        double sig = 0;
        for (int b = 0; b < 12; b++) {
            double v = samples.get(0).get("data").get(b).asDouble();
            assertEquals(s.signalRegion()[b] ? 0.25 : 0.0, v, 1e-12);
            sig += v;
        }
        assertEquals(1.0, sig, 1e-12);
        JsonNode mods = samples.get(1).get("modifiers");
        assertEquals("staterror", mods.get(0).get("type").asText());
        assertEquals(12, mods.get(0).get("data").size());
        assertEquals("histosys", mods.get(1).get("type").asText());
        assertEquals(4.2, mods.get(1).get("data").get("hi_data").get(0).asDouble(), 1e-12);
        assertEquals(20, java.util.stream.IntStream.range(4, 8).map(b -> ws.get("observations").get(0).get("data").get(b).asInt()).sum());
    }

    /**
     * With fold replicas the workspace carries one histosys per fold whose squared shifts sum, per
     * bin, to the jackknife variance (K−1)/K Σ_k (Y_k − Ȳ)² of that bin's prediction, and the
     * one-bin selection's jackknife error is the SR bins' summed modes.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(longs = {1, 2, 3})
    void jackknifeModesCarryTheReplicasCovariance(long seed, @TempDir Path dir) throws Exception {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(seed);
        AnomalySearch plain = search(false);
        int kk = 2;
        AnomalySearch.HeldOut sr = plain.heldOut();
        AnomalySearch.HeldOut sb = plain.sidebands();
        double[][] rs = new double[kk][sr.simWeight().length];
        double[][] rb = new double[kk][sb.simWeight().length];
        for (int k = 0; k < kk; k++) {
            for (int i = 0; i < rs[k].length; i++) {
                rs[k][i] = sr.simWeight()[i] * (1 + 0.2 * rng.nextGaussian());
            }
            for (int i = 0; i < rb[k].length; i++) {
                rb[k][i] = sb.simWeight()[i] * (1 + 0.2 * rng.nextGaussian());
            }
        }
        AnomalySearch a = new AnomalySearch(1, new double[0], null, List.of(), sr.withPrediction(sr.simWeight(), sr.simSpread(), rs),
                sb.withPrediction(sb.simWeight(), sb.simSpread(), rb));
        SaladMassSpectrum s = SaladMassSpectrum.of(a, CONFIG, 0.1, 4);
        double[] t = SaladSelection.thresholds(a.heldOut(), 0.1);
        double srSum = 0;
        double[] srY = new double[kk];
        for (int b = 0; b < 12; b++) {
            double[] y = new double[kk];
            for (AnomalySearch.HeldOut h : List.of(a.heldOut(), a.sidebands())) {
                for (int i = 0; i < h.simScore().length; i++) {
                    if (h.simScore()[i] > t[h.simFold()[i]] && h.simM()[i] >= s.edges()[b][0] && h.simM()[i] < s.edges()[b][1]) {
                        for (int k = 0; k < kk; k++) {
                            y[k] += h.simReplicas()[k][i];
                        }
                    }
                }
            }
            double var = 0;
            for (int k = 0; k < kk; k++) {
                var += s.jackknifeModes()[k][b] * s.jackknifeModes()[k][b];
            }
            assertEquals(SaladSelection.jackknifeVariance(y), var, 1e-12 * (1 + var));
            if (s.signalRegion()[b]) {
                srSum += s.predicted()[b];
                for (int k = 0; k < kk; k++) {
                    srY[k] += y[k];
                }
            }
        }
        SaladSelection one = SaladSelection.of(a.heldOut(), 0.1);
        assertEquals(Math.sqrt(SaladSelection.jackknifeVariance(srY)) / srSum, one.reweightingRelative(), 1e-12);
        Path f = dir.resolve("m.json");
        s.writePyhf(f);
        JsonNode mods = new ObjectMapper().readTree(f.toFile()).get("channels").get(0).get("samples").get(1).get("modifiers");
        assertEquals(1 + kk, mods.size());
        assertEquals("reweighting_fold0", mods.get(1).get("name").asText());
        assertEquals(s.predicted()[0] + s.jackknifeModes()[0][0], mods.get(1).get("data").get("hi_data").get(0).asDouble(), 1e-9);
    }

    /**
     * Calibrated in the sidebands: only the odd sideband data events count (8 of the 16 passing: 2 in bins 1 and 3 of
     * each sideband), the sideband predictions are scaled by their share 40/80 of the sideband data, the SR is
     * unchanged, and the workspace's background has a free level.
     */
    @Test
    void calibratedSidebandBinsCountTheMaskedDataAndFreeTheLevel(@TempDir Path dir) throws Exception {
        boolean[] odd = new boolean[80];
        for (int i = 0; i < 80; i++) {
            odd[i] = i % 2 == 1;
        }
        SaladMassSpectrum plain = SaladMassSpectrum.of(search(false), CONFIG, 0.1, 4);
        SaladMassSpectrum s = SaladMassSpectrum.of(search(false), CONFIG, 0.1, 4, odd);
        assertArrayEquals(new int[] {0, 2, 0, 2, 5, 5, 5, 5, 0, 2, 0, 2}, s.observed());
        assertEquals(0.5, s.sidebandDataFraction(), 0);
        assertTrue(s.freeLevel() && !plain.freeLevel());
        for (int b = 0; b < 12; b++) {
            double f = s.signalRegion()[b] ? 1 : 0.5;
            assertEquals(f * plain.predicted()[b], s.predicted()[b], 1e-12);
            assertEquals(f * plain.statError()[b], s.statError()[b], 1e-12);
            assertEquals(f * plain.ensembleSpread()[b], s.ensembleSpread()[b], 1e-12);
        }
        Path f = dir.resolve("m.json");
        s.writePyhf(f);
        JsonNode ws = new ObjectMapper().readTree(f.toFile());
        JsonNode mods = ws.get("channels").get(0).get("samples").get(1).get("modifiers");
        assertEquals("background_level", mods.get(0).get("name").asText());
        assertEquals("normfactor", mods.get(0).get("type").asText());
        JsonNode pars = ws.get("measurements").get(0).get("config").get("parameters");
        assertEquals("background_level", pars.get(1).get("name").asText());
        assertEquals(1.0, pars.get(1).get("inits").get(0).asDouble(), 0);
        plain.writePyhf(f);
        assertTrue(!java.nio.file.Files.readString(f).contains("background_level"));
        assertThrows(IllegalArgumentException.class, () -> SaladMassSpectrum.of(search(false), CONFIG, 0.1, 4, new boolean[3]));
        assertThrows(IllegalArgumentException.class, () -> SaladMassSpectrum.of(search(false), CONFIG, 0.1, 4, new boolean[80]));
    }

    @Test
    void aBinWithoutPredictionIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SaladMassSpectrum.of(search(true), CONFIG, 0.1, 4));
        assertTrue(e.getMessage().contains("in m bin [3.900, 4.000)"), e.getMessage());
    }
}
