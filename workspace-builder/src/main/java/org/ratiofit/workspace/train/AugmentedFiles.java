package org.ratiofit.workspace.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ratiofit.ratio.data.EventFiles;
import org.ratiofit.ratio.data.EventTable;
import org.ratiofit.ratio.data.Names;
import org.ratiofit.ratio.data.ReadOptions;
import org.ratiofit.ratio.training.param.AugmentedData;
import org.ratiofit.ratio.training.param.EstimatorMethod;
import org.ratiofit.workspace.config.ConfigException;
import org.ratiofit.workspace.config.ConfigProblem;
import org.ratiofit.workspace.config.EstimatorConfig;

/**
 * The augmented training data of an {@link EstimatorConfig}, read by column name from its data files
 * (.csv, .npy, .npz, .h5 through ratio-models' event readers): each column from the first file
 * that has it. Every problem is reported with the configuration key that names the column: a
 * column no file has (each file's columns listed), columns of different lengths, a NaN or infinite
 * value (with its row), a label other than 0 or 1, a joint ratio that is not positive, a θ1 column
 * that is not constant for a singly parametrised method (θ1 is its fixed reference; the doubly
 * parametrised methods, suffix 2, read θ1 and, for the score methods, t(x,z|θ1) per event).
 */
public final class AugmentedFiles {
    private AugmentedFiles() {
    }

    /** The data and, when θ1 columns were named, the reference θ1 they hold (else the configuration's). */
    public record Result(AugmentedData data, double[] referenceTheta, Map<String, Path> sources) {
    }

    /** One named column and the key that names it. */
    private record Wanted(String key, String column) {
    }

    public static Result read(EstimatorConfig c) {
        Path where = c.file() != null ? c.file() : Path.of("command line");
        List<ConfigProblem> problems = new ArrayList<>();
        EstimatorMethod m = c.method();
        List<Wanted> wanted = new ArrayList<>();
        for (int i = 0; i < c.features().size(); i++) {
            wanted.add(new Wanted("Training.Features[" + i + "]", c.features().get(i)));
        }
        if (!m.localScore()) {
            for (int i = 0; i < c.theta0().size(); i++) {
                wanted.add(new Wanted("Training.Theta0[" + i + "]", c.theta0().get(i)));
            }
            wanted.add(new Wanted("Training.Label", c.label()));
            for (int i = 0; i < c.theta1().size(); i++) {
                wanted.add(new Wanted("Training.Theta1[" + i + "]", c.theta1().get(i)));
            }
        }
        if (m.usesJointRatio()) {
            wanted.add(new Wanted("Training.JointRatio", c.jointRatio()));
        }
        if (m.usesJointScore()) {
            for (int i = 0; i < c.jointScore0().size(); i++) {
                wanted.add(new Wanted("Training.JointScore0[" + i + "]", c.jointScore0().get(i)));
            }
        }
        if (m.usesJointScore1()) {
            for (int i = 0; i < c.jointScore1().size(); i++) {
                wanted.add(new Wanted("Training.JointScore1[" + i + "]", c.jointScore1().get(i)));
            }
        }
        if (c.weight() != null) {
            wanted.add(new Wanted("Training.Weight", c.weight()));
        }

        // the columns of every file, from headers and metadata only
        Map<Path, List<String>> have = new LinkedHashMap<>();
        for (int i = 0; i < c.data().size(); i++) {
            Path f = c.data().get(i);
            try {
                have.put(f, EventFiles.columnNames(f, ReadOptions.DEFAULT));
            } catch (IOException | RuntimeException e) {
                problems.add(new ConfigProblem("Training.Data[" + i + "]", "cannot read " + f + ": " + e.getMessage()));
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(where, problems);
        }
        Map<String, Path> source = new LinkedHashMap<>();
        for (Wanted w : wanted) {
            if (source.containsKey(w.column())) {
                continue;
            }
            Path from = null;
            for (Map.Entry<Path, List<String>> e : have.entrySet()) {
                if (e.getValue().contains(w.column())) {
                    from = e.getKey();
                    break;
                }
            }
            if (from == null) {
                problems.add(new ConfigProblem(w.key(), why(w.key(), m) + missing(w.column(), have)));
            } else {
                source.put(w.column(), from);
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(where, problems);
        }

        // read each file's columns at once; lengths must agree across files
        Map<String, double[]> col = new LinkedHashMap<>();
        Map<Path, List<String>> perFile = new LinkedHashMap<>();
        source.forEach((name, f) -> perFile.computeIfAbsent(f, k -> new ArrayList<>()).add(name));
        String firstName = null;
        Path firstFile = null;
        for (Map.Entry<Path, List<String>> e : perFile.entrySet()) {
            EventTable t;
            try {
                t = EventFiles.read(e.getKey(), ReadOptions.DEFAULT, e.getValue());
            } catch (IOException | RuntimeException ex) {
                problems.add(new ConfigProblem("Training.Data[" + c.data().indexOf(e.getKey()) + "]",
                        "cannot read " + e.getKey() + ": " + ex.getMessage()));
                continue;
            }
            for (String name : e.getValue()) {
                double[] v = t.column(name);
                if (firstName == null) {
                    firstName = name;
                    firstFile = e.getKey();
                } else if (v.length != col.get(firstName).length) {
                    problems.add(new ConfigProblem(keyOf(wanted, name), "column '" + name + "' of " + e.getKey() + " has "
                            + v.length + " events, but column '" + firstName + "' of " + firstFile + " has "
                            + col.get(firstName).length + "; every column must have one value per event"));
                    continue;
                }
                col.put(name, v);
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(where, problems);
        }
        for (Wanted w : wanted) {
            double[] v = col.get(w.column());
            for (int k = 0; k < v.length; k++) {
                if (!Double.isFinite(v[k])) {
                    problems.add(new ConfigProblem(w.key(), "column '" + w.column() + "' of " + source.get(w.column())
                            + " is " + v[k] + " in row " + k + " (counting from 0); remove or fix that event"));
                    break;
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(where, problems);
        }

        int n = col.get(firstName).length;
        if (n == 0) {
            throw new ConfigException(where, List.of(new ConfigProblem("Training.Data", "the data files have no events")));
        }
        double[][] x = columns(col, c.features());
        double[][] th0 = null;
        int[] y = null;
        double[] reference = c.referenceTheta();
        if (!m.localScore()) {
            th0 = columns(col, c.theta0());
            double[] lab = col.get(c.label());
            y = new int[n];
            for (int k = 0; k < n; k++) {
                if (lab[k] != 0 && lab[k] != 1) {
                    problems.add(new ConfigProblem("Training.Label", "column '" + c.label() + "' of " + source.get(c.label())
                            + " is " + lab[k] + " in row " + k + "; the label is 0 (drawn at θ0) or 1 (drawn at θ1)"));
                    break;
                }
                y[k] = (int) lab[k];
            }
            if (!c.theta1().isEmpty() && !m.doubly()) {
                double[] th1 = new double[c.theta1().size()];
                for (int j = 0; j < th1.length; j++) {
                    double[] v = col.get(c.theta1().get(j));
                    th1[j] = v[0];
                    for (int k = 1; k < n; k++) {
                        if (v[k] != v[0]) {
                            problems.add(new ConfigProblem("Training.Theta1[" + j + "]", "column '" + c.theta1().get(j)
                                    + "' is " + v[0] + " in row 0 but " + v[k] + " in row " + k + "; θ1 is one fixed "
                                    + "reference point for " + m.label() + " (the doubly parametrised methods, suffix 2, e.g. "
                                    + m.label() + "2, take θ1 per event as a network input)"));
                            break;
                        }
                    }
                }
                if (reference != null && !java.util.Arrays.equals(reference, th1)) {
                    problems.add(new ConfigProblem("Training.ReferenceTheta", java.util.Arrays.toString(reference)
                            + " differs from θ1 " + java.util.Arrays.toString(th1) + " in the Theta1 columns"));
                }
                reference = th1;
            }
        }
        double[] r = null;
        if (m.usesJointRatio()) {
            r = col.get(c.jointRatio());
            for (int k = 0; k < n; k++) {
                if (!(r[k] > 0)) {
                    problems.add(new ConfigProblem("Training.JointRatio", "column '" + c.jointRatio() + "' of "
                            + source.get(c.jointRatio()) + " is " + r[k] + " in row " + k
                            + "; the joint ratio p(x,z|θ0)/p(x,z|θ1) is positive"));
                    break;
                }
            }
        }
        double[][] t = m.usesJointScore() ? columns(col, c.jointScore0()) : null;
        double[] w = c.weight() == null ? null : col.get(c.weight());
        double[][] th1 = m.doubly() ? columns(col, c.theta1()) : null;
        double[][] t1 = m.usesJointScore1() ? columns(col, c.jointScore1()) : null;
        if (!problems.isEmpty()) {
            throw new ConfigException(where, problems);
        }
        AugmentedData d = new AugmentedData(c.features(), c.parameters(), x, th0, y, r, t, w, th1, t1);
        return new Result(d, reference, source);
    }

    private static String why(String key, EstimatorMethod m) {
        String k = key.replaceAll("\\[\\d+]$", "");
        return switch (k) {
            case "Training.JointRatio" -> m + " needs the joint ratio r(x,z|θ0,θ1) per event: ";
            case "Training.JointScore0" -> m + " needs the joint score t(x,z|θ" + (m.localScore() ? "_ref" : "0")
                    + ") per event and parameter: ";
            case "Training.Theta0" -> m + " needs θ0 per event and parameter: ";
            case "Training.Theta1" -> m.doubly() ? m + " is doubly parametrised and needs θ1 per event and parameter: " : "";
            case "Training.JointScore1" -> m + " needs the joint score t(x,z|θ1) per event and parameter: ";
            case "Training.Label" -> m + " needs the label y per event: ";
            default -> "";
        };
    }

    private static String missing(String column, Map<Path, List<String>> have) {
        List<String> all = new ArrayList<>();
        have.values().forEach(all::addAll);
        String hint = Names.closest(column, all);
        StringBuilder sb = new StringBuilder("no data file has a column '" + column + "'"
                + (hint != null ? " (did you mean '" + hint + "'?)" : ""));
        for (Map.Entry<Path, List<String>> e : have.entrySet()) {
            sb.append("; ").append(e.getKey()).append(" has ").append(e.getValue());
        }
        return sb.toString();
    }

    private static String keyOf(List<Wanted> wanted, String column) {
        for (Wanted w : wanted) {
            if (w.column().equals(column)) {
                return w.key();
            }
        }
        return "Training";
    }

    private static double[][] columns(Map<String, double[]> col, List<String> names) {
        double[][] out = new double[names.size()][];
        for (int j = 0; j < out.length; j++) {
            out[j] = col.get(names.get(j));
        }
        return out;
    }
}
