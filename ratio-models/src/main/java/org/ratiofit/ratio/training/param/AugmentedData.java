package org.ratiofit.ratio.training.param;

import java.util.List;

/**
 * Augmented training data ("mined gold"), one column per array, one entry per event: the features
 * x, the numerator parameters θ0 of each event (empty for SALLY), the label y (0 = drawn from θ0,
 * 1 = drawn from θ1; all 0 for SALLY), the joint ratio r(x,z|θ0,θ1) and the joint score t(x,z|θ0)
 * (at θ_ref for SALLY), and optional event weights.
 *
 * @param features   feature names, in the network's input order
 * @param parameters parameter names, in order
 * @param x          [feature][event]
 * @param theta0     [parameter][event]; null for SALLY
 * @param y          labels; null for SALLY
 * @param rxz        joint ratios; null when no method needs them
 * @param txz        [parameter][event] joint scores; null when no method needs them
 * @param weights    event weights; null means all 1
 * @param theta1     [parameter][event] the denominator θ1 of each event (doubly parametrised methods); null otherwise
 * @param txz1       [parameter][event] the joint score t(x,z|θ1) (doubly parametrised score methods); null otherwise
 */
public record AugmentedData(List<String> features, List<String> parameters, double[][] x, double[][] theta0, int[] y,
        double[] rxz, double[][] txz, double[] weights, double[][] theta1, double[][] txz1) {

    /** Singly parametrised data (no θ1 or t(x,z|θ1) columns). */
    public AugmentedData(List<String> features, List<String> parameters, double[][] x, double[][] theta0, int[] y,
            double[] rxz, double[][] txz, double[] weights) {
        this(features, parameters, x, theta0, y, rxz, txz, weights, null, null);
    }

    public AugmentedData {
        features = List.copyOf(features);
        parameters = List.copyOf(parameters);
        if (x.length != features.size()) {
            throw new IllegalArgumentException(x.length + " feature columns for features " + features);
        }
        int n = x.length == 0 ? 0 : x[0].length;
        for (int j = 0; j < x.length; j++) {
            checkColumn(x[j], n, "feature '" + features.get(j) + "'");
        }
        if (theta0 != null) {
            if (theta0.length != parameters.size()) {
                throw new IllegalArgumentException(theta0.length + " θ0 columns for parameters " + parameters);
            }
            for (int j = 0; j < theta0.length; j++) {
                checkColumn(theta0[j], n, "θ0 column '" + parameters.get(j) + "'");
            }
        }
        if (y != null) {
            if (y.length != n) {
                throw new IllegalArgumentException("label column y has " + y.length + " events, features " + n);
            }
            for (int k = 0; k < n; k++) {
                if (y[k] != 0 && y[k] != 1) {
                    throw new IllegalArgumentException("label y of event " + k + " is " + y[k] + ", not 0 or 1");
                }
            }
        }
        if (rxz != null) {
            checkColumn(rxz, n, "joint ratio r_xz");
            for (int k = 0; k < n; k++) {
                if (!(rxz[k] > 0)) {
                    throw new IllegalArgumentException("joint ratio r_xz of event " + k + " is " + rxz[k] + ", not positive");
                }
            }
        }
        if (txz != null) {
            if (txz.length != parameters.size()) {
                throw new IllegalArgumentException(txz.length + " joint-score columns for parameters " + parameters);
            }
            for (int j = 0; j < txz.length; j++) {
                checkColumn(txz[j], n, "joint score t_xz of '" + parameters.get(j) + "'");
            }
        }
        if (weights != null) {
            checkColumn(weights, n, "weights");
        }
        if (theta1 != null) {
            if (theta1.length != parameters.size()) {
                throw new IllegalArgumentException(theta1.length + " θ1 columns for parameters " + parameters);
            }
            for (int j = 0; j < theta1.length; j++) {
                checkColumn(theta1[j], n, "θ1 column '" + parameters.get(j) + "'");
            }
        }
        if (txz1 != null) {
            if (txz1.length != parameters.size()) {
                throw new IllegalArgumentException(txz1.length + " joint-score-at-θ1 columns for parameters " + parameters);
            }
            for (int j = 0; j < txz1.length; j++) {
                checkColumn(txz1[j], n, "joint score t_xz1 of '" + parameters.get(j) + "'");
            }
        }
    }

    private static void checkColumn(double[] c, int n, String what) {
        if (c.length != n) {
            throw new IllegalArgumentException(what + " has " + c.length + " events, features " + n);
        }
        for (int k = 0; k < n; k++) {
            if (!Double.isFinite(c[k])) {
                throw new IllegalArgumentException(what + " of event " + k + " is " + c[k]);
            }
        }
    }

    public int size() {
        return x.length == 0 ? 0 : x[0].length;
    }

    public int numFeatures() {
        return features.size();
    }

    public int numParameters() {
        return parameters.size();
    }

    /** Rows {@code events} only (a copy). */
    public AugmentedData subset(int[] events) {
        return new AugmentedData(features, parameters, pick(x, events), theta0 == null ? null : pick(theta0, events),
                y == null ? null : pickInt(y, events), rxz == null ? null : pick(rxz, events),
                txz == null ? null : pick(txz, events), weights == null ? null : pick(weights, events),
                theta1 == null ? null : pick(theta1, events), txz1 == null ? null : pick(txz1, events));
    }

    private static double[][] pick(double[][] c, int[] ev) {
        double[][] out = new double[c.length][];
        for (int j = 0; j < c.length; j++) {
            out[j] = pick(c[j], ev);
        }
        return out;
    }

    private static double[] pick(double[] c, int[] ev) {
        double[] out = new double[ev.length];
        for (int k = 0; k < ev.length; k++) {
            out[k] = c[ev[k]];
        }
        return out;
    }

    private static int[] pickInt(int[] c, int[] ev) {
        int[] out = new int[ev.length];
        for (int k = 0; k < ev.length; k++) {
            out[k] = c[ev[k]];
        }
        return out;
    }
}
