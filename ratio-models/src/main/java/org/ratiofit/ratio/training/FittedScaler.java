package org.ratiofit.ratio.training;

import java.util.List;
import org.hipparchus.analysis.UnivariateFunction;
import org.hipparchus.optim.MaxEval;
import org.hipparchus.optim.nonlinear.scalar.GoalType;
import org.hipparchus.optim.univariate.BracketFinder;
import org.hipparchus.optim.univariate.BrentOptimizer;
import org.hipparchus.optim.univariate.SearchInterval;
import org.hipparchus.optim.univariate.UnivariateObjectiveFunction;
import org.hipparchus.optim.univariate.UnivariatePointValuePair;

/**
 * A fitted feature scaler: per feature, x' = (t(x) − offset)/scale with t the identity or the
 * Yeo-Johnson transform with λ. Unscaled features have offset 0, scale 1 and no transform.
 * Min-max onto [lo, hi] is written in the same form: offset = min − lo·(max−min)/(hi−lo),
 * scale = (max−min)/(hi−lo).
 */
public record FittedScaler(int formatVersion, ScalerKind kind, List<String> features, boolean[] scaled,
        double[] lambda, double[] offset, double[] scale, double rangeLow, double rangeHigh) {

    public static final int FORMAT_VERSION = 1;
    /** scikit-learn's np.spacing(1.0): below it λ counts as 0 (or 2) */
    private static final double EPS = Math.ulp(1.0);

    /** Fits on the given (training) events only. */
    public static FittedScaler fit(TrainingData data, int[] events, ScalerKind kind, double rangeLow,
            double rangeHigh) {
        int d = data.numFeatures();
        boolean[] sc = new boolean[d];
        double[] lam = new double[d];
        double[] off = new double[d];
        double[] s = new double[d];
        for (int j = 0; j < d; j++) {
            s[j] = 1.0;
            lam[j] = Double.NaN;
            sc[j] = kind != ScalerKind.NONE && data.scaledFeatures().contains(data.features().get(j));
            if (!sc[j]) {
                continue;
            }
            double[] x = new double[events.length];
            double[] col = data.column(j);
            for (int k = 0; k < events.length; k++) {
                x[k] = col[events[k]];
            }
            switch (kind) {
                case STANDARD -> {
                    double[] ms = meanStd(x);
                    off[j] = ms[0];
                    s[j] = ms[1] > 0 ? ms[1] : 1.0;
                }
                case MIN_MAX -> {
                    if (!(rangeHigh > rangeLow)) {
                        throw new IllegalArgumentException("min-max range [" + rangeLow + ", " + rangeHigh + "] is empty");
                    }
                    double min = Double.POSITIVE_INFINITY;
                    double max = Double.NEGATIVE_INFINITY;
                    for (double v : x) {
                        min = Math.min(min, v);
                        max = Math.max(max, v);
                    }
                    double span = max > min ? max - min : 1.0;
                    s[j] = span / (rangeHigh - rangeLow);
                    off[j] = min - rangeLow * s[j];
                }
                case YEO_JOHNSON -> {
                    lam[j] = yeoJohnsonLambda(x);
                    double[] t = new double[x.length];
                    for (int k = 0; k < x.length; k++) {
                        t[k] = yeoJohnson(x[k], lam[j]);
                    }
                    double[] ms = meanStd(t);
                    off[j] = ms[0];
                    s[j] = ms[1] > 0 ? ms[1] : 1.0;
                }
                default -> throw new IllegalStateException(kind.toString());
            }
        }
        return new FittedScaler(FORMAT_VERSION, kind, data.features(), sc, lam, off, s, rangeLow, rangeHigh);
    }

    public double apply(int feature, double x) {
        if (!scaled[feature]) {
            return x;
        }
        double t = kind == ScalerKind.YEO_JOHNSON ? yeoJohnson(x, lambda[feature]) : x;
        return (t - offset[feature]) / scale[feature];
    }

    /** Scaled rows of the given events, row-major float32 (the network's input). */
    public float[] transformRows(TrainingData data, int[] events) {
        int d = data.numFeatures();
        float[] out = new float[events.length * d];
        for (int j = 0; j < d; j++) {
            double[] col = data.column(j);
            for (int k = 0; k < events.length; k++) {
                out[k * d + j] = (float) apply(j, col[events[k]]);
            }
        }
        return out;
    }

    /** Scaled rows of a table of raw rows. */
    public float[] transformRows(double[][] rows) {
        int d = features.size();
        float[] out = new float[rows.length * d];
        for (int k = 0; k < rows.length; k++) {
            for (int j = 0; j < d; j++) {
                out[k * d + j] = (float) apply(j, rows[k][j]);
            }
        }
        return out;
    }

    static double[] meanStd(double[] x) {
        double m = 0;
        for (double v : x) {
            m += v;
        }
        m /= x.length;
        double v2 = 0;
        for (double v : x) {
            v2 += (v - m) * (v - m);
        }
        return new double[] {m, Math.sqrt(v2 / x.length)};
    }

    /** The Yeo-Johnson transform (Yeo and Johnson 2000), as scikit-learn writes it. */
    public static double yeoJohnson(double x, double lambda) {
        if (x >= 0) {
            return Math.abs(lambda) < EPS ? Math.log1p(x) : (Math.pow(x + 1, lambda) - 1) / lambda;
        }
        return Math.abs(lambda - 2) < EPS ? -Math.log1p(-x)
                : -(Math.pow(-x + 1, 2 - lambda) - 1) / (2 - lambda);
    }

    /**
     * The profile log-likelihood of λ for a normal model of the transformed data:
     * −n/2 ln var(t(x)) + (λ − 1) Σ sign(x) ln(1 + |x|).
     */
    public static double yeoJohnsonLogLikelihood(double[] x, double lambda) {
        double[] t = new double[x.length];
        double jac = 0;
        for (int k = 0; k < x.length; k++) {
            t[k] = yeoJohnson(x[k], lambda);
            jac += Math.signum(x[k]) * Math.log1p(Math.abs(x[k]));
        }
        double var = meanStd(t)[1];
        var *= var;
        if (!(var > Double.MIN_NORMAL) || !Double.isFinite(var)) {
            return Double.NEGATIVE_INFINITY;
        }
        return -0.5 * x.length * Math.log(var) + (lambda - 1) * jac;
    }

    /** λ by maximum likelihood: bracket from (−2, 2) downhill, then Brent, as scikit-learn does with scipy's brent. */
    public static double yeoJohnsonLambda(double[] x) {
        UnivariateFunction negLl = l -> {
            double ll = yeoJohnsonLogLikelihood(x, l);
            return Double.isFinite(ll) ? -ll : Double.MAX_VALUE;
        };
        BracketFinder bracket = new BracketFinder(100, 500);
        bracket.search(negLl, GoalType.MINIMIZE, -2.0, 2.0);
        BrentOptimizer brent = new BrentOptimizer(1e-12, 1e-14);
        UnivariatePointValuePair p = brent.optimize(new MaxEval(1000), new UnivariateObjectiveFunction(negLl),
                GoalType.MINIMIZE,
                new SearchInterval(Math.min(bracket.getLo(), bracket.getHi()), Math.max(bracket.getLo(), bracket.getHi()),
                        bracket.getMid()));
        return p.getPoint();
    }
}
