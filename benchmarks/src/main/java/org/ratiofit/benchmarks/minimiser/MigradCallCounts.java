package org.ratiofit.benchmarks.minimiser;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import org.hipparchus.special.Erf;
import org.ratiofit.io.Npy;
import org.ratiofit.objective.Objective;
import org.ratiofit.objective.ParameterSpec;
import org.ratiofit.samplers.fit.ConfidenceLevel;
import org.ratiofit.samplers.fit.FitResult;
import org.ratiofit.samplers.fit.Hesse;
import org.ratiofit.samplers.fit.Migrad;
import org.ratiofit.samplers.fit.Minos;
import org.ratiofit.samplers.fit.MinosError;

/**
 * Counts objective calls of MIGRAD to convergence, with and without analytic gradients, on the
 * classic test functions and on the Gaussian-on-exponential extended unbinned fit. The same
 * functions, starting points and steps are run through iminuit by
 * benchmarks/scripts/minimiser_vs_iminuit.py; benchmarks/scripts/minimiser_vs_iminuit.sh runs both.
 *
 * <p>Usage: {@code MigradCallCounts <dir>}: writes the unbinned data set to dir/gauss_exp_events.npy
 * (read by the Python side) and prints one line per case.
 */
public final class MigradCallCounts {

    private MigradCallCounts() {
    }

    interface Grad {
        void grad(double[] x, double[] g);
    }

    interface Fn {
        double f(double[] x);
    }

    static Objective objective(List<ParameterSpec> specs, double up, Fn f, Grad g) {
        return new Objective() {
            @Override
            public List<ParameterSpec> parameters() {
                return specs;
            }

            @Override
            public double value(double[] x) {
                return f.f(x);
            }

            @Override
            public boolean hasGradient() {
                return g != null;
            }

            @Override
            public double valueAndGradient(double[] x, double[] gr) {
                g.grad(x, gr);
                return f.f(x);
            }

            @Override
            public double errorDef() {
                return up;
            }
        };
    }

    static Map<String, Objective> cases(double[] events) {
        Map<String, Objective> m = new LinkedHashMap<>();
        m.put("rosenbrock", objective(List.of(ParameterSpec.free("x", -1.2, 0.1), ParameterSpec.free("y", 1.0, 0.1)), 1,
                x -> 100 * Math.pow(x[1] - x[0] * x[0], 2) + Math.pow(1 - x[0], 2),
                (x, g) -> {
                    g[0] = -400 * x[0] * (x[1] - x[0] * x[0]) - 2 * (1 - x[0]);
                    g[1] = 200 * (x[1] - x[0] * x[0]);
                }));
        m.put("beale", objective(List.of(ParameterSpec.free("x", 1.0, 0.1), ParameterSpec.free("y", 1.0, 0.1)), 1,
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
                    g[1] = 2 * a * x[0] + 4 * b * x[0] * y + 6 * c * x[0] * y * y;
                }));
        m.put("wood", objective(List.of(ParameterSpec.free("x1", -3, 0.1), ParameterSpec.free("x2", -1, 0.1),
                        ParameterSpec.free("x3", -3, 0.1), ParameterSpec.free("x4", -1, 0.1)), 1,
                x -> 100 * Math.pow(x[1] - x[0] * x[0], 2) + Math.pow(1 - x[0], 2)
                        + 90 * Math.pow(x[3] - x[2] * x[2], 2) + Math.pow(1 - x[2], 2)
                        + 10.1 * (Math.pow(x[1] - 1, 2) + Math.pow(x[3] - 1, 2)) + 19.8 * (x[1] - 1) * (x[3] - 1),
                (x, g) -> {
                    g[0] = -400 * x[0] * (x[1] - x[0] * x[0]) - 2 * (1 - x[0]);
                    g[1] = 200 * (x[1] - x[0] * x[0]) + 20.2 * (x[1] - 1) + 19.8 * (x[3] - 1);
                    g[2] = -360 * x[2] * (x[3] - x[2] * x[2]) - 2 * (1 - x[2]);
                    g[3] = 180 * (x[3] - x[2] * x[2]) + 20.2 * (x[3] - 1) + 19.8 * (x[1] - 1);
                }));
        // chi2 with covariance C = D R D, R_ij = 0.5^|i-j|, D = diag(1, 2, 0.5, 3); minimum at (1, 2, 3, 4).
        int n = 4;
        double[] sd = {1, 2, 0.5, 3};
        double[] mu = {1, 2, 3, 4};
        double[][] cinv = invert(covariance(sd));
        List<ParameterSpec> qs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            qs.add(ParameterSpec.free("p" + i, 0, 0.5));
        }
        m.put("quadratic4", objective(qs, 1, x -> {
            double s = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    s += (x[i] - mu[i]) * cinv[i][j] * (x[j] - mu[j]);
                }
            }
            return s;
        }, (x, g) -> {
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int j = 0; j < n; j++) {
                    s += cinv[i][j] * (x[j] - mu[j]);
                }
                g[i] = 2 * s;
            }
        }));
        m.put("gauss_exp", new GaussExp(events));
        return m;
    }

    static double[][] covariance(double[] sd) {
        int n = sd.length;
        double[][] c = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                c[i][j] = sd[i] * sd[j] * Math.pow(0.5, Math.abs(i - j));
            }
        }
        return c;
    }

    static double[][] invert(double[][] a) {
        int n = a.length;
        double[][] m = new double[n][2 * n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(a[i], 0, m[i], 0, n);
            m[i][n + i] = 1;
        }
        for (int c = 0; c < n; c++) {
            double p = m[c][c];
            for (int k = 0; k < 2 * n; k++) {
                m[c][k] /= p;
            }
            for (int r = 0; r < n; r++) {
                if (r != c) {
                    double f = m[r][c];
                    for (int k = 0; k < 2 * n; k++) {
                        m[r][k] -= f * m[c][k];
                    }
                }
            }
        }
        double[][] inv = new double[n][n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(m[i], n, inv[i], 0, n);
        }
        return inv;
    }

    /** Extended unbinned Gaussian(125, 2) x 50 mu on an exponential background over [100, 150]. */
    static final class GaussExp implements Objective {
        final double[] x;
        final double gNorm;

        GaussExp(double[] x) {
            this.x = x;
            double z = Math.sqrt(2) * 2;
            gNorm = 0.5 * (Erf.erf(25 / z) - Erf.erf(-25 / z));
        }

        @Override
        public List<ParameterSpec> parameters() {
            return List.of(ParameterSpec.free("mu", 1, 0.3), ParameterSpec.free("nb", 900, 30),
                    ParameterSpec.free("lambda", 0.02, 0.005));
        }

        double sig(double v) {
            double d = (v - 125) / 2;
            return Math.exp(-0.5 * d * d) / (Math.sqrt(2 * Math.PI) * 2 * gNorm);
        }

        @Override
        public double value(double[] p) {
            return valueAndGradient(p, null);
        }

        @Override
        public boolean hasGradient() {
            return true;
        }

        @Override
        public double valueAndGradient(double[] p, double[] g) {
            double mu = p[0];
            double nb = p[1];
            double lam = p[2];
            double q = Math.exp(-50 * lam);
            double norm = lam / (1 - q);
            double dlnNorm = 1 / lam - 50 * q / (1 - q);
            double s = 50 * mu + nb;
            double g0 = 50;
            double g1 = 1;
            double g2 = 0;
            for (double v : x) {
                double sg = sig(v);
                double b = norm * Math.exp(-lam * (v - 100));
                double d = 50 * mu * sg + nb * b;
                if (!(d > 0)) {
                    return Double.POSITIVE_INFINITY;
                }
                s -= Math.log(d);
                g0 -= 50 * sg / d;
                g1 -= b / d;
                g2 -= nb * b * (dlnNorm - (v - 100)) / d;
            }
            if (g != null) {
                g[0] = g0;
                g[1] = g1;
                g[2] = g2;
            }
            return s;
        }

        @Override
        public double errorDef() {
            return 0.5;
        }
    }

    static double[] generate(long seed) {
        Random r = new Random(seed);
        double[] e = new double[1060];
        int k = 0;
        while (k < 60) {
            double v = 125 + 2 * r.nextGaussian();
            if (v >= 100 && v <= 150) {
                e[k++] = v;
            }
        }
        double c = 1 - Math.exp(-0.03 * 50);
        while (k < e.length) {
            e[k++] = 100 - Math.log(1 - r.nextDouble() * c) / 0.03;
        }
        return e;
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "target/minimiser-bench");
        Files.createDirectories(dir);
        double[] events = generate(20260123L);
        Npy.write(dir.resolve("gauss_exp_events.npy"), events);
        System.out.println("tool     case        gradient  nfcn  ngrad  fval             valid  x");
        for (Map.Entry<String, Objective> e : cases(events).entrySet()) {
            // "curv": the gradient also for second derivatives (Migrad.Builder.gradientCurvature), for comparison
            for (String mode : new String[] {"no", "yes", "curv"}) {
                boolean grad = !mode.equals("no");
                FitResult r = Migrad.builder().useGradient(grad).gradientCurvature(mode.equals("curv")).build().minimise(e.getValue());
                StringBuilder xs = new StringBuilder();
                for (double v : r.values()) {
                    xs.append(String.format(Locale.ROOT, " %.6g", v));
                }
                System.out.println(String.format(Locale.ROOT, "ratiofit %-11s %-8s %5d  %5d  %-16.10g %-5b %s", e.getKey(),
                        mode, r.functionCalls(), r.gradientCalls(), r.minimumValue(),
                        r.status().validMinimum(), xs.toString().trim()));
            }
        }
        minos(cases(events).get("gauss_exp"));
    }

    /**
     * MINOS errors of every parameter of the Gaussian-on-exponential fit, as `fit --minos` runs
     * them (conditional fits at tolerance 0.01, crossings to 1e-4 errorDef), after MIGRAD + HESSE;
     * calls are value plus gradient calls of MINOS alone.
     */
    static void minos(Objective gaussExp) {
        System.out.println("tool     minos       gradient  param   calls  lower         upper");
        for (boolean grad : new boolean[] {false, true}) {
            Migrad migrad = Migrad.builder().useGradient(grad).build();
            FitResult fit = Hesse.compute(gaussExp, migrad.minimise(gaussExp), 1, grad);
            Minos minos = new Minos(migrad.toBuilder().tolerance(0.01).build(), 1e-4, 0);
            for (MinosError e : minos.errors(gaussExp, fit, ConfidenceLevel.sigma(1))) {
                System.out.println(String.format(Locale.ROOT, "ratiofit gauss_exp   %-8s %-7s %5d  %-13.7g %-13.7g",
                        grad ? "yes" : "no", e.parameter(), e.calls(), e.lower(), e.upper()));
            }
        }
    }
}
