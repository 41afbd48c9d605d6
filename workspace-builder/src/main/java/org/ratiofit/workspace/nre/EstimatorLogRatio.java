package org.ratiofit.workspace.nre;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ratiofit.likelihood.ParametrisedLogRatio;
import org.ratiofit.ratio.BatchedThetaGradient;
import org.ratiofit.ratio.Ensemble;
import org.ratiofit.ratio.EnsembleManifest.Aggregation;
import org.ratiofit.ratio.NonFiniteOutputException;
import org.ratiofit.ratio.RatioModel;
import org.ratiofit.ratio.ThetaGradient;

/**
 * A singly parametrised estimator ensemble (a folder of {@code ratiofit train-estimator}, or one
 * member's sidecar) on fixed events, as the likelihood's {@link ParametrisedLogRatio}: per event the
 * ensemble's ln r̂(x_i|θ) (members combined as {@link EnsembleRatioLikelihood} combines them: the
 * weighted mean ratio, or the weighted mean log-ratio; weights equal or MadMiner's expectation
 * weights from the manifest's beta) and its exact θ-gradient from the networks
 * ({@link BatchedThetaGradient#perEvent}, else the graph evaluator). The workspace stores the
 * estimator's path and the feature columns ({@link #source()}) and rebuilds it on reading
 * ({@link EstimatorRatioResolver}). Not thread-safe by itself: the likelihood calls it under its lock.
 */
public final class EstimatorLogRatio implements ParametrisedLogRatio, AutoCloseable {

    private final Path estimator;
    private final Ensemble ensemble;
    private final List<RatioModel> members;
    private final double[] weights;
    private final Aggregation aggregation;
    private final List<String> featureNames;
    private final double[][] features;
    private final List<String> parameters;
    private final int n;
    private final BatchedThetaGradient[] fast;
    private final double[][] thetaColumns;
    private final double[][] memberLr;
    private final double[][][] memberGrad;

    private EstimatorLogRatio(Path estimator, Ensemble ensemble, double[] weights, double[][] features, BatchedThetaGradient.Precision precision) {
        this.estimator = estimator;
        this.ensemble = ensemble;
        this.members = ensemble.members();
        this.weights = weights;
        this.aggregation = ensemble.aggregation() == null ? Aggregation.MEAN_RATIO : ensemble.aggregation();
        RatioModel first = members.get(0);
        this.featureNames = List.copyOf(first.features());
        this.parameters = List.copyOf(first.parameters());
        this.features = features;
        this.n = features.length == 0 ? 0 : features[0].length;
        int p = parameters.size();
        int m = members.size();
        fast = new BatchedThetaGradient[m];
        for (int k = 0; k < m; k++) {
            try {
                fast[k] = BatchedThetaGradient.of(members.get(k), features, precision, EnsembleRatioLikelihood.memberBudget(members.size()));
            } catch (RuntimeException e) {
                fast[k] = null; // not a chain of dense layers: the graph evaluator
            }
        }
        thetaColumns = new double[p][n];
        memberLr = new double[m][n];
        memberGrad = new double[m][p][n];
    }

    /**
     * Opens the estimator and checks it (singly parametrised ratio, not SALLY, not the median), with
     * the features by name.
     *
     * @param features per name of the estimator's features, its column over the events
     * @param where    the configuration or workspace field, for error messages
     */
    public static EstimatorLogRatio open(Path estimator, java.util.Map<String, double[]> features, String where,
                                         BatchedThetaGradient.Precision precision) throws IOException {
        Ensemble ens = EstimatorLikelihood.openEstimator(estimator, where);
        try {
            List<String> names = ens.members().get(0).features();
            double[][] cols = new double[names.size()][];
            int n = -1;
            for (int j = 0; j < cols.length; j++) {
                cols[j] = features.get(names.get(j));
                if (cols[j] == null) {
                    throw new IllegalArgumentException(where + ": estimator " + estimator + " reads feature '" + names.get(j)
                            + "', which the events do not have (they have " + features.keySet() + ")");
                }
                if (n >= 0 && cols[j].length != n) {
                    throw new IllegalArgumentException(where + ": feature columns of different lengths");
                }
                n = cols[j].length;
            }
            EstimatorLikelihood.MemberWeighting mw = EstimatorLikelihood.weighting(ens, estimator, where);
            return new EstimatorLogRatio(estimator, ens, mw.weights(), cols, precision == null ? BatchedThetaGradient.Precision.FLOAT64 : precision);
        } catch (IOException | RuntimeException e) {
            ens.close();
            throw e;
        }
    }

    /** The estimator's parameters θ (names, in its input order) without opening its networks' sessions for long: for checks. */
    public static List<String> parametersOf(Path estimator, String where) {
        try (Ensemble ens = EstimatorLikelihood.openEstimator(estimator, where)) {
            return List.copyOf(ens.members().get(0).parameters());
        }
    }

    /** The estimator's features (names, in its input order). */
    public static List<String> featuresOf(Path estimator, String where) {
        try (Ensemble ens = EstimatorLikelihood.openEstimator(estimator, where)) {
            return List.copyOf(ens.members().get(0).features());
        }
    }

    @Override
    public List<String> parameters() {
        return parameters;
    }

    @Override
    public int events() {
        return n;
    }

    public int members() {
        return members.size();
    }

    public double[] memberWeights() {
        return weights.clone();
    }

    @Override
    public Source source() {
        return new Source(estimator, featureNames, features);
    }

    @Override
    public void evaluate(double[] theta, double[] lr, double[][] g) {
        int p = parameters.size();
        int mCount = members.size();
        for (int j = 0; j < p; j++) java.util.Arrays.fill(thetaColumns[j], theta[j]);
        for (int m = 0; m < mCount; m++) {
            try {
                if (fast[m] != null) {
                    if (n > 0) fast[m].perEvent(thetaColumns, 0, n, memberLr[m], memberGrad[m]);
                } else {
                    RatioModel model = members.get(m);
                    ThetaGradient tg;
                    synchronized (model) {
                        tg = model.logRatioGradient(features, theta);
                    }
                    System.arraycopy(tg.logRatio(), 0, memberLr[m], 0, n);
                    for (int j = 0; j < p; j++) System.arraycopy(tg.gradient()[j], 0, memberGrad[m][j], 0, n);
                }
            } catch (NonFiniteOutputException e) {
                if (Double.isNaN(e.value())) {
                    throw new NetworkNanException(members.get(m).name(), e.row(), describe(theta), e);
                }
                java.util.Arrays.fill(lr, e.value()); // an infinite output: the likelihood is +infinity here
                for (double[] r : g) java.util.Arrays.fill(r, 0);
                return;
            }
        }
        if (mCount == 1) {
            System.arraycopy(memberLr[0], 0, lr, 0, n);
            for (int j = 0; j < p; j++) System.arraycopy(memberGrad[0][j], 0, g[j], 0, n);
            return;
        }
        for (int i = 0; i < n; i++) {
            if (aggregation == Aggregation.MEAN_LOG_RATIO) {
                double agg = 0;
                for (int j = 0; j < p; j++) g[j][i] = 0;
                for (int m = 0; m < mCount; m++) {
                    double a = weights[m];
                    agg += a * memberLr[m][i];
                    for (int j = 0; j < p; j++) g[j][i] += a * memberGrad[m][j][i];
                }
                lr[i] = agg;
            } else {
                double max = Double.NEGATIVE_INFINITY;
                for (int m = 0; m < mCount; m++) if (weights[m] > 0) max = Math.max(max, memberLr[m][i]);
                double s = 0;
                for (int j = 0; j < p; j++) g[j][i] = 0;
                for (int m = 0; m < mCount; m++) {
                    if (weights[m] > 0) {
                        double e = weights[m] * Math.exp(memberLr[m][i] - max);
                        s += e;
                        for (int j = 0; j < p; j++) g[j][i] += e * memberGrad[m][j][i];
                    }
                }
                lr[i] = max + Math.log(s);
                for (int j = 0; j < p; j++) g[j][i] /= s;
            }
        }
    }

    private String describe(double[] theta) {
        List<String> parts = new ArrayList<>();
        for (int k = 0; k < parameters.size(); k++) parts.add(parameters.get(k) + " = " + theta[k]);
        return String.join(", ", parts);
    }

    @Override
    public void close() {
        ensemble.close();
    }
}
