package org.ratiofit.workspace.nre;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Each model parameter as a linear predictor of per-event covariates:
 * θ_j(i) = Σ_terms φ_k · c(i), with c a covariate column or 1 (an intercept, or a parameter
 * passed through unchanged). A regression y = a + b·x + N(0, σ) with the normal-model ratio
 * r(y | m, σ) is {@code m = a·1 + b·x}, {@code σ = σ·1}:
 *
 * <pre>{@code
 * LinearPredictor link = LinearPredictor.builder(List.of("a", "b", "sigma"), List.of("mu", "sigma"), x.length)
 *         .term("mu", "a").term("mu", "b", x).term("sigma", "sigma").build();
 * }</pre>
 */
public final class LinearPredictor implements EventParameters {

    private final List<String> modelParameters;
    private final int events;
    // per model parameter: the likelihood parameters' indices and covariates (null = 1)
    private final int[][] index;
    private final double[][][] covariate;

    private LinearPredictor(List<String> modelParameters, int events, int[][] index, double[][][] covariate) {
        this.modelParameters = modelParameters;
        this.events = events;
        this.index = index;
        this.covariate = covariate;
    }

    /**
     * @param parameters      the likelihood's parameters φ, in its order
     * @param modelParameters the ratio model's parameters θ, in the model's order
     * @param events          number of events (the length of every covariate column)
     */
    public static Builder builder(List<String> parameters, List<String> modelParameters, int events) {
        return new Builder(parameters, modelParameters, events);
    }

    @Override
    public int events() {
        return events;
    }

    @Override
    public List<String> modelParameters() {
        return modelParameters;
    }

    @Override
    public void theta(double[] phi, int from, int count, double[][] out) {
        for (int j = 0; j < index.length; j++) {
            double[] o = out[j];
            java.util.Arrays.fill(o, 0, count, 0.0);
            for (int t = 0; t < index[j].length; t++) {
                double p = phi[index[j][t]];
                double[] c = covariate[j][t];
                if (c == null) {
                    for (int i = 0; i < count; i++) o[i] += p;
                } else {
                    for (int i = 0; i < count; i++) o[i] += p * c[from + i];
                }
            }
        }
    }

    @Override
    public void accumulateGradient(double[] phi, int from, int count, double[][] g, double[] grad) {
        for (int j = 0; j < index.length; j++) {
            double[] gj = g[j];
            for (int t = 0; t < index[j].length; t++) {
                double[] c = covariate[j][t];
                double s = 0;
                if (c == null) {
                    for (int i = 0; i < count; i++) s += gj[i];
                } else {
                    for (int i = 0; i < count; i++) s += gj[i] * c[from + i];
                }
                grad[index[j][t]] += s;
            }
        }
    }

    public static final class Builder {
        private final List<String> parameters;
        private final List<String> modelParameters;
        private final int events;
        private final Map<String, List<Integer>> idx = new LinkedHashMap<>();
        private final Map<String, List<double[]>> cov = new LinkedHashMap<>();

        private Builder(List<String> parameters, List<String> modelParameters, int events) {
            if (events < 0) throw new IllegalArgumentException("number of events must be >= 0, got " + events);
            this.parameters = List.copyOf(parameters);
            this.modelParameters = List.copyOf(modelParameters);
            this.events = events;
            for (String m : modelParameters) {
                idx.put(m, new ArrayList<>());
                cov.put(m, new ArrayList<>());
            }
        }

        /** θ_modelParameter += φ_parameter (an intercept, or the parameter itself). */
        public Builder term(String modelParameter, String parameter) {
            return term(modelParameter, parameter, null);
        }

        /** θ_modelParameter(i) += φ_parameter · covariate[i] ({@code null} covariate: 1). */
        public Builder term(String modelParameter, String parameter, double[] covariate) {
            if (!idx.containsKey(modelParameter)) {
                throw new IllegalArgumentException("linear predictor: '" + modelParameter + "' is not a parameter of the ratio model; its parameters are "
                        + modelParameters);
            }
            int k = parameters.indexOf(parameter);
            if (k < 0) {
                throw new IllegalArgumentException("linear predictor for '" + modelParameter + "': unknown parameter '" + parameter
                        + "'; the likelihood's parameters are " + parameters);
            }
            if (covariate != null) {
                if (covariate.length != events) {
                    throw new IllegalArgumentException("linear predictor for '" + modelParameter + "': the covariate of '" + parameter + "' has "
                            + covariate.length + " values for " + events + " events");
                }
                for (int i = 0; i < covariate.length; i++) {
                    if (!Double.isFinite(covariate[i])) {
                        throw new IllegalArgumentException("linear predictor for '" + modelParameter + "': the covariate of '" + parameter
                                + "' is " + covariate[i] + " at event " + i);
                    }
                }
            }
            idx.get(modelParameter).add(k);
            cov.get(modelParameter).add(covariate == null ? null : covariate.clone());
            return this;
        }

        public LinearPredictor build() {
            int p = modelParameters.size();
            int[][] index = new int[p][];
            double[][][] covariate = new double[p][][];
            for (int j = 0; j < p; j++) {
                String m = modelParameters.get(j);
                if (idx.get(m).isEmpty()) {
                    throw new IllegalArgumentException("linear predictor: no term sets the ratio model's parameter '" + m + "'");
                }
                index[j] = idx.get(m).stream().mapToInt(Integer::intValue).toArray();
                covariate[j] = cov.get(m).toArray(new double[0][]);
            }
            return new LinearPredictor(modelParameters, events, index, covariate);
        }
    }
}
