package org.ratiofit.likelihood;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PropertiesTest {

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 8);
    }

    /** Multiplying every sample's ratio by one per-event factor shifts -ln L by a constant only. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void commonPerEventFactorChangesNllByAConstant(long seed) {
        Model m = RandomModels.model(seed, 2000, seed % 2 == 1, false);
        Random r = new Random(seed + 1000);
        UnbinnedChannel ch = (UnbinnedChannel) m.channels().get(0);
        double[] lnc = RandomModels.normalColumn(r, ch.data().events(), 0, 0.7);
        Map<String, SampleColumns> cols = new LinkedHashMap<>();
        for (Map.Entry<String, SampleColumns> e : ch.data().columns().entrySet()) {
            SampleColumns c = e.getValue();
            double[] lr = c.logRatio().clone();
            for (int i = 0; i < lr.length; i++) {
                lr[i] += lnc[i];
            }
            cols.put(e.getKey(), new SampleColumns(lr, c.shapeUp(), c.shapeDown(), c.polynomial()));
        }
        UnbinnedChannel shifted = new UnbinnedChannel(ch.name(), ch.samples(), new EventSet(ch.data().events(), ch.data().weights(), cols), ch.reference());
        Model m2 = new Model(m.modelParameters(), List.of(shifted));
        double[] x0 = RandomModels.point(m, seed);
        double c0 = m2.value(x0) - m.value(x0);
        double expected = 0;
        for (int i = 0; i < lnc.length; i++) {
            expected -= (ch.data().weights() == null ? 1 : ch.data().weights()[i]) * lnc[i];
        }
        assertEquals(expected, c0, 1e-8 * Math.abs(expected), "seed " + seed + ": the shift is -sum w ln c");
        for (int t = 1; t < 6; t++) {
            double[] x = RandomModels.point(m, seed * 100 + t);
            double c = m2.value(x) - m.value(x);
            assertEquals(c0, c, 1e-9 * Math.abs(m.value(x)), "seed " + seed + " point " + t);
            double[] g1 = new double[x.length];
            double[] g2 = new double[x.length];
            m.valueAndGradient(x, g1);
            m2.valueAndGradient(x, g2);
            for (int i = 0; i < x.length; i++) {
                assertEquals(g1[i], g2[i], 1e-8 * Math.max(1, Math.abs(g1[i])), "seed " + seed + " gradient " + i);
            }
        }
    }

    /** Same bits for any number of threads: fixed blocks, reduction in block order. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void resultIsBitIdenticalForAnyThreadCount(long seed) {
        Model m = RandomModels.model(seed, 3 * UnbinnedKernel.BLOCK * 4 + 17, true, true);
        double[] x = RandomModels.point(m, seed);
        Evaluation ref = m.withPool(null).evaluate(x, true);
        for (int threads : new int[] {1, 2, 3, 7}) {
            ForkJoinPool pool = new ForkJoinPool(threads);
            try {
                Evaluation e = m.withPool(pool).evaluate(x, true);
                assertEquals(Double.doubleToRawLongBits(ref.value()), Double.doubleToRawLongBits(e.value()),
                        "seed " + seed + " threads " + threads + ": " + ref.value() + " vs " + e.value());
                assertArrayEquals(ref.gradient(), e.gradient(), 0.0, "seed " + seed + " threads " + threads);
            } finally {
                pool.shutdown();
            }
        }
    }

    /** Float32 storage of shape columns: close to float64, and still the same bits for any thread count. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void float32StorageIsCloseAndDeterministic(long seed) {
        Model m = RandomModels.model(seed, 5000, true, false);
        Model f = m.withFloat32(true);
        double[] x = RandomModels.point(m, seed);
        Evaluation a = m.evaluate(x, true);
        Evaluation b = f.evaluate(x, true);
        assertEquals(a.value(), b.value(), 1e-6 * Math.abs(a.value()), "seed " + seed);
        for (int i = 0; i < x.length; i++) {
            assertEquals(a.gradient()[i], b.gradient()[i], 1e-4 * Math.max(1, Math.abs(a.gradient()[i])), "seed " + seed + " gradient " + i);
        }
        ForkJoinPool pool = new ForkJoinPool(3);
        try {
            Evaluation c = f.withPool(pool).evaluate(x, true);
            Evaluation d = f.withPool(null).evaluate(x, true);
            assertEquals(Double.doubleToRawLongBits(d.value()), Double.doubleToRawLongBits(c.value()), "seed " + seed);
            assertArrayEquals(d.gradient(), c.gradient(), 0.0, "seed " + seed);
        } finally {
            pool.shutdown();
        }
    }

    /** Several threads evaluating one model at once (parallel chains) get the same bits as one at a time. */
    @Test
    void concurrentEvaluationsAgreeWithSequentialOnes() throws Exception {
        Model m = RandomModels.model(21, 3000, true, true);
        double[][] points = new double[16][];
        Evaluation[] expected = new Evaluation[points.length];
        for (int t = 0; t < points.length; t++) {
            points[t] = RandomModels.point(m, 500 + t);
            expected[t] = m.evaluate(points[t], true);
        }
        java.util.concurrent.ExecutorService ex = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<Evaluation>> fs = new java.util.ArrayList<>();
            for (int rep = 0; rep < 3; rep++) {
                for (double[] p : points) {
                    fs.add(ex.submit(() -> m.evaluate(p, true)));
                }
            }
            for (int i = 0; i < fs.size(); i++) {
                Evaluation got = fs.get(i).get();
                Evaluation want = expected[i % points.length];
                assertEquals(want.value(), got.value(), 0.0, "task " + i);
                assertArrayEquals(want.gradient(), got.gradient(), 0.0, "task " + i);
            }
        } finally {
            ex.shutdown();
        }
    }

    @Test
    void negativeMixtureDensityGivesInfinityWithReasonAndCount() {
        // signal with coefficient (mu - sqrt mu) < 0 for mu < 1 and tiny background where the signal ratio is large
        int n = 6;
        double[] lrS = {0, 0, 0, 5, 5, 5};
        double[] lrB = {0, 0, 0, -5, -5, -5};
        ModelBuilder b = new ModelBuilder().parameter(Parameter.poi("mu", 1, 0, 10));
        b.unbinned("SR", n)
                .sample("S", 10, lrS).coefficient("mu", new double[] {1, -1}, new double[] {1, 0.5}).end()
                .sample("B", 10, lrB).end()
                .end();
        Model m = b.build();
        Evaluation ok = m.evaluate(new double[] {2}, true);
        assertTrue(ok.isValid(), ok.reason());
        Evaluation bad = m.evaluate(new double[] {0.25}, true);
        assertEquals(Double.POSITIVE_INFINITY, bad.value());
        assertEquals(3, bad.invalidEvents());
        assertTrue(bad.reason().contains("3 of 6 events"), bad.reason());
        assertEquals(Double.POSITIVE_INFINITY, m.value(new double[] {0.25}));
        double[] g = new double[1];
        assertEquals(Double.POSITIVE_INFINITY, m.valueAndGradient(new double[] {0.25}, g));
        assertFalse(Double.isNaN(g[0]));
    }

    @Test
    void asimovWeightsAreReferenceWeightsTimesTheMixture() {
        double[] lrS = {0.1, -0.4, 0.9};
        double[] lrB = {-0.2, 0.3, 0.0};
        double[] refS = {0.5, -1.0, 0.2, 0.7};
        double[] refB = {0.0, 0.1, -0.3, 0.4};
        double[] refW = {0.25, 0.25, 0.25, 0.25};
        Map<String, SampleColumns> ref = new LinkedHashMap<>();
        ref.put("S", SampleColumns.of(refS));
        ref.put("B", SampleColumns.of(refB));
        // Asimov data are the expectation on the reference events in either mode: each sample's ratio
        // divided by its reference average R_p = sum w r_p / sum w
        double rS = 0;
        double rB = 0;
        for (int i = 0; i < 4; i++) {
            rS += refW[i] * Math.exp(refS[i]);
            rB += refW[i] * Math.exp(refB[i]);
        }
        Model a = null;
        for (ShapeNormalisation mode : List.of(ShapeNormalisation.REFERENCE_AND_CLOSURE, ShapeNormalisation.REFERENCE)) {
            ModelBuilder b = new ModelBuilder().parameter(Parameter.poi("mu", 1, 0, 10)).parameter(Parameter.constrained("a"));
            b.unbinned("SR", 3).shapeNormalisation(mode).reference(new EventSet(4, refW, ref))
                    .sample("S", 10, lrS).normFactor("mu").end()
                    .sample("B", 100, lrB).normSys("a", 1, 1.1, 0.9).end()
                    .end();
            b.binned("CR", new double[] {50, 20}).sample("B", new double[] {40, 25}).normSys("a", 4, 1.2, 0.8).end().end();
            Model m = b.build();
            double[] point = {2.0, 0.5};
            a = m.asimov(point);
            UnbinnedChannel u = (UnbinnedChannel) a.channels().get(0);
            assertEquals(ShapeNormalisation.REFERENCE_AND_CLOSURE, u.normalisation(), "the Asimov model's normalisation");
            for (int i = 0; i < 4; i++) {
                double expected = refW[i] * (20 * Math.exp(refS[i]) / rS + 100 * Math.pow(1.1, 0.5) * Math.exp(refB[i]) / rB);
                assertEquals(expected, u.data().weights()[i], 1e-12, mode + " event " + i);
            }
        }
        BinnedChannel c = (BinnedChannel) a.channels().get(1);
        double f = Interpolation.code4(0.5, 1.2, 0.8)[0];
        assertArrayEquals(new double[] {40 * f, 25 * f}, c.observed(), 1e-12);
        assertEquals(0.5, a.modelParameters().get(1).aux(), 0);
        // binned part of an Asimov model is stationary at the Asimov point; here check the a-derivative
        // of the constraint plus the binned term vanishes on a binned-only model
        ModelBuilder bb = new ModelBuilder().parameter(Parameter.normFactor("k", 1, 0, 5)).parameter(Parameter.constrained("a"));
        bb.binned("CR", new double[] {50, 20, 7}).sample("B", new double[] {40, 25, 5}).normFactor("k").normSys("a", 4, 1.2, 0.8)
                .histoSys("a", "4p", new double[] {42, 27, 6}, new double[] {39, 22, 4.5}).end().mcStat(new double[] {0.05, 0.1, 0.2}).end();
        Model binned = bb.build();
        double[] truth = {1.3, -0.7, 1.02, 0.97, 1.1};
        Model ab = binned.asimov(truth);
        double[] g = new double[truth.length];
        ab.valueAndGradient(truth, g);
        for (double gi : g) {
            assertEquals(0, gi, 1e-10, "gradient at the Asimov point");
        }
    }

    @Test
    void asimovWithoutReferenceEventsSaysWhy() {
        Model m = RandomModels.withoutReference(3, 100);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.asimov(m.initialValues()));
        assertTrue(e.getMessage().contains("reference"), e.getMessage());
    }

    @Test
    void pseudoExperimentsAreSeededAndUnbiased() {
        ModelBuilder bb = new ModelBuilder().parameter(Parameter.normFactor("k", 1, 0, 5)).parameter(Parameter.constrained("a"));
        bb.binned("CR", new double[] {50, 20}).sample("B", new double[] {40, 25}).normFactor("k").normSys("a", 4, 1.2, 0.8).end().end();
        Model m = bb.build();
        assertTrue(m.supportsPseudoExperiments());
        double[] truth = {1.5, 0.3};
        Model t1 = m.pseudoExperiment(truth, 42);
        Model t2 = m.pseudoExperiment(truth, 42);
        assertArrayEquals(((BinnedChannel) t1.channels().get(0)).observed(), ((BinnedChannel) t2.channels().get(0)).observed(), 0);
        assertEquals(t1.modelParameters().get(1).aux(), t2.modelParameters().get(1).aux(), 0);
        Model t3 = m.pseudoExperiment(truth, 43);
        assertNotEquals(t1.modelParameters().get(1).aux(), t3.modelParameters().get(1).aux());
        double f = Interpolation.code4(0.3, 1.2, 0.8)[0];
        double[] lambda = {1.5 * 40 * f, 1.5 * 25 * f};
        int toys = 2000;
        double[] mean = new double[2];
        double auxMean = 0;
        for (int s = 0; s < toys; s++) {
            Model t = m.pseudoExperiment(truth, 1000 + s);
            double[] o = ((BinnedChannel) t.channels().get(0)).observed();
            mean[0] += o[0] / toys;
            mean[1] += o[1] / toys;
            auxMean += t.modelParameters().get(1).aux() / toys;
        }
        for (int b = 0; b < 2; b++) {
            assertEquals(lambda[b], mean[b], 5 * Math.sqrt(lambda[b] / toys), "bin " + b);
        }
        assertEquals(0.3, auxMean, 5 / Math.sqrt(toys));
        assertFalse(RandomModels.withoutReference(1, 10).supportsPseudoExperiments());
    }

    @Test
    void unknownParameterIsNamed() {
        ModelBuilder b = new ModelBuilder().parameter(Parameter.poi("mu", 1, 0, 10));
        b.unbinned("SR", 2).sample("S", 1, new double[] {0, 0}).normFactor("nope").end().end();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::build);
        assertTrue(e.getMessage().contains("'nope'") && e.getMessage().contains("sample 'S'"), e.getMessage());
    }
}
