package org.ratiofit.ratio.training.multiclass;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The events of C labelled samples (classes) for a multiclass classifier: feature columns
 * [feature][event] with the classes' events one after the other, per-event weights, the class
 * label of every event, the class names and the reference class (the denominator of every ratio).
 */
public record MulticlassData(List<String> features, Set<String> scaledFeatures, double[][] columns, double[] weights,
        int[] labels, List<String> classes, int reference) {

    public int size() {
        return labels.length;
    }

    public int numClasses() {
        return classes.size();
    }

    /**
     * Joins one sample per class. Checks: at least two classes, distinct names, the reference among
     * them, every class with events and a positive total weight, every feature present with the
     * same length, finite features and weights; each problem names the class, feature and event.
     *
     * @param samples per class (in {@code classes} order) its columns by name
     * @param weights per class its weights (null entries: unit weights)
     */
    public static MulticlassData of(List<String> classes, String reference, List<Map<String, double[]>> samples,
            List<double[]> weights, List<String> features, Set<String> scaled) {
        if (classes.size() < 2) {
            throw new IllegalArgumentException("a multiclass classifier needs at least two classes, got " + classes);
        }
        if (new LinkedHashSet<>(classes).size() != classes.size()) {
            throw new IllegalArgumentException("class names repeat: " + classes);
        }
        int ref = classes.indexOf(reference);
        if (ref < 0) {
            throw new IllegalArgumentException("reference class '" + reference + "' is not one of " + classes);
        }
        if (samples.size() != classes.size() || (weights != null && weights.size() != classes.size())) {
            throw new IllegalArgumentException(classes.size() + " classes but " + samples.size() + " samples");
        }
        if (features.isEmpty()) {
            throw new IllegalArgumentException("no features given");
        }
        for (String s : scaled) {
            if (!features.contains(s)) {
                throw new IllegalArgumentException("scaled feature '" + s + "' is not among the features " + features);
            }
        }
        int total = 0;
        int[] sizes = new int[classes.size()];
        for (int c = 0; c < classes.size(); c++) {
            Map<String, double[]> s = samples.get(c);
            double[] first = s.get(features.get(0));
            if (first == null) {
                throw new IllegalArgumentException("class '" + classes.get(c) + "' has no column '" + features.get(0) + "'");
            }
            sizes[c] = first.length;
            if (sizes[c] == 0) {
                throw new IllegalArgumentException("class '" + classes.get(c) + "' has no events");
            }
            total += sizes[c];
        }
        double[][] cols = new double[features.size()][total];
        double[] w = new double[total];
        int[] y = new int[total];
        int at = 0;
        for (int c = 0; c < classes.size(); c++) {
            Map<String, double[]> s = samples.get(c);
            for (int j = 0; j < features.size(); j++) {
                double[] col = s.get(features.get(j));
                if (col == null) {
                    throw new IllegalArgumentException("class '" + classes.get(c) + "' has no column '" + features.get(j) + "'");
                }
                if (col.length != sizes[c]) {
                    throw new IllegalArgumentException("class '" + classes.get(c) + "': feature '" + features.get(j) + "' has "
                            + col.length + " values, '" + features.get(0) + "' " + sizes[c]);
                }
                for (int i = 0; i < col.length; i++) {
                    if (!Double.isFinite(col[i])) {
                        throw new IllegalArgumentException("class '" + classes.get(c) + "': feature '" + features.get(j)
                                + "' is " + col[i] + " at event " + i);
                    }
                }
                System.arraycopy(col, 0, cols[j], at, col.length);
            }
            double[] wc = weights == null ? null : weights.get(c);
            if (wc != null && wc.length != sizes[c]) {
                throw new IllegalArgumentException("class '" + classes.get(c) + "' has " + wc.length + " weights for " + sizes[c] + " events");
            }
            double sum = 0;
            for (int i = 0; i < sizes[c]; i++) {
                double v = wc == null ? 1 : wc[i];
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException("class '" + classes.get(c) + "': weight at event " + i + " is " + v);
                }
                w[at + i] = v;
                y[at + i] = c;
                sum += v;
            }
            if (!(sum > 0)) {
                throw new IllegalArgumentException("class '" + classes.get(c) + "' has total weight " + sum + "; it needs a positive one");
            }
            at += sizes[c];
        }
        return new MulticlassData(List.copyOf(features), new LinkedHashSet<>(scaled), cols, w, y, List.copyOf(classes), ref);
    }

    /** Per class, the total weight over the given events. */
    public double[] classTotals(int[] events) {
        double[] t = new double[classes.size()];
        for (int e : events) {
            t[labels[e]] += weights[e];
        }
        return t;
    }

    /** Events of the given classes among {@code events}. */
    public int[] select(int[] events, Set<Integer> keep) {
        List<Integer> out = new ArrayList<>();
        for (int e : events) {
            if (keep.contains(labels[e])) {
                out.add(e);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }
}
