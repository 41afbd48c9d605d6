package org.ratiofit.likelihood;

import java.util.List;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;

/** Seeded random workspaces that use every modifier type, for property tests. */
final class RandomModels {

    private RandomModels() {
    }

    static double[] normalColumn(Random r, int n, double mean, double sd) {
        double[] c = new double[n];
        for (int i = 0; i < n; i++) {
            c[i] = mean + sd * r.nextGaussian();
        }
        return c;
    }

    static double[] ratioColumn(Random r, int n, double sd) {
        double[] c = new double[n];
        for (int i = 0; i < n; i++) {
            c[i] = Math.exp(sd * r.nextGaussian());
        }
        return c;
    }

    /** A model of one unbinned channel (4 samples, all per-event modifiers) and one binned channel. */
    static ModelBuilder builder(long seed, int events, boolean weighted, boolean withBinned) {
        Random r = new Random(seed);
        ModelBuilder b = new ModelBuilder();
        b.parameter(Parameter.poi("mu", 1, 0, 10));
        b.parameter(Parameter.normFactor("k", 1, 0, 5));
        for (int a = 0; a < 6; a++) {
            b.parameter(Parameter.constrained("a" + a, 0, -5, 5, 0.1 * r.nextGaussian(), 0.5 + r.nextDouble()));
        }
        int n = events;
        ModelBuilder.UnbinnedBuilder u = b.unbinned("SR", n);
        if (weighted) {
            double[] w = new double[n];
            for (int i = 0; i < n; i++) {
                w[i] = 0.5 + r.nextDouble();
            }
            u.weights(w);
        }
        u.sample("S", 5, normalColumn(r, n, 0, 0.5)).coefficient("mu", new double[] {1, -1}, new double[] {1, 0.5})
                .normSys("a0", 4, 1.1, 0.92).shapeSys("a1", 4, ratioColumn(r, n, 0.1), ratioColumn(r, n, 0.1)).end();
        u.sample("SBI", 10, normalColumn(r, n, 0, 0.4)).coefficient("mu", new double[] {1}, new double[] {0.5})
                .shapeSys("a1", 4, ratioColumn(r, n, 0.1), ratioColumn(r, n, 0.1))
                .shapeSys("a2", 1, ratioColumn(r, n, 0.1), ratioColumn(r, n, 0.1)).end();
        u.sample("B", 5, normalColumn(r, n, 0, 0.3)).coefficient("mu", new double[] {1, -1}, new double[] {0, 0.5})
                .normSys("a0", 1, 1.05, 0.97).end();
        List<double[]> poly = List.of(normalColumn(r, n, 0, 0.05), normalColumn(r, n, 0, 0.05), normalColumn(r, n, 0, 0.02),
                normalColumn(r, n, 0, 0.02), normalColumn(r, n, 0, 0.02));
        u.sample("bkg", 500, normalColumn(r, n, 0, 0.3)).normFactor("k").normSys("a3", 4, 1.08, 0.9)
                .shapeSys("a3", 4, ratioColumn(r, n, 0.15), ratioColumn(r, n, 0.15))
                .polynomial(List.of("a4", "a5"), new double[] {0.03, -0.02, 0.01, 0.004, -0.003}, poly).end();
        u.reference(reference(r, 400 + n / 4));
        u.end();
        if (withBinned) {
            ModelBuilder.BinnedBuilder c = b.binned("CR", new double[] {120, 95, 60, 31});
            c.sample("bkg", new double[] {110, 100, 55, 30}).normFactor("k").normSys("a3", 4, 1.1, 0.93)
                    .histoSys("a4", "4p", new double[] {115, 104, 58, 30.5}, new double[] {104, 97, 53, 29}).end();
            c.sample("other", new double[] {10, 6, 4, 2}).histoSys("a5", "0", new double[] {11, 6.5, 4.4, 2.1}, new double[] {9.5, 5, 3.8, 1.7})
                    .mcStat(false).end();
            c.mcStat(new double[] {0.02, 0.03, 0.05, 0.08});
            c.end();
        }
        return b;
    }

    /**
     * Reference events for the channel of {@link #builder} (its shapes are normalised over them):
     * weights that do not sum to 1, and columns of the same kinds as the data's.
     */
    static EventSet reference(Random r, int n) {
        java.util.Map<String, SampleColumns> cols = new java.util.LinkedHashMap<>();
        cols.put("S", new SampleColumns(normalColumn(r, n, 0, 0.5), List.of(ratioColumn(r, n, 0.1)), List.of(ratioColumn(r, n, 0.1)), List.of()));
        cols.put("SBI", new SampleColumns(normalColumn(r, n, 0, 0.4), List.of(ratioColumn(r, n, 0.1), ratioColumn(r, n, 0.1)),
                List.of(ratioColumn(r, n, 0.1), ratioColumn(r, n, 0.1)), List.of()));
        cols.put("B", SampleColumns.of(normalColumn(r, n, 0, 0.3)));
        cols.put("bkg", new SampleColumns(normalColumn(r, n, 0, 0.3), List.of(ratioColumn(r, n, 0.15)), List.of(ratioColumn(r, n, 0.15)),
                List.of(normalColumn(r, n, 0, 0.05), normalColumn(r, n, 0, 0.05), normalColumn(r, n, 0, 0.02),
                        normalColumn(r, n, 0, 0.02), normalColumn(r, n, 0, 0.02))));
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = 0.5 + r.nextDouble();
        }
        return new EventSet(n, w, cols);
    }

    /** The random model without its reference events, unnormalised (the legacy form): for the errors that need them. */
    static Model withoutReference(long seed, int events) {
        Model m = model(seed, events, false, false);
        UnbinnedChannel u = (UnbinnedChannel) m.channels().get(0);
        return new Model(m.modelParameters(), List.of(new UnbinnedChannel(u.name(), u.samples(), u.data(), null, ShapeNormalisation.NONE)));
    }

    static Model model(long seed, int events, boolean weighted, boolean withBinned) {
        return builder(seed, events, weighted, withBinned).build();
    }

    /** A random point with mu in [1, 2] (keeps the interference mixture positive), nuisances in [-1.5, 1.5]. */
    static double[] point(Model m, long seed) {
        Random r = new Random(seed * 7919 + 13);
        double[] x = new double[m.dimension()];
        for (int i = 0; i < x.length; i++) {
            String name = m.parameters().get(i).name();
            if (name.equals("mu")) {
                x[i] = 1 + r.nextDouble();
            } else if (name.equals("k")) {
                x[i] = 0.8 + 0.4 * r.nextDouble();
            } else if (name.startsWith("staterror")) {
                x[i] = 0.9 + 0.2 * r.nextDouble();
            } else {
                x[i] = -1.5 + 3 * r.nextDouble();
            }
        }
        return x;
    }

    static Model singleThreaded(Model m) {
        return m.withPool((ForkJoinPool) null);
    }
}
