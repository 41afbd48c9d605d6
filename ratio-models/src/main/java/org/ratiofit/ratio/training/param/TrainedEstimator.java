package org.ratiofit.ratio.training.param;

import java.util.List;

/**
 * One trained member of a MadMiner-style estimator: the settings, the feature and parameter names,
 * the reference hypothesis θ1 (ratio methods) or θ_ref (SALLY) if known, the network and the loss
 * history. Writable as JSON.
 */
public record TrainedEstimator(int formatVersion, int index, ParamTrainingConfig config, List<String> features,
        List<String> parameters, double[] referenceTheta, ParamMlp network, ParamTrainingHistory history) {

    public static final int FORMAT_VERSION = 1;

    public EstimatorMethod method() {
        return config.method();
    }

    /**
     * ln r̂(x|θ0) at one θ0 for columns x[feature][event] (ratio methods), in double with the float32
     * weights. For a doubly parametrised estimator θ1 is the recorded reference θ (see
     * {@link #logRatios(double[][], double[], double[])}).
     */
    public double[] logRatios(double[][] x, double[] theta0) {
        if (method().localScore()) {
            throw new IllegalStateException("a SALLY estimator outputs scores, not ln r");
        }
        if (method().doubly()) {
            return logRatios(x, theta0, requireReference());
        }
        return network.logRatios(x, theta0);
    }

    /** ln r̂(x|θ0, θ1) of a doubly parametrised estimator. */
    public double[] logRatios(double[][] x, double[] theta0, double[] theta1) {
        if (!method().doubly()) {
            throw new IllegalStateException(method() + " is not doubly parametrised: θ1 is fixed at training");
        }
        return network.logRatios(x, concat(theta0, theta1));
    }

    private double[] requireReference() {
        if (referenceTheta == null) {
            throw new IllegalStateException(method() + " is doubly parametrised: give θ1 (no reference θ1 recorded)");
        }
        return referenceTheta;
    }

    private static double[] concat(double[] a, double[] b) {
        double[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    /**
     * ∇θ0 ln r̂(x|θ0, θ1) and ∇θ1 ln r̂ [2p][event] of a doubly parametrised estimator (the first p
     * rows ∇θ0, the last p rows ∇θ1).
     */
    public double[][] thetaGradients(double[][] x, double[] theta0, double[] theta1) {
        if (!method().doubly()) {
            throw new IllegalStateException(method() + " is not doubly parametrised");
        }
        int n = x[0].length, d = features.size(), p2 = network.parameters();
        double[][] out = new double[p2][n];
        double[] row = new double[d];
        double[] g = new double[p2];
        double[] th = concat(theta0, theta1);
        for (int e = 0; e < n; e++) {
            for (int j = 0; j < d; j++) {
                row[j] = x[j][e];
            }
            network.evaluate(row, th, g);
            for (int j = 0; j < p2; j++) {
                out[j][e] = g[j];
            }
        }
        return out;
    }

    /**
     * The score t̂ [parameter][event]: ∇θ0 ln r̂ at θ0 for ratio methods (doubly parametrised: at θ1
     * the recorded reference), the output for SALLY (θ0 ignored).
     */
    public double[][] scores(double[][] x, double[] theta0) {
        int n = x[0].length, d = features.size(), p = parameters.size();
        if (method().doubly()) {
            return java.util.Arrays.copyOf(thetaGradients(x, theta0, requireReference()), p);
        }
        double[][] out = new double[p][n];
        double[] row = new double[d];
        double[] g = new double[p];
        for (int e = 0; e < n; e++) {
            for (int j = 0; j < d; j++) {
                row[j] = x[j][e];
            }
            if (method().localScore()) {
                double[] o = network.evaluate(row, null, null);
                for (int j = 0; j < p; j++) {
                    out[j][e] = o[j];
                }
            } else {
                network.evaluate(row, theta0, g);
                for (int j = 0; j < p; j++) {
                    out[j][e] = g[j];
                }
            }
        }
        return out;
    }
}
