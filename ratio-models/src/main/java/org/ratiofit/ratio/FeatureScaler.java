package org.ratiofit.ratio;

import org.ratiofit.ratio.ModelSidecar.MinMax;
import org.ratiofit.ratio.ModelSidecar.Scaler;
import org.ratiofit.ratio.ModelSidecar.Standard;
import org.ratiofit.ratio.ModelSidecar.YeoJohnson;

import java.util.List;

/**
 * The sidecar's scalers compiled per network input column: column j maps x to
 * z = a_j·yj_j(x) + b_j, where yj_j is the Yeo-Johnson transform for columns that have one and
 * the identity otherwise; unlisted columns have a = 1, b = 0.
 */
public final class FeatureScaler {
    private final double[] a;
    private final double[] b;
    private final double[] lambda; // NaN: no power transform

    /** @param columns names of the network input columns in order (features, then θ if appended) */
    public FeatureScaler(List<String> columns, List<Scaler> scaling) {
        int n = columns.size();
        a = new double[n];
        b = new double[n];
        lambda = new double[n];
        java.util.Arrays.fill(a, 1.0);
        java.util.Arrays.fill(lambda, Double.NaN);
        for (Scaler s : scaling) {
            for (int k = 0; k < s.features().size(); k++) {
                int j = columns.indexOf(s.features().get(k));
                if (j < 0) continue; // a θ on a separate input is scaled through its own scaler
                if (s instanceof Standard st) {
                    a[j] = 1 / st.scale()[k];
                    b[j] = -st.mean()[k] / st.scale()[k];
                } else if (s instanceof MinMax mm) {
                    double lo = mm.range() == null ? 0 : mm.range()[0];
                    double hi = mm.range() == null ? 1 : mm.range()[1];
                    double f = (hi - lo) / (mm.dataMax()[k] - mm.dataMin()[k]);
                    a[j] = f;
                    b[j] = lo - mm.dataMin()[k] * f;
                } else if (s instanceof YeoJohnson yj) {
                    lambda[j] = yj.lambdas()[k];
                    if (yj.mean() != null) {
                        a[j] = 1 / yj.scale()[k];
                        b[j] = -yj.mean()[k] / yj.scale()[k];
                    }
                }
            }
        }
    }

    public int width() {
        return a.length;
    }

    public double apply(int j, double x) {
        double l = lambda[j];
        if (l == l) x = yeoJohnson(x, l);
        return a[j] * x + b[j];
    }

    /** dz/dx of column j at x. */
    public double derivative(int j, double x) {
        double l = lambda[j];
        return l == l ? a[j] * yeoJohnsonDerivative(x, l) : a[j];
    }

    /** Yeo-Johnson transform with scikit-learn's branch conventions. */
    public static double yeoJohnson(double x, double l) {
        final double eps = Math.ulp(1.0);
        if (x >= 0) {
            return Math.abs(l) < eps ? Math.log1p(x) : (Math.pow(x + 1, l) - 1) / l;
        }
        return Math.abs(l - 2) < eps ? -Math.log1p(-x) : -(Math.pow(1 - x, 2 - l) - 1) / (2 - l);
    }

    public static double yeoJohnsonDerivative(double x, double l) {
        return x >= 0 ? Math.pow(x + 1, l - 1) : Math.pow(1 - x, 1 - l);
    }
}
