package org.ratiofit.validation.salad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SidebandCalibrationTest {

    /**
     * A pseudo-experiment without training: scores uniform on [0, 1) for data and simulation alike
     * (nothing to find), SR and sideband data Poisson, simulated events with weights that are the
     * truth times (1 + δ) above score 0.9 in both regions — a shape error of the reweighting that the
     * selection picks — normalised to the sideband data. The even-index sideband data are pushed below
     * the threshold with probability {@code evenLoss} when above it: the selecting half's fluctuations
     * that the classifier learned.
     */
    private record Experiment(AnomalySearch.HeldOut sr, AnomalySearch.HeldOut sb, boolean[] odd) {}

    private static Experiment experiment(SplittableRandom rng, double delta, double evenLoss, int replicas) {
        int nSr = poisson(rng, 2000);
        int nSb = poisson(rng, 4000);
        int simSr = 6000;
        int simSb = 12000;
        double[] dSr = uniform(rng, nSr);
        double[] dSb = uniform(rng, nSb);
        boolean[] odd = new boolean[nSb];
        for (int i = 0; i < nSb; i++) {
            odd[i] = i % 2 == 1;
            if (!odd[i] && dSb[i] > 0.9 && rng.nextDouble() < evenLoss) {
                dSb[i] = 0.9 * rng.nextDouble();
            }
        }
        double[] sSr = uniform(rng, simSr);
        double[] sSb = uniform(rng, simSb);
        double[] wSb = weights(rng, sSb, 1 + delta, 0.5, 1);
        double[] wSr = weights(rng, sSr, 1 + delta, 0.5, 1);
        normalise(wSb, wSr, nSb);
        int[] fSr = folds(simSr);
        int[] fSb = pairFolds(simSb);
        int[] fdSb = pairFolds(nSb);
        double[][] rSr = null;
        double[][] rSb = null;
        if (replicas > 0) {
            // replicas whose error is a factor on the events the 10% selection passes, shared by both regions, with the
            // failing events compensating so that each region's level stays (as the conditional level's division makes it)
            double[] t = SaladSelection.thresholds(new AnomalySearch.HeldOut(dSr, folds(nSr), sSr, wSr, new double[simSr], fSr, 2,
                    new double[nSr], new double[simSr]), 0.1);
            rSr = new double[replicas][];
            rSb = new double[replicas][];
            for (int k = 0; k < replicas; k++) {
                double eps = 0.05 * (k - (replicas - 1) / 2.0);
                rSr[k] = levelPreserving(wSr, sSr, fSr, t, eps);
                rSb[k] = levelPreserving(wSb, sSb, fSb, t, eps);
            }
        }
        AnomalySearch.HeldOut sr = new AnomalySearch.HeldOut(dSr, folds(nSr), sSr, wSr, new double[simSr], fSr, 2,
                new double[nSr], new double[simSr], rSr);
        AnomalySearch.HeldOut sb = new AnomalySearch.HeldOut(dSb, fdSb, sSb, wSb, new double[simSb], fSb, 2,
                new double[nSb], new double[simSb], rSb);
        return new Experiment(sr, sb, odd);
    }

    /** Per simulated event (boost above score 0.9) × a uniform factor in [low, low + span). */
    private static double[] weights(SplittableRandom rng, double[] score, double boost, double low, double span) {
        double[] w = new double[score.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = (score[i] > 0.9 ? boost : 1) * (low + span * rng.nextDouble());
        }
        return w;
    }

    /**
     * Scales the sideband weights to sum to the sideband data, and the SR weights alike with the SR/SB ratio of the
     * truth (1/2: the SR's true count is half the sideband's), per simulated event.
     */
    private static void normalise(double[] wSb, double[] wSr, int nSb) {
        double sum = Arrays.stream(wSb).sum();
        for (int i = 0; i < wSb.length; i++) {
            wSb[i] *= nSb / sum;
        }
        for (int i = 0; i < wSr.length; i++) {
            wSr[i] *= nSb / sum * wSb.length / (2.0 * wSr.length);
        }
    }

    private static double[] levelPreserving(double[] w, double[] score, int[] fold, double[] t, double eps) {
        double pass = 0;
        double tot = 0;
        for (int i = 0; i < w.length; i++) {
            tot += w[i];
            pass += score[i] > t[fold[i]] ? w[i] : 0;
        }
        double down = eps * pass / (tot - pass);
        double[] out = w.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] *= score[i] > t[fold[i]] ? 1 + eps : 1 - down;
        }
        return out;
    }

    /** Folds 0, 0, 1, 1, 0, 0, ...: as the sideband events' (i div 2) mod k, each parity in both folds. */
    private static int[] pairFolds(int n) {
        int[] f = new int[n];
        for (int i = 0; i < n; i++) {
            f[i] = (i / 2) % 2;
        }
        return f;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void removesAShapeErrorSharedBySidebandsAndSignalRegion(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = 300;
        double[] raw = new double[n];
        double[] cal = new double[n];
        double[] calAll = new double[n];
        for (int e = 0; e < n; e++) {
            Experiment x = experiment(rng, 0.10, 0.10, 0);
            SaladSelection s = SaladSelection.of(x.sr(), 0.1, SaladSelection.normalisationRelative(
                    concat(x.sb().simWeight(), x.sr().simWeight()), regions(x.sb().simWeight().length, x.sr().simWeight().length),
                    x.sb().dataScore().length));
            raw[e] = s.pull();
            cal[e] = s.withCalibration(SidebandCalibration.of(x.sr(), x.sb(), x.odd(), 0.1)).pull();
            boolean[] all = new boolean[x.odd().length];
            Arrays.fill(all, true);
            calAll[e] = s.withCalibration(SidebandCalibration.of(x.sr(), x.sb(), all, 0.1)).pull();
        }
        // the shape error makes the prediction 10% high where the selection cuts: pulls ≈ −1.2
        assertTrue(mean(raw) < -0.8, "uncalibrated mean pull " + mean(raw));
        // calibrated with the clean half: unbiased, and its errors right (width 1 within the noise of 300 pulls)
        assertEquals(0, mean(cal), 0.2, "calibrated mean pull");
        assertEquals(1, sd(cal), 0.15, "calibrated pull width");
        // with the even-index half, whose passing events the classifier learned to lose, the prediction is low again
        assertTrue(mean(calAll) > mean(cal) + 0.15, "all sideband data " + mean(calAll) + " against the odd half " + mean(cal));
    }

    @ParameterizedTest
    @ValueSource(longs = {4, 5})
    void factorAndErrorsFromTheirDefinitions(long seed) {
        Experiment x = experiment(new SplittableRandom(seed), 0.05, 0, 3);
        SidebandCalibration c = SidebandCalibration.of(x.sr(), x.sb(), x.odd(), 0.1);
        double[] t = SaladSelection.thresholds(x.sr(), 0.1);
        int n = 0;
        int pass = 0;
        for (int i = 0; i < x.odd().length; i++) {
            if (x.odd()[i]) {
                n++;
                pass += x.sb().dataScore()[i] > t[x.sb().dataFold()[i]] ? 1 : 0;
            }
        }
        double a = 0;
        double tot = 0;
        for (int i = 0; i < x.sb().simWeight().length; i++) {
            tot += x.sb().simWeight()[i];
            a += x.sb().simScore()[i] > t[x.sb().simFold()[i]] ? x.sb().simWeight()[i] : 0;
        }
        assertEquals(n, c.dataEvents());
        assertEquals(pass, c.dataPassing());
        assertEquals(a / tot, c.simulatedFraction(), 1e-12);
        assertEquals(((double) pass / n) / (a / tot), c.factor(), 1e-12);
        assertTrue(c.relativeError() > Math.sqrt((1.0 - (double) pass / n) / pass), "the binomial term is in the error");
        // replicas that differ only by a level-preserving factor on the passing events of both regions cancel in the
        // calibrated prediction, while the uncalibrated jackknife sees them
        assertEquals(0, c.reweightingRelative(), 1e-12);
        SaladSelection s = SaladSelection.of(x.sr(), 0.1).withCalibration(c);
        assertTrue(s.reweightingRelative() > 0.01, "uncalibrated jackknife " + s.reweightingRelative());
        assertEquals(s.predicted() * c.factor(), s.background(), 1e-9);
    }

    @ParameterizedTest
    @ValueSource(longs = {6, 7})
    void simulationErrorsMatchTheSpreadOverRedrawnSimulations(long seed) {
        // the calibrated prediction's simulation errors (the SR staterror and the passing sideband simulation's) against
        // its spread over independent simulated samples, the data (and so thresholds and f_data) fixed
        SplittableRandom rng = new SplittableRandom(seed);
        int nSr = 2000;
        double[] grid = new double[nSr];
        for (int i = 0; i < nSr; i++) {
            grid[i] = (i + 0.5) / nSr;
        }
        double[] dSb = uniform(rng, 4000);
        boolean[] odd = new boolean[dSb.length];
        for (int i = 0; i < odd.length; i++) {
            odd[i] = i % 2 == 1;
        }
        int reps = 400;
        double[] b = new double[reps];
        double predicted = 0;
        for (int r = 0; r < reps; r++) {
            int simSr = 3000;
            int simSb = 6000;
            double[] sSr = uniform(rng, simSr);
            double[] sSb = uniform(rng, simSb);
            // weights that vary and differ above the threshold, as a reweighting's do
            double[] wSb = weights(rng, sSb, 1.5, 0.2, 1.6);
            double[] wSr = weights(rng, sSr, 1.5, 0.2, 1.6);
            normalise(wSb, wSr, dSb.length);
            AnomalySearch.HeldOut sr = new AnomalySearch.HeldOut(grid, folds(nSr), sSr, wSr, new double[simSr], folds(simSr), 2,
                    new double[nSr], new double[simSr]);
            AnomalySearch.HeldOut sb = new AnomalySearch.HeldOut(dSb, pairFolds(dSb.length), sSb, wSb, new double[simSb],
                    pairFolds(simSb), 2, new double[dSb.length], new double[simSb]);
            SaladSelection s = SaladSelection.of(sr, 0.1).withCalibration(SidebandCalibration.of(sr, sb, odd, 0.1));
            b[r] = s.background();
            predicted += Math.hypot(s.backgroundStatError(), s.background() * s.calibration().simulatedPassingRelative()) / reps;
        }
        double ratio = sd(b) / predicted;
        assertTrue(ratio > 0.85 && ratio < 1.15, "sd over simulations / predicted error = " + ratio);
    }

    /**
     * The calibrated workspace is an on/off measurement: its free fit puts the level at f_data/f_sim (the SB channel
     * observes the calibration's passing data), so μ̂ = observed − background().
     */
    @ParameterizedTest
    @ValueSource(longs = {9, 10})
    void theWorkspaceFitReproducesTheCalibratedBackground(long seed, @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        Experiment x = experiment(new SplittableRandom(seed), 0.1, 0, 3);
        SaladSelection s = SaladSelection.of(x.sr(), 0.1, 0.02).withCalibration(SidebandCalibration.of(x.sr(), x.sb(), x.odd(), 0.1));
        java.nio.file.Path f = dir.resolve("ws.json");
        s.writePyhf(f);
        org.ratiofit.likelihood.Model model = org.ratiofit.likelihood.histfactory.PyhfWorkspace.read(f).model();
        org.ratiofit.samplers.fit.FitResult fit = org.ratiofit.samplers.profile.HypoTests.defaults().fit(model);
        int mu = fit.names().indexOf("mu");
        int level = fit.names().indexOf("background_level");
        assertEquals(s.calibration().factor(), fit.values()[level], 1e-3 * s.calibration().factor());
        assertEquals(s.observed() - s.background(), fit.values()[mu], 1e-3 * s.background());
        String js = java.nio.file.Files.readString(f);
        assertTrue(js.contains("\"SB\"") && !js.contains("sideband_normalisation"), js);
    }

    @org.junit.jupiter.api.Test
    void refusesWhatItCannotCalibrate() {
        Experiment x = experiment(new SplittableRandom(8), 0, 0, 0);
        assertThrows(IllegalArgumentException.class, () -> SidebandCalibration.of(x.sr(), x.sb(), new boolean[3], 0.1));
        boolean[] none = new boolean[x.odd().length];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SidebandCalibration.of(x.sr(), x.sb(), none, 0.1));
        assertTrue(e.getMessage().contains("none of the 0 sideband data events"), e.getMessage());
        SaladSelection s = SaladSelection.of(x.sr(), 0.5);
        SidebandCalibration c = SidebandCalibration.of(x.sr(), x.sb(), x.odd(), 0.1);
        assertThrows(IllegalArgumentException.class, () -> s.withCalibration(c));
    }

    private static double[] concat(double[] a, double[] b) {
        double[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static String[] regions(int sb, int sr) {
        String[] r = new String[sb + sr];
        Arrays.fill(r, 0, sb, "SB");
        Arrays.fill(r, sb, sb + sr, "SR");
        return r;
    }

    private static int[] folds(int n) {
        int[] f = new int[n];
        for (int i = 0; i < n; i++) {
            f[i] = i % 2;
        }
        return f;
    }

    private static double[] uniform(SplittableRandom rng, int n) {
        double[] u = new double[n];
        for (int i = 0; i < n; i++) {
            u[i] = rng.nextDouble();
        }
        return u;
    }

    private static int poisson(SplittableRandom rng, double mean) {
        // normal approximation, fine at these means
        return (int) Math.round(mean + Math.sqrt(mean) * gauss(rng));
    }

    private static double gauss(SplittableRandom rng) {
        double u = rng.nextDouble();
        double v = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
    }

    private static double mean(double[] v) {
        return Arrays.stream(v).average().orElseThrow();
    }

    private static double sd(double[] v) {
        double m = mean(v);
        return Math.sqrt(Arrays.stream(v).map(a -> (a - m) * (a - m)).sum() / (v.length - 1));
    }
}
