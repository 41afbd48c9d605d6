package org.ratiofit.workspace.nre;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Counts of draws outside the NRE's training box against a direct count, with edges inside. */
class TrainingRangeTest {

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void countsDrawsOutsideABoxThatCutsThePosterior(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = 2000;
        double[] a = new double[n], b = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = 1 + r.nextGaussian(); // the box [0.5, 3] cuts about 31 % off the lower tail
            b[i] = r.nextDouble(-1, 1); // inside [-1, 1]
        }
        a[0] = 0.5; // on the edge: inside
        a[1] = 3.0;
        long expected = 0;
        for (double v : a) if (v < 0.5 || v > 3) expected++;
        TrainingRange box = new TrainingRange(List.of("a", "b"), new double[] {0.5, -1}, new double[] {3, 1});
        List<TrainingRange.Extrapolation> c = box.check(Map.of("a", a, "b", b));
        assertEquals(expected, c.get(0).outside());
        assertTrue(expected > 0.25 * n && expected < 0.37 * n, "the box cuts the posterior: " + expected);
        assertEquals(n, c.get(0).draws());
        assertEquals(0, c.get(1).outside());
        List<String> w = TrainingRange.warnings(c);
        assertEquals(List.of(expected + " of " + n + " draws of 'a' lie outside the NRE's training range [0.5, 3.0]: the NRE is extrapolating there"), w);
    }

    @org.junit.jupiter.api.Test
    void badInputIsNamed() {
        TrainingRange box = new TrainingRange(List.of("a"), new double[] {0}, new double[] {1});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> box.check(Map.of("b", new double[] {0.5})));
        assertTrue(e.getMessage().contains("no draws of 'a'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new TrainingRange(List.of("a"), new double[] {2}, new double[] {1}));
        assertTrue(e.getMessage().contains("training range of 'a' is [2.0, 1.0]"), e.getMessage());
        // NaN draws are outside
        assertEquals(1, box.check(Map.of("a", new double[] {Double.NaN, 0.5})).get(0).outside());
    }
}
