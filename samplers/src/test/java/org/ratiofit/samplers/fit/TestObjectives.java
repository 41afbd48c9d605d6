package org.ratiofit.samplers.fit;

import java.util.List;
import java.util.function.ToDoubleFunction;

import org.ratiofit.objective.Objective;
import org.ratiofit.objective.ParameterSpec;

/** Classic test functions (errorDef 1) with analytic gradients that can be switched off. */
final class TestObjectives {

    private TestObjectives() {
    }

    interface Grad {
        void grad(double[] x, double[] g);
    }

    static Objective of(List<ParameterSpec> specs, double up, ToDoubleFunction<double[]> f, Grad g) {
        return new Objective() {
            @Override
            public List<ParameterSpec> parameters() {
                return specs;
            }

            @Override
            public double value(double[] x) {
                return f.applyAsDouble(x);
            }

            @Override
            public boolean hasGradient() {
                return g != null;
            }

            @Override
            public double valueAndGradient(double[] x, double[] gr) {
                g.grad(x, gr);
                return f.applyAsDouble(x);
            }

            @Override
            public double errorDef() {
                return up;
            }
        };
    }

    static Objective rosenbrock() {
        return of(List.of(ParameterSpec.free("x", -1.2, 0.1), ParameterSpec.free("y", 1.0, 0.1)), 1,
                x -> 100 * Math.pow(x[1] - x[0] * x[0], 2) + Math.pow(1 - x[0], 2),
                (x, g) -> {
                    g[0] = -400 * x[0] * (x[1] - x[0] * x[0]) - 2 * (1 - x[0]);
                    g[1] = 200 * (x[1] - x[0] * x[0]);
                });
    }

    static Objective beale() {
        return of(List.of(ParameterSpec.free("x", 1.0, 0.1), ParameterSpec.free("y", 1.0, 0.1)), 1,
                x -> {
                    double a = 1.5 - x[0] + x[0] * x[1];
                    double b = 2.25 - x[0] + x[0] * x[1] * x[1];
                    double c = 2.625 - x[0] + x[0] * x[1] * x[1] * x[1];
                    return a * a + b * b + c * c;
                },
                (x, g) -> {
                    double y = x[1];
                    double a = 1.5 - x[0] + x[0] * y;
                    double b = 2.25 - x[0] + x[0] * y * y;
                    double c = 2.625 - x[0] + x[0] * y * y * y;
                    g[0] = 2 * a * (y - 1) + 2 * b * (y * y - 1) + 2 * c * (y * y * y - 1);
                    g[1] = 2 * a * x[0] + 2 * b * 2 * x[0] * y + 2 * c * 3 * x[0] * y * y;
                });
    }

    static Objective wood() {
        return of(List.of(ParameterSpec.free("x1", -3, 0.1), ParameterSpec.free("x2", -1, 0.1),
                        ParameterSpec.free("x3", -3, 0.1), ParameterSpec.free("x4", -1, 0.1)), 1,
                x -> 100 * Math.pow(x[1] - x[0] * x[0], 2) + Math.pow(1 - x[0], 2)
                        + 90 * Math.pow(x[3] - x[2] * x[2], 2) + Math.pow(1 - x[2], 2)
                        + 10.1 * (Math.pow(x[1] - 1, 2) + Math.pow(x[3] - 1, 2)) + 19.8 * (x[1] - 1) * (x[3] - 1),
                (x, g) -> {
                    g[0] = -400 * x[0] * (x[1] - x[0] * x[0]) - 2 * (1 - x[0]);
                    g[1] = 200 * (x[1] - x[0] * x[0]) + 20.2 * (x[1] - 1) + 19.8 * (x[3] - 1);
                    g[2] = -360 * x[2] * (x[3] - x[2] * x[2]) - 2 * (1 - x[2]);
                    g[3] = 180 * (x[3] - x[2] * x[2]) + 20.2 * (x[3] - 1) + 19.8 * (x[1] - 1);
                });
    }

    /** chi2 = (x - m)' C^-1 (x - m): minimum m, covariance C (errorDef 1). */
    static Objective quadratic(double[] m, double[][] cinv, List<ParameterSpec> specs, double up) {
        int n = m.length;
        return of(specs, up, x -> {
            double s = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    s += (x[i] - m[i]) * cinv[i][j] * (x[j] - m[j]);
                }
            }
            return up * s;
        }, (x, g) -> {
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int j = 0; j < n; j++) {
                    s += cinv[i][j] * (x[j] - m[j]);
                }
                g[i] = 2 * up * s;
            }
        });
    }

    /** The same objective without its gradient. */
    static Objective withoutGradient(Objective o) {
        return of(o.parameters(), o.errorDef(), o::value, null);
    }
}
