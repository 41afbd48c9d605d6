package org.ratiofit.samplers.nuts;

import org.hipparchus.special.Beta;
import org.hipparchus.special.Gamma;

/**
 * Priors beyond {@link Prior}'s built-in ones, each an implementation of the extension point
 * {@link Prior.Custom}: Cauchy, Student t, gamma, beta, half-normal, half-Cauchy, exponential. All
 * are normalised densities on the parameter's scale; a prior with bounded support also bounds the
 * parameter (the sampler maps it to an unconstrained space).
 */
public final class Priors {
    private Priors() {}

    public static Prior cauchy(double location, double scale) {
        return new Cauchy(location, scale);
    }

    public static Prior studentT(double nu, double location, double scale) {
        return new StudentT(nu, location, scale);
    }

    /** Gamma with shape α and rate β (mean α/β). */
    public static Prior gamma(double shape, double rate) {
        return new GammaPrior(shape, rate);
    }

    public static Prior beta(double alpha, double beta) {
        return new BetaPrior(alpha, beta);
    }

    /** |N(0, σ)| on [0, ∞). */
    public static Prior halfNormal(double sigma) {
        return new HalfNormal(sigma);
    }

    /** |Cauchy(0, s)| on [0, ∞). */
    public static Prior halfCauchy(double scale) {
        return new HalfCauchy(scale);
    }

    /** Exponential with rate λ on [0, ∞). */
    public static Prior exponential(double rate) {
        return new Exponential(rate);
    }

    private static void positive(String kind, String what, double v) {
        if (!(v > 0) || Double.isInfinite(v)) throw new IllegalArgumentException(kind + " prior: " + what + " must be positive and finite, got " + v);
    }

    private static void finite(String kind, String what, double v) {
        if (!Double.isFinite(v)) throw new IllegalArgumentException(kind + " prior: " + what + " must be finite, got " + v);
    }

    public record Cauchy(double location, double scale) implements Prior.Custom {
        public Cauchy {
            finite("Cauchy", "location", location);
            positive("Cauchy", "scale", scale);
        }

        public double logDensity(double x) {
            double z = (x - location) / scale;
            return -Math.log(Math.PI * scale) - Math.log1p(z * z);
        }

        public double dLogDensity(double x) {
            double z = (x - location) / scale;
            return -2 * z / (scale * (1 + z * z));
        }

        public String type() {
            return "cauchy";
        }
    }

    public record StudentT(double nu, double location, double scale) implements Prior.Custom {
        public StudentT {
            positive("Student t", "degrees of freedom", nu);
            finite("Student t", "location", location);
            positive("Student t", "scale", scale);
        }

        public double logDensity(double x) {
            double z = (x - location) / scale;
            return Gamma.logGamma((nu + 1) / 2) - Gamma.logGamma(nu / 2) - 0.5 * Math.log(nu * Math.PI) - Math.log(scale)
                    - (nu + 1) / 2 * Math.log1p(z * z / nu);
        }

        public double dLogDensity(double x) {
            double z = (x - location) / scale;
            return -(nu + 1) * z / (scale * (nu + z * z));
        }

        public String type() {
            return "student-t";
        }
    }

    public record GammaPrior(double shape, double rate) implements Prior.Custom {
        public GammaPrior {
            positive("gamma", "shape", shape);
            positive("gamma", "rate", rate);
        }

        public double lower() {
            return 0;
        }

        public double logDensity(double x) {
            if (!(x > 0)) return Double.NEGATIVE_INFINITY;
            return shape * Math.log(rate) - Gamma.logGamma(shape) + (shape - 1) * Math.log(x) - rate * x;
        }

        public double dLogDensity(double x) {
            return (shape - 1) / x - rate;
        }

        public String type() {
            return "gamma";
        }
    }

    public record BetaPrior(double alpha, double beta) implements Prior.Custom {
        public BetaPrior {
            positive("beta", "alpha", alpha);
            positive("beta", "beta", beta);
        }

        public double lower() {
            return 0;
        }

        public double upper() {
            return 1;
        }

        public double logDensity(double x) {
            if (!(x > 0 && x < 1)) return Double.NEGATIVE_INFINITY;
            return (alpha - 1) * Math.log(x) + (beta - 1) * Math.log1p(-x) - Beta.logBeta(alpha, beta);
        }

        public double dLogDensity(double x) {
            return (alpha - 1) / x - (beta - 1) / (1 - x);
        }

        public String type() {
            return "beta";
        }
    }

    public record HalfNormal(double sigma) implements Prior.Custom {
        public HalfNormal {
            positive("half-normal", "sigma", sigma);
        }

        public double lower() {
            return 0;
        }

        public double logDensity(double x) {
            if (!(x >= 0)) return Double.NEGATIVE_INFINITY;
            double z = x / sigma;
            return Math.log(2) - LOG_SQRT_2PI - Math.log(sigma) - 0.5 * z * z;
        }

        public double dLogDensity(double x) {
            return -x / (sigma * sigma);
        }

        public String type() {
            return "half-normal";
        }
    }

    public record HalfCauchy(double scale) implements Prior.Custom {
        public HalfCauchy {
            positive("half-Cauchy", "scale", scale);
        }

        public double lower() {
            return 0;
        }

        public double logDensity(double x) {
            if (!(x >= 0)) return Double.NEGATIVE_INFINITY;
            double z = x / scale;
            return Math.log(2 / (Math.PI * scale)) - Math.log1p(z * z);
        }

        public double dLogDensity(double x) {
            double z = x / scale;
            return -2 * z / (scale * (1 + z * z));
        }

        public String type() {
            return "half-cauchy";
        }
    }

    public record Exponential(double rate) implements Prior.Custom {
        public Exponential {
            positive("exponential", "rate", rate);
        }

        public double lower() {
            return 0;
        }

        public double logDensity(double x) {
            if (!(x >= 0)) return Double.NEGATIVE_INFINITY;
            return Math.log(rate) - rate * x;
        }

        public double dLogDensity(double x) {
            return -rate;
        }

        public String type() {
            return "exponential";
        }
    }

    private static final double LOG_SQRT_2PI = Prior.LOG_SQRT_2PI;
}
