package org.ratiofit.samplers.profile;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

import org.ratiofit.objective.ParameterSpec;
import org.ratiofit.objective.StatisticalModel;

/**
 * A Gaussian measurement m of all parameters with covariance C: −ln L = ½ (θ − m)ᵀ C⁻¹ (θ − m),
 * with its exact gradient; the first parameter (free, unbounded) is the POI. Its profile
 * likelihood in μ is exactly quadratic with width √C₀₀, so the asymptotic formulas are exact and
 * the CLs limits have closed forms. The Asimov data set at a point is the measurement m = point.
 */
final class MeasuredGaussianModel implements StatisticalModel {
    final double[] m;
    final double[][] precision;

    MeasuredGaussianModel(double[] m, double[][] precision) {
        this.m = m.clone();
        this.precision = precision;
    }

    @Override
    public List<ParameterSpec> parameters() {
        List<ParameterSpec> p = new ArrayList<>();
        for (int i = 0; i < m.length; i++) {
            p.add(ParameterSpec.free(i == 0 ? "mu" : "theta" + i, i == 0 ? 1 : 0, 0.5));
        }
        return p;
    }

    @Override
    public double value(double[] x) {
        return valueAndGradient(x, new double[m.length]);
    }

    @Override
    public boolean hasGradient() {
        return true;
    }

    @Override
    public double valueAndGradient(double[] x, double[] g) {
        int n = m.length;
        double s = 0;
        for (int i = 0; i < n; i++) {
            double gi = 0;
            for (int j = 0; j < n; j++) {
                gi += precision[i][j] * (x[j] - m[j]);
            }
            g[i] = gi;
            s += (x[i] - m[i]) * gi;
        }
        return 0.5 * s;
    }

    @Override
    public double errorDef() {
        return 0.5;
    }

    @Override
    public OptionalInt parameterOfInterest() {
        return OptionalInt.of(0);
    }

    @Override
    public StatisticalModel asimov(double[] point) {
        return new MeasuredGaussianModel(point, precision);
    }
}
