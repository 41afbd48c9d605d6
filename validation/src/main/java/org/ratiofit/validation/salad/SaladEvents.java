package org.ratiofit.validation.salad;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ratiofit.ratio.data.EventFiles;
import org.ratiofit.ratio.data.EventTable;
import org.ratiofit.ratio.data.ReadOptions;
import org.ratiofit.workspace.config.ConfigException;
import org.ratiofit.workspace.config.ConfigProblem;

/**
 * The events of a SALAD configuration: data and simulation as columns [feature..., m][event] (m
 * last, the conditioning input), each event's region, the simulation's weights and the data's
 * truth labels (when configured). Loading checks that each sideband holds enough events to train.
 */
public record SaladEvents(SaladConfig config, Sample data, Sample simulation) {

    /**
     * One file's events.
     *
     * @param columns [feature..., m][event]
     * @param weights event weights (1 when the file has none)
     * @param region per event: "SR", "SB", a validation region's name, or null
     * @param truth per event 1 signal / 0 background, or null
     */
    public record Sample(Path file, double[][] columns, double[] weights, String[] region, int[] truth) {
        public int size() {
            return weights.length;
        }

        public int[] indices(String name) {
            return java.util.stream.IntStream.range(0, region.length).filter(i -> name.equals(region[i])).toArray();
        }

        /** The columns of the given events. */
        public double[][] select(int[] idx) {
            double[][] out = new double[columns.length][idx.length];
            for (int j = 0; j < columns.length; j++) {
                for (int i = 0; i < idx.length; i++) {
                    out[j][i] = columns[j][idx[i]];
                }
            }
            return out;
        }

        public double[] weights(int[] idx) {
            double[] out = new double[idx.length];
            for (int i = 0; i < idx.length; i++) {
                out[i] = weights[idx[i]];
            }
            return out;
        }
    }

    /** The inputs of the conditional classifier: the features, then m. */
    public List<String> inputs() {
        List<String> in = new ArrayList<>(config.features());
        in.add(config.resonantVariable());
        return in;
    }

    public static SaladEvents load(SaladConfig c) throws IOException {
        Sample data = read(c, c.data(), null, c.truth() == null ? null : c.truth().column());
        Sample sim = read(c, c.simulation(), c.simulationWeight(), null);
        int nd = data.indices("SB").length;
        int ns = sim.indices("SB").length;
        int min = c.training().minSidebandEvents();
        List<ConfigProblem> p = new ArrayList<>();
        for (int i = 0; i < c.sidebands().size(); i++) {
            SaladConfig.Window w = c.sidebands().get(i);
            int d = count(data, w, c);
            int s = count(sim, w, c);
            if (d == 0 || s == 0) {
                p.add(new ConfigProblem("Sidebands[" + i + "]", "window " + w + " holds " + d + " data and " + s
                        + " simulation events; every sideband needs events of both"));
            }
        }
        if (nd < min || ns < min) {
            p.add(new ConfigProblem("Sidebands", "too few events to train: " + nd + " data and " + ns
                    + " simulation events in the sidebands, at least " + min + " of each needed"
                    + " (Training.MinSidebandEvents); widen the sidebands or add events"));
        }
        if (!p.isEmpty()) {
            throw new ConfigException(c.file(), p);
        }
        return new SaladEvents(c, data, sim);
    }

    /** Reads the configuration's features and m from any file (true background, signal, test events). */
    public static Sample read(SaladConfig c, Path file, String weightColumn, String truthColumn) throws IOException {
        List<String> cols = new ArrayList<>(c.features());
        cols.add(c.resonantVariable());
        if (weightColumn != null) {
            cols.add(weightColumn);
        }
        if (truthColumn != null) {
            cols.add(truthColumn);
        }
        EventTable t = EventFiles.read(file, ReadOptions.DEFAULT, cols);
        int n = t.size();
        double[][] x = new double[c.features().size() + 1][];
        for (int j = 0; j < c.features().size(); j++) {
            x[j] = t.column(c.features().get(j));
        }
        double[] m = t.column(c.resonantVariable());
        x[x.length - 1] = m;
        for (int j = 0; j < x.length; j++) {
            for (int i = 0; i < n; i++) {
                if (!Double.isFinite(x[j][i])) {
                    throw new IllegalArgumentException(file + ": column '" + cols.get(j) + "' has the non-finite value "
                            + x[j][i] + " at event " + i);
                }
            }
        }
        double[] w = weightColumn == null ? filled(n) : t.column(weightColumn);
        String[] region = new String[n];
        for (int i = 0; i < n; i++) {
            region[i] = c.regionOf(m[i]);
        }
        int[] truth = null;
        if (truthColumn != null) {
            double[] tc = t.column(truthColumn);
            truth = new int[n];
            for (int i = 0; i < n; i++) {
                if (tc[i] != 0 && tc[i] != 1) {
                    throw new IllegalArgumentException(file + ": truth column '" + truthColumn + "' has the value " + tc[i]
                            + " at event " + i + "; expected 1 (signal) or 0 (background)");
                }
                truth[i] = (int) tc[i];
            }
        }
        return new Sample(file, x, w, region, truth);
    }

    private static int count(Sample s, SaladConfig.Window w, SaladConfig c) {
        double[] m = s.columns()[s.columns().length - 1];
        int n = 0;
        for (double v : m) {
            n += w.contains(v) ? 1 : 0;
        }
        return n;
    }

    private static double[] filled(int n) {
        double[] w = new double[n];
        java.util.Arrays.fill(w, 1.0);
        return w;
    }
}
