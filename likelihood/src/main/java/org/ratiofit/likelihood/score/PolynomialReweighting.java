package org.ratiofit.likelihood.score;

import java.util.Arrays;
import java.util.List;

/**
 * Joint ratios from morphing (MadMiner): each reference event's weight is a polynomial in θ,
 * W_i(θ) = Σ_c a_ci Π_j θ_j^{p_cj} (for a squared matrix element, the components are the coupling
 * monomials and a_ci the event's morphing coefficients), and w_i(θ) = W_i(θ) / W_i(θ_ref), so
 * ∂ln w_i/∂θ_j = Σ_c a_ci ∂_j m_c(θ) / W_i(θ) exactly. Where W_i(θ) ≤ 0 the log-weight is NaN
 * (a likelihood over such θ is +∞: morphing that goes negative is outside its valid region).
 */
public final class PolynomialReweighting implements JointReweighting {

    private final List<String> names;
    private final int[][] powers; // [component][parameter]
    private final double[][] coefficients; // [component][event]
    private final double[] logReference; // ln W_i(θ_ref)
    private final int n;

    private PolynomialReweighting(List<String> names, int[][] powers, double[][] coefficients, double[] logReference) {
        this.names = List.copyOf(names);
        this.powers = powers;
        this.coefficients = coefficients;
        this.logReference = logReference;
        this.n = logReference.length;
    }

    /**
     * @param names        θ's names
     * @param powers       per component the non-negative integer power of each parameter, [component][parameter]
     * @param coefficients per component the events' coefficients a_ci, [component][event]
     * @param thetaRef     θ_ref, where every W_i must be positive
     */
    public static PolynomialReweighting of(List<String> names, int[][] powers, double[][] coefficients, double[] thetaRef) {
        if (powers.length == 0 || powers.length != coefficients.length) {
            throw new IllegalArgumentException("polynomial reweighting: " + powers.length + " components with powers but " + coefficients.length
                    + " coefficient columns");
        }
        if (thetaRef.length != names.size()) {
            throw new IllegalArgumentException("polynomial reweighting: θ_ref has " + thetaRef.length + " values for parameters " + names);
        }
        int n = coefficients[0].length;
        for (int c = 0; c < powers.length; c++) {
            if (powers[c].length != names.size()) {
                throw new IllegalArgumentException("polynomial reweighting: component " + c + " has " + powers[c].length + " powers for parameters " + names);
            }
            for (int p : powers[c]) {
                if (p < 0) throw new IllegalArgumentException("polynomial reweighting: component " + c + " has a negative power " + Arrays.toString(powers[c]));
            }
            if (coefficients[c].length != n) {
                throw new IllegalArgumentException("polynomial reweighting: component " + c + " has " + coefficients[c].length + " events, component 0 has " + n);
            }
            for (int i = 0; i < n; i++) {
                if (!Double.isFinite(coefficients[c][i])) {
                    throw new IllegalArgumentException("polynomial reweighting: coefficient of component " + c + " is " + coefficients[c][i] + " for event " + i);
                }
            }
        }
        PolynomialReweighting tmp = new PolynomialReweighting(names, powers, coefficients, new double[n]);
        double[] lw = new double[n];
        tmp.logWeights(thetaRef, lw, null);
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(lw[i])) {
                throw new IllegalArgumentException("polynomial reweighting: event " + i + " has weight " + Math.exp(lw[i]) + " ≤ 0 at θ_ref "
                        + Arrays.toString(thetaRef) + " (its ratio to θ_ref is undefined)");
            }
        }
        return new PolynomialReweighting(names, powers, coefficients, lw);
    }

    @Override
    public int events() {
        return n;
    }

    @Override
    public List<String> parameterNames() {
        return names;
    }

    @Override
    public void logWeights(double[] theta, double[] logWeight, double[][] score) {
        int nc = powers.length, p = names.size();
        double[] mono = new double[nc];
        double[][] dMono = new double[p][nc];
        for (int c = 0; c < nc; c++) {
            mono[c] = 1;
            for (int j = 0; j < p; j++) mono[c] *= Math.pow(theta[j], powers[c][j]);
            for (int j = 0; j < p; j++) {
                int e = powers[c][j];
                if (e == 0) continue;
                double d = e * Math.pow(theta[j], e - 1);
                for (int k = 0; k < p; k++) if (k != j) d *= Math.pow(theta[k], powers[c][k]);
                dMono[j][c] = d;
            }
        }
        for (int i = 0; i < n; i++) {
            double w = 0;
            for (int c = 0; c < nc; c++) w += coefficients[c][i] * mono[c];
            if (!(w > 0)) {
                logWeight[i] = Double.NaN;
                if (score != null) for (int j = 0; j < p; j++) score[j][i] = Double.NaN;
                continue;
            }
            logWeight[i] = Math.log(w) - logReference[i];
            if (score != null) {
                for (int j = 0; j < p; j++) {
                    double d = 0;
                    for (int c = 0; c < nc; c++) d += coefficients[c][i] * dMono[j][c];
                    score[j][i] = d / w;
                }
            }
        }
    }
}
