package org.ratiofit.samplers.nuts;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.hipparchus.special.Erf;

/**
 * A prior density on one parameter, on the parameter's own (constrained) scale.
 *
 * <p>A prior with bounded support (uniform, truncated normal, log-normal) also bounds the
 * parameter: the sampler intersects the support with the parameter's bounds and samples in the
 * matching unconstrained space, so no draw ever falls where the prior vanishes.
 *
 * <p>Constrained nuisance parameters already carry their constraint term (Gaussian, Poisson, ...)
 * inside the negative log-likelihood; they keep the default {@link #flat()} prior here so that the
 * constraint is not counted twice.
 */
public sealed interface Prior {

    /** Log-density at {@code x} (up to the constant of a flat prior); {@code -Infinity} outside the support. */
    double logDensity(double x);

    /** Derivative of {@link #logDensity} with respect to {@code x}. */
    double dLogDensity(double x);

    /** Lower end of the support. */
    default double lower() {
        return Double.NEGATIVE_INFINITY;
    }

    /** Upper end of the support. */
    default double upper() {
        return Double.POSITIVE_INFINITY;
    }

    /** The kind, as written in JSON and in the summary. */
    @JsonProperty("type")
    String type();

    static Prior flat() {
        return Flat.INSTANCE;
    }

    static Prior uniform(double lower, double upper) {
        return new Uniform(lower, upper);
    }

    static Prior normal(double mean, double sigma) {
        return new Normal(mean, sigma);
    }

    static Prior truncatedNormal(double mean, double sigma, double lower, double upper) {
        return new TruncatedNormal(mean, sigma, lower, upper);
    }

    static Prior logNormal(double mu, double sigma) {
        return new LogNormal(mu, sigma);
    }

    double LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

    /**
     * The extension point: implement this for a prior the built-in ones do not cover (log-density
     * and its derivative on the parameter's scale, the support through {@link #lower()} and
     * {@link #upper()}). {@link Priors} holds Cauchy, Student t, gamma, beta, half-normal,
     * half-Cauchy and exponential priors written this way.
     */
    non-sealed interface Custom extends Prior {}

    /** Improper flat prior: adds nothing to the log-density. */
    record Flat() implements Prior {
        static final Flat INSTANCE = new Flat();

        public double logDensity(double x) {
            return 0;
        }

        public double dLogDensity(double x) {
            return 0;
        }

        public String type() {
            return "flat";
        }
    }

    record Uniform(double lower, double upper) implements Prior {
        public Uniform {
            if (!(Double.isFinite(lower) && Double.isFinite(upper) && lower < upper)) {
                throw new IllegalArgumentException("uniform prior needs finite bounds lower < upper, got [" + lower + ", " + upper + "]");
            }
        }

        public double logDensity(double x) {
            return x >= lower && x <= upper ? -Math.log(upper - lower) : Double.NEGATIVE_INFINITY;
        }

        public double dLogDensity(double x) {
            return 0;
        }

        public String type() {
            return "uniform";
        }
    }

    record Normal(double mean, double sigma) implements Prior {
        public Normal {
            checkSigma("normal", mean, sigma);
        }

        public double logDensity(double x) {
            double z = (x - mean) / sigma;
            return -0.5 * z * z - Math.log(sigma) - LOG_SQRT_2PI;
        }

        public double dLogDensity(double x) {
            return -(x - mean) / (sigma * sigma);
        }

        public String type() {
            return "normal";
        }
    }

    record TruncatedNormal(double mean, double sigma, double lower, double upper) implements Prior {
        public TruncatedNormal {
            checkSigma("truncated normal", mean, sigma);
            if (Double.isNaN(lower) || Double.isNaN(upper) || !(lower < upper)) {
                throw new IllegalArgumentException("truncated normal prior: bounds [" + lower + ", " + upper + "] are not an interval");
            }
        }

        private double logMass() {
            double a = (lower - mean) / (sigma * Math.sqrt(2));
            double b = (upper - mean) / (sigma * Math.sqrt(2));
            return Math.log(0.5 * Erf.erf(a, b));
        }

        public double logDensity(double x) {
            if (x < lower || x > upper) {
                return Double.NEGATIVE_INFINITY;
            }
            double z = (x - mean) / sigma;
            return -0.5 * z * z - Math.log(sigma) - LOG_SQRT_2PI - logMass();
        }

        public double dLogDensity(double x) {
            return -(x - mean) / (sigma * sigma);
        }

        public String type() {
            return "truncated-normal";
        }
    }

    /** Log-normal: {@code ln x ~ Normal(mu, sigma)}, support x > 0. */
    record LogNormal(double mu, double sigma) implements Prior {
        public LogNormal {
            checkSigma("log-normal", mu, sigma);
        }

        public double lower() {
            return 0;
        }

        public double logDensity(double x) {
            if (!(x > 0)) {
                return Double.NEGATIVE_INFINITY;
            }
            double lx = Math.log(x);
            double z = (lx - mu) / sigma;
            return -0.5 * z * z - lx - Math.log(sigma) - LOG_SQRT_2PI;
        }

        public double dLogDensity(double x) {
            return -1 / x - (Math.log(x) - mu) / (sigma * sigma * x);
        }

        public String type() {
            return "log-normal";
        }
    }

    private static void checkSigma(String kind, double location, double sigma) {
        if (!Double.isFinite(location)) {
            throw new IllegalArgumentException(kind + " prior: location must be finite, got " + location);
        }
        if (!(sigma > 0) || Double.isInfinite(sigma)) {
            throw new IllegalArgumentException(kind + " prior: sigma must be positive and finite, got " + sigma);
        }
    }
}
