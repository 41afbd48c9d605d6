package org.ratiofit.likelihood;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link KernelWarmUp}: its copy {@link Model#head(int)} is the model over the first events (the
 * same likelihood as one built from those events by hand), small models are skipped, and a warmed
 * model gives the same values, gradients and Hessians bit for bit.
 */
class KernelWarmUpTest {

    static EventSet firstByHand(EventSet e, int m) {
        if (e.events() <= m) return e;
        Map<String, SampleColumns> cols = new LinkedHashMap<>();
        e.columns().forEach((name, c) -> cols.put(name, new SampleColumns(Arrays.copyOf(c.logRatio(), m),
                c.shapeUp().stream().map(a -> Arrays.copyOf(a, m)).toList(), c.shapeDown().stream().map(a -> Arrays.copyOf(a, m)).toList(),
                c.polynomial().stream().map(a -> Arrays.copyOf(a, m)).toList())));
        double[] w = e.weights() == null ? null : Arrays.copyOf(e.weights(), m);
        return new EventSet(m, w, cols);
    }

    @ParameterizedTest(name = "seed {0}, weighted {1}, binned {2}")
    @CsvSource({"1, false, false", "2, true, true", "3, true, false"})
    void headIsTheModelOverTheFirstEvents(long seed, boolean weighted, boolean binned) {
        Model full = RandomModels.model(seed, 20_000 + (int) seed, weighted, binned);
        int m = 3000 + (int) seed;
        Model head = full.head(m);
        List<Channel> channels = new java.util.ArrayList<>(full.channels());
        UnbinnedChannel u = (UnbinnedChannel) full.channels().get(0);
        channels.set(0, new UnbinnedChannel(u.name(), u.samples(), firstByHand(u.data(), m),
                u.reference() == null ? null : firstByHand(u.reference(), m), u.normalisation()));
        Model expected = new Model(full.modelParameters(), channels);
        for (int k = 0; k < 3; k++) {
            double[] x = RandomModels.point(full, seed * 10 + k);
            double[] g1 = new double[x.length];
            double[] g2 = new double[x.length];
            assertEquals(expected.valueAndGradient(x, g2), head.valueAndGradient(x, g1), 0.0);
            assertArrayEquals(g2, g1, 0.0);
        }
    }

    @Test
    void smallModelsAreSkipped() {
        assertEquals(0, KernelWarmUp.warmUp(RandomModels.model(4, 20_000, false, false), 1000));
    }

    @Test
    void aWarmedModelGivesTheSameNumbers() {
        Model model = RandomModels.model(6, (int) KernelWarmUp.MIN_EVENTS, true, false);
        double[] x = RandomModels.point(model, 61);
        int n = x.length;
        double[] g0 = new double[n];
        double[][] h0 = new double[n][n];
        double v0 = model.valueGradientAndHessian(x, g0, h0);
        assertTrue(KernelWarmUp.warmUp(model, 2000) > 0);
        double[] g1 = new double[n];
        double[][] h1 = new double[n][n];
        assertEquals(v0, model.valueGradientAndHessian(x, g1, h1), 0.0);
        assertArrayEquals(g0, g1, 0.0);
        for (int i = 0; i < n; i++) assertArrayEquals(h0[i], h1[i], 0.0);
    }
}
