package org.ratiofit.ratio.training.pnn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Training data of a parametric-in-nuisance polynomial network: the nominal sample and samples
 * simulated at nuisance points ν_j, each with feature columns [feature][event] and weights. The
 * varied samples' weights carry their own normalisation (their totals give the inclusive yield
 * fit; the per-event network learns the shape).
 */
public record PnnData(List<String> features, Set<String> scaledFeatures, List<String> parameters, double[][] nominal,
        double[] nominalWeights, List<Point> points) {

    /** One varied sample: its nuisance point, columns [feature][event] and weights (null: unit). */
    public record Point(double[] nu, double[][] columns, double[] weights) {
        public int size() {
            return columns[0].length;
        }

        public double weight(int i) {
            return weights == null ? 1 : weights[i];
        }
    }

    public int monomials() {
        return PnnMonomials.count(parameters.size());
    }

    public double nominalWeight(int i) {
        return nominalWeights == null ? 1 : nominalWeights[i];
    }

    /**
     * Checks everything the trainer relies on, each problem naming the point and the value: the
     * parameters (at least one, distinct), every point's dimension and finiteness, no point at the
     * nominal (all zero), no point given twice, enough points for the monomials (a quadratic
     * polynomial in n parameters has n + n(n+1)/2 coefficients and needs at least that many points
     * whose monomial vectors are linearly independent), events with a positive total weight in
     * every sample, finite features and weights.
     *
     * @param nominal columns of the nominal sample by name; {@code samples} the varied ones in the order of {@code nus}
     */
    public static PnnData of(List<String> features, Set<String> scaled, List<String> parameters, Map<String, double[]> nominal,
            double[] nominalWeights, List<double[]> nus, List<Map<String, double[]>> samples, List<double[]> weights) {
        if (parameters.isEmpty() || new LinkedHashSet<>(parameters).size() != parameters.size()) {
            throw new IllegalArgumentException("the nuisance parameters must be one or more distinct names, got " + parameters);
        }
        if (features.isEmpty()) {
            throw new IllegalArgumentException("no features given");
        }
        int m = PnnMonomials.count(parameters.size());
        List<String> names = PnnMonomials.names(parameters);
        if (nus.size() != samples.size() || (weights != null && weights.size() != samples.size())) {
            throw new IllegalArgumentException(nus.size() + " ν points but " + samples.size() + " varied samples");
        }
        for (int j = 0; j < nus.size(); j++) {
            double[] nu = nus.get(j);
            if (nu.length != parameters.size()) {
                throw new IllegalArgumentException("ν point " + j + " " + Arrays.toString(nu) + " has " + nu.length + " values for the "
                        + parameters.size() + " parameters " + parameters);
            }
            boolean zero = true;
            for (double v : nu) {
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException("ν point " + j + " " + Arrays.toString(nu) + " is not finite");
                }
                zero &= v == 0;
            }
            if (zero) {
                throw new IllegalArgumentException("ν point " + j + " " + Arrays.toString(nu) + " is the nominal point: the nominal sample is given separately");
            }
            for (int k = 0; k < j; k++) {
                if (Arrays.equals(nus.get(k), nu)) {
                    throw new IllegalArgumentException("ν point " + Arrays.toString(nu) + " is given twice (points " + k + " and " + j
                            + "); merge the two samples into one");
                }
            }
        }
        if (nus.size() < m) {
            throw new IllegalArgumentException("the " + m + " monomials " + names + " of " + parameters.size() + " parameters need at least "
                    + m + " varied samples (ν points) with linearly independent monomial values; got " + nus.size());
        }
        int dependent = PnnMonomials.firstDependent(parameters.size(), nus);
        if (dependent >= 0) {
            throw new IllegalArgumentException("the ν points do not determine the coefficient of monomial '" + names.get(dependent)
                    + "' (its values are a combination of the earlier monomials' at every point); add points such as mixed ones "
                    + "where several parameters are non-zero, or points at two different values of each parameter");
        }
        double[][] nom = columns("the nominal sample", nominal, features);
        checkWeights("the nominal sample", nominalWeights, nom[0].length);
        List<Point> pts = new ArrayList<>();
        for (int j = 0; j < samples.size(); j++) {
            String what = "the varied sample at ν point " + j + " " + Arrays.toString(nus.get(j));
            double[][] c = columns(what, samples.get(j), features);
            double[] w = weights == null ? null : weights.get(j);
            checkWeights(what, w, c[0].length);
            pts.add(new Point(nus.get(j).clone(), c, w));
        }
        for (String s : scaled) {
            if (!features.contains(s)) {
                throw new IllegalArgumentException("scaled feature '" + s + "' is not among the features " + features);
            }
        }
        return new PnnData(List.copyOf(features), new LinkedHashSet<>(scaled), List.copyOf(parameters), nom, nominalWeights, pts);
    }

    private static double[][] columns(String what, Map<String, double[]> table, List<String> features) {
        double[][] out = new double[features.size()][];
        for (int j = 0; j < features.size(); j++) {
            double[] c = table.get(features.get(j));
            if (c == null) {
                throw new IllegalArgumentException(what + " has no column '" + features.get(j) + "'");
            }
            if (j > 0 && c.length != out[0].length) {
                throw new IllegalArgumentException(what + ": feature '" + features.get(j) + "' has " + c.length + " values, '"
                        + features.get(0) + "' " + out[0].length);
            }
            for (int i = 0; i < c.length; i++) {
                if (!Double.isFinite(c[i])) {
                    throw new IllegalArgumentException(what + ": feature '" + features.get(j) + "' is " + c[i] + " at event " + i);
                }
            }
            out[j] = c;
        }
        if (out[0].length == 0) {
            throw new IllegalArgumentException(what + " has no events");
        }
        return out;
    }

    private static void checkWeights(String what, double[] w, int n) {
        if (w == null) {
            return;
        }
        if (w.length != n) {
            throw new IllegalArgumentException(what + " has " + w.length + " weights for " + n + " events");
        }
        double s = 0;
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(w[i])) {
                throw new IllegalArgumentException(what + ": weight at event " + i + " is " + w[i]);
            }
            s += w[i];
        }
        if (!(s > 0)) {
            throw new IllegalArgumentException(what + " has total weight " + s + "; it needs a positive one");
        }
    }
}
