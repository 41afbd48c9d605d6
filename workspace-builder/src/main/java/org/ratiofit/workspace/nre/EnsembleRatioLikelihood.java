package org.ratiofit.workspace.nre;

import java.util.ArrayList;
import java.util.List;
import org.ratiofit.objective.Objective;
import org.ratiofit.objective.ParameterSpec;
import org.ratiofit.ratio.BatchedThetaGradient;
import org.ratiofit.ratio.EnsembleManifest.Aggregation;
import org.ratiofit.ratio.NonFiniteOutputException;
import org.ratiofit.ratio.RatioModel;
import org.ratiofit.ratio.RatioModelException;
import org.ratiofit.ratio.ThetaGradient;

/**
 * The likelihood of i.i.d. observations under an ensemble of parametrised ratio models with member
 * weights a_m (Σ a_m = 1), combined per event as the ensembles combine ratios:
 * −ln L(θ) = −Σ_i w_i ln Σ_m a_m r_m(x_i | θ) ({@code MEAN_RATIO}, the default) or
 * −Σ_i w_i Σ_m a_m ln r_m(x_i | θ) ({@code MEAN_LOG_RATIO}); errordef 0.5, exact gradient from
 * the members' θ-gradients (for the mean ratio Σ_m a_m r_m ∇ln r_m / Σ_m a_m r_m per event).
 * {@link #withReference} self-normalises it on events simulated at θ1: + (Σ_i w_i) ln Ẑ(θ).
 *
 * <p>One member is exactly {@link RatioLikelihood#iid} (this class delegates to it), so a
 * one-member ensemble fits bit for bit as the Java likelihood does. The likelihood's parameters are
 * the members' θ, matched by name. Events go in batches through each member's
 * {@link BatchedThetaGradient#perEvent} (a chain of dense layers) or
 * {@link RatioModel#logRatioGradient}. Outside a parameter's bounds, or where a member's output is
 * not finite, the value is +∞. Thread-safe (NUTS chains call it concurrently).
 */
public final class EnsembleRatioLikelihood implements Objective {

    private final List<RatioModel> members;
    private final double[] memberWeights;
    private final Aggregation aggregation;
    private final double[][] features;
    private final double[] weights;
    private final List<ParameterSpec> parameters;
    private final int[] thetaIndex;
    private final int n;
    private final int batch;
    private final BatchedThetaGradient.Precision precision;
    private final BatchedThetaGradient[] fast; // per member; null entries: the general path
    private final double[][][] blocks; // [batch][feature][event in batch] for the general path
    private final RatioLikelihood single; // one member: the same objective as RatioLikelihood.iid
    private final EnsembleRatioLikelihood reference; // events at θ1 for the self-normalisation, or null
    private final double referenceFactor; // Σ_i w_i of the observed events: the factor of ln Ẑ(θ)

    private EnsembleRatioLikelihood(List<RatioModel> members, double[] memberWeights, Aggregation aggregation, double[][] features,
                                    double[] weights, List<ParameterSpec> parameters, int batch, BatchedThetaGradient.Precision precision,
                                    BatchedThetaGradient[] fast, RatioLikelihood single) {
        this(members, memberWeights, aggregation, features, weights, parameters, batch, precision, fast, single, null);
    }

    private EnsembleRatioLikelihood(List<RatioModel> members, double[] memberWeights, Aggregation aggregation, double[][] features,
                                    double[] weights, List<ParameterSpec> parameters, int batch, BatchedThetaGradient.Precision precision,
                                    BatchedThetaGradient[] fast, RatioLikelihood single, EnsembleRatioLikelihood reference) {
        this.members = members;
        this.reference = reference;
        this.memberWeights = memberWeights;
        this.aggregation = aggregation;
        this.features = features;
        this.weights = weights;
        this.parameters = List.copyOf(parameters);
        this.n = features.length == 0 ? 0 : features[0].length;
        this.batch = batch;
        this.precision = precision;
        List<String> names = this.parameters.stream().map(ParameterSpec::name).toList();
        List<String> modelParams = members.get(0).parameters();
        this.thetaIndex = new int[modelParams.size()];
        for (int j = 0; j < thetaIndex.length; j++) thetaIndex[j] = names.indexOf(modelParams.get(j));
        this.fast = fast;
        this.single = single;
        this.blocks = new double[(n + batch - 1) / batch][features.length][];
        for (int b = 0; b < blocks.length; b++) {
            int from = b * batch;
            for (int f = 0; f < features.length; f++) {
                blocks[b][f] = blocks.length == 1 ? features[f] : java.util.Arrays.copyOfRange(features[f], from, Math.min(n, from + batch));
            }
        }
        double w = 0;
        if (weights == null) {
            w = n;
        } else {
            for (double v : weights) w += v;
        }
        this.referenceFactor = w;
    }

    /**
     * Every event at the same θ.
     *
     * @param members        parametrised ratio models with the same features and parameters
     * @param memberWeights  a_m, non-negative, normalised here (null: equal weights)
     * @param aggregation    {@code MEAN_RATIO} or {@code MEAN_LOG_RATIO} (null: mean ratio)
     * @param featureColumns the observations, [feature][event] in the members' feature order
     * @param weights        per-event weights, or null for 1
     * @param parameters     the likelihood's parameters: exactly the members' θ, by name, any order
     */
    public static EnsembleRatioLikelihood iid(List<RatioModel> members, double[] memberWeights, Aggregation aggregation,
                                              double[][] featureColumns, double[] weights, List<ParameterSpec> parameters,
                                              BatchedThetaGradient.Precision precision) {
        if (members == null || members.isEmpty()) throw new IllegalArgumentException("an ensemble likelihood needs at least one member");
        RatioModel first = members.get(0);
        for (RatioModel m : members) {
            if (!m.features().equals(first.features()) || !m.parameters().equals(first.parameters())) {
                throw new IllegalArgumentException("member '" + m.name() + "' has features " + m.features() + " and parameters " + m.parameters()
                        + ", member '" + first.name() + "' has " + first.features() + " and " + first.parameters());
            }
        }
        Aggregation how = aggregation == null ? Aggregation.MEAN_RATIO : aggregation;
        if (how == Aggregation.MEDIAN_RATIO) {
            throw new IllegalArgumentException("aggregation 'median_ratio' has no gradient in θ; a likelihood over θ needs 'mean_ratio' or 'mean_log_ratio'");
        }
        double[] a = normalise(memberWeights, members.size());
        BatchedThetaGradient.Precision p = precision == null ? BatchedThetaGradient.Precision.FLOAT64 : precision;
        // RatioLikelihood checks the model, the columns, the weights and the parameter names
        RatioLikelihood one = RatioLikelihood.iid(first, featureColumns, weights, parameters).withPrecision(p);
        double[][] cols = new double[featureColumns.length][];
        for (int j = 0; j < cols.length; j++) cols[j] = featureColumns[j].clone();
        BatchedThetaGradient[] fast = new BatchedThetaGradient[members.size()];
        if (members.size() > 1) {
            long budget = memberBudget(members.size());
            for (int m = 0; m < fast.length; m++) fast[m] = BatchedThetaGradient.of(members.get(m), cols, p, budget);
        }
        return new EnsembleRatioLikelihood(List.copyOf(members), a, how, cols, weights == null ? null : weights.clone(), parameters,
                RatioLikelihood.DEFAULT_BATCH, p, fast, members.size() == 1 ? one : null);
    }

    /**
     * Each member's share of {@link BatchedThetaGradient#defaultFirstLayerBudget} for one pass
     * (observed or reference events): above it a member recomputes its first layer per block
     * instead of storing it (identical bits), so the events' first layers take at most the budget
     * per pass whatever the number of events.
     */
    static long memberBudget(int members) {
        return BatchedThetaGradient.defaultFirstLayerBudget() / Math.max(1, members);
    }

    /** Whether every member's fast path stores its first layer for the reference events (false: recomputed per block, or no reference). */
    public boolean referenceFirstLayerStored() {
        if (reference == null) return false;
        for (BatchedThetaGradient f : reference.fast) if (f == null || !f.storesFirstLayer()) return false;
        return true;
    }

    private static double[] normalise(double[] w, int m) {
        double[] a = new double[m];
        if (w == null) {
            java.util.Arrays.fill(a, 1.0 / m);
            return a;
        }
        if (w.length != m) throw new IllegalArgumentException(w.length + " member weights for " + m + " members");
        double s = 0;
        for (double v : w) {
            if (!(v >= 0) || !Double.isFinite(v)) throw new IllegalArgumentException("member weights must be finite and >= 0, got " + java.util.Arrays.toString(w));
            s += v;
        }
        if (!(s > 0)) throw new IllegalArgumentException("member weights sum to 0");
        for (int i = 0; i < m; i++) a[i] = w[i] / s;
        return a;
    }

    /** The same likelihood with other parameter settings (start values, steps, bounds, fixed): the same names in any order. */
    public EnsembleRatioLikelihood withParameters(List<ParameterSpec> specs) {
        List<String> now = parameters.stream().map(ParameterSpec::name).sorted().toList();
        List<String> asked = specs.stream().map(ParameterSpec::name).sorted().toList();
        if (!now.equals(asked)) throw new IllegalArgumentException("parameters " + asked + " differ from the likelihood's " + now);
        RatioLikelihood one = single == null ? null
                : RatioLikelihood.iid(members.get(0), features, weights, specs).withPrecision(precision);
        return new EnsembleRatioLikelihood(members, memberWeights, aggregation, features, weights, specs, batch, precision, fast, one,
                reference == null ? null : reference.withParameters(specs));
    }

    /** The same parameters with start values {@code point} (in {@link #parameters()} order). */
    public EnsembleRatioLikelihood withInitial(double[] point) {
        List<ParameterSpec> s = new ArrayList<>();
        for (int k = 0; k < parameters.size(); k++) s.add(parameters.get(k).withInitial(point[k]));
        return withParameters(s);
    }

    /** Member {@code m} alone, with weight 1 (for the spread of the members' fits). */
    public EnsembleRatioLikelihood member(int m) {
        EnsembleRatioLikelihood one = iid(List.of(members.get(m)), null, aggregation, features, weights, parameters, precision);
        if (reference == null) return one;
        // the member's reference pass shares the ensemble's (its precomputed first layer is 8·width bytes per reference event)
        EnsembleRatioLikelihood ref = new EnsembleRatioLikelihood(List.of(members.get(m)), new double[] {1}, aggregation, reference.features,
                reference.weights, parameters, reference.batch, precision, new BatchedThetaGradient[] {reference.fast[m]}, null);
        return new EnsembleRatioLikelihood(one.members, one.memberWeights, aggregation, features, weights, parameters, batch, precision, one.fast,
                one.single, ref);
    }

    /**
     * The self-normalised likelihood: −ln L(θ) = −Σ_i w_i ln r̄(x_i|θ) + (Σ_i w_i) ln Ẑ(θ) with
     * Ẑ(θ) = Σ_j v_j r̄(x_j|θ) / Σ_j v_j over reference events x_j simulated at the estimator's
     * denominator hypothesis θ1 (weights v_j, null for 1), r̄ the ensemble's combined ratio. An exact
     * ratio has E_{x~θ1}[r(x|θ)] = 1 for every θ; a trained one need not, and any θ-dependent factor
     * c(θ) in r̂ = c(θ) r enters the unnormalised likelihood as n ln c(θ), n times its size per event.
     * Dividing by Ẑ(θ) removes such a factor exactly: the likelihood of the density p̂(x|θ) =
     * r̂(x|θ) p(x|θ1) / ∫ r̂ p(x|θ1) dx, normalised in x for every θ (the number of events is fixed,
     * not Poisson). Cost per evaluation: the observed plus the reference events.
     *
     * <p>Memory: each member stores its first layer's features part for the reference events
     * (8·width bytes per event and member) only while that fits its share of
     * {@link BatchedThetaGradient#defaultFirstLayerBudget} (a quarter of the heap, or the system
     * property {@value BatchedThetaGradient#BUDGET_PROPERTY}); above it the first layer is
     * recomputed per block of events, with identical results.
     *
     * @param referenceColumns [feature][event] in the members' feature order
     * @param referenceWeights per reference event, or null for 1
     */
    public EnsembleRatioLikelihood withReference(double[][] referenceColumns, double[] referenceWeights) {
        return withReference(referenceColumns, referenceWeights, memberBudget(members.size()));
    }

    /**
     * {@link #withReference(double[][], double[])} with each member's first layer over the
     * reference events stored only if it takes at most {@code firstLayerBudgetBytes} (0: always
     * recomputed per block, {@link Long#MAX_VALUE}: always stored); the results are identical.
     */
    public EnsembleRatioLikelihood withReference(double[][] referenceColumns, double[] referenceWeights, long firstLayerBudgetBytes) {
        if (referenceColumns == null || referenceColumns.length != features.length) {
            throw new IllegalArgumentException("reference events need " + features.length + " feature columns " + members.get(0).features()
                    + ", got " + (referenceColumns == null ? "none" : referenceColumns.length));
        }
        int nr = referenceColumns[0].length;
        if (nr == 0) throw new IllegalArgumentException("the reference sample has no events");
        double[][] cols = new double[referenceColumns.length][];
        for (int j = 0; j < cols.length; j++) {
            if (referenceColumns[j].length != nr) {
                throw new IllegalArgumentException("reference feature column " + j + " has " + referenceColumns[j].length + " events, column 0 has " + nr);
            }
            cols[j] = referenceColumns[j].clone();
            for (int i = 0; i < nr; i++) {
                if (!Double.isFinite(cols[j][i])) {
                    throw new IllegalArgumentException("reference feature '" + members.get(0).features().get(j) + "' is " + cols[j][i] + " in row " + i);
                }
            }
        }
        double[] v = null;
        if (referenceWeights != null) {
            if (referenceWeights.length != nr) throw new IllegalArgumentException(referenceWeights.length + " reference weights for " + nr + " reference events");
            double s = 0;
            for (int i = 0; i < nr; i++) {
                if (!Double.isFinite(referenceWeights[i])) throw new IllegalArgumentException("reference weight is " + referenceWeights[i] + " in row " + i);
                s += referenceWeights[i];
            }
            if (!(s > 0)) throw new IllegalArgumentException("the reference weights sum to " + s + " (must be positive)");
            v = referenceWeights.clone();
        }
        BatchedThetaGradient[] f = new BatchedThetaGradient[members.size()];
        for (int m = 0; m < f.length; m++) f[m] = BatchedThetaGradient.of(members.get(m), cols, precision, firstLayerBudgetBytes);
        EnsembleRatioLikelihood ref = new EnsembleRatioLikelihood(members, memberWeights, aggregation, cols, v, parameters,
                RatioLikelihood.DEFAULT_BATCH, precision, f, null);
        return new EnsembleRatioLikelihood(members, memberWeights, aggregation, features, weights, parameters, batch, precision, fast, single, ref);
    }

    /** Whether the likelihood is self-normalised on a reference sample ({@link #withReference}). */
    public boolean selfNormalised() {
        return reference != null;
    }

    /** The number of reference events (0 without self-normalisation). */
    public int referenceEvents() {
        return reference == null ? 0 : reference.n;
    }

    /**
     * ln Ẑ(θ) = ln[Σ_j v_j r̄(x_j|θ) / Σ_j v_j] over the reference sample, and its θ-gradient into
     * {@code gradient} (in {@link #parameters()} order); NaN without a reference sample.
     */
    public double logNormalisation(double[] phi, double[] gradient) {
        java.util.Arrays.fill(gradient, 0, parameters.size(), 0.0);
        if (reference == null) return Double.NaN;
        return reference.sweep(phi, gradient, true);
    }

    public List<RatioModel> members() {
        return members;
    }

    /** a_m, summing to 1. */
    public double[] memberWeights() {
        return memberWeights.clone();
    }

    public Aggregation aggregation() {
        return aggregation;
    }

    public int events() {
        return n;
    }

    public BatchedThetaGradient.Precision precision() {
        return precision;
    }

    /** Whether every member goes through the batched dense-layer path (else the graph evaluator or finite differences). */
    public boolean fastPath() {
        if (single != null) return single.fastPath();
        for (BatchedThetaGradient f : fast) if (f == null) return false;
        return true;
    }

    /** Whether the θ-gradient is exact for every member (not finite differences). */
    public boolean exactGradient() {
        if (single != null) return single.fastPath() || single.exactGradient();
        for (int m = 0; m < members.size(); m++) {
            if (fast[m] == null && members.get(m).graphEvaluator() == null) return false;
        }
        return true;
    }

    @Override
    public List<ParameterSpec> parameters() {
        return parameters;
    }

    @Override
    public double errorDef() {
        return 0.5;
    }

    @Override
    public boolean hasGradient() {
        return true;
    }

    @Override
    public double value(double[] phi) {
        return valueAndGradient(phi, new double[parameters.size()]);
    }

    @Override
    public double valueAndGradient(double[] phi, double[] gradient) {
        double v = single != null ? single.valueAndGradient(phi, gradient) : sweep(phi, gradient, false);
        if (reference == null || v == Double.POSITIVE_INFINITY) return v;
        double[] g = new double[parameters.size()];
        double lz = reference.sweep(phi, g, true);
        if (!Double.isFinite(lz)) {
            java.util.Arrays.fill(gradient, 0, parameters.size(), 0.0);
            return Double.POSITIVE_INFINITY;
        }
        for (int k = 0; k < g.length; k++) gradient[k] += referenceFactor * g[k];
        return v + referenceFactor * lz;
    }

    /**
     * One pass over the events: −Σ_i w_i ln r̄_i and its gradient ({@code logMean} false), or
     * ln[Σ_i w_i r̄_i / Σ_i w_i] and its gradient ({@code logMean} true, a running log-sum-exp).
     */
    private double sweep(double[] phi, double[] gradient, boolean logMean) {
        java.util.Arrays.fill(gradient, 0, parameters.size(), 0.0);
        for (int k = 0; k < parameters.size(); k++) {
            ParameterSpec s = parameters.get(k);
            if (!(phi[k] >= s.lower() && phi[k] <= s.upper())) return Double.POSITIVE_INFINITY;
        }
        int p = thetaIndex.length;
        int mCount = members.size();
        double[] theta = new double[p];
        for (int j = 0; j < p; j++) theta[j] = phi[thetaIndex[j]];
        int size = Math.min(batch, Math.max(1, n));
        double[][] thetaCols = new double[p][size];
        for (int j = 0; j < p; j++) java.util.Arrays.fill(thetaCols[j], theta[j]);
        double[][] lr = new double[mCount][size];
        double[][][] d = new double[mCount][p][size];
        double[] sumGrad = new double[p];
        double[] gi = new double[p];
        double total = 0;
        double lseMax = Double.NEGATIVE_INFINITY, lseSum = 0, weightSum = 0;
        int at = 0; // where a NaN is reported: the block's first row and the member (general path)
        int member = 0;
        try {
            for (int from = 0; from < n; from += batch) {
                int count = Math.min(batch, n - from);
                at = from;
                for (int m = 0; m < mCount; m++) {
                    member = m;
                    if (fast[m] != null) {
                        fast[m].perEvent(thetaCols, from, count, lr[m], d[m]);
                    } else {
                        RatioModel model = members.get(m);
                        ThetaGradient tg;
                        if (model.graphEvaluator() != null) {
                            tg = model.logRatioGradient(blocks[from / batch], theta);
                        } else {
                            synchronized (model) {
                                tg = model.logRatioGradient(blocks[from / batch], theta);
                            }
                        }
                        System.arraycopy(tg.logRatio(), 0, lr[m], 0, count);
                        for (int j = 0; j < p; j++) System.arraycopy(tg.gradient()[j], 0, d[m][j], 0, count);
                    }
                }
                for (int i = 0; i < count; i++) {
                    double w = weights == null ? 1 : weights[from + i];
                    double agg;
                    java.util.Arrays.fill(gi, 0.0);
                    if (aggregation == Aggregation.MEAN_LOG_RATIO) {
                        agg = 0;
                        for (int m = 0; m < mCount; m++) {
                            double a = memberWeights[m];
                            agg += a * lr[m][i];
                            for (int j = 0; j < p; j++) gi[j] += a * d[m][j][i];
                        }
                    } else {
                        double max = Double.NEGATIVE_INFINITY;
                        for (int m = 0; m < mCount; m++) if (memberWeights[m] > 0) max = Math.max(max, lr[m][i]);
                        double s = 0;
                        for (int m = 0; m < mCount; m++) {
                            if (memberWeights[m] > 0) {
                                double e = memberWeights[m] * Math.exp(lr[m][i] - max);
                                s += e;
                                for (int j = 0; j < p; j++) gi[j] += e * d[m][j][i];
                            }
                        }
                        agg = max + Math.log(s);
                        for (int j = 0; j < p; j++) gi[j] /= s;
                    }
                    if (!logMean) {
                        total -= w * agg;
                        for (int j = 0; j < p; j++) sumGrad[j] -= w * gi[j];
                    } else if (w != 0) {
                        // running log-sum-exp: lseMax + ln lseSum = ln Σ w r̄; sumGrad = Σ w r̄ ∇ln r̄ / e^lseMax
                        if (agg > lseMax) {
                            double scale = lseMax == Double.NEGATIVE_INFINITY ? 0 : Math.exp(lseMax - agg);
                            lseSum *= scale;
                            for (int j = 0; j < p; j++) sumGrad[j] *= scale;
                            lseMax = agg;
                        }
                        double e = w * Math.exp(agg - lseMax);
                        lseSum += e;
                        for (int j = 0; j < p; j++) sumGrad[j] += e * gi[j];
                        weightSum += w;
                    }
                }
            }
        } catch (NonFiniteOutputException e) {
            if (Double.isNaN(e.value())) {
                // the fast path counts rows over all events, the general path within the block
                int row = fast[member] != null ? e.row() : at + e.row();
                throw new NetworkNanException(members.get(member).name(), row, describe(phi), e);
            }
            java.util.Arrays.fill(gradient, 0, parameters.size(), 0.0);
            return Double.POSITIVE_INFINITY;
        } catch (RatioModelException e) {
            throw new RatioModelException("likelihood of the ensemble of " + members.get(0).name() + " ... at " + describe(phi) + ": " + e.getMessage(), e);
        }
        if (logMean) {
            if (!(lseSum > 0) || !Double.isFinite(lseMax) || !(weightSum > 0)) {
                java.util.Arrays.fill(gradient, 0, parameters.size(), 0.0);
                return Double.POSITIVE_INFINITY;
            }
            for (int j = 0; j < p; j++) sumGrad[j] /= lseSum;
            total = lseMax + Math.log(lseSum / weightSum);
        }
        if (!Double.isFinite(total)) {
            java.util.Arrays.fill(gradient, 0, parameters.size(), 0.0);
            return Double.POSITIVE_INFINITY;
        }
        for (int j = 0; j < p; j++) gradient[thetaIndex[j]] += sumGrad[j];
        return total;
    }

    private String describe(double[] phi) {
        List<String> parts = new ArrayList<>();
        for (int k = 0; k < parameters.size(); k++) parts.add(parameters.get(k).name() + " = " + phi[k]);
        return String.join(", ", parts);
    }
}
