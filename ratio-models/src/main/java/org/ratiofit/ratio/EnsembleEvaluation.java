package org.ratiofit.ratio;

/**
 * Ensemble log-ratios per event with the spread of the members.
 *
 * @param logRatio         aggregated ln r per event
 * @param memberLogRatios  ln r_i per member and event, [member][event]
 * @param sd               per event, the weighted standard deviation of ln r_i over the members
 * @param memberCovariance covariance of ln r between members over the events, [member][member];
 *                         null unless asked for ({@link Ensemble#evaluate(double[][], double[], boolean)})
 * @param weights          member weights used
 * @param clipped          per member, events whose score was clipped (either bound)
 */
public record EnsembleEvaluation(String ensemble, double[] logRatio, double[][] memberLogRatios, double[] sd,
                                 double[][] memberCovariance, double[] weights, long[] clipped) {

    /**
     * Covariance over the ensemble members of ln r at the given events, [k][l] =
     * Σ_i w_i (ln r_i(x_k) − m_k)(ln r_i(x_l) − m_l), m the weighted member mean: the uncertainty
     * the ensemble assigns to the log-ratios of those events jointly.
     */
    public double[][] eventCovariance(int[] events) {
        int m = memberLogRatios.length, k = events.length;
        double[] mean = new double[k];
        for (int a = 0; a < k; a++) for (int i = 0; i < m; i++) mean[a] += weights[i] * memberLogRatios[i][events[a]];
        double[][] c = new double[k][k];
        for (int i = 0; i < m; i++) {
            for (int a = 0; a < k; a++) {
                double da = memberLogRatios[i][events[a]] - mean[a];
                for (int b = 0; b < k; b++) c[a][b] += weights[i] * da * (memberLogRatios[i][events[b]] - mean[b]);
            }
        }
        return c;
    }
}
