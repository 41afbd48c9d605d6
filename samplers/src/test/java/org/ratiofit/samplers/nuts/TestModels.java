package org.ratiofit.samplers.nuts;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.hipparchus.analysis.differentiation.Gradient;
import org.hipparchus.linear.CholeskyDecomposition;
import org.hipparchus.linear.MatrixUtils;
import org.hipparchus.linear.RealMatrix;
import org.ratiofit.objective.Objective;
import org.ratiofit.objective.ParameterSpec;

/** Models with known posteriors for the sampler's tests. */
final class TestModels {
    private TestModels() {
    }

    /** Multivariate normal written as an NLL (errorDef 0.5): 0.5 (x-m)' P (x-m). */
    static class Gaussian implements Objective {
        final double[] mean;
        final double[][] cov;
        final double[][] precision;
        final List<ParameterSpec> specs = new ArrayList<>();

        Gaussian(double[] mean, double[][] cov) {
            this.mean = mean;
            this.cov = cov;
            RealMatrix c = MatrixUtils.createRealMatrix(cov);
            this.precision = new CholeskyDecomposition(c).getSolver().getInverse().getData();
            for (int i = 0; i < mean.length; i++) {
                specs.add(ParameterSpec.free("x" + (i + 1), mean[i], Math.sqrt(cov[i][i])));
            }
        }

        public List<ParameterSpec> parameters() {
            return specs;
        }

        public double value(double[] x) {
            return valueAndGradient(x, new double[x.length]);
        }

        public boolean hasGradient() {
            return true;
        }

        public double valueAndGradient(double[] x, double[] g) {
            int d = mean.length;
            double v = 0;
            for (int i = 0; i < d; i++) {
                double[] row = precision[i];
                double s = 0;
                for (int j = 0; j < d; j++) {
                    s += row[j] * (x[j] - mean[j]);
                }
                g[i] = s;
                v += (x[i] - mean[i]) * s;
            }
            return 0.5 * v;
        }

        public double errorDef() {
            return 0.5;
        }
    }

    /** A d-dimensional Gaussian with scales from 0.5 to 5 and correlation rho^|i-j|, mean i/10. */
    static Gaussian correlatedGaussian(int d, double rho) {
        double[] mean = new double[d];
        double[] scale = new double[d];
        for (int i = 0; i < d; i++) {
            mean[i] = 0.1 * i;
            scale[i] = 0.5 * Math.pow(10, (double) i / Math.max(1, d - 1));
        }
        double[][] cov = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                cov[i][j] = scale[i] * scale[j] * Math.pow(rho, Math.abs(i - j));
            }
        }
        return new Gaussian(mean, cov);
    }

    /** Data y_i ~ N(mu, sigma) (seeded), for the (mu, sigma) model. */
    static double[] normalData(int n, double mu, double sigma, long seed) {
        Random r = new Random(seed);
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = mu + sigma * r.nextGaussian();
        }
        return y;
    }

    /** NLL of y under N(mu, sigma), parameters (mu, sigma > 0), written on Hipparchus Gradient. */
    static Objective normalMuSigma(double[] y) {
        double mean = 0;
        for (double v : y) {
            mean += v;
        }
        mean /= y.length;
        List<ParameterSpec> specs = List.of(ParameterSpec.free("mu", mean, 0.5),
                ParameterSpec.bounded("sigma", 1.5, 0.3, 0, Double.POSITIVE_INFINITY));
        return HipparchusObjectives.ofGradient(specs, 0.5, p -> {
            Gradient mu = p[0];
            Gradient sigma = p[1];
            Gradient ss = mu.getField().getZero();
            for (double v : y) {
                Gradient r = mu.negate().add(v);
                ss = ss.add(r.multiply(r));
            }
            return ss.divide(sigma.multiply(sigma).multiply(2)).add(sigma.log().multiply(y.length));
        });
    }

    /** Neal's funnel: v ~ N(0, 3), x_i ~ N(0, exp(v/2)), as an NLL. */
    static Objective funnel(int dx) {
        List<ParameterSpec> specs = new ArrayList<>();
        specs.add(ParameterSpec.free("v", 0, 3));
        for (int i = 0; i < dx; i++) {
            specs.add(ParameterSpec.free("x" + (i + 1), 0, 1));
        }
        return new Objective() {
            public List<ParameterSpec> parameters() {
                return specs;
            }

            public double value(double[] x) {
                return valueAndGradient(x, new double[x.length]);
            }

            public boolean hasGradient() {
                return true;
            }

            public double valueAndGradient(double[] x, double[] g) {
                double v = x[0];
                double ev = Math.exp(-v);
                double nll = v * v / 18;
                g[0] = v / 9;
                for (int i = 1; i < x.length; i++) {
                    nll += 0.5 * x[i] * x[i] * ev + 0.5 * v;
                    g[0] += -0.5 * x[i] * x[i] * ev + 0.5;
                    g[i] = x[i] * ev;
                }
                return nll;
            }

            public double errorDef() {
                return 0.5;
            }
        };
    }

    /** NLL of y_i ~ N(theta, sigma) with known sigma; with a normal prior the posterior is normal. */
    static Objective knownSigmaMean(double[] y, double sigma) {
        List<ParameterSpec> specs = List.of(ParameterSpec.free("theta", 0, 1));
        return new Objective() {
            public List<ParameterSpec> parameters() {
                return specs;
            }

            public double value(double[] x) {
                return valueAndGradient(x, new double[1]);
            }

            public boolean hasGradient() {
                return true;
            }

            public double valueAndGradient(double[] x, double[] g) {
                double v = 0;
                double d = 0;
                for (double yi : y) {
                    double r = (x[0] - yi) / sigma;
                    v += 0.5 * r * r;
                    d += r / sigma;
                }
                g[0] = d;
                return v;
            }

            public double errorDef() {
                return 0.5;
            }
        };
    }

    /** A constant objective over the given parameters: the posterior is the prior. */
    static Objective constant(List<ParameterSpec> specs) {
        return new Objective() {
            public List<ParameterSpec> parameters() {
                return specs;
            }

            public double value(double[] x) {
                return 0;
            }

            public boolean hasGradient() {
                return true;
            }

            public double valueAndGradient(double[] x, double[] g) {
                java.util.Arrays.fill(g, 0);
                return 0;
            }

            public double errorDef() {
                return 0.5;
            }
        };
    }
}
