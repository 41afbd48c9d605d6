package org.ratiofit.workspace.nre;

import java.util.ArrayList;
import java.util.List;
import org.ratiofit.objective.Objective;
import org.ratiofit.objective.ParameterSpec;
import org.ratiofit.ratio.BatchedThetaGradient;
import org.ratiofit.ratio.NonFiniteOutputException;
import org.ratiofit.ratio.RatioModel;
import org.ratiofit.ratio.RatioModelException;
import org.ratiofit.ratio.ThetaGradient;

/**
 * The likelihood of i.i.d. observations under a parametrised ratio model r(x | θ) = p(x | θ)/p_ref(x):
 * −ln L(φ) = −Σ_i w_i ln r(x_i | θ_i(φ)) + const, an {@link Objective} with errordef 0.5 and an
 * exact gradient from the model's θ-gradients. Since p_ref does not depend on θ, summed log-ratios
 * are the log-likelihood up to a constant: with a prior, {@code NutsSampler.sample(likelihood,
 * priors, settings)} samples the posterior (neural ratio estimation with many observations).
 *
 * <p>Two forms: {@link #iid} where the likelihood's parameters are the model's θ (the same θ for
 * every event), and {@link #linked} where θ is set per event by {@link EventParameters}, e.g. a
 * linear predictor of covariates. Events are evaluated in batches of {@link #batchSize()} so memory
 * stays bounded. A network that is a chain of dense layers (every MLP ratiofit exports) goes
 * through {@link BatchedThetaGradient}: the observations' part of the first layer computed once,
 * the rest as batched matrix code per step (the fast path). Other graphs go through ratio-models'
 * double-precision graph evaluator when the graph allows (so value and gradient are consistent to
 * rounding); otherwise through ONNX Runtime with finite-difference gradients, one call at a time.
 *
 * <p>Where the network's output is infinite (ln r = −∞ at an extreme θ, say) the value is +∞: the
 * likelihood vanishes there, and NUTS rejects the point as it does a point beyond a bound. Where it
 * is NaN the likelihood is undefined, not zero: a {@link NetworkNanException} names the model, the
 * observation row and θ (and NUTS stops with {@code NutsChainFailedException}).
 *
 * <p>Thread-safe: the chains of a NUTS run call it concurrently.
 */
public final class RatioLikelihood implements Objective {

    /** Default number of events per batch. */
    public static final int DEFAULT_BATCH = 4096;

    private final RatioModel model;
    private final double[][] features;
    private final double[][][] blocks; // [batch][feature][event in batch], split once
    private final double[] weights;
    private final List<ParameterSpec> parameters;
    private final int[] thetaIndex; // iid: position in φ of each model parameter
    private final EventParameters link;
    private final int n;
    private final int batch;
    private final boolean exact;
    private final BatchedThetaGradient fast; // null: the general path
    private final BatchedThetaGradient.Precision precision;

    private RatioLikelihood(RatioModel model, double[][] features, double[] weights, List<ParameterSpec> parameters,
                            int[] thetaIndex, EventParameters link, int batch) {
        this(model, features, weights, parameters, thetaIndex, link, batch, true, BatchedThetaGradient.Precision.FLOAT64);
    }

    private RatioLikelihood(RatioModel model, double[][] features, double[] weights, List<ParameterSpec> parameters,
                            int[] thetaIndex, EventParameters link, int batch, boolean useFast, BatchedThetaGradient.Precision precision) {
        this.model = model;
        this.features = features;
        this.weights = weights;
        this.parameters = List.copyOf(parameters);
        this.thetaIndex = thetaIndex;
        this.link = link;
        this.n = features.length == 0 ? 0 : features[0].length;
        this.batch = batch;
        this.exact = model.graphEvaluator() != null;
        this.precision = precision;
        this.fast = useFast ? BatchedThetaGradient.of(model, features, precision) : null;
        this.blocks = new double[(n + batch - 1) / batch][features.length][];
        for (int b = 0; b < blocks.length; b++) {
            int from = b * batch;
            for (int f = 0; f < features.length; f++) {
                blocks[b][f] = blocks.length == 1 ? features[f] : java.util.Arrays.copyOfRange(features[f], from, Math.min(n, from + batch));
            }
        }
    }

    /**
     * Every event at the same θ: the likelihood's parameters are the model's parameters, matched
     * by name (any order; every model parameter must be there, and nothing else).
     *
     * @param featureColumns the observations, [feature][event] in the model's feature order
     * @param weights        per-event weights, or null for 1
     */
    public static RatioLikelihood iid(RatioModel model, double[][] featureColumns, double[] weights, List<ParameterSpec> parameters) {
        checkModel(model);
        List<String> names = parameters.stream().map(ParameterSpec::name).toList();
        List<String> modelParams = model.parameters();
        if (names.size() != modelParams.size() || !names.containsAll(modelParams)) {
            throw new IllegalArgumentException("ratio model '" + model.name() + "' has parameters " + modelParams
                    + " but the likelihood was given " + names + "; for parameters that set θ through covariates use RatioLikelihood.linked");
        }
        int[] index = new int[modelParams.size()];
        for (int j = 0; j < index.length; j++) index[j] = names.indexOf(modelParams.get(j));
        return new RatioLikelihood(model, checkColumns(model, featureColumns, weights), weights == null ? null : weights.clone(),
                parameters, index, null, DEFAULT_BATCH);
    }

    /** θ per event from the likelihood's parameters through {@code link}. */
    public static RatioLikelihood linked(RatioModel model, double[][] featureColumns, double[] weights, List<ParameterSpec> parameters,
                                         EventParameters link) {
        checkModel(model);
        if (!link.modelParameters().equals(model.parameters())) {
            throw new IllegalArgumentException("the per-event link sets " + link.modelParameters() + " but ratio model '" + model.name()
                    + "' has parameters " + model.parameters() + " (same names, same order)");
        }
        double[][] cols = checkColumns(model, featureColumns, weights);
        int events = cols.length == 0 ? 0 : cols[0].length;
        if (link.events() != events) {
            throw new IllegalArgumentException("the per-event link covers " + link.events() + " events, the observations have " + events);
        }
        return new RatioLikelihood(model, cols, weights == null ? null : weights.clone(), parameters, null, link, DEFAULT_BATCH);
    }

    /** The same likelihood evaluated in batches of {@code events} events. */
    public RatioLikelihood withBatchSize(int events) {
        if (events < 1) throw new IllegalArgumentException("batch size must be at least 1, got " + events);
        return new RatioLikelihood(model, features, weights, parameters, thetaIndex, link, events, fast != null, precision);
    }

    /**
     * The same likelihood through the general path (the graph interpreter, or ONNX Runtime with
     * finite differences) even where the batched fast path ({@link BatchedThetaGradient}) applies:
     * for comparisons and benchmarks.
     */
    public RatioLikelihood withoutFastPath() {
        return new RatioLikelihood(model, features, weights, parameters, thetaIndex, link, batch, false, precision);
    }

    /**
     * The same likelihood with the fast path's layers in {@code precision} (default
     * {@code FLOAT64}; {@code FLOAT32} is about twice as fast and agrees to float rounding, see
     * {@link BatchedThetaGradient}). No effect on the general path.
     */
    public RatioLikelihood withPrecision(BatchedThetaGradient.Precision precision) {
        return new RatioLikelihood(model, features, weights, parameters, thetaIndex, link, batch, fast != null, java.util.Objects.requireNonNull(precision, "precision"));
    }

    /** The fast path's arithmetic (see {@link #withPrecision}). */
    public BatchedThetaGradient.Precision precision() {
        return precision;
    }

    /** Whether value and gradient go through {@link BatchedThetaGradient} (a dense-chain network). */
    public boolean fastPath() {
        return fast != null;
    }

    public int batchSize() {
        return batch;
    }

    public int events() {
        return n;
    }

    public RatioModel model() {
        return model;
    }

    /** Whether the gradient is exact (the graph evaluator) rather than finite differences. */
    public boolean exactGradient() {
        return exact;
    }

    private static void checkModel(RatioModel model) {
        if (!model.isParametrised()) {
            throw new IllegalArgumentException("ratio model '" + model.name() + "' has no parameters θ: a likelihood over θ needs a parametrised model");
        }
    }

    private static double[][] checkColumns(RatioModel model, double[][] cols, double[] weights) {
        if (cols == null || cols.length != model.features().size()) {
            throw new IllegalArgumentException("ratio model '" + model.name() + "' needs " + model.features().size() + " feature columns "
                    + model.features() + ", got " + (cols == null ? "none" : cols.length));
        }
        double[][] copy = new double[cols.length][];
        for (int j = 0; j < cols.length; j++) {
            if (cols[j] == null || cols[j].length != cols[0].length) {
                throw new IllegalArgumentException("feature column '" + model.features().get(j) + "' has "
                        + (cols[j] == null ? "no" : cols[j].length) + " values, column '" + model.features().get(0) + "' has " + cols[0].length);
            }
            for (int i = 0; i < cols[j].length; i++) {
                if (!Double.isFinite(cols[j][i])) {
                    throw new IllegalArgumentException("feature '" + model.features().get(j) + "' is " + cols[j][i] + " at event " + i);
                }
            }
            copy[j] = cols[j].clone();
        }
        if (weights != null) {
            if (weights.length != cols[0].length) {
                throw new IllegalArgumentException("weights have " + weights.length + " values for " + cols[0].length + " events");
            }
            for (int i = 0; i < weights.length; i++) {
                if (!Double.isFinite(weights[i])) throw new IllegalArgumentException("weight is " + weights[i] + " at event " + i);
            }
        }
        return copy;
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
        java.util.Arrays.fill(gradient, 0, parameters.size(), 0.0);
        for (int k = 0; k < parameters.size(); k++) {
            ParameterSpec s = parameters.get(k);
            // outside its bounds (sigma <= 0, say) the model is not defined
            if (!(phi[k] >= s.lower() && phi[k] <= s.upper())) return Double.POSITIVE_INFINITY;
        }
        if (fast != null) return fastSum(phi, gradient);
        if (exact) return sum(phi, gradient);
        synchronized (model) {
            return sum(phi, gradient);
        }
    }

    private double sum(double[] phi, double[] gradient) {
        int p = model.parameters().size();
        double total = 0;
        double[] theta = null;
        double[][] thetaCols = null;
        if (link == null) {
            theta = new double[p];
            for (int j = 0; j < p; j++) theta[j] = phi[thetaIndex[j]];
        } else {
            thetaCols = new double[p][Math.min(batch, Math.max(1, n))];
        }
        double[][] g = new double[p][];
        for (int from = 0; from < n; from += batch) {
            int count = Math.min(batch, n - from);
            double[][] block = blocks[from / batch];
            ThetaGradient tg;
            try {
                if (link == null) {
                    tg = model.logRatioGradient(block, theta);
                } else {
                    link.theta(phi, from, count, thetaCols);
                    double[][] t = thetaCols;
                    if (count != thetaCols[0].length) {
                        t = new double[p][];
                        for (int j = 0; j < p; j++) t[j] = java.util.Arrays.copyOf(thetaCols[j], count);
                    }
                    tg = model.logRatioGradientPerEvent(block, t);
                }
            } catch (NonFiniteOutputException e) {
                if (Double.isNaN(e.value())) throw new NetworkNanException(model.name(), from + e.row(), describe(phi), e);
                // ln r = −∞ at this θ: the likelihood vanishes, as at a bound
                return Double.POSITIVE_INFINITY;
            } catch (RatioModelException e) {
                throw new RatioModelException("likelihood of ratio model '" + model.name() + "' at " + describe(phi) + ": " + e.getMessage(), e);
            }
            double[] lr = tg.logRatio();
            double[][] d = tg.gradient();
            for (int i = 0; i < count; i++) {
                double w = weights == null ? 1 : weights[from + i];
                total -= w * lr[i];
            }
            // g = d(−w ln r)/dθ per event, then chained into φ
            for (int j = 0; j < p; j++) {
                double[] dj = d[j];
                if (g[j] == null || g[j].length != count) g[j] = new double[count];
                for (int i = 0; i < count; i++) g[j][i] = -(weights == null ? 1 : weights[from + i]) * dj[i];
            }
            if (link != null) {
                link.accumulateGradient(phi, from, count, g, gradient);
            } else {
                for (int j = 0; j < p; j++) {
                    double s = 0;
                    for (int i = 0; i < count; i++) s += g[j][i];
                    gradient[thetaIndex[j]] += s;
                }
            }
        }
        if (!Double.isFinite(total)) return Double.POSITIVE_INFINITY;
        return total;
    }

    /** The batched path: one θ, or θ per event through the link in batches. */
    private double fastSum(double[] phi, double[] gradient) {
        int p = model.parameters().size();
        try {
            if (link == null) {
                double[] theta = new double[p];
                for (int j = 0; j < p; j++) theta[j] = phi[thetaIndex[j]];
                double[] g = new double[p];
                double total = -fast.sum(theta, weights, g);
                for (int j = 0; j < p; j++) gradient[thetaIndex[j]] -= g[j];
                return Double.isFinite(total) ? total : Double.POSITIVE_INFINITY;
            }
            int m = Math.min(batch, Math.max(1, n));
            double[][] thetaCols = new double[p][m];
            double[] lr = new double[m];
            double[][] d = new double[p][m];
            double total = 0;
            for (int from = 0; from < n; from += batch) {
                int count = Math.min(batch, n - from);
                link.theta(phi, from, count, thetaCols);
                fast.perEvent(thetaCols, from, count, lr, d);
                double[][] g = d;
                if (count != m) {
                    g = new double[p][];
                    for (int j = 0; j < p; j++) g[j] = java.util.Arrays.copyOf(d[j], count);
                }
                for (int i = 0; i < count; i++) {
                    double w = weights == null ? 1 : weights[from + i];
                    total -= w * lr[i];
                    for (int j = 0; j < p; j++) g[j][i] *= -w;
                }
                link.accumulateGradient(phi, from, count, g, gradient);
            }
            return Double.isFinite(total) ? total : Double.POSITIVE_INFINITY;
        } catch (NonFiniteOutputException e) {
            // the fast path's rows are counted over all events
            if (Double.isNaN(e.value())) throw new NetworkNanException(model.name(), e.row(), describe(phi), e);
            return Double.POSITIVE_INFINITY;
        } catch (RatioModelException e) {
            throw new RatioModelException("likelihood of ratio model '" + model.name() + "' at " + describe(phi) + ": " + e.getMessage(), e);
        }
    }

    private String describe(double[] phi) {
        List<String> parts = new ArrayList<>();
        for (int k = 0; k < parameters.size(); k++) parts.add(parameters.get(k).name() + " = " + phi[k]);
        return String.join(", ", parts);
    }
}
