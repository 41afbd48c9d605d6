package org.ratiofit.likelihood;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link Model#coarse()}: every second event of a large event set with twice its weight, the same
 * likelihood otherwise; null below 2 x {@link Model#COARSE_EVENTS} events.
 */
class CoarseModelTest {

    /** The halved event set written out by hand: event 2i with weight 2 w_2i. */
    static EventSet byHand(EventSet e) {
        int m = (e.events() + 1) / 2;
        double[] w = new double[m];
        Map<String, SampleColumns> cols = new LinkedHashMap<>();
        for (int i = 0; i < m; i++) {
            w[i] = 2 * (e.weights() == null ? 1 : e.weights()[2 * i]);
        }
        e.columns().forEach((name, c) -> cols.put(name, new SampleColumns(even(c.logRatio()), c.shapeUp().stream().map(CoarseModelTest::even).toList(),
                c.shapeDown().stream().map(CoarseModelTest::even).toList(), c.polynomial().stream().map(CoarseModelTest::even).toList())));
        return new EventSet(m, w, cols);
    }

    static double[] even(double[] a) {
        double[] b = new double[(a.length + 1) / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = a[2 * i];
        }
        return b;
    }

    @ParameterizedTest(name = "seed {0}, weighted {1}, binned {2}")
    @CsvSource({"1, false, false", "2, true, true", "3, true, false"})
    void halvesTheDataAndDoublesTheirWeights(long seed, boolean weighted, boolean binned) {
        int n = 2 * Model.COARSE_EVENTS + 2 * (int) seed + 1;
        Model full = RandomModels.model(seed, n, weighted, binned);
        Model coarse = full.coarse();
        assertNotNull(coarse);
        UnbinnedChannel u = (UnbinnedChannel) full.channels().get(0);
        UnbinnedChannel c = (UnbinnedChannel) coarse.channels().get(0);
        assertEquals((n + 1) / 2, c.data().events());
        // the reference (n / 4 + 400 events) is below the threshold: kept as it is
        assertSame(u.reference(), c.reference());
        if (binned) {
            assertSame(full.channels().get(1), coarse.channels().get(1));
        }
        List<Channel> channels = new java.util.ArrayList<>(full.channels());
        channels.set(0, new UnbinnedChannel(u.name(), u.samples(), byHand(u.data()), u.reference(), u.normalisation()));
        Model expected = new Model(full.modelParameters(), channels);
        assertEquals(full.parameters(), coarse.parameters());
        for (int k = 0; k < 3; k++) {
            double[] x = RandomModels.point(full, seed * 10 + k);
            double[] g1 = new double[x.length];
            double[] g2 = new double[x.length];
            double v1 = coarse.valueAndGradient(x, g1);
            double v2 = expected.valueAndGradient(x, g2);
            assertEquals(v2, v1, 0.0);
            assertArrayEquals(g2, g1, 0.0);
            // an estimate of the full -ln L: within a few per mille of it (the data term is ~ n ln(...) ~ 10^5 here)
            double f = full.value(x);
            assertEquals(f, v1, 5e-3 * Math.abs(f), () -> "full " + f + " coarse " + v1);
        }
        // the coarse copy's coarse copy: 2 x COARSE_EVENTS + ... halved once more only if still large enough
        assertNull(coarse.coarse());
    }

    @Test
    void smallModelsHaveNone() {
        assertNull(RandomModels.model(5, 2 * Model.COARSE_EVENTS - 1, false, true).coarse());
        assertNull(RandomModels.model(5, 1000, true, false).coarse());
    }
}
