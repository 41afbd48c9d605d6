package org.ratiofit.ratio;

import java.util.List;

/**
 * Fisher information from an ensemble of score estimators (SALLY models, or parametrised ratio
 * models through ∇θ ln r̂) in MadMiner's two modes, and expectation-based member weights for score
 * ensembles (E[t̂] = 0 under the reference sample).
 *
 * <ul>
 * <li>{@link Mode#SCORE}: the members' scores are averaged per event with the member weights,
 * t̄ = Σ_i w_i t̂_i, and I = n E[t̄ t̄ᵀ]; its uncertainty is the spread of the members' own I_i
 * around it (the members' covariance).
 * <li>{@link Mode#INFORMATION}: I = Σ_i w_i I_i with I_i = n E[t̂_i t̂_iᵀ]; its uncertainty is the
 * weighted covariance of the I_i.
 * </ul>
 * In both modes {@code covariance[a][b]} is the weighted covariance over members of the flattened
 * matrix elements a = i·p + j (what MadMiner calls the ensemble covariance), {@code sd} its diagonal's
 * square root per element.
 */
public final class EnsembleFisher {
    private EnsembleFisher() {
    }

    public enum Mode { SCORE, INFORMATION }

    /** The information with the full member covariance of its elements. */
    public record Result(FisherInformation information, Mode mode, double[][] covariance) {
    }

    /** Per member i and parameter j the weighted mean of t̂ on the sample, and the expectation weights. */
    public record ScoreExpectation(List<String> members, double[][] meanScore, double[] deviation, double beta,
            double[] weights, long events) {
    }

    public static Result of(Ensemble ensemble, double[][] columns, double[] eventWeights, double[] theta,
            double expectedEvents, Mode mode) {
        List<RatioModel> ms = ensemble.members();
        double[] w = ensemble.weights();
        int m = ms.size();
        double[][][] scores = new double[m][][];
        String[] method = new String[1];
        double[][][] per = new double[m][][];
        for (int i = 0; i < m; i++) {
            scores[i] = FisherInformation.scores(ms.get(i), columns, theta, method);
            per[i] = FisherInformation.fromScores(scores[i], eventWeights, expectedEvents);
        }
        int p = scores[0].length;
        double[][] matrix;
        if (mode == Mode.SCORE) {
            int n = scores[0][0].length;
            double[][] mean = new double[p][n];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < p; j++) {
                    for (int k = 0; k < n; k++) {
                        mean[j][k] += w[i] * scores[i][j][k];
                    }
                }
            }
            matrix = FisherInformation.fromScores(mean, eventWeights, expectedEvents);
        } else {
            matrix = new double[p][p];
            for (int i = 0; i < m; i++) {
                for (int a = 0; a < p; a++) {
                    for (int b = 0; b < p; b++) {
                        matrix[a][b] += w[i] * per[i][a][b];
                    }
                }
            }
        }
        double[][] cov = new double[p * p][p * p];
        double[][] sd = new double[p][p];
        for (int i = 0; i < m; i++) {
            for (int a = 0; a < p * p; a++) {
                double da = per[i][a / p][a % p] - matrix[a / p][a % p];
                for (int b = 0; b < p * p; b++) {
                    cov[a][b] += w[i] * da * (per[i][b / p][b % p] - matrix[b / p][b % p]);
                }
            }
        }
        for (int a = 0; a < p * p; a++) {
            sd[a / p][a % p] = Math.sqrt(cov[a][a]);
        }
        FisherInformation fi = new FisherInformation(ensemble.parameters(), theta == null ? null : theta.clone(),
                expectedEvents, matrix, sd, per, w, method[0] + (mode == Mode.SCORE ? "+mean_score" : "+mean_information"));
        return new Result(fi, mode, cov);
    }

    /**
     * Expectation-based weights for a score ensemble: on a sample from the reference point,
     * E_i = |Σ_k w_k t̂_i(x_k)/Σ_k w_k| (Euclidean norm over parameters) should be 0;
     * w_i = exp(−β E_i)/Σ_j exp(−β E_j). Sets the ensemble's weights and returns them.
     */
    public static ScoreExpectation fitScoreExpectationWeights(Ensemble ensemble, double[][] referenceColumns,
            double[] eventWeights, double[] theta, double beta) {
        if (!(beta >= 0) || !Double.isFinite(beta)) {
            throw new RatioModelException("ensemble '" + ensemble.name() + "': β must be finite and >= 0, got " + beta);
        }
        List<RatioModel> ms = ensemble.members();
        int m = ms.size();
        double[][] mean = new double[m][];
        double[] dev = new double[m];
        String[] method = new String[1];
        long n = 0;
        for (int i = 0; i < m; i++) {
            double[][] t = FisherInformation.scores(ms.get(i), referenceColumns, theta, method);
            n = t[0].length;
            mean[i] = new double[t.length];
            double sw = 0;
            for (int k = 0; k < n; k++) {
                double wk = eventWeights == null ? 1 : eventWeights[k];
                sw += wk;
                for (int j = 0; j < t.length; j++) {
                    mean[i][j] += wk * t[j][k];
                }
            }
            if (sw == 0) {
                throw new RatioModelException("ensemble '" + ensemble.name() + "': the reference sample has zero total weight");
            }
            double s = 0;
            for (int j = 0; j < t.length; j++) {
                mean[i][j] /= sw;
                s += mean[i][j] * mean[i][j];
            }
            dev[i] = Math.sqrt(s);
        }
        double[] w = Ensemble.expectationWeights(dev, beta);
        ensemble.setWeights(w);
        return new ScoreExpectation(ensemble.memberNames(), mean, dev, beta, w.clone(), n);
    }
}
