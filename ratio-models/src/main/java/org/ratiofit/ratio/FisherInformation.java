package org.ratiofit.ratio;

import java.util.List;

/**
 * Expected Fisher information I = n·E[t tᵀ] from per-event scores t(x) = ∇_θ ln r(x|θ) over a
 * weighted sample (the expectation is the weighted mean), with, for an ensemble, the members'
 * spread as its uncertainty.
 *
 * @param parameters names of θ
 * @param theta      the reference point (null for SALLY models, whose score is fixed)
 * @param expectedEvents n, the expected number of events the information is scaled to
 * @param matrix     I (for an ensemble: the weighted mean of the members' I)
 * @param sd         elementwise standard deviation of I over the ensemble members (zeros for one model)
 * @param members    I per member, [member][i][j] (one entry for a single model)
 * @param method     how the scores were obtained ({@code exact}, {@code finite_differences}, {@code local_score})
 */
public record FisherInformation(List<String> parameters, double[] theta, double expectedEvents, double[][] matrix,
                                double[][] sd, double[][][] members, double[] memberWeights, String method) {

    /** I = n Σ_k w_k t_k t_kᵀ / Σ_k w_k from scores [parameter][event]; weights null means all 1. */
    public static double[][] fromScores(double[][] scores, double[] weights, double expectedEvents) {
        int p = scores.length, n = p == 0 ? 0 : scores[0].length;
        if (weights != null && weights.length != n) throw new RatioModelException("Fisher information: " + weights.length + " weights for " + n + " events");
        double[][] m = new double[p][p];
        double sw = 0;
        for (int k = 0; k < n; k++) {
            double w = weights == null ? 1 : weights[k];
            sw += w;
            for (int i = 0; i < p; i++) {
                double ti = w * scores[i][k];
                for (int j = i; j < p; j++) m[i][j] += ti * scores[j][k];
            }
        }
        if (sw == 0) throw new RatioModelException("Fisher information: the sample has zero total weight");
        for (int i = 0; i < p; i++) {
            for (int j = i; j < p; j++) {
                m[i][j] *= expectedEvents / sw;
                m[j][i] = m[i][j];
            }
        }
        return m;
    }

    /** Scores of one model at θ: ∇_θ ln r for a parametrised ratio model, the output for a SALLY model. */
    public static double[][] scores(RatioModel model, double[][] columns, double[] theta, String[] method) {
        if (model.sidecar().output() == ModelSidecar.OutputConvention.LOCAL_SCORE) {
            method[0] = "local_score";
            return model.localScores(columns);
        }
        ThetaGradient g = model.logRatioGradient(columns, theta);
        method[0] = g.method();
        return g.gradient();
    }

    public static FisherInformation of(RatioModel model, double[][] columns, double[] weights, double[] theta, double expectedEvents) {
        String[] method = new String[1];
        double[][] i = fromScores(scores(model, columns, theta, method), weights, expectedEvents);
        return new FisherInformation(model.parameters(), theta == null ? null : theta.clone(), expectedEvents, i,
                new double[i.length][i.length], new double[][][]{i}, new double[]{1}, method[0]);
    }

    /** Per-member information, combined with the ensemble's member weights. */
    public static FisherInformation of(Ensemble ensemble, double[][] columns, double[] weights, double[] theta, double expectedEvents) {
        List<RatioModel> ms = ensemble.members();
        double[] w = ensemble.weights();
        int p = ensemble.parameters().size();
        double[][][] per = new double[ms.size()][][];
        String[] method = new String[1];
        for (int k = 0; k < ms.size(); k++) per[k] = fromScores(scores(ms.get(k), columns, theta, method), weights, expectedEvents);
        double[][] mean = new double[p][p], sd = new double[p][p];
        for (int k = 0; k < per.length; k++) for (int i = 0; i < p; i++) for (int j = 0; j < p; j++) mean[i][j] += w[k] * per[k][i][j];
        for (int k = 0; k < per.length; k++) {
            for (int i = 0; i < p; i++) {
                for (int j = 0; j < p; j++) {
                    double d = per[k][i][j] - mean[i][j];
                    sd[i][j] += w[k] * d * d;
                }
            }
        }
        for (double[] row : sd) for (int j = 0; j < p; j++) row[j] = Math.sqrt(row[j]);
        return new FisherInformation(ensemble.parameters(), theta == null ? null : theta.clone(), expectedEvents, mean, sd, per, w, method[0]);
    }
}
