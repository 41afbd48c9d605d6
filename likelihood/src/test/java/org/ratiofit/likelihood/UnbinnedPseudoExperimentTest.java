package org.ratiofit.likelihood;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Pseudo-experiments of unbinned channels: N ~ Poisson(total yield) events resampled from the
 * reference sample with probability ∝ w_ref,i Σ_p ν_p r_p(x_i). Checked against the exact
 * expectations of that finite reference sample.
 */
class UnbinnedPseudoExperimentTest {

    private static final double[] TRUTH = {1.3, 0.4};

    /** Signal (ν = 30 μ) and background (ν = 200 · code-4 normsys) over a small reference sample with distinct log-ratios. */
    private static Model smallModel(long seed, int nRef) {
        Random r = new Random(seed);
        double[] lrS = new double[nRef];
        double[] lrB = new double[nRef];
        double[] w = new double[nRef];
        for (int i = 0; i < nRef; i++) {
            lrS[i] = 0.8 * r.nextGaussian() + 1e-6 * i;
            lrB[i] = 0.3 * r.nextGaussian();
            w[i] = (0.5 + r.nextDouble()) / nRef;
        }
        Map<String, SampleColumns> cols = new LinkedHashMap<>();
        cols.put("S", SampleColumns.of(lrS));
        cols.put("B", SampleColumns.of(lrB));
        ModelBuilder b = new ModelBuilder().parameter(Parameter.poi("mu", 1, 0, 10)).parameter(Parameter.constrained("a"));
        b.unbinned("SR", 3).sample("S", 30, new double[] {0, 0.1, -0.1}).normFactor("mu").end()
                .sample("B", 200, new double[] {0, 0.2, 0.1}).normSys("a", 4, 1.15, 0.9).end()
                .reference(new EventSet(nRef, w, cols)).end();
        return b.build();
    }

    private static double[] pickProbabilities(Model m, double[] truth) {
        UnbinnedChannel u = (UnbinnedChannel) m.channels().get(0);
        EventSet ref = u.reference();
        // pseudo-data are the model's expectation on the reference events: each sample's ratio divided by
        // its reference average R_p = sum w r_p / sum w, so that sample p gives nu_p events on average
        double rS = 0;
        double rB = 0;
        double ws = 0;
        for (int i = 0; i < ref.events(); i++) {
            rS += ref.weights()[i] * Math.exp(ref.columns().get("S").logRatio()[i]);
            rB += ref.weights()[i] * Math.exp(ref.columns().get("B").logRatio()[i]);
            ws += ref.weights()[i];
        }
        double nuS = 30 * truth[0] * ws / rS;
        double nuB = 200 * Interpolation.code4(truth[1], 1.15, 0.9)[0] * ws / rB;
        double[] p = new double[ref.events()];
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] = ref.weights()[i] * (nuS * Math.exp(ref.columns().get("S").logRatio()[i]) + nuB * Math.exp(ref.columns().get("B").logRatio()[i]));
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void countsArePoissonAndEventsFollowTheMixture(long seed) {
        int nRef = 8;
        Model m = smallModel(seed, nRef);
        assertTrue(m.supportsPseudoExperiments(), "seed " + seed);
        double nuTot = 30 * TRUTH[0] + 200 * Interpolation.code4(TRUTH[1], 1.15, 0.9)[0];
        double[] p = pickProbabilities(m, TRUTH);
        double[] lrS = ((UnbinnedChannel) m.channels().get(0)).reference().columns().get("S").logRatio();
        Map<Double, Integer> indexOf = new HashMap<>();
        for (int i = 0; i < nRef; i++) {
            indexOf.put(lrS[i], i);
        }
        int toys = 400;
        double sumN = 0;
        double sumN2 = 0;
        long[] picks = new long[nRef];
        double sumLr = 0;
        long events = 0;
        double auxSum = 0;
        for (int t = 0; t < toys; t++) {
            Model toy = m.pseudoExperiment(TRUTH, seed * 100_000 + t);
            UnbinnedChannel u = (UnbinnedChannel) toy.channels().get(0);
            int n = u.data().events();
            assertTrue(u.data().weights() == null, "seed " + seed + ": pseudo-data have unit weights");
            sumN += n;
            sumN2 += (double) n * n;
            double[] col = u.data().columns().get("S").logRatio();
            double[] colB = u.data().columns().get("B").logRatio();
            double[] refB = u.reference().columns().get("B").logRatio();
            for (int k = 0; k < n; k++) {
                Integer i = indexOf.get(col[k]);
                assertTrue(i != null, "seed " + seed + ": drawn event is not a reference event");
                assertEquals(refB[i], colB[k], 0, "seed " + seed + ": columns of one event stay together");
                picks[i]++;
                sumLr += col[k];
            }
            events += n;
            auxSum += toy.modelParameters().get(1).aux();
        }
        double meanN = sumN / toys;
        double varN = (sumN2 - toys * meanN * meanN) / (toys - 1);
        assertEquals(nuTot, meanN, 5 * Math.sqrt(nuTot / toys), "seed " + seed + ": mean count");
        assertEquals(nuTot, varN, 5 * Math.sqrt(2.0 / toys) * nuTot + 5 * Math.sqrt(nuTot / toys), "seed " + seed + ": count variance");
        // every reference event is drawn in proportion to w_i Σ_p ν_p r_p(x_i): Pearson χ² with 7 degrees of freedom
        double chi2 = 0;
        double expectLr = 0;
        double expectLr2 = 0;
        for (int i = 0; i < nRef; i++) {
            double e = p[i] * events;
            chi2 += (picks[i] - e) * (picks[i] - e) / e;
            expectLr += p[i] * lrS[i];
            expectLr2 += p[i] * lrS[i] * lrS[i];
        }
        assertTrue(chi2 < 29.9, "seed " + seed + ": chi2 " + chi2 + " of the pick frequencies (p = 2e-4 bound for 7 dof)");
        double sd = Math.sqrt(expectLr2 - expectLr * expectLr);
        assertEquals(expectLr, sumLr / events, 5 * sd / Math.sqrt(events), "seed " + seed + ": mean log-ratio of the drawn events");
        assertEquals(TRUTH[1], auxSum / toys, 5 / Math.sqrt(toys), "seed " + seed + ": aux values centred on the truth");
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {11, 12})
    void everyModifierColumnIsResampledAndSeedsReplay(long seed) {
        Model m = TestModels.withReference(seed, 200);
        double[] truth = TestModels.point(m, seed);
        assertTrue(m.supportsPseudoExperiments());
        Model a = m.pseudoExperiment(truth, 7);
        Model b = m.pseudoExperiment(truth, 7);
        Model c = m.pseudoExperiment(truth, 8);
        UnbinnedChannel ua = (UnbinnedChannel) a.channels().get(0);
        UnbinnedChannel ub = (UnbinnedChannel) b.channels().get(0);
        UnbinnedChannel uc = (UnbinnedChannel) c.channels().get(0);
        assertEquals(ua.data().events(), ub.data().events(), "seed " + seed);
        for (String s : ua.data().columns().keySet()) {
            assertArrayEquals(ua.data().columns().get(s).logRatio(), ub.data().columns().get(s).logRatio(), 0, "seed " + seed + " sample " + s);
        }
        assertArrayEquals(((BinnedChannel) a.channels().get(1)).observed(), ((BinnedChannel) b.channels().get(1)).observed(), 0, "seed " + seed);
        assertFalse(ua.data().events() == uc.data().events()
                && java.util.Arrays.equals(ua.data().columns().get("S").logRatio(), uc.data().columns().get("S").logRatio()), "seed " + seed);
        // each drawn event carries the columns of one reference event: log-ratios, shape ratios, polynomial coefficients
        EventSet ref = ua.reference();
        Map<Double, Integer> indexOf = new HashMap<>();
        for (int i = 0; i < ref.events(); i++) {
            indexOf.put(ref.columns().get("bkg").logRatio()[i], i);
        }
        for (int k = 0; k < ua.data().events(); k++) {
            Integer i = indexOf.get(ua.data().columns().get("bkg").logRatio()[k]);
            assertTrue(i != null, "seed " + seed);
            for (String s : ref.columns().keySet()) {
                SampleColumns rc = ref.columns().get(s);
                SampleColumns dc = ua.data().columns().get(s);
                assertEquals(rc.logRatio()[i], dc.logRatio()[k], 0, "seed " + seed);
                for (int j = 0; j < rc.shapeUp().size(); j++) {
                    assertEquals(rc.shapeUp().get(j)[i], dc.shapeUp().get(j)[k], 0, "seed " + seed);
                    assertEquals(rc.shapeDown().get(j)[i], dc.shapeDown().get(j)[k], 0, "seed " + seed);
                }
                for (int j = 0; j < rc.polynomial().size(); j++) {
                    assertEquals(rc.polynomial().get(j)[i], dc.polynomial().get(j)[k], 0, "seed " + seed);
                }
            }
        }
        // the pooled drawn events' mean log-ratio approaches the Asimov-weighted mean over the reference sample
        EventSet asimov = ((UnbinnedChannel) m.asimov(truth).channels().get(0)).data();
        double[] lr = ref.columns().get("S").logRatio();
        double sw = 0;
        double m1 = 0;
        double m2 = 0;
        for (int i = 0; i < ref.events(); i++) {
            sw += asimov.weights()[i];
            m1 += asimov.weights()[i] * lr[i];
            m2 += asimov.weights()[i] * lr[i] * lr[i];
        }
        m1 /= sw;
        double sd = Math.sqrt(m2 / sw - m1 * m1);
        double sum = 0;
        long n = 0;
        for (int t = 0; t < 200; t++) {
            EventSet d = ((UnbinnedChannel) m.pseudoExperiment(truth, 1000 + t).channels().get(0)).data();
            for (double v : d.columns().get("S").logRatio()) {
                sum += v;
            }
            n += d.events();
        }
        assertEquals(m1, sum / n, 5 * sd / Math.sqrt(n), "seed " + seed + ": mean log-ratio over " + n + " drawn events");
        // the pseudo-experiment is a model to fit: its value is finite at the truth
        assertTrue(Double.isFinite(a.value(truth)), "seed " + seed);
    }

    @Test
    void withoutReferenceEventsItSaysWhy() {
        Model m = RandomModels.withoutReference(3, 50);
        assertFalse(m.supportsPseudoExperiments());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.pseudoExperiment(m.initialValues(), 1));
        assertTrue(e.getMessage().contains("reference") && e.getMessage().contains("'SR'"), e.getMessage());
    }
}
