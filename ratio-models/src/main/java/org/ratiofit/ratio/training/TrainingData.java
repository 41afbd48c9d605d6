package org.ratiofit.ratio.training;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Events of two hypotheses in one table: named feature columns (one contiguous double[] each, the
 * shape the readers of {@code org.ratiofit.ratio.data} produce), per-event weights, labels
 * (1 = numerator hypothesis A, 0 = denominator hypothesis B) and the subset of features to scale.
 */
public final class TrainingData {
    private final List<String> features;
    private final double[][] columns;
    private final double[] weights;
    private final int[] labels;
    private final Set<String> scaledFeatures;

    private TrainingData(List<String> features, double[][] columns, double[] weights, int[] labels,
            Set<String> scaledFeatures) {
        this.features = List.copyOf(features);
        this.columns = columns;
        this.weights = weights;
        this.labels = labels;
        this.scaledFeatures = Set.copyOf(scaledFeatures);
    }

    /**
     * @param table columns by name (extra columns are ignored only if not listed in features)
     * @param weights per-event weights, or null for unit weights
     * @param labels 1 for hypothesis A (numerator), 0 for B (denominator)
     * @param features the network inputs, in order
     * @param scaledFeatures the features the scaler transforms; the others pass through
     */
    public static TrainingData of(Map<String, double[]> table, double[] weights, int[] labels,
            List<String> features, Collection<String> scaledFeatures) {
        if (features.isEmpty()) {
            throw new IllegalArgumentException("no features given");
        }
        int n = labels.length;
        double[][] cols = new double[features.size()][];
        for (int j = 0; j < features.size(); j++) {
            String f = features.get(j);
            double[] c = table.get(f);
            if (c == null) {
                throw new IllegalArgumentException("feature '" + f + "' is not a column of the table; columns: "
                        + table.keySet());
            }
            if (c.length != n) {
                throw new IllegalArgumentException("feature '" + f + "' has " + c.length + " values but there are "
                        + n + " labels");
            }
            for (int i = 0; i < n; i++) {
                if (!Double.isFinite(c[i])) {
                    throw new IllegalArgumentException("feature '" + f + "' has a non-finite value " + c[i]
                            + " at event " + i);
                }
            }
            cols[j] = c;
        }
        if (new LinkedHashSet<>(features).size() != features.size()) {
            throw new IllegalArgumentException("duplicate feature names in " + features);
        }
        for (String s : scaledFeatures) {
            if (!features.contains(s)) {
                throw new IllegalArgumentException("scaled feature '" + s + "' is not among the features " + features);
            }
        }
        double[] w = weights == null ? filled(n, 1.0) : weights;
        if (w.length != n) {
            throw new IllegalArgumentException("weights have " + w.length + " values but there are " + n + " labels");
        }
        double sumA = 0;
        double sumB = 0;
        for (int i = 0; i < n; i++) {
            if (labels[i] != 0 && labels[i] != 1) {
                throw new IllegalArgumentException("label " + labels[i] + " at event " + i
                        + " is neither 1 (hypothesis A) nor 0 (hypothesis B)");
            }
            if (!Double.isFinite(w[i])) {
                throw new IllegalArgumentException("weight at event " + i + " is " + w[i]);
            }
            if (labels[i] == 1) {
                sumA += w[i];
            } else {
                sumB += w[i];
            }
        }
        if (!(sumA > 0) || !(sumB > 0)) {
            throw new IllegalArgumentException("each hypothesis needs a positive total weight; A: " + sumA + ", B: " + sumB);
        }
        return new TrainingData(features, cols, w, labels, new LinkedHashSet<>(scaledFeatures));
    }

    /**
     * As {@link #of(Map, double[], int[], List, Collection)} with the columns looked up by name, for
     * example {@code TrainingData.of(eventTable::column, weights, labels, features, scaled)} with an
     * {@code org.ratiofit.ratio.data.EventTable}.
     */
    public static TrainingData of(java.util.function.Function<String, double[]> columnByName, double[] weights,
            int[] labels, List<String> features, Collection<String> scaledFeatures) {
        Map<String, double[]> table = new java.util.LinkedHashMap<>();
        for (String f : features) {
            table.put(f, columnByName.apply(f));
        }
        return of(table, weights, labels, features, scaledFeatures);
    }

    /** Joins a sample of hypothesis A and one of B (same feature columns) into one table. */
    public static TrainingData ofSamples(Map<String, double[]> a, double[] weightsA, Map<String, double[]> b,
            double[] weightsB, List<String> features, Collection<String> scaledFeatures) {
        int na = a.get(features.get(0)).length;
        int nb = b.get(features.get(0)).length;
        Map<String, double[]> table = new java.util.LinkedHashMap<>();
        for (String f : features) {
            double[] ca = a.get(f);
            double[] cb = b.get(f);
            if (ca == null || cb == null) {
                throw new IllegalArgumentException("feature '" + f + "' missing from sample " + (ca == null ? "A" : "B"));
            }
            double[] c = new double[na + nb];
            System.arraycopy(ca, 0, c, 0, Math.min(na, ca.length));
            System.arraycopy(cb, 0, c, na, Math.min(nb, cb.length));
            if (ca.length != na || cb.length != nb) {
                throw new IllegalArgumentException("feature '" + f + "' has a different length from '" + features.get(0) + "'");
            }
            table.put(f, c);
        }
        double[] w = new double[na + nb];
        int[] y = new int[na + nb];
        for (int i = 0; i < na; i++) {
            w[i] = weightsA == null ? 1.0 : weightsA[i];
            y[i] = 1;
        }
        for (int i = 0; i < nb; i++) {
            w[na + i] = weightsB == null ? 1.0 : weightsB[i];
        }
        return of(table, w, y, features, scaledFeatures);
    }

    private static double[] filled(int n, double v) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    public int size() {
        return labels.length;
    }

    public int numFeatures() {
        return features.size();
    }

    public List<String> features() {
        return features;
    }

    public Set<String> scaledFeatures() {
        return scaledFeatures;
    }

    public double[] column(int j) {
        return columns[j];
    }

    public double[] weights() {
        return weights;
    }

    public int[] labels() {
        return labels;
    }

    /**
     * Weights normalised per class over the given events: each hypothesis sums to 1, so both
     * contribute equally to the loss and the minimiser of the cross-entropy is ln p_A/p_B.
     */
    public double[] classNormalisedWeights(int[] events) {
        double sumA = 0;
        double sumB = 0;
        for (int i : events) {
            if (labels[i] == 1) {
                sumA += weights[i];
            } else {
                sumB += weights[i];
            }
        }
        if (!(sumA > 0) || !(sumB > 0)) {
            throw new IllegalArgumentException("a split holds no positive weight of hypothesis "
                    + (sumA > 0 ? "B" : "A") + "; use more events or other split fractions");
        }
        double[] w = new double[events.length];
        for (int k = 0; k < events.length; k++) {
            int i = events[k];
            w[k] = weights[i] / (labels[i] == 1 ? sumA : sumB);
        }
        return w;
    }

    /** The events' features in row-major order (event-major), as the network reads them. */
    public double[][] rows(int[] events) {
        double[][] out = new double[events.length][features.size()];
        for (int k = 0; k < events.length; k++) {
            for (int j = 0; j < features.size(); j++) {
                out[k][j] = columns[j][events[k]];
            }
        }
        return out;
    }

    /** A copy of this table with the labels permuted by seed (the shuffled-label null test). */
    public TrainingData withShuffledLabels(long seed) {
        int[] y = labels.clone();
        double[] w = weights.clone();
        java.util.SplittableRandom rng = new java.util.SplittableRandom(seed);
        for (int i = y.length - 1; i > 0; i--) {
            int k = rng.nextInt(i + 1);
            int t = y[i];
            y[i] = y[k];
            y[k] = t;
            double tw = w[i];
            w[i] = w[k];
            w[k] = tw;
        }
        Map<String, double[]> table = new java.util.LinkedHashMap<>();
        for (int j = 0; j < features.size(); j++) {
            table.put(features.get(j), columns[j]);
        }
        return of(table, w, y, features, new ArrayList<>(scaledFeatures));
    }
}
