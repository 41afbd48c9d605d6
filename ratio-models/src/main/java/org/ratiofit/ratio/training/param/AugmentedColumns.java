package org.ratiofit.ratio.training.param;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ratiofit.ratio.data.EventFiles;
import org.ratiofit.ratio.data.EventTable;
import org.ratiofit.ratio.data.ReadOptions;

/**
 * Which columns of an event file hold the augmented data, by name (ratio-models/README.md,
 * "Estimator family"): the features; per parameter P the θ0 column ({@code theta0_P} by default)
 * and the joint score ({@code t_xz_P}); the label {@code y}, the joint ratio {@code r_xz} and an
 * optional weight column. Methods read only what they need (SALLY: features and scores).
 */
public record AugmentedColumns(List<String> features, List<String> parameters, List<String> theta0, String y,
        String rxz, List<String> txz, String weight, List<String> theta1, List<String> txz1) {

    /** Columns of singly parametrised data (no θ1 or t(x,z|θ1) columns). */
    public AugmentedColumns(List<String> features, List<String> parameters, List<String> theta0, String y, String rxz,
            List<String> txz, String weight) {
        this(features, parameters, theta0, y, rxz, txz, weight, null, null);
    }

    /** MadMiner-like default names: theta0_P, y, r_xz, t_xz_P, theta1_P, t_xz1_P, no weights. */
    public static AugmentedColumns defaults(List<String> features, List<String> parameters) {
        List<String> th = new ArrayList<>(), t = new ArrayList<>(), th1 = new ArrayList<>(), t1 = new ArrayList<>();
        for (String p : parameters) {
            th.add("theta0_" + p);
            t.add("t_xz_" + p);
            th1.add("theta1_" + p);
            t1.add("t_xz1_" + p);
        }
        return new AugmentedColumns(features, parameters, th, "y", "r_xz", t, null, th1, t1);
    }

    /** Reads the columns a method needs from a .csv/.npy/.npz/.h5 file; a missing column is named with the closest match. */
    public AugmentedData read(Path file, EstimatorMethod method) {
        List<String> want = new ArrayList<>(features);
        if (!method.localScore()) {
            want.addAll(theta0);
            want.add(y);
        }
        if (method.usesJointRatio()) {
            want.add(rxz);
        }
        if (method.usesJointScore()) {
            want.addAll(txz);
        }
        if (method.doubly()) {
            want.addAll(need(theta1, "θ1", method));
        }
        if (method.usesJointScore1()) {
            want.addAll(need(txz1, "t(x,z|θ1)", method));
        }
        if (weight != null) {
            want.add(weight);
        }
        EventTable t;
        try {
            t = EventFiles.read(file, ReadOptions.DEFAULT, want);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read augmented data " + file, e);
        }
        return of(t, method);
    }

    /** The augmented data of a table (its columns are not copied). */
    public AugmentedData of(EventTable t, EstimatorMethod method) {
        double[][] x = columns(t, features);
        double[][] th = method.localScore() ? null : columns(t, theta0);
        int[] labels = null;
        if (!method.localScore()) {
            double[] c = t.column(y);
            labels = new int[c.length];
            for (int k = 0; k < c.length; k++) {
                if (c[k] != 0 && c[k] != 1) {
                    throw new IllegalArgumentException(t.source() + ": column '" + y + "' of event " + k + " is " + c[k]
                            + ", not 0 or 1");
                }
                labels[k] = (int) c[k];
            }
        }
        return new AugmentedData(features, parameters, x, th, labels, method.usesJointRatio() ? t.column(rxz) : null,
                method.usesJointScore() ? columns(t, txz) : null, weight == null ? null : t.column(weight),
                method.doubly() ? columns(t, need(theta1, "θ1", method)) : null,
                method.usesJointScore1() ? columns(t, need(txz1, "t(x,z|θ1)", method)) : null);
    }

    private static List<String> need(List<String> names, String what, EstimatorMethod method) {
        if (names == null) {
            throw new IllegalArgumentException(method + " needs the " + what + " column per parameter; none named");
        }
        return names;
    }

    private static double[][] columns(EventTable t, List<String> names) {
        double[][] out = new double[names.size()][];
        for (int j = 0; j < out.length; j++) {
            out[j] = t.column(names.get(j));
        }
        return out;
    }

    /** The data as a table with these column names (for writing augmented data with {@link EventFiles#write}). */
    public EventTable toTable(AugmentedData d, String source) {
        java.util.Map<String, double[]> m = new java.util.LinkedHashMap<>();
        for (int j = 0; j < features.size(); j++) {
            m.put(features.get(j), d.x()[j]);
        }
        if (d.theta0() != null) {
            for (int j = 0; j < theta0.size(); j++) {
                m.put(theta0.get(j), d.theta0()[j]);
            }
        }
        if (d.y() != null) {
            double[] c = new double[d.size()];
            for (int k = 0; k < c.length; k++) {
                c[k] = d.y()[k];
            }
            m.put(y, c);
        }
        if (d.rxz() != null) {
            m.put(rxz, d.rxz());
        }
        if (d.txz() != null) {
            for (int j = 0; j < txz.size(); j++) {
                m.put(txz.get(j), d.txz()[j]);
            }
        }
        if (weight != null && d.weights() != null) {
            m.put(weight, d.weights());
        }
        if (theta1 != null && d.theta1() != null) {
            for (int j = 0; j < theta1.size(); j++) {
                m.put(theta1.get(j), d.theta1()[j]);
            }
        }
        if (txz1 != null && d.txz1() != null) {
            for (int j = 0; j < txz1.size(); j++) {
                m.put(txz1.get(j), d.txz1()[j]);
            }
        }
        return new EventTable(source, m);
    }
}
