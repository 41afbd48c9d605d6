package org.ratiofit.workspace.score;

import java.util.List;
import org.ratiofit.likelihood.score.JointReweighting;
import org.ratiofit.likelihood.score.ScoreBinning;
import org.ratiofit.likelihood.score.ScoreHistogramLikelihood;
import org.ratiofit.objective.ParameterSpec;
import org.ratiofit.ratio.ModelSidecar;
import org.ratiofit.ratio.RatioModel;

/**
 * Builds SALLY's or SALLINO's binned likelihood ({@link ScoreHistogramLikelihood}) from SALLY
 * networks: the observable is the members' weighted mean local score t̂(x) = Σ_m a_m t̂_m(x)
 * (MadMiner's ensemble score), binned in full (SALLY, a product grid, {@code direction} null) or
 * projected on a direction u (SALLINO, h = t̂·u: MadMiner projects on the direction of interest,
 * for one parameter of interest u is that parameter's unit vector). Bins have equal population on
 * the reference sample (the events of the {@link JointReweighting}, simulated at θ_ref).
 */
public final class SallyHistogram {

    private SallyHistogram() {}

    /** The weighted mean local score of SALLY {@code members} on {@code columns} ([feature][event]), [parameter][event]. */
    public static double[][] meanScore(List<RatioModel> members, double[] memberWeights, double[][] columns) {
        if (members.isEmpty()) throw new IllegalArgumentException("SALLY histogram: no estimator members");
        double[] a = normalised(memberWeights, members.size());
        double[][] mean = null;
        for (int m = 0; m < members.size(); m++) {
            RatioModel model = members.get(m);
            if (model.sidecar().output() != ModelSidecar.OutputConvention.LOCAL_SCORE) {
                throw new IllegalArgumentException("SALLY histogram: member '" + model.name() + "' is not a local-score (SALLY) estimator (output "
                        + model.sidecar().output() + ")");
            }
            double[][] t = model.localScores(columns);
            if (mean == null) mean = new double[t.length][t[0].length];
            if (t.length != mean.length) {
                throw new IllegalArgumentException("SALLY histogram: member '" + model.name() + "' gives " + t.length + " score components, the first "
                        + mean.length);
            }
            for (int j = 0; j < t.length; j++) {
                for (int i = 0; i < t[j].length; i++) mean[j][i] += a[m] * t[j][i];
            }
        }
        return mean;
    }

    /**
     * The binned likelihood.
     *
     * @param members           SALLY networks trained at θ_ref (their score components in the reweighting's parameter order)
     * @param memberWeights     a_m (null: equal)
     * @param referenceColumns  the reference events' features, [feature][event], in the reweighting's event order
     * @param reweighting       the reference events' joint ratios to θ
     * @param observedColumns   the observed events' features
     * @param observedWeights   per observed event weights (null: 1)
     * @param direction         SALLINO's u (length = score components), or null for SALLY's full score
     * @param bins              bins per observable dimension (one entry for SALLINO)
     * @param parameters        the likelihood's parameters (the reweighting's θ)
     * @param expectedReference ν_ref for the extended term, or NaN
     */
    public static ScoreHistogramLikelihood likelihood(List<RatioModel> members, double[] memberWeights, double[][] referenceColumns,
                                                      JointReweighting reweighting, double[][] observedColumns, double[] observedWeights,
                                                      double[] direction, int[] bins, List<ParameterSpec> parameters, double expectedReference) {
        double[][] tRef = meanScore(members, memberWeights, referenceColumns);
        double[][] tObs = meanScore(members, memberWeights, observedColumns);
        if (tRef.length != reweighting.parameterNames().size()) {
            throw new IllegalArgumentException("SALLY histogram: the estimator gives " + tRef.length + " score components but θ has "
                    + reweighting.parameterNames().size() + " parameters " + reweighting.parameterNames());
        }
        double[][] hRef = direction == null ? tRef : ScoreBinning.project(tRef, direction);
        double[][] hObs = direction == null ? tObs : ScoreBinning.project(tObs, direction);
        ScoreBinning binning = ScoreBinning.equalPopulation(hRef, bins);
        return ScoreHistogramLikelihood.of(parameters, reweighting, binning, hRef, binning.histogram(hObs, observedWeights), expectedReference);
    }

    private static double[] normalised(double[] w, int m) {
        double[] a = new double[m];
        if (w == null) {
            java.util.Arrays.fill(a, 1.0 / m);
            return a;
        }
        if (w.length != m) throw new IllegalArgumentException("SALLY histogram: " + w.length + " member weights for " + m + " members");
        double s = 0;
        for (double v : w) {
            if (!(v >= 0) || Double.isInfinite(v)) throw new IllegalArgumentException("SALLY histogram: member weight " + v);
            s += v;
        }
        if (!(s > 0)) throw new IllegalArgumentException("SALLY histogram: member weights sum to " + s);
        for (int k = 0; k < m; k++) a[k] = w[k] / s;
        return a;
    }
}
