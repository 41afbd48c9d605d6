package org.ratiofit.examples;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ratiofit.objective.Objective;
import org.ratiofit.ratio.data.EventFiles;
import org.ratiofit.ratio.data.EventTable;
import org.ratiofit.validation.toys.GaussianOnExponential;

/** What the examples share: the demo's toy, CSV writing, and the toy's exact −ln L with parameters held fixed. */
final class Toys {

    /** The Gaussian-on-exponential toy of {@code ratiofit demo} in the narrower window [110, 140]: peak 125 ± 2, 50 signal and 1000 background events. */
    static final GaussianOnExponential TOY = new GaussianOnExponential(
            new GaussianOnExponential.Config(110, 140, 125, 2, 0.05, 50, 1000, 0.5, 1.1));

    private Toys() {
    }

    /** Writes columns (name, values, name, values, ...) as a CSV event file. */
    static void csv(Path file, Object... nameValues) throws IOException {
        Map<String, double[]> cols = new LinkedHashMap<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            cols.put((String) nameValues[i], (double[]) nameValues[i + 1]);
        }
        EventFiles.write(file, new EventTable(file.getFileName().toString(), cols), null);
    }

    static double[] filled(int n, double v) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    /** The objective with the parameters at {@code indices} held fixed at {@code values}. */
    static Objective fix(Objective f, int[] indices, double[] values) {
        java.util.Map<Integer, Double> fixed = new java.util.HashMap<>();
        for (int k = 0; k < indices.length; k++) {
            fixed.put(indices[k], values[k]);
        }
        return f.withFixed(fixed);
    }
}
