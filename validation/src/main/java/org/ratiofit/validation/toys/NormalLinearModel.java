package org.ratiofit.validation.toys;

import java.util.ArrayList;
import java.util.List;
import org.hipparchus.distribution.continuous.GammaDistribution;
import org.hipparchus.distribution.continuous.TDistribution;
import org.hipparchus.linear.Array2DRowRealMatrix;
import org.hipparchus.linear.CholeskyDecomposition;
import org.hipparchus.linear.RealMatrix;
import org.hipparchus.random.RandomDataGenerator;
import org.hipparchus.random.Well19937c;
import org.hipparchus.special.Gamma;
import org.ratiofit.objective.Objective;
import org.ratiofit.objective.ParameterSpec;

/**
 * The normal linear model y_i = Σ_k β_k X_k(i) + ε_i, ε_i ~ N(0, σ), with its exact posterior under
 * flat priors on the coefficients β and on σ > 0. The per-event mean m_i = Σ_k β_k X_k(i) is a
 * linear predictor: with the normal-model ratio r(y | m, σ) of {@link NormalMeanSigma} evaluated at
 * a θ per event, summed log-ratios give this model's log-likelihood up to a constant. A single
 * column of ones is {@link NormalMeanSigma} itself; {@link #regression} is the straight line
 * y = a + b·x.
 *
 * <p>With S the residual sum of squares at the least-squares β̂ and p coefficients, the posterior
 * is p(β, σ | y) ∝ σ^(−n) exp(−[S + (β − β̂)ᵀXᵀX(β − β̂)]/(2σ²)). Integrating σ out leaves a
 * multivariate Student t for β with ν = n − p − 1 degrees of freedom, location β̂ and scale matrix
 * (S/ν)(XᵀX)⁻¹, so each coefficient is a t_ν with scale √((S/ν)[(XᵀX)⁻¹]_kk); integrating β out
 * leaves 1/σ² ~ Gamma(shape (n − p − 1)/2, rate S/2).
 */
public final class NormalLinearModel {

    private final List<String> names;
    private final double[][] design;
    private final double[] y;
    private final double[] betaHat;
    private final double[][] xtx;
    private final double[][] xtxInverse;
    private final double rss;

    /**
     * @param coefficientNames names of β, one per design column
     * @param design           covariate columns, [coefficient][event]
     * @param y                observations
     */
    public NormalLinearModel(List<String> coefficientNames, double[][] design, double[] y) {
        int p = design.length;
        int n = y.length;
        if (coefficientNames.size() != p || p == 0) {
            throw new IllegalArgumentException("need one name per design column: " + p + " columns, names " + coefficientNames);
        }
        if (n < p + 4) {
            // nu = n - p - 1 > 2 keeps the posterior variance of every coefficient finite
            throw new IllegalArgumentException("the normal linear model with " + p + " coefficients needs at least " + (p + 4)
                    + " observations for posterior variances, got " + n);
        }
        for (int k = 0; k < p; k++) {
            if (design[k].length != n) {
                throw new IllegalArgumentException("design column '" + coefficientNames.get(k) + "' has " + design[k].length
                        + " rows, y has " + n);
            }
        }
        this.names = List.copyOf(coefficientNames);
        this.design = new double[p][];
        for (int k = 0; k < p; k++) {
            this.design[k] = design[k].clone();
        }
        this.y = y.clone();
        double[][] a = new double[p][p];
        double[] xty = new double[p];
        for (int k = 0; k < p; k++) {
            for (int l = 0; l < p; l++) {
                double s = 0;
                for (int i = 0; i < n; i++) {
                    s += design[k][i] * design[l][i];
                }
                a[k][l] = s;
            }
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += design[k][i] * y[i];
            }
            xty[k] = s;
        }
        CholeskyDecomposition chol = new CholeskyDecomposition(new Array2DRowRealMatrix(a, true));
        RealMatrix inv = chol.getSolver().getInverse();
        this.xtx = a;
        this.xtxInverse = inv.getData();
        this.betaHat = chol.getSolver().solve(new org.hipparchus.linear.ArrayRealVector(xty)).toArray();
        double s = 0;
        for (int i = 0; i < n; i++) {
            double r = y[i] - mean(betaHat, i);
            s += r * r;
        }
        this.rss = s;
    }

    /** The straight line y = a + b·x (coefficients "a", "b"). */
    public static NormalLinearModel regression(double[] x, double[] y) {
        double[] ones = new double[x.length];
        java.util.Arrays.fill(ones, 1);
        return new NormalLinearModel(List.of("a", "b"), new double[][] {ones, x}, y);
    }

    /** {x, y}: x uniform in [xLo, xHi], y = a + b·x + N(0, sigma). */
    public static double[][] sampleRegression(int n, double a, double b, double sigma, double xLo, double xHi, long seed) {
        RandomDataGenerator rng = RandomDataGenerator.of(new Well19937c(seed));
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = rng.nextUniform(xLo, xHi);
            y[i] = a + b * x[i] + rng.nextNormal(0, sigma);
        }
        return new double[][] {x, y};
    }

    private double mean(double[] beta, int i) {
        double m = 0;
        for (int k = 0; k < beta.length; k++) {
            m += beta[k] * design[k][i];
        }
        return m;
    }

    public List<String> coefficientNames() {
        return names;
    }

    public int observations() {
        return y.length;
    }

    /** Least-squares (and posterior-mode) coefficients β̂. */
    public double[] leastSquares() {
        return betaHat.clone();
    }

    /** Residual sum of squares S at β̂. */
    public double residualSumOfSquares() {
        return rss;
    }

    /** ν = n − p − 1, the degrees of freedom of the coefficients' posterior. */
    public int degreesOfFreedom() {
        return y.length - design.length - 1;
    }

    /** Exact marginal posterior of coefficient {@code k}. */
    public LocationScaleT posteriorCoefficient(int k) {
        double nu = degreesOfFreedom();
        return new LocationScaleT(nu, betaHat[k], Math.sqrt(rss / nu * xtxInverse[k][k]));
    }

    public LocationScaleT posteriorCoefficient(String name) {
        int k = names.indexOf(name);
        if (k < 0) {
            throw new IllegalArgumentException("no coefficient '" + name + "'; the coefficients are " + names);
        }
        return posteriorCoefficient(k);
    }

    /** Exact posterior correlation of coefficients {@code k} and {@code l} (that of the scale matrix). */
    public double posteriorCorrelation(int k, int l) {
        return xtxInverse[k][l] / Math.sqrt(xtxInverse[k][k] * xtxInverse[l][l]);
    }

    /** Exact marginal posterior of σ. */
    public SigmaPosterior posteriorSigma() {
        return new SigmaPosterior(degreesOfFreedom() / 2.0, rss / 2);
    }

    /** Parameters: the coefficients (free, started at β̂), then sigma (bounded below by 0). */
    public List<ParameterSpec> parameters() {
        List<ParameterSpec> out = new ArrayList<>();
        for (int k = 0; k < names.size(); k++) {
            out.add(ParameterSpec.free(names.get(k), betaHat[k], posteriorCoefficient(k).sd()));
        }
        out.add(ParameterSpec.bounded("sigma", Math.sqrt(rss / y.length), 0.2 * Math.sqrt(rss / y.length), 0.0, Double.POSITIVE_INFINITY));
        return out;
    }

    /**
     * −Σ ln N(y_i; m_i, σ) with constants dropped, from the sufficient statistics, with its exact
     * gradient; errordef 0.5 (so NUTS samples exp(−nll)).
     */
    public Objective nll() {
        List<ParameterSpec> params = parameters();
        int p = names.size();
        int n = y.length;
        return new Objective() {
            @Override public List<ParameterSpec> parameters() { return params; }
            @Override public double errorDef() { return 0.5; }
            @Override public boolean hasGradient() { return true; }
            @Override public double value(double[] v) { return valueAndGradient(v, new double[p + 1]); }

            @Override
            public double valueAndGradient(double[] v, double[] g) {
                double sigma = v[p];
                if (!(sigma > 0)) {
                    java.util.Arrays.fill(g, Double.NaN);
                    return Double.POSITIVE_INFINITY;
                }
                // Q(β) = S + (β − β̂)ᵀ XᵀX (β − β̂)
                double q = rss;
                double s2 = sigma * sigma;
                for (int k = 0; k < p; k++) {
                    double dq = 0;
                    for (int l = 0; l < p; l++) {
                        dq += xtx[k][l] * (v[l] - betaHat[l]);
                    }
                    q += (v[k] - betaHat[k]) * dq;
                    g[k] = dq / s2;
                }
                g[p] = n / sigma - q / (s2 * sigma);
                return n * Math.log(sigma) + q / (2 * s2);
            }
        };
    }

    /** A Student t with {@code nu} degrees of freedom moved to {@code location} and stretched by {@code scale}. */
    public record LocationScaleT(double nu, double location, double scale) {
        public double cdf(double v) {
            return new TDistribution(nu).cumulativeProbability((v - location) / scale);
        }

        public double density(double v) {
            return new TDistribution(nu).density((v - location) / scale) / scale;
        }

        public double mean() {
            return location;
        }

        public double sd() {
            return scale * Math.sqrt(nu / (nu - 2));
        }

        public double quantile(double p) {
            return location + scale * new TDistribution(nu).inverseCumulativeProbability(p);
        }
    }

    /** σ when the precision 1/σ² follows Gamma(shape, rate). */
    public record SigmaPosterior(double shape, double rate) {
        public double cdf(double sigma) {
            if (!(sigma > 0)) {
                return 0;
            }
            return 1 - new GammaDistribution(shape, 1 / rate).cumulativeProbability(1 / (sigma * sigma));
        }

        public double density(double sigma) {
            if (!(sigma > 0)) {
                return 0;
            }
            return new GammaDistribution(shape, 1 / rate).density(1 / (sigma * sigma)) * 2 / (sigma * sigma * sigma);
        }

        /** E[σ] = √rate · Γ(shape − ½)/Γ(shape). */
        public double mean() {
            return Math.sqrt(rate) * Math.exp(Gamma.logGamma(shape - 0.5) - Gamma.logGamma(shape));
        }

        /** From E[σ²] = rate/(shape − 1). */
        public double sd() {
            double m = mean();
            return Math.sqrt(rate / (shape - 1) - m * m);
        }

        public double quantile(double p) {
            return 1 / Math.sqrt(new GammaDistribution(shape, 1 / rate).inverseCumulativeProbability(1 - p));
        }
    }
}
