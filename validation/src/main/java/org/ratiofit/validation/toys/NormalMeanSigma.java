package org.ratiofit.validation.toys;

import java.util.List;
import org.hipparchus.distribution.continuous.GammaDistribution;
import org.hipparchus.distribution.continuous.TDistribution;
import org.hipparchus.random.RandomDataGenerator;
import org.hipparchus.random.Well19937c;
import org.ratiofit.objective.Objective;
import org.ratiofit.objective.ParameterSpec;

/**
 * The two-parameter normal model: i.i.d. observations x_i ~ N(mu, sigma), the standard
 * neural-ratio-estimation example. With a fixed reference density N(x; 0, tau) the exact per-event
 * log-ratio is ln r(x | mu, sigma) = ln N(x; mu, sigma) - ln N(x; 0, tau), so summed log-ratios
 * give the log-likelihood up to a parameter-independent constant.
 *
 * <p>With flat priors on mu and on sigma > 0 the posterior has closed-form marginals: mu follows a
 * Student t with n-2 degrees of freedom, location x-bar and scale sqrt(S / (n (n-2))), and 1/sigma^2
 * follows a Gamma distribution of shape n/2 - 1 and rate S/2, with S = sum (x_i - x-bar)^2.
 */
public final class NormalMeanSigma {

    public static final int MU = 0;
    public static final int SIGMA = 1;

    private final double[] x;
    private final double mean;
    private final double sumSquares;

    public NormalMeanSigma(double[] observations) {
        if (observations.length < 4) {
            throw new IllegalArgumentException("the normal model needs at least 4 observations for a proper posterior, got "
                    + observations.length);
        }
        this.x = observations.clone();
        double m = 0;
        for (double v : x) {
            m += v;
        }
        m /= x.length;
        double s = 0;
        for (double v : x) {
            s += (v - m) * (v - m);
        }
        this.mean = m;
        this.sumSquares = s;
    }

    /** {@code n} observations drawn from N(mu, sigma). */
    public static double[] sample(int n, double mu, double sigma, long seed) {
        RandomDataGenerator rng = RandomDataGenerator.of(new Well19937c(seed));
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = rng.nextNormal(mu, sigma);
        }
        return out;
    }

    /** The exact per-event log-ratio against the reference density N(x; 0, tau). */
    public static double logRatio(double x, double mu, double sigma, double tau) {
        double z = (x - mu) / sigma;
        double zr = x / tau;
        return -0.5 * z * z - Math.log(sigma) + 0.5 * zr * zr + Math.log(tau);
    }

    public double[] observations() {
        return x.clone();
    }

    public List<ParameterSpec> parameters() {
        return List.of(ParameterSpec.free("mu", mean, 0.5),
                ParameterSpec.bounded("sigma", Math.sqrt(sumSquares / x.length), 0.2, 0.0, Double.POSITIVE_INFINITY));
    }

    /** The negative log-likelihood -sum ln N(x_i; mu, sigma) (constants dropped) with its gradient; errordef 0.5. */
    public Objective nll() {
        List<ParameterSpec> params = parameters();
        int n = x.length;
        return new Objective() {
            @Override public List<ParameterSpec> parameters() { return params; }
            @Override public double errorDef() { return 0.5; }
            @Override public boolean hasGradient() { return true; }
            @Override public double value(double[] p) { return valueAndGradient(p, new double[2]); }

            @Override
            public double valueAndGradient(double[] p, double[] g) {
                double mu = p[MU];
                double sigma = p[SIGMA];
                if (!(sigma > 0)) {
                    g[MU] = Double.NaN;
                    g[SIGMA] = Double.NaN;
                    return Double.POSITIVE_INFINITY;
                }
                // sum (x - mu)^2 = S + n (x-bar - mu)^2
                double d = mean - mu;
                double q = sumSquares + n * d * d;
                double s2 = sigma * sigma;
                g[MU] = -n * d / s2;
                g[SIGMA] = n / sigma - q / (s2 * sigma);
                return n * Math.log(sigma) + q / (2 * s2);
            }
        };
    }

    /** Exact marginal posterior of mu under flat priors. */
    public TDistribution posteriorMu() {
        int nu = x.length - 2;
        return new TDistribution(nu) {
            private static final long serialVersionUID = 1L;
            private final double scale = Math.sqrt(sumSquares / ((double) x.length * nu));

            @Override
            public double cumulativeProbability(double v) {
                return super.cumulativeProbability((v - mean) / scale);
            }

            @Override
            public double density(double v) {
                return super.density((v - mean) / scale) / scale;
            }

            @Override
            public double getNumericalMean() {
                return mean;
            }

            @Override
            public double getNumericalVariance() {
                return scale * scale * nu / (nu - 2.0);
            }
        };
    }

    /** Exact posterior distribution function of sigma under flat priors. */
    public double posteriorSigmaCdf(double sigma) {
        if (sigma <= 0) {
            return 0;
        }
        // P(sigma <= s) = P(1/sigma^2 >= 1/s^2) for 1/sigma^2 ~ Gamma(n/2 - 1, rate S/2)
        GammaDistribution precision = new GammaDistribution(x.length / 2.0 - 1, 2.0 / sumSquares);
        return 1 - precision.cumulativeProbability(1 / (sigma * sigma));
    }
}
