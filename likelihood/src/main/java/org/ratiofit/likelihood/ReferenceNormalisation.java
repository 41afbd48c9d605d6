package org.ratiofit.likelihood;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/**
 * The per-sample normalisation N_p(alpha) = R_p prod_k K_pk(alpha_k) of an unbinned channel over
 * its reference events ({@link ShapeNormalisation#REFERENCE}), with d ln N_p / d alpha_k.
 *
 * <p>With reference weights w and W = sum w: R_p = sum w r_p / W, and
 * K_pk(alpha) = sum w r_p g_pk(x, alpha) / sum w r_p. Inside |alpha| &lt;= 1 the code-4 factor of
 * an event is linear in six per-event quantities with alpha-dependent weights
 * ({@link Interpolation#code4Weights}), so its reference average is that linear form over the six
 * averages, precomputed once: no pass over the events. Only the exponential branches (code 1, or
 * code 4 beyond |alpha| = 1) and the few events that use the log-space form
 * ({@link Code4Fallback}) take a pass, in fixed blocks reduced in order (the same bits for any
 * number of threads). Immutable, safe for concurrent use.
 */
final class ReferenceNormalisation {

    private static final int BLOCK = 8192;

    private final EventSet reference;
    private final List<UnbinnedSample> sampleList;
    private final List<String> parameterNames;
    private final int samples;
    private final int refEvents;
    /** R_p. */
    private final double[] closure;
    private final int[][] shapeParam;
    private final int[][] shapeCode;
    /** Per sample: w_i r_p(x_i) / W over the reference events. */
    private final double[][] wr;
    private final double[][][] lnUp;
    private final double[][][] lnDown;
    /** Per (p, k): sum over the polynomial events of w r / W, and of w r v_q / W for the six quantities. */
    private final double[][] polyWeight;
    private final double[][][] polyMoments;
    private final int[][][] fbIdx;

    ReferenceNormalisation(String channel, List<UnbinnedSample> sampleList, EventSet reference, Map<String, Integer> index,
                           List<String> parameterNames) {
        this.reference = reference;
        this.sampleList = sampleList;
        this.parameterNames = parameterNames;
        samples = sampleList.size();
        refEvents = reference.events();
        double[] w = reference.weights();
        double total = 0;
        for (int i = 0; i < refEvents; i++) {
            total += w == null ? 1 : w[i];
        }
        if (!(total > 0) || Double.isInfinite(total)) {
            throw new IllegalArgumentException("channel '" + channel + "': the reference weights sum to " + total
                    + "; normalising the samples' densities needs a positive finite sum");
        }
        closure = new double[samples];
        shapeParam = new int[samples][];
        shapeCode = new int[samples][];
        wr = new double[samples][];
        lnUp = new double[samples][][];
        lnDown = new double[samples][][];
        polyWeight = new double[samples][];
        polyMoments = new double[samples][][];
        fbIdx = new int[samples][][];
        for (int p = 0; p < samples; p++) {
            UnbinnedSample s = sampleList.get(p);
            SampleColumns c = reference.columns().get(s.name());
            double[] lr = c.logRatio();
            double[] x = new double[refEvents];
            double sum = 0;
            for (int i = 0; i < refEvents; i++) {
                x[i] = (w == null ? 1 : w[i]) * Math.exp(lr[i]) / total;
                sum += x[i];
            }
            if (!(sum > 0) || Double.isInfinite(sum)) {
                throw new IllegalArgumentException("channel '" + channel + "' sample '" + s.name() + "': the reference average of its ratio is "
                        + sum + "; the sample's density cannot be normalised (ratios of 0 or overflowing log-ratios on the reference events?)");
            }
            closure[p] = sum;
            wr[p] = x;
            List<Modifier.ShapeSys> shapes = s.shapeSystematics();
            int k = shapes.size();
            shapeParam[p] = new int[k];
            shapeCode[p] = new int[k];
            lnUp[p] = new double[k][];
            lnDown[p] = new double[k][];
            polyWeight[p] = new double[k];
            polyMoments[p] = new double[k][6];
            fbIdx[p] = new int[k][];
            for (int j = 0; j < k; j++) {
                shapeParam[p][j] = index.get(shapes.get(j).parameter());
                shapeCode[p][j] = shapes.get(j).code();
                double[] u = c.shapeUp().get(j);
                double[] d = c.shapeDown().get(j);
                double[] lu = new double[refEvents];
                double[] ld = new double[refEvents];
                for (int i = 0; i < refEvents; i++) {
                    lu[i] = Math.log(u[i]);
                    ld[i] = Math.log(d[i]);
                }
                lnUp[p][j] = lu;
                lnDown[p][j] = ld;
                int[] flagged = shapeCode[p][j] == 4 ? UnbinnedKernel.fallbackEvents(u, d, lu, ld) : new int[0];
                fbIdx[p][j] = flagged;
                if (shapeCode[p][j] == 4) {
                    boolean[] skip = new boolean[refEvents];
                    for (int i : flagged) {
                        skip[i] = true;
                    }
                    double pw = 0;
                    double[] m = polyMoments[p][j];
                    for (int i = 0; i < refEvents; i++) {
                        if (skip[i]) {
                            continue;
                        }
                        double xi = x[i];
                        double ul = u[i] * lu[i];
                        double dl = d[i] * ld[i];
                        pw += xi;
                        m[0] += xi * (u[i] - 1);
                        m[1] += xi * (d[i] - 1);
                        m[2] += xi * ul;
                        m[3] += xi * dl;
                        m[4] += xi * ul * lu[i];
                        m[5] += xi * dl * ld[i];
                    }
                    polyWeight[p][j] = pw;
                }
            }
        }
    }

    /** Whether this normalisation was computed for these samples, reference events and parameters. */
    boolean matches(List<UnbinnedSample> s, EventSet ref, List<String> names) {
        return ref == reference && s.equals(sampleList) && names.equals(parameterNames);
    }

    double closure(int p) {
        return closure[p];
    }

    int referenceEvents() {
        return refEvents;
    }

    int fallbackCount(int p, int k) {
        return fbIdx[p][k].length;
    }

    /**
     * Fills {@code norm[p]} = N_p(theta) and, when {@code dlog} is not null, dlog[p][k] =
     * d ln K_pk / d alpha_k (per shapesys modifier k of sample p).
     */
    void evaluate(double[] theta, double[] norm, double[][] dlog, ForkJoinPool pool) {
        for (int p = 0; p < samples; p++) {
            double np = closure[p];
            for (int k = 0; k < shapeParam[p].length; k++) {
                double[] kd = factor(p, k, theta[shapeParam[p][k]], pool);
                np *= kd[0];
                if (dlog != null) {
                    dlog[p][k] = kd[1] / kd[0];
                }
            }
            norm[p] = np;
        }
    }

    /** {K_pk(alpha), dK_pk/dalpha}. */
    double[] factor(int p, int k, double alpha, ForkJoinPool pool) {
        double r = closure[p];
        int[] flagged = fbIdx[p][k];
        if (shapeCode[p][k] == 4 && alpha >= -1 && alpha <= 1) {
            double[] wt = Interpolation.code4Weights(alpha);
            double[] m = polyMoments[p][k];
            double v = polyWeight[p][k];
            double g = 0;
            for (int q = 0; q < 6; q++) {
                v += wt[q] * m[q];
                g += wt[6 + q] * m[q];
            }
            if (flagged.length > 0) {
                double[] cf = Code4Fallback.logCoefficients(alpha);
                double[] x = wr[p];
                double[] lu = lnUp[p][k];
                double[] ld = lnDown[p][k];
                for (int i : flagged) {
                    double e = x[i] * Math.exp(cf[0] * lu[i] + cf[1] * ld[i]);
                    v += e;
                    g += e * (cf[2] * lu[i] + cf[3] * ld[i]);
                }
            }
            return new double[] {v / r, g / r};
        }
        // exponential branch for every event (code 1, or code 4 outside |alpha| <= 1)
        boolean pos = alpha >= 0;
        double[] e = pos ? lnUp[p][k] : lnDown[p][k];
        double a = pos ? alpha : -alpha;
        double sgn = pos ? 1 : -1;
        double[] x = wr[p];
        int nBlocks = (refEvents + BLOCK - 1) / BLOCK;
        double[] partial = new double[2 * nBlocks];
        java.util.function.IntConsumer block = b -> {
            int lo = b * BLOCK;
            int hi = Math.min(refEvents, lo + BLOCK);
            double sv = 0;
            double sg = 0;
            for (int i = lo; i < hi; i++) {
                double t = x[i] * Math.exp(a * e[i]);
                sv += t;
                sg += t * e[i];
            }
            partial[2 * b] = sv;
            partial[2 * b + 1] = sg;
        };
        if (pool == null || nBlocks <= 1) {
            for (int b = 0; b < nBlocks; b++) {
                block.accept(b);
            }
        } else {
            pool.submit(() -> IntStream.range(0, nBlocks).parallel().forEach(block)).join();
        }
        double v = 0;
        double g = 0;
        for (int b = 0; b < nBlocks; b++) {
            v += partial[2 * b];
            g += partial[2 * b + 1];
        }
        return new double[] {v / r, sgn * g / r};
    }
}
