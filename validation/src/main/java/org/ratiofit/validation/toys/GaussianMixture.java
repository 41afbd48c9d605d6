package org.ratiofit.validation.toys;

import org.hipparchus.random.RandomDataGenerator;
import org.hipparchus.random.Well19937c;

/**
 * A multi-dimensional mixture of axis-aligned Gaussians: two of them make a pair of hypotheses
 * with an exact log-ratio, for checking ensembles, calibration and closure on data that is harder
 * than one Gaussian against another.
 */
public final class GaussianMixture {

    private final double[] weights;
    private final double[][] means;
    private final double[][] widths;
    private final int dim;

    /**
     * @param weights component weights (normalised here)
     * @param means   component means, [component][dimension]
     * @param widths  component standard deviations per dimension, [component][dimension]
     */
    public GaussianMixture(double[] weights, double[][] means, double[][] widths) {
        if (weights.length == 0 || weights.length != means.length || weights.length != widths.length) {
            throw new IllegalArgumentException("a mixture needs as many weights, means and widths as components");
        }
        this.dim = means[0].length;
        double total = 0;
        for (int k = 0; k < weights.length; k++) {
            if (!(weights[k] > 0)) {
                throw new IllegalArgumentException("component " + k + ": weight must be positive, got " + weights[k]);
            }
            if (means[k].length != dim || widths[k].length != dim) {
                throw new IllegalArgumentException("component " + k + ": expected " + dim + " dimensions");
            }
            for (double w : widths[k]) {
                if (!(w > 0)) {
                    throw new IllegalArgumentException("component " + k + ": widths must be positive");
                }
            }
            total += weights[k];
        }
        this.weights = new double[weights.length];
        for (int k = 0; k < weights.length; k++) {
            this.weights[k] = weights[k] / total;
        }
        this.means = deepCopy(means);
        this.widths = deepCopy(widths);
    }

    public int dimension() {
        return dim;
    }

    /** Number of components. */
    public int components() {
        return weights.length;
    }

    /** Normalised weight of component {@code k}. */
    public double weight(int k) {
        return weights[k];
    }

    /** Mean of component {@code k} along dimension {@code d}. */
    public double mean(int k, int d) {
        return means[k][d];
    }

    /** Standard deviation of component {@code k} along dimension {@code d}. */
    public double width(int k, int d) {
        return widths[k][d];
    }

    /** ln p(x) by log-sum-exp over components. */
    public double logDensity(double[] x) {
        double max = Double.NEGATIVE_INFINITY;
        double[] terms = new double[weights.length];
        for (int k = 0; k < weights.length; k++) {
            double t = Math.log(weights[k]);
            for (int d = 0; d < dim; d++) {
                double z = (x[d] - means[k][d]) / widths[k][d];
                t += -0.5 * z * z - Math.log(widths[k][d]) - 0.5 * Math.log(2 * Math.PI);
            }
            terms[k] = t;
            max = Math.max(max, t);
        }
        double s = 0;
        for (double t : terms) {
            s += Math.exp(t - max);
        }
        return max + Math.log(s);
    }

    /** The exact per-event log-ratio ln p_num(x)/p_den(x) over columns (structure of arrays). */
    public static double[] logRatio(GaussianMixture numerator, GaussianMixture denominator, double[][] columns) {
        int n = columns[0].length;
        double[] out = new double[n];
        double[] x = new double[columns.length];
        for (int i = 0; i < n; i++) {
            for (int d = 0; d < columns.length; d++) {
                x[d] = columns[d][i];
            }
            out[i] = numerator.logDensity(x) - denominator.logDensity(x);
        }
        return out;
    }

    /** {@code n} draws as columns, [dimension][event]. */
    public double[][] sample(int n, long seed) {
        RandomDataGenerator rng = RandomDataGenerator.of(new Well19937c(seed));
        double[][] cols = new double[dim][n];
        for (int i = 0; i < n; i++) {
            double u = rng.nextDouble();
            int k = 0;
            double c = weights[0];
            while (u > c && k < weights.length - 1) {
                k++;
                c += weights[k];
            }
            for (int d = 0; d < dim; d++) {
                cols[d][i] = rng.nextNormal(means[k][d], widths[k][d]);
            }
        }
        return cols;
    }

    private static double[][] deepCopy(double[][] a) {
        double[][] b = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            b[i] = a[i].clone();
        }
        return b;
    }
}
