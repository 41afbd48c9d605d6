package org.ratiofit.likelihood.score;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import org.ratiofit.objective.ParameterSpec;
import org.ratiofit.objective.StatisticalModel;

/**
 * SALLY's and SALLINO's binned likelihood in θ: the reference sample (drawn at θ_ref) is binned in
 * the estimated score t̂(x) (SALLY: the score vector on a product grid; SALLINO: its projection
 * t̂·u), and reweighted to each θ by the joint ratios w_i(θ) of a {@link JointReweighting}. The
 * expected bin probabilities are p_b(θ) = Σ_{i∈b} w_i(θ) / Σ_i w_i(θ), and with observed counts
 * n_b (N = Σ n_b)
 *
 * <pre>  −ln L(θ) = −Σ_b n_b ln p_b(θ)                         (shape only)
 *   −ln L(θ) = −Σ_b n_b ln p_b(θ) − N ln ν(θ) + ν(θ)        (extended, ν(θ) = ν_ref · Σ_i w_i(θ) / N_ref)</pre>
 *
 * where ν_ref is the expected number of events at θ_ref (for joint ratios of normalised densities
 * Σ_i w_i / N_ref estimates 1; with cross-section-carrying weights, as MadMiner's, it is σ(θ)/σ(θ_ref)).
 * The gradient is exact: ∂ln p_b/∂θ = Σ_{i∈b} w_i t_i / Σ_{i∈b} w_i − Σ_i w_i t_i / Σ_i w_i with
 * t_i = ∇θ ln w_i. errorDef 0.5. A bin with observed events but no reference weight at θ, or θ
 * outside its bounds, gives +∞. The weights are summed in log-sum-exp form (shifted by their
 * maximum). Deterministic (one serial pass), thread-safe (scratch arrays per call, none per event).
 */
public final class ScoreHistogramLikelihood implements StatisticalModel {

    private final List<ParameterSpec> parameters;
    private final JointReweighting reweighting;
    private final int[] thetaIndex; // reweighting's θ_j is the likelihood's parameter thetaIndex[j]
    private final int[] referenceCell;
    private final int cells;
    private final double[] observed;
    private final double observedTotal;
    private final double expectedReference; // ν_ref, NaN: shape only
    private final OptionalInt poi;

    private ScoreHistogramLikelihood(List<ParameterSpec> parameters, JointReweighting reweighting, int[] thetaIndex, int[] referenceCell, int cells,
                                     double[] observed, double expectedReference, OptionalInt poi) {
        this.parameters = List.copyOf(parameters);
        this.reweighting = reweighting;
        this.thetaIndex = thetaIndex;
        this.referenceCell = referenceCell;
        this.cells = cells;
        this.observed = observed;
        double s = 0;
        for (double v : observed) s += v;
        this.observedTotal = s;
        this.expectedReference = expectedReference;
        this.poi = poi;
    }

    /**
     * @param parameters          exactly the reweighting's θ, by name, any order
     * @param reweighting         the reference sample's joint ratios to θ
     * @param binning             the cells in the score (or its projection)
     * @param referenceObservable the reference events' t̂ (or t̂·u), [dimension][event]
     * @param observedCounts      n_b per cell ({@link ScoreBinning#histogram} of the observed events' t̂)
     * @param expectedReference   ν_ref for the extended term, or NaN for the shape-only likelihood
     */
    public static ScoreHistogramLikelihood of(List<ParameterSpec> parameters, JointReweighting reweighting, ScoreBinning binning,
                                              double[][] referenceObservable, double[] observedCounts, double expectedReference) {
        List<String> names = parameters.stream().map(ParameterSpec::name).toList();
        List<String> rw = reweighting.parameterNames();
        if (names.size() != rw.size() || !names.containsAll(rw)) {
            throw new IllegalArgumentException("score-histogram likelihood: parameters " + names + " must be exactly the reweighting's θ " + rw);
        }
        int[] idx = new int[rw.size()];
        for (int j = 0; j < idx.length; j++) idx[j] = names.indexOf(rw.get(j));
        if (referenceObservable.length != binning.dimensions()) {
            throw new IllegalArgumentException("score-histogram likelihood: the reference observable has " + referenceObservable.length
                    + " dimensions but the binning " + binning.dimensions());
        }
        if (referenceObservable[0].length != reweighting.events()) {
            throw new IllegalArgumentException("score-histogram likelihood: " + referenceObservable[0].length + " reference events but the reweighting has "
                    + reweighting.events());
        }
        if (observedCounts.length != binning.cells()) {
            throw new IllegalArgumentException("score-histogram likelihood: " + observedCounts.length + " observed counts for " + binning.cells() + " cells");
        }
        for (int b = 0; b < observedCounts.length; b++) {
            if (!(observedCounts[b] >= 0) || Double.isInfinite(observedCounts[b])) {
                throw new IllegalArgumentException("score-histogram likelihood: observed count of cell " + b + " is " + observedCounts[b]);
            }
        }
        if (!Double.isNaN(expectedReference) && !(expectedReference > 0 && Double.isFinite(expectedReference))) {
            throw new IllegalArgumentException("score-histogram likelihood: expected number of events must be positive and finite (or NaN for none), got "
                    + expectedReference);
        }
        return new ScoreHistogramLikelihood(parameters, reweighting, idx, binning.cells(referenceObservable), binning.cells(),
                observedCounts.clone(), expectedReference, OptionalInt.empty());
    }

    public ScoreHistogramLikelihood withParameterOfInterest(String name) {
        return new ScoreHistogramLikelihood(parameters, reweighting, thetaIndex, referenceCell, cells, observed, expectedReference,
                OptionalInt.of(indexOf(name)));
    }

    public ScoreHistogramLikelihood withParameters(List<ParameterSpec> specs) {
        List<String> a = specs.stream().map(ParameterSpec::name).toList();
        if (!a.equals(parameterNames())) throw new IllegalArgumentException("withParameters: names " + a + " differ from " + parameterNames());
        return new ScoreHistogramLikelihood(specs, reweighting, thetaIndex, referenceCell, cells, observed, expectedReference, poi);
    }

    /** The observed counts per cell (a copy). */
    public double[] observedCounts() {
        return observed.clone();
    }

    public int cells() {
        return cells;
    }

    /** Number of reference events. */
    public int referenceEvents() {
        return referenceCell.length;
    }

    public boolean extended() {
        return !Double.isNaN(expectedReference);
    }

    /** p_b(θ) per cell. */
    public double[] binProbabilities(double[] x) {
        Sums s = sums(x, false);
        double[] p = new double[cells];
        for (int b = 0; b < cells; b++) p[b] = s.cell[b] / s.total;
        return p;
    }

    /** ν(θ) (extended only; shape only: NaN). */
    public double expectedEvents(double[] x) {
        if (!extended()) return Double.NaN;
        Sums s = sums(x, false);
        return expectedReference * Math.exp(s.shift) * s.total / referenceCell.length;
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
    public double value(double[] x) {
        return evaluate(x, null);
    }

    @Override
    public double valueAndGradient(double[] x, double[] gradient) {
        return evaluate(x, gradient);
    }

    private boolean inBounds(double[] x) {
        for (int k = 0; k < parameters.size(); k++) {
            ParameterSpec p = parameters.get(k);
            if (!(x[k] >= p.lower() && x[k] <= p.upper())) return false;
        }
        return true;
    }

    private double evaluate(double[] x, double[] gradient) {
        if (gradient != null) Arrays.fill(gradient, 0);
        if (!inBounds(x)) return Double.POSITIVE_INFINITY;
        Sums s = sums(x, gradient != null);
        if (!(s.total > 0) || !Double.isFinite(s.shift)) return Double.POSITIVE_INFINITY;
        int p = thetaIndex.length;
        double nll = 0;
        double[] g = gradient == null ? null : new double[p];
        for (int b = 0; b < cells; b++) {
            double n = observed[b];
            if (n == 0) continue;
            if (!(s.cell[b] > 0)) return Double.POSITIVE_INFINITY;
            nll -= n * Math.log(s.cell[b] / s.total);
            if (g != null) for (int j = 0; j < p; j++) g[j] -= n * s.cellScore[j][b] / s.cell[b];
        }
        double coeff = observedTotal; // of Σ_i w_i t_i / Σ_i w_i
        if (extended()) {
            double lnNu = Math.log(expectedReference) + s.shift + Math.log(s.total / referenceCell.length);
            double nu = Math.exp(lnNu);
            nll += nu - observedTotal * lnNu;
            coeff = nu; // N from the shape term, ν − N from the extended one
        }
        if (g != null) {
            for (int j = 0; j < p; j++) gradient[thetaIndex[j]] = g[j] + coeff * s.totalScore[j] / s.total;
        }
        return nll;
    }

    /** Σ w_i per cell and in all, and Σ w_i t_i, with w_i = exp(ln w_i − shift). */
    private record Sums(double shift, double[] cell, double total, double[][] cellScore, double[] totalScore) {}

    private Sums sums(double[] x, boolean withScore) {
        int n = referenceCell.length, p = thetaIndex.length;
        double[] theta = new double[p];
        for (int j = 0; j < p; j++) theta[j] = x[thetaIndex[j]];
        double[] lw = new double[n];
        double[][] t = withScore ? new double[p][n] : null;
        reweighting.logWeights(theta, lw, t);
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            if (Double.isNaN(lw[i]) || lw[i] == Double.POSITIVE_INFINITY) return new Sums(Double.NaN, null, Double.NaN, null, null);
            if (lw[i] > max) max = lw[i];
        }
        double[] cell = new double[cells];
        double[][] cellScore = withScore ? new double[p][cells] : null;
        double[] totalScore = withScore ? new double[p] : null;
        double total = 0;
        for (int i = 0; i < n; i++) {
            double w = Math.exp(lw[i] - max);
            if (w == 0) continue;
            int c = referenceCell[i];
            cell[c] += w;
            total += w;
            if (withScore) {
                for (int j = 0; j < p; j++) {
                    double wt = w * t[j][i];
                    cellScore[j][c] += wt;
                    totalScore[j] += wt;
                }
            }
        }
        return new Sums(max, cell, total, cellScore, totalScore);
    }

    @Override
    public String whyNotFinite(double[] x) {
        if (!inBounds(x)) return "θ = " + Arrays.toString(x) + " is outside the parameters' bounds";
        Sums s = sums(x, false);
        if (!Double.isFinite(s.shift)) return "the reweighting gives a non-finite or all-zero joint log-ratio at θ = " + Arrays.toString(x);
        List<Integer> empty = new ArrayList<>();
        for (int b = 0; b < cells; b++) if (observed[b] > 0 && !(s.cell[b] > 0)) empty.add(b);
        return empty.isEmpty() ? null : "cells " + empty + " hold observed events but no reference weight at θ = " + Arrays.toString(x);
    }

    @Override
    public OptionalInt parameterOfInterest() {
        return poi;
    }

    /** The same likelihood with the observed counts replaced by their expectation at {@code point}: N p_b (extended: ν p_b). */
    @Override
    public StatisticalModel asimov(double[] point) {
        double[] p = binProbabilities(point);
        double total = extended() ? expectedEvents(point) : observedTotal;
        double[] n = new double[cells];
        for (int b = 0; b < cells; b++) n[b] = total * p[b];
        return new ScoreHistogramLikelihood(parameters, reweighting, thetaIndex, referenceCell, cells, n, expectedReference, poi);
    }
}
