package org.ratiofit.workspace.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ratiofit.likelihood.score.ScoreBinning;
import org.ratiofit.likelihood.score.ScoreHistogramLikelihood;
import org.ratiofit.objective.ParameterSpec;
import org.ratiofit.ratio.training.param.GammaLatentSimulator;

/** The SALLY/SALLINO binned likelihood on the gamma-latent simulator with the exact score standing in for the network. */
class ScoreHistogramLikelihoodTest {

    static final double[] REF = {2.0, 1.0};
    static final List<ParameterSpec> PARAMS = List.of(ParameterSpec.bounded("k", 2, 0.05, 1.2, 3.5), ParameterSpec.bounded("lambda", 1, 0.05, 0.6, 1.6));

    static LongStream seeds() {
        return LongStream.of(11, 12, 13, 14, 15, 16);
    }

    /** Seeded random case: SALLINO (1-D, random direction) or SALLY (2-D product grid), shape or extended. */
    @ParameterizedTest
    @MethodSource("seeds")
    void gradientMatchesFiniteDifferences(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        GammaReweighting ref = new GammaReweighting(REF, 3000, seed);
        double[][] tRef = ref.exactScore(ref.x);
        double[] truth = {1.6 + rng.nextDouble(), 0.8 + 0.4 * rng.nextDouble()};
        double[][] obsX = GammaReweighting.observed(truth, 400, seed + 1000);
        double[][] tObs = ref.exactScore(obsX);
        boolean sally = seed % 2 == 0;
        double[][] hRef, hObs;
        ScoreBinning bins;
        if (sally) {
            hRef = tRef;
            hObs = tObs;
            bins = ScoreBinning.equalPopulation(hRef, new int[] {4, 3});
        } else {
            double a = rng.nextDouble() * Math.PI;
            double[] u = {Math.cos(a), Math.sin(a)};
            hRef = ScoreBinning.project(tRef, u);
            hObs = ScoreBinning.project(tObs, u);
            bins = ScoreBinning.equalPopulation(hRef, new int[] {8});
        }
        double nu = seed % 3 == 0 ? 380 : Double.NaN;
        ScoreHistogramLikelihood l = ScoreHistogramLikelihood.of(PARAMS, ref, bins, hRef, bins.histogram(hObs, null), nu);
        for (int trial = 0; trial < 3; trial++) {
            double[] th = {1.5 + 1.5 * rng.nextDouble(), 0.7 + 0.7 * rng.nextDouble()};
            double[] g = new double[2];
            double v = l.valueAndGradient(th, g);
            assertEquals(v, l.value(th), 1e-12 * Math.abs(v));
            for (int j = 0; j < 2; j++) {
                double h = 1e-5;
                double[] a = th.clone(), b = th.clone();
                a[j] += h;
                b[j] -= h;
                double fd = (l.value(a) - l.value(b)) / (2 * h);
                assertEquals(fd, g[j], 1e-5 * Math.max(1, Math.abs(fd)), "seed " + seed + " θ " + java.util.Arrays.toString(th) + " component " + j);
            }
        }
    }

    /** The value against a histogram filled by hand from the weights exp(ln p(z|θ) − ln p(z|θ_ref)), shape and extended. */
    @Test
    void valueMatchesHandRecomputation() {
        GammaReweighting ref = new GammaReweighting(REF, 20000, 3);
        double[][] tRef = ref.exactScore(ref.x);
        double[] u = {0.3, -1.0};
        double[][] hRef = ScoreBinning.project(tRef, u);
        double[][] obsX = GammaReweighting.observed(new double[] {2.3, 1.1}, 2000, 4);
        double[][] hObs = ScoreBinning.project(ref.exactScore(obsX), u);
        ScoreBinning bins = ScoreBinning.equalPopulation(hRef, new int[] {12});
        double[] edges = bins.edges(0);
        assertEquals(11, edges.length);
        double[] n = new double[12];
        for (double h : hObs[0]) n[handBin(edges, h)]++;
        ScoreHistogramLikelihood shape = ScoreHistogramLikelihood.of(PARAMS, ref, bins, hRef, n, Double.NaN);
        ScoreHistogramLikelihood ext = ScoreHistogramLikelihood.of(PARAMS, ref, bins, hRef, n, 1900);
        // equal population on the reference sample
        double[] refCounts = new double[12];
        for (double h : hRef[0]) refCounts[handBin(edges, h)]++;
        for (double c : refCounts) assertEquals(20000 / 12.0, c, 1.0);
        for (double[] th : new double[][] {{2.3, 1.1}, {1.7, 0.8}, {2.9, 1.4}}) {
            double[] s = new double[12];
            double tot = 0;
            for (int i = 0; i < ref.events(); i++) {
                double w = Math.exp(GammaLatentSimulator.logLatent(ref.z[i], th[0], th[1]) - GammaLatentSimulator.logLatent(ref.z[i], REF[0], REF[1]));
                s[handBin(edges, hRef[0][i])] += w;
                tot += w;
            }
            double nll = 0;
            for (int b = 0; b < 12; b++) nll -= n[b] * Math.log(s[b] / tot);
            assertEquals(nll, shape.value(th), 1e-9 * Math.abs(nll));
            double nu = 1900 * tot / ref.events();
            double nllExt = nll - 2000 * Math.log(nu) + nu;
            assertEquals(nllExt, ext.value(th), 1e-9 * Math.abs(nllExt));
            assertEquals(nu, ext.expectedEvents(th), 1e-9 * nu);
        }
    }

    /**
     * With many events per bin the reweighted p_b(θ) matches the bin fractions of a sample drawn
     * directly at θ (both estimate the exact bin probability; tolerance 4 combined binomial σ).
     */
    @Test
    void reweightedBinProbabilitiesMatchDirectSample() {
        GammaReweighting ref = new GammaReweighting(REF, 100_000, 5);
        double[][] hRef = ScoreBinning.project(ref.exactScore(ref.x), new double[] {1, 0});
        ScoreBinning bins = ScoreBinning.equalPopulation(hRef, new int[] {10});
        double[] theta = {2.4, 1.1};
        double[][] direct = GammaReweighting.observed(theta, 100_000, 6);
        double[] frac = bins.histogram(ScoreBinning.project(ref.exactScore(direct), new double[] {1, 0}), null);
        ScoreHistogramLikelihood l = ScoreHistogramLikelihood.of(PARAMS, ref, bins, hRef, frac, Double.NaN);
        double[] p = l.binProbabilities(theta);
        // Kish effective size of the reweighted sample
        double sw = 0, sw2 = 0;
        for (int i = 0; i < ref.events(); i++) {
            double w = Math.exp(GammaLatentSimulator.logJointRatio(ref.z[i], theta, REF));
            sw += w;
            sw2 += w * w;
        }
        double nEff = sw * sw / sw2;
        double chi2 = 0;
        for (int b = 0; b < 10; b++) {
            double f = frac[b] / 100_000;
            double sigma = Math.sqrt(f * (1 - f) * (1 / 100_000.0 + 1 / nEff));
            assertEquals(f, p[b], 4 * sigma, "bin " + b);
            chi2 += Math.pow((f - p[b]) / sigma, 2);
        }
        assertTrue(chi2 < 30, "χ² " + chi2 + " over 10 bins");
        // the reweighting moved the probabilities: equal population at θ_ref is not equal at θ
        double spread = 0;
        for (double v : p) spread = Math.max(spread, Math.abs(v - 0.1));
        assertTrue(spread > 0.02, "max |p_b − 0.1| = " + spread);
    }

    /**
     * The Asimov data set at θ0 (n_b = N p_b(θ0), or ν(θ0) p_b(θ0) extended) has its minimum at θ0
     * exactly (Gibbs' inequality): the exact gradient vanishes there, and the value is lower than
     * at nearby points.
     */
    @ParameterizedTest
    @MethodSource("seeds")
    void asimovMinimumIsThePoint(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        GammaReweighting ref = new GammaReweighting(REF, 4000, seed + 50);
        double[][] tRef = ref.exactScore(ref.x);
        ScoreBinning bins = ScoreBinning.equalPopulation(tRef, new int[] {4, 4});
        double nu = seed % 2 == 0 ? 500 : Double.NaN;
        double[] some = new double[16];
        java.util.Arrays.fill(some, 100); // shape only: the Asimov total is this N = 1600
        ScoreHistogramLikelihood l = ScoreHistogramLikelihood.of(PARAMS, ref, bins, tRef, some, nu);
        double[] th0 = {1.7 + 0.8 * rng.nextDouble(), 0.8 + 0.4 * rng.nextDouble()};
        ScoreHistogramLikelihood a = (ScoreHistogramLikelihood) l.asimov(th0);
        double[] g = new double[2];
        double v = a.valueAndGradient(th0, g);
        double total = 0;
        for (double n : a.observedCounts()) total += n;
        assertEquals(Double.isNaN(nu) ? 1600 : l.expectedEvents(th0), total, 1e-9 * total);
        assertEquals(0, g[0], 1e-8 * total, "d/dk at the Asimov point");
        assertEquals(0, g[1], 1e-8 * total, "d/dλ at the Asimov point");
        for (double[] d : new double[][] {{0.02, 0}, {-0.02, 0}, {0, 0.02}, {0, -0.02}}) {
            assertTrue(a.value(new double[] {th0[0] + d[0], th0[1] + d[1]}) > v);
        }
    }

    static int handBin(double[] edges, double h) {
        int b = 0;
        while (b < edges.length && h >= edges[b]) b++;
        return b;
    }
}
