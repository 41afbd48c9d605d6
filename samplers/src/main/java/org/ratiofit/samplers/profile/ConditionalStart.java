package org.ratiofit.samplers.profile;

import java.util.ArrayList;
import java.util.List;

import org.hipparchus.linear.Array2DRowRealMatrix;
import org.hipparchus.linear.CholeskyDecomposition;
import org.hipparchus.linear.RealMatrix;
import org.ratiofit.objective.ParameterSpec;
import org.ratiofit.samplers.fit.FitResult;

/**
 * Where a conditional fit (some parameters held at new values) should start, from a free fit's
 * covariance C: near a quadratic minimum the other parameters follow the held ones along
 * θ_f(v) = θ_f(b) + C_fh C_hh⁻¹ (v − b), and the conditional fit's metric is the conditional
 * covariance C_ff − C_fh C_hh⁻¹ C_hf (the inverse of the Hessian's free block), not the marginal
 * block C_ff. Started there, MIGRAD's first step lands close to the conditional minimum; the
 * minimum itself does not depend on the start. Used by profile scans and hypothesis tests.
 */
public final class ConditionalStart {

    /** The settings to minimise from and the seed covariance over all parameters. */
    public record Start(List<ParameterSpec> parameters, double[][] covariance) {}

    /** Off with -Dratiofit.noConditionalPrediction=true (the seed covariance stays conditional): for comparisons. */
    static final boolean PREDICT = !Boolean.getBoolean("ratiofit.noConditionalPrediction");

    private ConditionalStart() {
    }

    /**
     * The start of the fit with parameters {@code held} at {@code values}, the others predicted
     * from {@code base} (a point where the held parameters have the values {@code base[held]},
     * e.g. the free fit or the previous point of a scan) along the free fit's covariance. Where
     * the covariance cannot predict (a free fit that is not valid, has no accurate covariance or
     * has a parameter at a limit; a held parameter without positive variance; a held block not
     * positive-definite) the others stay at {@code base} and the seed is the marginal block. A
     * prediction that leaves some parameter's bounds is not used (the others stay at
     * {@code base}), but the conditional covariance still seeds the fit.
     *
     * @param specs    the settings (bounds, steps, fixed flags) of the free fit's parameters
     * @param freeFit  the free fit whose covariance guides the prediction
     * @param base     the values to predict from
     * @param held     indices of the parameters to hold
     * @param values   their values
     */
    public static Start of(List<ParameterSpec> specs, FitResult freeFit, double[] base, int[] held, double[] values) {
        int dim = specs.size();
        double[][] cov = freeFit.covariance();
        double[] start = base.clone();
        for (int k = 0; k < held.length; k++) start[held[k]] = values[k];
        double[][] seed = cov;
        // a covariance at a bound or forced positive-definite says little about the directions it predicts along
        boolean trusted = freeFit.status().validMinimum() && freeFit.status().accurateCovariance() && !freeFit.status().parameterAtLimit();
        RealMatrix inv = trusted ? heldInverse(cov, held) : null;
        if (inv != null) {
            double[] delta = new double[held.length];
            for (int k = 0; k < held.length; k++) delta[k] = values[k] - base[held[k]];
            double[] w = inv.operate(delta);
            seed = new double[dim][dim];
            for (int i = 0; i < dim; i++) {
                if (isHeld(i, held) || specs.get(i).fixed()) continue;
                double shift = 0;
                for (int k = 0; k < held.length; k++) shift += cov[i][held[k]] * w[k];
                if (PREDICT) start[i] = base[i] + shift;
                for (int j = 0; j < dim; j++) {
                    if (isHeld(j, held) || specs.get(j).fixed()) continue;
                    double s = cov[i][j];
                    for (int a = 0; a < held.length; a++) {
                        for (int b = 0; b < held.length; b++) {
                            s -= cov[i][held[a]] * inv.getEntry(a, b) * cov[held[b]][j];
                        }
                    }
                    seed[i][j] = s;
                }
            }
        }
        // a prediction that leaves some parameter's bounds is not used at all (a clamped point is no prediction)
        for (int i = 0; i < dim; i++) {
            ParameterSpec p = specs.get(i);
            if (!isHeld(i, held) && !p.fixed() && !(start[i] > p.lower() && start[i] < p.upper())) {
                for (int j = 0; j < dim; j++) if (!isHeld(j, held)) start[j] = base[j];
                break;
            }
        }
        List<ParameterSpec> out = new ArrayList<>(dim);
        for (int i = 0; i < dim; i++) {
            ParameterSpec p = specs.get(i);
            boolean fix = p.fixed() || isHeld(i, held);
            out.add(new ParameterSpec(p.name(), start[i], p.step(), p.lower(), p.upper(), fix));
        }
        return new Start(List.copyOf(out), seed);
    }

    /** C_hh⁻¹, or null when the held block has no positive-definite covariance. */
    private static RealMatrix heldInverse(double[][] cov, int[] held) {
        if (cov == null) return null;
        double[][] h = new double[held.length][held.length];
        for (int a = 0; a < held.length; a++) {
            for (int b = 0; b < held.length; b++) {
                h[a][b] = cov[held[a]][held[b]];
                if (!Double.isFinite(h[a][b])) return null;
            }
            if (!(h[a][a] > 0)) return null;
        }
        try {
            return new CholeskyDecomposition(new Array2DRowRealMatrix(h, false)).getSolver().getInverse();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static boolean isHeld(int i, int[] held) {
        for (int h : held) if (h == i) return true;
        return false;
    }
}
