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

    /** ln r̂(x|θ0) at one θ0 for columns x[feature][event] (ratio methods), in double with the float32 weights. */
    public double[] logRatios(double[][] x, double[] theta0) {
        if (method().localScore()) {
            throw new IllegalStateException("a SALLY estimator outputs scores, not ln r");
        }
        return network.logRatios(x, theta0);
    }

    /** The score t̂ [parameter][event]: ∇θ0 ln r̂ at θ0 for ratio methods, the output for SALLY (θ0 ignored). */
    public double[][] scores(double[][] x, double[] theta0) {
        int n = x[0].length, d = features.size(), p = parameters.size();
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
