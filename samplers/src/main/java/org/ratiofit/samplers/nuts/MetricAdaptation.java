package org.ratiofit.samplers.nuts;

/**
 * Stan's windowed estimation of the inverse metric: an initial fast buffer, slow windows that
 * double in length, a terminal fast buffer. The estimate of each window is shrunk towards
 * 1e-3 times the identity: {@code n/(n+5) * C + 1e-3 * 5/(n+5) * I}.
 */
final class MetricAdaptation {
    private final boolean dense;
    private final int dim;
    private int numWarmup;
    private int initBuffer;
    private int termBuffer;
    private int baseWindow;
    private boolean enabled;

    private int windowCounter;
    private int windowSize;
    private int nextWindow;

    // Welford accumulators
    private long n;
    private final double[] mean;
    private final double[] m2;
    private final double[][] c2;
    private final double[] delta;

    MetricAdaptation(int dim, boolean dense) {
        this.dim = dim;
        this.dense = dense;
        this.mean = new double[dim];
        this.m2 = dense ? null : new double[dim];
        this.c2 = dense ? new double[dim][dim] : null;
        this.delta = new double[dim];
    }

    /** Returns a note when the warm-up is too short for the requested windows (Stan's 15/75/10 fallback). */
    String setWindowParams(int warmup, int init, int term, int base) {
        numWarmup = warmup;
        String note = null;
        if (warmup < 20) {
            enabled = false;
            return "warm-up of " + warmup + " iterations is shorter than 20: no metric adaptation";
        }
        enabled = true;
        if (init + base + term > warmup) {
            init = (int) (0.15 * warmup);
            term = (int) (0.1 * warmup);
            base = warmup - (init + term);
            note = "warm-up too short for the requested windows; using init_buffer = " + init
                    + ", adapt_window = " + base + ", term_buffer = " + term;
        }
        initBuffer = init;
        termBuffer = term;
        baseWindow = base;
        restart();
        return note;
    }

    boolean enabled() {
        return enabled;
    }

    private void restart() {
        windowCounter = 0;
        windowSize = baseWindow;
        nextWindow = initBuffer + windowSize - 1;
        resetEstimator();
    }

    private void resetEstimator() {
        n = 0;
        java.util.Arrays.fill(mean, 0);
        if (dense) {
            for (double[] row : c2) {
                java.util.Arrays.fill(row, 0);
            }
        } else {
            java.util.Arrays.fill(m2, 0);
        }
    }

    private boolean inWindow() {
        return windowCounter >= initBuffer && windowCounter < numWarmup - termBuffer && windowCounter != numWarmup;
    }

    private boolean endOfWindow() {
        return windowCounter == nextWindow && windowCounter != numWarmup;
    }

    private void computeNextWindow() {
        if (nextWindow == numWarmup - termBuffer - 1) {
            return;
        }
        windowSize *= 2;
        nextWindow = windowCounter + windowSize;
        if (nextWindow != numWarmup - termBuffer - 1) {
            int boundary = nextWindow + 2 * windowSize;
            if (boundary >= numWarmup - termBuffer) {
                nextWindow = numWarmup - termBuffer - 1;
            }
        }
    }

    private void add(double[] q) {
        n++;
        for (int i = 0; i < dim; i++) {
            delta[i] = q[i] - mean[i];
            mean[i] += delta[i] / n;
        }
        if (dense) {
            for (int i = 0; i < dim; i++) {
                double di = q[i] - mean[i];
                double[] row = c2[i];
                for (int j = 0; j < dim; j++) {
                    row[j] += delta[j] * di;
                }
            }
        } else {
            for (int i = 0; i < dim; i++) {
                m2[i] += delta[i] * (q[i] - mean[i]);
            }
        }
    }

    /**
     * Feeds one warm-up draw (unconstrained). At the end of a slow window writes the regularised
     * estimate into {@code invDiag} or {@code invDense} and returns true.
     */
    boolean learn(double[] q, double[] invDiag, double[][] invDense) {
        if (!enabled) {
            return false;
        }
        if (inWindow()) {
            add(q);
        }
        if (endOfWindow()) {
            computeNextWindow();
            double nn = n;
            double shrink = nn / (nn + 5.0);
            double ridge = 1e-3 * 5.0 / (nn + 5.0);
            if (dense) {
                for (int i = 0; i < dim; i++) {
                    for (int j = 0; j < dim; j++) {
                        double c = c2[i][j] / (nn - 1);
                        invDense[i][j] = shrink * c + (i == j ? ridge : 0);
                    }
                }
            } else {
                for (int i = 0; i < dim; i++) {
                    invDiag[i] = shrink * (m2[i] / (nn - 1)) + ridge;
                }
            }
            resetEstimator();
            windowCounter++;
            return true;
        }
        windowCounter++;
        return false;
    }
}
