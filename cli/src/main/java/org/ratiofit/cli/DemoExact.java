package org.ratiofit.cli;

import java.util.ArrayList;
import java.util.List;
import org.ratiofit.validation.toys.GaussianOnExponential;

/**
 * The exact answers the demo compares ratiofit with, from the toy's analytic likelihood: the
 * profile likelihood of mu (best fit, HESSE-like error, profiled and stat-only intervals) and the
 * marginal posterior of mu on a grid.
 */
final class DemoExact {
    private DemoExact() {}

    /** The exact profile likelihood of mu for the data: best fit, HESSE-like error, interval ends. */
    record Exact(ExactProfileOfMu profile, double best, double minimum, double error) {
        static Exact of(GaussianOnExponential toy, double[] data) {
            ExactProfileOfMu p = new ExactProfileOfMu(toy.exactNll(data, null));
            var bf = p.profile.bestFit(-1.5, 5);
            double best = bf.getPoint();
            double h = 0.02;
            double curv = (p.profile.profile(best + h) - 2 * bf.getValue() + p.profile.profile(best - h)) / (h * h);
            return new Exact(p, best, bf.getValue(), 1 / Math.sqrt(curv));
        }

        /** Where the profile rises by q/2 (errordef 0.5) below and above the best fit. */
        double[] interval(double q) {
            return new double[] {profile.profile.crossing(best, minimum, q / 2, best - 8 * error),
                profile.profile.crossing(best, minimum, q / 2, best + 8 * error)};
        }

        double q(double x) {
            return 2 * (profile.profile.profile(x) - minimum);
        }

        /** The stat-only interval: the nuisance parameters held at their exact best-fit values. */
        double[] statOnlyInterval(double q) {
            double[] at = profile.profile.conditionalFit(best);
            var fixed = new org.ratiofit.validation.toys.ExactProfile(
                    fixNuisances(profile.objective, at), GaussianOnExponential.MU);
            double m = fixed.profile(best);
            return new double[] {fixed.crossing(best, m, q / 2, best - 8 * error), fixed.crossing(best, m, q / 2, best + 8 * error)};
        }
    }

    /** The toy's exact −ln L and its profile in mu. */
    static final class ExactProfileOfMu {
        final org.ratiofit.objective.Objective objective;
        final org.ratiofit.validation.toys.ExactProfile profile;

        ExactProfileOfMu(org.ratiofit.objective.Objective f) {
            this.objective = f;
            this.profile = new org.ratiofit.validation.toys.ExactProfile(f, GaussianOnExponential.MU);
        }
    }

    /** The objective with every parameter but mu fixed at the values of {@code at}. */
    static org.ratiofit.objective.Objective fixNuisances(org.ratiofit.objective.Objective f, double[] at) {
        List<org.ratiofit.objective.ParameterSpec> specs = new ArrayList<>(f.parameters());
        for (int i = 0; i < specs.size(); i++) {
            if (i != GaussianOnExponential.MU) {
                specs.set(i, specs.get(i).withInitial(at[i]).withFixed(true));
            }
        }
        List<org.ratiofit.objective.ParameterSpec> fixedSpecs = List.copyOf(specs);
        return new org.ratiofit.objective.Objective() {
            @Override
            public List<org.ratiofit.objective.ParameterSpec> parameters() {
                return fixedSpecs;
            }

            @Override
            public double value(double[] x) {
                return f.value(x);
            }

            @Override
            public boolean hasGradient() {
                return true;
            }

            @Override
            public double valueAndGradient(double[] x, double[] g) {
                return f.valueAndGradient(x, g);
            }

            @Override
            public double errorDef() {
                return f.errorDef();
            }
        };
    }

    /**
     * The exact marginal posterior of mu on a grid: exp(−(−ln L)) of the toy, whose constraint terms
     * are the unit normal priors of alpha_shift and alpha_bkg, integrated over both by the
     * trapezoid rule (alpha_shift within its bounds, alpha_bkg on [-5, 5]; the integrand is smooth
     * and decays like a Gaussian, so the rule converges fast), times a flat prior for mu on
     * [priorLow, priorHigh].
     */
    record ExactPosterior(double[] mu, double[] density, double mean, double sd, double q05, double q50, double q95) {
        static ExactPosterior of(GaussianOnExponential toy, double[] data, double priorLow, double priorHigh, double lo, double hi) {
            double a = Math.max(priorLow, lo);
            double b = Math.min(priorHigh, hi);
            int n = 121;
            int k = 31;
            double[] mus = new double[n];
            for (int i = 0; i < n; i++) {
                mus[i] = a + (b - a) * i / (n - 1);
            }
            // alpha_shift within its bounds (as in the configuration), alpha_bkg over [-5, 5]
            double[] as = new double[k];
            double[] ab = new double[k];
            for (int j = 0; j < k; j++) {
                as[j] = -DemoToy.SHIFT_BOUND + 2 * DemoToy.SHIFT_BOUND * j / (k - 1);
                ab[j] = -5 + 10.0 * j / (k - 1);
            }
            int ne = data.length;
            double[] fB = new double[ne];
            for (int e = 0; e < ne; e++) {
                fB[e] = toy.backgroundPdf(data[e]);
            }
            double[][] fS = new double[k][ne];
            for (int j = 0; j < k; j++) {
                for (int e = 0; e < ne; e++) {
                    fS[j][e] = toy.signalPdf(data[e], as[j]);
                }
            }
            // -ln L at every grid point, shifted by its minimum before exponentiating
            double[][][] nll = new double[n][k][k];
            java.util.stream.IntStream.range(0, n).parallel().forEach(i -> {
                double nuS = toy.signalYield(mus[i]);
                for (int j = 0; j < k; j++) {
                    for (int m = 0; m < k; m++) {
                        double nuB = toy.backgroundYield(ab[m]);
                        double v = nuS + nuB + 0.5 * as[j] * as[j] + 0.5 * ab[m] * ab[m];
                        double[] s = fS[j];
                        for (int e = 0; e < ne; e++) {
                            v -= Math.log(nuS * s[e] + nuB * fB[e]);
                        }
                        nll[i][j][m] = v;
                    }
                }
            });
            double min = Double.POSITIVE_INFINITY;
            for (double[][] p : nll) {
                for (double[] q : p) {
                    for (double v : q) {
                        if (!Double.isNaN(v)) {
                            min = Math.min(min, v);
                        }
                    }
                }
            }
            double[] dens = new double[n];
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int j = 0; j < k; j++) {
                    for (int m = 0; m < k; m++) {
                        double w = (j == 0 || j == k - 1 ? 0.5 : 1) * (m == 0 || m == k - 1 ? 0.5 : 1);
                        double v = nll[i][j][m];
                        s += Double.isNaN(v) ? 0 : w * Math.exp(min - v);
                    }
                }
                dens[i] = s;
            }
            // normalise with the trapezoid rule in mu; moments and quantiles of the piecewise-linear density
            double h = (b - a) / (n - 1);
            double z = 0;
            double m1 = 0;
            double m2 = 0;
            for (int i = 0; i < n; i++) {
                double w = (i == 0 || i == n - 1 ? 0.5 : 1) * h;
                z += w * dens[i];
                m1 += w * dens[i] * mus[i];
                m2 += w * dens[i] * mus[i] * mus[i];
            }
            for (int i = 0; i < n; i++) {
                dens[i] /= z;
            }
            double mean = m1 / z;
            double sd = Math.sqrt(m2 / z - mean * mean);
            double[] cdf = new double[n];
            for (int i = 1; i < n; i++) {
                cdf[i] = cdf[i - 1] + 0.5 * h * (dens[i - 1] + dens[i]);
            }
            return new ExactPosterior(mus, dens, mean, sd, quantile(mus, cdf, 0.05), quantile(mus, cdf, 0.5),
                    quantile(mus, cdf, 0.95));
        }

        private static double quantile(double[] x, double[] cdf, double p) {
            double total = cdf[cdf.length - 1];
            for (int i = 1; i < x.length; i++) {
                if (cdf[i] >= p * total) {
                    double f = (p * total - cdf[i - 1]) / (cdf[i] - cdf[i - 1]);
                    return x[i - 1] + f * (x[i] - x[i - 1]);
                }
            }
            return x[x.length - 1];
        }
    }
}
