package org.ratiofit.likelihood;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Public access to the seeded random models for tests in sub-packages. */
public final class TestModels {

    private TestModels() {
    }

    /** The random model of {@link RandomModels} with a binned channel and reference events for Asimov data. */
    public static Model withReference(long seed, int events) {
        Model m = RandomModels.model(seed, events, true, true);
        UnbinnedChannel u = (UnbinnedChannel) m.channels().get(0);
        Random r = new Random(seed + 77);
        int nref = events / 2 + 3;
        Map<String, SampleColumns> cols = new LinkedHashMap<>();
        for (UnbinnedSample s : u.samples()) {
            SampleColumns c = u.data().columns().get(s.name());
            List<double[]> up = c.shapeUp().stream().map(x -> RandomModels.ratioColumn(r, nref, 0.1)).toList();
            List<double[]> down = c.shapeDown().stream().map(x -> RandomModels.ratioColumn(r, nref, 0.1)).toList();
            List<double[]> poly = c.polynomial().stream().map(x -> RandomModels.normalColumn(r, nref, 0, 0.03)).toList();
            cols.put(s.name(), new SampleColumns(RandomModels.normalColumn(r, nref, 0, 0.3), up, down, poly));
        }
        double[] w = new double[nref];
        java.util.Arrays.fill(w, 1.0 / nref);
        UnbinnedChannel withRef = new UnbinnedChannel(u.name(), u.samples(), u.data(), new EventSet(nref, w, cols));
        return new Model(m.modelParameters(), List.of(withRef, m.channels().get(1)));
    }

    public static double[] point(Model m, long seed) {
        return RandomModels.point(m, seed);
    }
}
