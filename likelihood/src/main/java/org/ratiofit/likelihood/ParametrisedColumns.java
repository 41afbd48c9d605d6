package org.ratiofit.likelihood;

import java.util.Arrays;
import java.util.List;

/**
 * The columns of a sample whose log-ratio depends on θ ({@link ParametrisedLogRatio}) in one event
 * set: the log-ratio and its θ-gradient, one primitive array per row, refreshed in place by
 * {@link #update} when θ changes and kept for repeated calls at the same θ. The model's event loop
 * reads these arrays directly (the log-ratio is the sample's {@link SampleColumns#logRatio()}).
 * Updates and the passes that read the arrays run under {@link #LOCK}.
 */
public final class ParametrisedColumns {

    /** Serialises the updates of every parametrised column set and the passes over them (one JVM-wide lock). */
    static final Object LOCK = new Object();

    private final ParametrisedLogRatio function;
    private final double[] logRatio;
    private final double[][] gradient;
    private double[] at;
    private long evaluations;

    /** Evaluates the function once at {@code theta} (its parameters' order) so that the columns hold finite values from the start. */
    public ParametrisedColumns(ParametrisedLogRatio function, double[] theta) {
        this.function = function;
        int n = function.events();
        int k = function.parameters().size();
        if (theta.length != k) {
            throw new IllegalArgumentException("parametrised log-ratio over " + function.parameters() + ": " + theta.length + " start values");
        }
        logRatio = new double[n];
        gradient = new double[k][n];
        synchronized (LOCK) {
            update(theta);
        }
    }

    public ParametrisedLogRatio function() {
        return function;
    }

    public List<String> parameters() {
        return function.parameters();
    }

    public int events() {
        return logRatio.length;
    }

    /** The log-ratio column at the last θ (the array itself: read only). */
    double[] logRatio() {
        return logRatio;
    }

    /** The gradient columns at the last θ (the arrays themselves: read only). */
    double[][] gradient() {
        return gradient;
    }

    /** How many times the function was evaluated (the cache's misses). */
    public long evaluations() {
        return evaluations;
    }

    /** θ of the current columns. */
    public double[] theta() {
        return at.clone();
    }

    /** Evaluates the function at θ unless the columns already hold it; call under {@link #LOCK}. */
    void update(double[] theta) {
        if (at != null && Arrays.equals(at, theta)) {
            return;
        }
        function.evaluate(theta.clone(), logRatio, gradient);
        at = theta.clone();
        evaluations++;
    }

    /** Copies of the current columns: log-ratio, then one gradient row per parameter (for tests and inspection). */
    public double[][] snapshot(double[] theta) {
        synchronized (LOCK) {
            update(theta);
            double[][] out = new double[1 + gradient.length][];
            out[0] = logRatio.clone();
            for (int k = 0; k < gradient.length; k++) {
                out[1 + k] = gradient[k].clone();
            }
            return out;
        }
    }
}
