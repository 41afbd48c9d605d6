package org.ratiofit.ratio.training.param;

import java.util.random.RandomGenerator;
import org.hipparchus.analysis.integration.gauss.GaussIntegrator;
import org.hipparchus.analysis.integration.gauss.GaussIntegratorFactory;
import org.hipparchus.special.Gamma;

/**
 * A simulator with a latent variable whose joint likelihood ratio and joint score are closed form
 * while the marginal p(x|θ) is not (it is computed here by quadrature, for validation): the
 * parameters θ = (k, λ) are the shape and rate of a gamma-distributed latent z, observed through a
 * non-linear Gaussian smearing in two features,
 *
 * <pre>
 *   z ~ Gamma(k, λ),   x1 = ln z + σ1 ε1,   x2 = √z + σ2 ε2,   ε ~ N(0, 1).
 * </pre>
 *
 * p(x|z) does not depend on θ, so the joint ratio is r(x,z|θ0,θ1) = p(z|θ0)/p(z|θ1) and the joint
 * score is t(x,z|θ) = ∇θ ln p(z|θ) = (ln λ − ψ(k) + ln z, k/λ − z). The marginal
 * p(x|θ) = ∫ p(z|θ) p(x|z) dz and its score E[t(x,z|θ) | x] are integrals over u = ln z by
 * composite Gauss–Legendre quadrature around the peak of the smearing in x1 (relative accuracy
 * ~1e-12 with the defaults, checked in the tests by doubling the nodes).
 */
public final class GammaLatentSimulator {
    /** Default smearing widths. */
    public static final double SIGMA1 = 0.5;
    public static final double SIGMA2 = 0.5;
    public static final int PARAMETERS = 2;
    public static final int FEATURES = 2;

    private static final double LN_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

    private final double sigma1;
    private final double sigma2;
    private final int panels;
    private final double[] nodes; // Gauss–Legendre nodes on [-1, 1]
    private final double[] weights;
    private final double[] logWeights;

    public GammaLatentSimulator() {
        this(SIGMA1, SIGMA2, 48, 8);
    }

    /** {@code panels} panels of {@code order}-point Gauss–Legendre rules over the integration range. */
    public GammaLatentSimulator(double sigma1, double sigma2, int panels, int order) {
        if (!(sigma1 > 0) || !(sigma2 > 0) || panels < 1 || order < 2) {
            throw new IllegalArgumentException("bad simulator settings: sigma1=" + sigma1 + " sigma2=" + sigma2
                    + " panels=" + panels + " order=" + order);
        }
        this.sigma1 = sigma1;
        this.sigma2 = sigma2;
        this.panels = panels;
        GaussIntegrator g = new GaussIntegratorFactory().legendre(order, -1, 1);
        nodes = new double[order];
        weights = new double[order];
        logWeights = new double[order];
        for (int i = 0; i < order; i++) {
            nodes[i] = g.getPoint(i);
            weights[i] = g.getWeight(i);
            logWeights[i] = Math.log(weights[i]);
        }
    }

    public double sigma1() {
        return sigma1;
    }

    public double sigma2() {
        return sigma2;
    }

    static void check(double[] theta) {
        if (theta.length != PARAMETERS || !(theta[0] > 0) || !(theta[1] > 0)) {
            throw new IllegalArgumentException("θ = (k, λ) must be two positive numbers: " + java.util.Arrays.toString(theta));
        }
    }

    // ---------------------------------------------------------------- latent and joint quantities

    /** ln p(z|θ) of the gamma distribution (shape k, rate λ). */
    public static double logLatent(double z, double k, double lambda) {
        return k * Math.log(lambda) - Gamma.logGamma(k) + (k - 1) * Math.log(z) - lambda * z;
    }

    /** ln r(x,z|θ0,θ1) = ln p(z|θ0) − ln p(z|θ1). */
    public static double logJointRatio(double z, double[] theta0, double[] theta1) {
        return logLatent(z, theta0[0], theta0[1]) - logLatent(z, theta1[0], theta1[1]);
    }

    /** t(x,z|θ) = ∇θ ln p(z|θ), written into {@code out} (length 2). */
    public static void jointScore(double z, double[] theta, double[] out) {
        double k = theta[0], lambda = theta[1];
        out[0] = Math.log(lambda) - Gamma.digamma(k) + Math.log(z);
        out[1] = k / lambda - z;
    }

    /** ln p(x|z), the smearing. */
    public double logSmearing(double x1, double x2, double z) {
        double a = (x1 - Math.log(z)) / sigma1;
        double b = (x2 - Math.sqrt(z)) / sigma2;
        return -0.5 * (a * a + b * b) - 2 * LN_SQRT_2PI - Math.log(sigma1 * sigma2);
    }

    // ---------------------------------------------------------------- sampling

    /** One gamma variate (Marsaglia–Tsang; k < 1 by the boost z·U^{1/k}). */
    public static double gamma(double k, double lambda, RandomGenerator rng) {
        if (k < 1) {
            double u = rng.nextDouble();
            return gamma(k + 1, lambda, rng) * Math.pow(u, 1 / k);
        }
        double d = k - 1.0 / 3.0;
        double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double g = rng.nextGaussian();
            double v = 1 + c * g;
            if (v <= 0) {
                continue;
            }
            v = v * v * v;
            double u = rng.nextDouble();
            if (Math.log(u) < 0.5 * g * g + d - d * v + d * Math.log(v)) {
                return d * v / lambda;
            }
        }
    }

    /** Draws z and x at θ into {@code out} = {x1, x2, z}. */
    public void sample(double[] theta, RandomGenerator rng, double[] out) {
        double z = gamma(theta[0], theta[1], rng);
        out[0] = Math.log(z) + sigma1 * rng.nextGaussian();
        out[1] = Math.sqrt(z) + sigma2 * rng.nextGaussian();
        out[2] = z;
    }

    // ---------------------------------------------------------------- marginal by quadrature

    /** The integration range in u = ln z: the smearing of x1 (±12 σ1) cut to where p(u|θ) is not negligible. */
    private double[] range(double x1, double k, double lambda) {
        double mode = Math.log(k / lambda);
        // ln p(u) = k u − λ e^u + const falls by k·Δ below the mode and doubly exponentially above it
        double lo = Math.max(x1 - 12 * sigma1, mode - 60 / k);
        double hi = Math.min(x1 + 12 * sigma1, mode + Math.log(60 / k + 1) + 2);
        if (hi <= lo) { // x1 far in a tail: integrate the overlap region of the two factors anyway
            lo = Math.min(x1 - 12 * sigma1, mode - 60 / k);
            hi = Math.max(x1 + 12 * sigma1, mode + 3);
        }
        return new double[] {lo, hi};
    }

    /**
     * ln p(x|θ) and, when {@code score} is not null, the marginal score ∇θ ln p(x|θ) = E[t(x,z|θ) | x, θ]
     * (written into {@code score}).
     */
    public double logMarginal(double x1, double x2, double[] theta, double[] score) {
        check(theta);
        double k = theta[0], lambda = theta[1];
        double[] r = range(x1, k, lambda);
        double h = (r[1] - r[0]) / panels;
        double norm = k * Math.log(lambda) - Gamma.logGamma(k) - 2 * LN_SQRT_2PI - Math.log(sigma1 * sigma2);
        // log-sum-exp in one pass, with the running maximum
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0, s0 = 0, s1 = 0;
        double c0 = Math.log(lambda) - Gamma.digamma(k), c1 = k / lambda;
        for (int p = 0; p < panels; p++) {
            double mid = r[0] + (p + 0.5) * h;
            for (int i = 0; i < nodes.length; i++) {
                double u = mid + 0.5 * h * nodes[i];
                double z = Math.exp(u);
                double a = (x1 - u) / sigma1;
                double b = (x2 - Math.sqrt(z)) / sigma2;
                // p(z) dz = p(z) z du: ln p(u) = k u − λ z + norm
                double l = k * u - lambda * z - 0.5 * (a * a + b * b) + logWeights[i];
                if (l > max) {
                    double f = Math.exp(max - l);
                    sum *= f;
                    s0 *= f;
                    s1 *= f;
                    max = l;
                }
                double e = Math.exp(l - max);
                sum += e;
                if (score != null) {
                    s0 += e * (c0 + u);
                    s1 += e * (c1 - z);
                }
            }
        }
        if (score != null) {
            score[0] = s0 / sum;
            score[1] = s1 / sum;
        }
        return norm + max + Math.log(sum * 0.5 * h);
    }

    /** ln r(x|θ0,θ1) = ln p(x|θ0) − ln p(x|θ1) by quadrature. */
    public double logMarginalRatio(double x1, double x2, double[] theta0, double[] theta1) {
        return logMarginal(x1, x2, theta0, null) - logMarginal(x1, x2, theta1, null);
    }

    /** E[x1] = ψ(k) − ln λ, exact. */
    public static double meanX1(double[] theta) {
        return Gamma.digamma(theta[0]) - Math.log(theta[1]);
    }

    /** E[x2] = E[√z] = Γ(k + ½)/(Γ(k) √λ), exact. */
    public static double meanX2(double[] theta) {
        return Math.exp(Gamma.logGamma(theta[0] + 0.5) - Gamma.logGamma(theta[0])) / Math.sqrt(theta[1]);
    }

    /** Var[x2] = E[z] − E[√z]² + σ2² = k/λ − E[x2]² + σ2², exact. */
    public double varianceX2(double[] theta) {
        double m = meanX2(theta);
        return theta[0] / theta[1] - m * m + sigma2 * sigma2;
    }

    // ---------------------------------------------------------------- augmented training data

    public static final java.util.List<String> FEATURE_NAMES = java.util.List.of("x1", "x2");
    public static final java.util.List<String> PARAMETER_NAMES = java.util.List.of("k", "lambda");

    /**
     * MadMiner-style augmented data for the ratio methods: n events, half drawn at θ0 (y = 0) and
     * half at θ1 (y = 1), every event with its own θ0 uniform in the box [low, high], the joint ratio
     * r(x,z|θ0,θ1) and the joint score t(x,z|θ0).
     */
    public AugmentedData ratioTrainingData(int n, double[] low, double[] high, double[] theta1, RandomGenerator rng) {
        check(theta1);
        double[][] x = new double[FEATURES][n];
        double[][] th = new double[PARAMETERS][n];
        int[] y = new int[n];
        double[] r = new double[n];
        double[][] t = new double[PARAMETERS][n];
        double[] ev = new double[3];
        double[] theta0 = new double[PARAMETERS];
        double[] score = new double[PARAMETERS];
        for (int e = 0; e < n; e++) {
            for (int j = 0; j < PARAMETERS; j++) {
                theta0[j] = low[j] + (high[j] - low[j]) * rng.nextDouble();
                th[j][e] = theta0[j];
            }
            y[e] = e % 2;
            sample(y[e] == 0 ? theta0 : theta1, rng, ev);
            x[0][e] = ev[0];
            x[1][e] = ev[1];
            r[e] = Math.exp(logJointRatio(ev[2], theta0, theta1));
            jointScore(ev[2], theta0, score);
            for (int j = 0; j < PARAMETERS; j++) {
                t[j][e] = score[j];
            }
        }
        return new AugmentedData(FEATURE_NAMES, PARAMETER_NAMES, x, th, y, r, t, null);
    }

    /**
     * MadMiner-style augmented data for the doubly parametrised methods (CARL2 … ALICES2): n events,
     * each with its own θ0 and θ1 drawn independently and uniformly in the box [low, high]; half drawn
     * at θ0 (y = 0), half at θ1 (y = 1); the joint ratio r(x,z|θ0,θ1) and the joint scores t(x,z|θ0)
     * and t(x,z|θ1).
     */
    public AugmentedData doublyRatioTrainingData(int n, double[] low, double[] high, RandomGenerator rng) {
        double[][] x = new double[FEATURES][n];
        double[][] th0 = new double[PARAMETERS][n];
        double[][] th1 = new double[PARAMETERS][n];
        int[] y = new int[n];
        double[] r = new double[n];
        double[][] t0 = new double[PARAMETERS][n];
        double[][] t1 = new double[PARAMETERS][n];
        double[] ev = new double[3];
        double[] theta0 = new double[PARAMETERS];
        double[] theta1 = new double[PARAMETERS];
        double[] score = new double[PARAMETERS];
        for (int e = 0; e < n; e++) {
            for (int j = 0; j < PARAMETERS; j++) {
                theta0[j] = low[j] + (high[j] - low[j]) * rng.nextDouble();
                theta1[j] = low[j] + (high[j] - low[j]) * rng.nextDouble();
                th0[j][e] = theta0[j];
                th1[j][e] = theta1[j];
            }
            check(theta0);
            check(theta1);
            y[e] = e % 2;
            sample(y[e] == 0 ? theta0 : theta1, rng, ev);
            x[0][e] = ev[0];
            x[1][e] = ev[1];
            r[e] = Math.exp(logJointRatio(ev[2], theta0, theta1));
            jointScore(ev[2], theta0, score);
            for (int j = 0; j < PARAMETERS; j++) {
                t0[j][e] = score[j];
            }
            jointScore(ev[2], theta1, score);
            for (int j = 0; j < PARAMETERS; j++) {
                t1[j][e] = score[j];
            }
        }
        return new AugmentedData(FEATURE_NAMES, PARAMETER_NAMES, x, th0, y, r, t0, null, th1, t1);
    }

    /** SALLY's data: n events at θ_ref with the joint score t(x,z|θ_ref). */
    public AugmentedData localScoreTrainingData(int n, double[] thetaRef, RandomGenerator rng) {
        check(thetaRef);
        double[][] x = new double[FEATURES][n];
        double[][] t = new double[PARAMETERS][n];
        double[] ev = new double[3];
        double[] score = new double[PARAMETERS];
        for (int e = 0; e < n; e++) {
            sample(thetaRef, rng, ev);
            x[0][e] = ev[0];
            x[1][e] = ev[1];
            jointScore(ev[2], thetaRef, score);
            t[0][e] = score[0];
            t[1][e] = score[1];
        }
        return new AugmentedData(FEATURE_NAMES, PARAMETER_NAMES, x, null, null, null, t, null);
    }

    /** x[feature][event] of n events at θ. */
    public double[][] sampleFeatures(int n, double[] theta, RandomGenerator rng) {
        double[][] x = new double[FEATURES][n];
        double[] ev = new double[3];
        for (int e = 0; e < n; e++) {
            sample(theta, rng, ev);
            x[0][e] = ev[0];
            x[1][e] = ev[1];
        }
        return x;
    }
}
