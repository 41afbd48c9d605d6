package org.ratiofit.likelihood;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Toys at one truth point reuse the reference events' resampling weights: a model that has drawn
 * toys before (weights kept, or evicted and computed again) gives every toy bit for bit as a model
 * that never drew one, and computes the weights once per truth point while they are kept.
 */
class ResamplingWeightsTest {

    /** Every number a pseudo-experiment carries: binned counts, each unbinned event's columns, aux values. */
    static List<double[]> contents(Model toy) {
        List<double[]> out = new ArrayList<>();
        for (Channel c : toy.channels()) {
            if (c instanceof BinnedChannel b) {
                out.add(b.observed());
            } else {
                EventSet d = ((UnbinnedChannel) c).data();
                out.add(new double[] {d.events()});
                for (SampleColumns s : d.columns().values()) {
                    out.add(s.logRatio());
                    s.shapeUp().forEach(out::add);
                    s.shapeDown().forEach(out::add);
                    s.polynomial().forEach(out::add);
                }
            }
        }
        out.add(toy.modelParameters().stream().mapToDouble(Parameter::aux).toArray());
        return out;
    }

    static void assertSame(Model a, Model b, String what) {
        List<double[]> x = contents(a);
        List<double[]> y = contents(b);
        assertEquals(x.size(), y.size(), what);
        for (int k = 0; k < x.size(); k++) {
            double[] u = x.get(k);
            double[] v = y.get(k);
            assertEquals(u.length, v.length, what + " part " + k);
            for (int i = 0; i < u.length; i++) {
                assertEquals(Double.doubleToRawLongBits(u[i]), Double.doubleToRawLongBits(v[i]), what + " part " + k + " value " + i);
            }
        }
    }

    @ParameterizedTest(name = "model seed {0}")
    @ValueSource(longs = {21, 22})
    void toysAreBitIdenticalWithKeptWeightsAndTheWeightsAreComputedOncePerTruthPoint(long seed) {
        Model warm = TestModels.withReference(seed, 300);
        // more truth points than are kept, visited twice in turn, so kept, evicted and recomputed weights all serve toys
        int points = ResamplingWeights.TRUTH_POINTS + 3;
        double[][] truths = new double[points][];
        for (int p = 0; p < points; p++) {
            truths[p] = TestModels.point(warm, seed * 1000 + p);
        }
        for (int round = 0; round < 2; round++) {
            for (int p = 0; p < points; p++) {
                for (int t = 0; t < 2; t++) {
                    long toySeed = seed * 7919 + p * 31L + t + round * 100_000L;
                    Model cold = TestModels.withReference(seed, 300);
                    assertSame(cold.pseudoExperiment(truths[p], toySeed), warm.pseudoExperiment(truths[p], toySeed),
                            "model seed " + seed + ", truth point " + p + ", toy seed " + toySeed);
                }
            }
        }
        // kept weights serve every further toy at a kept truth point: no new computation
        long before = warm.resamplingWeights().computed();
        for (int t = 0; t < 20; t++) {
            warm.pseudoExperiment(truths[points - 1], t);
        }
        assertEquals(before, warm.resamplingWeights().computed(), "model seed " + seed);
        // a truth point equal in value but another array is the same point
        warm.pseudoExperiment(truths[points - 1].clone(), 99);
        assertEquals(before, warm.resamplingWeights().computed(), "model seed " + seed);
        // another truth point computes once (one unbinned channel)
        double[] other = truths[0].clone();
        other[0] += 0.01;
        warm.pseudoExperiment(other, 1);
        warm.pseudoExperiment(other, 2);
        assertEquals(before + 1, warm.resamplingWeights().computed(), "model seed " + seed);
        assertArrayEquals(truths[0], TestModels.point(warm, seed * 1000), "the truth arrays are not changed");
    }
}
